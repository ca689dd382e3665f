package graph

import (
	"context"
	"slices"

	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/lookahead"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
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
	return fetches
}
