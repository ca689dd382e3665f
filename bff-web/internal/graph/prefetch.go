package graph

import (
	"context"
	"slices"

	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/lookahead"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
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
	return fetches
}

func prefetchReviews(ctx context.Context, rs []reviews.Review, path ...string) {
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
