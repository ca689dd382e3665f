// Package graph holds bff-web's resolvers. They are thin: entities come from
// the request's loaders (shared/loader), lists and writes from the upstream
// clients named below, and every error is a typed error the presenter
// (shared/gqlerr) turns into a public code.
package graph

import (
	"context"

	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

//go:generate sh -c "cd ../../.. && go run ./internal/codegen web"

// The upstream calls resolvers make directly (everything else goes through loaders).
type (
	// OrderStore pages through orders and changes their status.
	OrderStore interface {
		List(ctx context.Context, p orders.ListParams) (orders.Page, error)
		SetStatus(ctx context.Context, id, status string) (orders.Order, error)
	}
	// UserLister pages through user accounts.
	UserLister interface {
		List(ctx context.Context, p users.ListParams) (users.Page, error)
	}
	// ProductLister pages through the catalog.
	ProductLister interface {
		List(ctx context.Context, p catalog.ListParams) (catalog.Page, error)
	}
	// ReviewStore pages through reviews and moderates them.
	ReviewStore interface {
		List(ctx context.Context, p reviews.ListParams) (reviews.Page, error)
		Get(ctx context.Context, id string) (reviews.Review, error)
		SetStatus(ctx context.Context, id, status string) (reviews.Review, error)
	}
	// Refunder refunds payments.
	Refunder interface {
		Refund(ctx context.Context, id string, amountCents int, reason string) (payments.Payment, error)
	}
	// StockAdjuster changes stock.
	StockAdjuster interface {
		Adjust(ctx context.Context, productID string, a inventory.Adjustment) (inventory.Stock, error)
	}
)

// Resolver is the root resolver; it holds the long-lived dependencies.
type Resolver struct {
	OrdersAPI    OrderStore
	UsersAPI     UserLister
	CatalogAPI   ProductLister
	ReviewsAPI   ReviewStore
	PaymentsAPI  Refunder
	InventoryAPI StockAdjuster
}
