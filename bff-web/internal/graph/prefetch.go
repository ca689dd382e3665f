package graph

import (
	"context"
	"slices"

	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/budget"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/lookahead"
	"github.com/frontdesk/frontdesk/shared/relay"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// A list resolver knows every key its children will load. The prefetch
// helpers below load them before the list resolver returns, one batch per
// service and all services at once, for the fields the query selects (path is
// where the list's items sit in the selection, e.g. "edges", "node"). The
// children then read the request's loader cache, so the calls per level do
// not depend on their loads arriving within the loader's wait window. Stock is
// keyed by product id, which order lines already carry, so it loads alongside
// the products.

// selects reports whether the query selects field below path.
func selects(ctx context.Context, path []string, field ...string) bool {
	return lookahead.Selects(ctx, append(slices.Clone(path), field...)...)
}

func prefetchOrders(ctx context.Context, os []orders.Order, path ...string) {
	ctx = budget.Optional(ctx) // for the fields below: optional data
	l, ok := loader.FromContext(ctx)
	if !ok || len(os) == 0 {
		return
	}
	var users, pays, products []string
	for _, o := range os {
		users = append(users, o.UserID)
		if o.PaymentID != nil {
			pays = append(pays, *o.PaymentID)
		}
		for _, it := range o.Items {
			products = append(products, it.ProductID)
		}
	}
	var fetches []func()
	if selects(ctx, path, "customer") {
		fetches = append(fetches, func() { l.Users.Prefetch(ctx, users) })
	}
	if selects(ctx, path, "payment") {
		fetches = append(fetches, func() { l.Payments.Prefetch(ctx, pays) })
	}
	if productPath := append(slices.Clone(path), "items", "product"); selects(ctx, productPath) {
		fetches = append(fetches, func() { l.Products.Prefetch(ctx, products) })
		fetches = append(fetches, productFetches(ctx, l, products, productPath)...)
	}
	loader.Together(fetches...)
}

func prefetchProducts(ctx context.Context, ps []catalog.Product, path ...string) {
	ctx = budget.Optional(ctx) // for the fields below: optional data
	l, ok := loader.FromContext(ctx)
	if !ok || len(ps) == 0 {
		return
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	loader.Together(productFetches(ctx, l, ids, path)...)
}

// productFetches are the per-product loads the query selects below path.
func productFetches(ctx context.Context, l *loader.Loaders, ids, path []string) []func() {
	var fetches []func()
	if selects(ctx, path, "inventory") {
		fetches = append(fetches, func() { l.Stock.Prefetch(ctx, ids) })
	}
	if selects(ctx, path, "rating") {
		fetches = append(fetches, func() { l.ReviewSummaries.Prefetch(ctx, ids) })
	}
	reviewsPath := append(slices.Clone(path), "reviews")
	for _, args := range lookahead.Arguments(ctx, reviewsPath...) {
		w, err := relay.NewWindow(lookahead.Int(args["first"]), stringArg(args["after"]), 20, maxPage)
		if err != nil {
			continue // the resolver reports it
		}
		var status *model.ReviewStatus
		if s, ok := args["status"].(string); ok {
			st := model.ReviewStatus(s)
			status = &st
		}
		keys := make([]loader.ProductReviewsKey, len(ids))
		for i, id := range ids {
			keys[i] = loader.ProductReviewsKey{ProductID: id, Status: reviewStatus(status), Limit: w.Limit, Offset: w.Offset}
		}
		fetches = append(fetches, func() {
			pages, errs := l.ProductReviews.LoadMany(ctx, keys)
			prefetchReviews(ctx, loaded(pages, errs, pageReviews), append(slices.Clone(reviewsPath), "edges", "node")...)
		})
	}
	return fetches
}

// prefetchCustomers loads what a customer list's children ask for: each
// customer's page of orders (one round of parallel calls for the whole list)
// and, below them, what the orders' children ask for.
func prefetchCustomers(ctx context.Context, us []users.User, path ...string) {
	ctx = budget.Optional(ctx) // for the fields below: optional data
	l, ok := loader.FromContext(ctx)
	if !ok || len(us) == 0 {
		return
	}
	ordersPath := append(slices.Clone(path), "orders")
	var fetches []func()
	for _, args := range lookahead.Arguments(ctx, ordersPath...) {
		w, err := relay.NewWindow(lookahead.Int(args["first"]), stringArg(args["after"]), 20, maxPage)
		if err != nil {
			continue // the resolver reports it
		}
		keys := make([]loader.UserOrdersKey, len(us))
		for i, u := range us {
			keys[i] = loader.UserOrdersKey{UserID: u.ID, Limit: w.Limit, Offset: w.Offset}
		}
		fetches = append(fetches, func() {
			pages, errs := l.UserOrders.LoadMany(ctx, keys)
			prefetchOrders(ctx, loaded(pages, errs, pageOrders), append(slices.Clone(ordersPath), "edges", "node")...)
		})
	}
	loader.Together(fetches...)
}

// stringArg reads a String argument of lookahead.Arguments: nil when absent
// or null.
func stringArg(v any) *string {
	if s, ok := v.(string); ok {
		return &s
	}
	return nil
}

func prefetchReviews(ctx context.Context, rs []reviews.Review, path ...string) {
	ctx = budget.Optional(ctx) // for the fields below: optional data
	l, ok := loader.FromContext(ctx)
	if !ok || len(rs) == 0 {
		return
	}
	var products, authors []string
	for _, r := range rs {
		products = append(products, r.ProductID)
		authors = append(authors, r.UserID)
	}
	var fetches []func()
	if selects(ctx, path, "product") {
		fetches = append(fetches, func() { l.Products.Prefetch(ctx, products) })
	}
	if selects(ctx, path, "author") {
		fetches = append(fetches, func() { l.Users.Prefetch(ctx, authors) })
	}
	loader.Together(fetches...)
}

// loaded returns the items of every page that loaded (no error at its
// index), in page order: what a level below a batch of pages prefetches.
func loaded[P, T any](pages []P, errs []error, items func(P) []T) []T {
	var all []T
	for i, page := range pages {
		if errs == nil || errs[i] == nil {
			all = append(all, items(page)...)
		}
	}
	return all
}

func pageOrders(p orders.Page) []orders.Order     { return p.Orders }
func pageReviews(p reviews.Page) []reviews.Review { return p.Reviews }
