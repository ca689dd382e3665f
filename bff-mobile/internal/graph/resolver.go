// Package graph holds bff-mobile's resolvers. They are thin: entities come
// from the request's loaders (shared/loader), lists and writes from the
// upstream clients named below, and every error is a typed error the
// presenter (shared/gqlerr) turns into a public code.
package graph

import (
	"context"

	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
)

//go:generate sh -c "cd ../../.. && go run ./internal/codegen mobile"

// The upstream calls resolvers make directly (everything else goes through loaders).
type (
	// ProductLister pages through the catalog.
	ProductLister interface {
		List(ctx context.Context, p catalog.ListParams) (catalog.Page, error)
	}
	// OrderStore pages through and places orders.
	OrderStore interface {
		List(ctx context.Context, p orders.ListParams) (orders.Page, error)
		Create(ctx context.Context, o orders.NewOrder) (orders.Order, error)
	}
	// ReviewStore pages through and submits reviews.
	ReviewStore interface {
		List(ctx context.Context, p reviews.ListParams) (reviews.Page, error)
		Create(ctx context.Context, r reviews.NewReview) (reviews.Review, error)
	}
)

// Resolver is the root resolver; it holds the long-lived dependencies.
type Resolver struct {
	CatalogAPI ProductLister
	OrdersAPI  OrderStore
	ReviewsAPI ReviewStore
}
