package graph

import (
	"context"
	"slices"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/budget"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/lookahead"
	"github.com/frontdesk/frontdesk/shared/relay"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
)

// A list resolver knows every key its children will load. The prefetch
// helpers below load them before the list resolver returns, one batch per
// service and all services at once, for the fields the query selects (path is
// where the list's items sit in the selection). The children then read the
// request's loader cache, so the calls per level do not depend on their loads
// arriving within the loader's wait window.

// selects reports whether the query selects field below path.
func selects(ctx context.Context, path []string, field ...string) bool {
	return lookahead.Selects(ctx, append(slices.Clone(path), field...)...)
}

func prefetchOrders(ctx context.Context, os []orders.Order, path ...string) {
	ctx = budget.Optional(ctx) // for the fields below: optional data
	l, ok := loader.FromContext(ctx)
	productPath := append(slices.Clone(path), "items", "product")
	if !ok || len(os) == 0 || !selects(ctx, productPath) {
		return
	}
	var ids []string
	for _, o := range os {
		for _, it := range o.Items {
			ids = append(ids, it.ProductID)
		}
	}
	loader.Together(append(productFetches(ctx, l, ids, productPath), func() { l.Products.Prefetch(ctx, ids) })...)
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
	if selects(ctx, path, "inStock") {
		fetches = append(fetches, func() { l.Stock.Prefetch(ctx, ids) })
	}
	if selects(ctx, path, "rating") {
		fetches = append(fetches, func() { l.ReviewSummaries.Prefetch(ctx, ids) })
	}
	reviewsPath := append(slices.Clone(path), "topReviews")
	if keys := topReviewsKeys(ctx, ids, reviewsPath); len(keys) > 0 {
		fetches = append(fetches, func() {
			pages, _ := l.ProductReviews.LoadMany(ctx, keys)
			if selects(ctx, reviewsPath, "author") {
				l.Users.Prefetch(ctx, reviewAuthors(pages))
			}
		})
	}
	return fetches
}

// topReviewsKeys are the review pages the query asks of each product at
// path, one per distinct valid `first` (an invalid one is left to the
// resolver, which reports it).
func topReviewsKeys(ctx context.Context, ids, path []string) []loader.ProductReviewsKey {
	var keys []loader.ProductReviewsKey
	seen := map[int]bool{}
	for _, args := range lookahead.Arguments(ctx, path...) {
		n, err := relay.Count("first", lookahead.Int(args["first"]), 3, maxTopReviews)
		if err != nil || seen[n] {
			continue
		}
		seen[n] = true
		for _, id := range ids {
			keys = append(keys, loader.ProductReviewsKey{ProductID: id, Status: "APPROVED", Limit: n})
		}
	}
	return keys
}

// prefetchAuthors loads, with one users call, the authors of every review in
// pages when the query selects them: the reviews of sibling products are
// cousins, which no one batch resolver sees together.
func prefetchAuthors(ctx context.Context, pages []reviews.Page) {
	ctx = budget.Optional(ctx) // for the fields below: optional data
	if l, ok := loader.FromContext(ctx); ok && lookahead.Selects(ctx, "author") {
		l.Users.Prefetch(ctx, reviewAuthors(pages))
	}
}

func reviewAuthors(pages []reviews.Page) []string {
	var ids []string
	for _, p := range pages {
		for _, r := range p.Reviews {
			ids = append(ids, r.UserID)
		}
	}
	return ids
}

// productID is the loader key of a product's own relations.
func productID(p *model.Product) (string, bool) { return p.ID, true }
