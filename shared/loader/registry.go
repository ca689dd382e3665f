package loader

import (
	"context"
	"errors"
	"net/http"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// The upstream reads the loaders need, one small interface per service.
type (
	// UserSource reads users in batches.
	UserSource interface {
		BatchGet(ctx context.Context, ids []string) ([]users.User, error)
	}
	// ProductSource reads products in batches.
	ProductSource interface {
		BatchGet(ctx context.Context, ids []string) ([]catalog.Product, error)
	}
	// StockSource reads stock records in batches.
	StockSource interface {
		BatchGet(ctx context.Context, productIDs []string) ([]inventory.Stock, error)
	}
	// OrderSource reads orders in batches and pages through one user's orders.
	OrderSource interface {
		BatchGet(ctx context.Context, ids []string) ([]orders.Order, error)
		List(ctx context.Context, p orders.ListParams) (orders.Page, error)
	}
	// PaymentSource reads payments in batches.
	PaymentSource interface {
		BatchGet(ctx context.Context, ids []string) ([]payments.Payment, error)
	}
	// ReviewSource reads one product's review summary and review pages.
	ReviewSource interface {
		Summary(ctx context.Context, productID string) (reviews.Summary, error)
		List(ctx context.Context, p reviews.ListParams) (reviews.Page, error)
	}
)

// ProductReviewsKey selects a page of one product's reviews; it is the key of
// the ProductReviews loader, so a list of products asking for their top
// reviews makes one bounded-parallel round of calls.
type ProductReviewsKey struct {
	ProductID string
	Status    string // empty for every status
	Limit     int
	Offset    int
}

// UserOrdersKey selects a page of one user's orders, newest first; it is the
// key of the UserOrders loader.
type UserOrdersKey struct {
	UserID string
	Limit  int
	Offset int
}

// Sources are the upstream reads behind the loaders.
type Sources struct {
	Users    UserSource
	Products ProductSource
	Stock    StockSource
	Orders   OrderSource
	Payments PaymentSource
	Reviews  ReviewSource
	// Cache, when not nil, holds entities across requests: users, products,
	// stock, orders, payments and review summaries are read through it.
	Cache *cache.Cache
}

// SourcesFrom returns the Sources backed by the upstream clients.
func SourcesFrom(c *upstream.Clients) Sources {
	return Sources{
		Users:    c.Users,
		Products: c.Catalog,
		Stock:    c.Inventory,
		Orders:   c.Orders,
		Payments: c.Payments,
		Reviews:  c.Reviews,
		Cache:    c.Cache(),
	}
}

// Loaders are one request's loaders, one per entity.
type Loaders struct {
	Users           *Loader[string, users.User]
	Products        *Loader[string, catalog.Product]
	Stock           *Loader[string, inventory.Stock]
	Orders          *Loader[string, orders.Order]
	Payments        *Loader[string, payments.Payment]
	ReviewSummaries *Loader[string, reviews.Summary]
	ProductReviews  *Loader[ProductReviewsKey, reviews.Page]
	UserOrders      *Loader[UserOrdersKey, orders.Page]
}

// New returns fresh loaders for the request whose context is reqCtx; every
// batch they run uses reqCtx. Entities are read through src.Cache; pages
// (ProductReviews, UserOrders) are not cached across requests.
func New(reqCtx context.Context, cfg Config, src Sources) *Loaders {
	return &Loaders{
		Users: NewCachedBatch(reqCtx, cfg, src.Cache, users.UserKind, src.Users.BatchGet,
			func(u users.User) string { return u.ID }),
		Products: NewCachedBatch(reqCtx, cfg, src.Cache, catalog.ProductKind, src.Products.BatchGet,
			func(p catalog.Product) string { return p.ID }),
		Stock: NewCachedBatch(reqCtx, cfg, src.Cache, inventory.StockKind, src.Stock.BatchGet,
			func(s inventory.Stock) string { return s.ProductID }),
		Orders: NewCachedBatch(reqCtx, cfg, src.Cache, orders.OrderKind, src.Orders.BatchGet,
			func(o orders.Order) string { return o.ID }),
		Payments: NewCachedBatch(reqCtx, cfg, src.Cache, payments.PaymentKind, src.Payments.BatchGet,
			func(p payments.Payment) string { return p.ID }),
		ReviewSummaries: NewCachedPerKey(reqCtx, cfg, src.Cache, reviews.SummaryKind, src.Reviews.Summary),
		ProductReviews: NewPerKey(reqCtx, cfg, "reviews", func(ctx context.Context, k ProductReviewsKey) (reviews.Page, error) {
			return src.Reviews.List(ctx, reviews.ListParams{ProductID: k.ProductID, Status: k.Status, Limit: k.Limit, Offset: k.Offset})
		}),
		UserOrders: NewPerKey(reqCtx, cfg, "orders", func(ctx context.Context, k UserOrdersKey) (orders.Page, error) {
			return src.Orders.List(ctx, orders.ListParams{UserID: k.UserID, Sort: orders.SortCreatedDesc, Limit: k.Limit, Offset: k.Offset})
		}),
	}
}

type ctxKey struct{}

// NewContext returns ctx carrying l.
func NewContext(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext returns the request's loaders, if Middleware put them there.
func FromContext(ctx context.Context) (*Loaders, bool) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	return l, ok
}

// Middleware gives every request its own Loaders, and a cache.Record (when
// it has none yet) in which the caches note what the request read.
func Middleware(cfg Config, src Sources) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if _, ok := cache.FromContext(ctx); !ok {
				ctx, _ = cache.NewContext(ctx)
			}
			next.ServeHTTP(w, r.WithContext(NewContext(ctx, New(ctx, cfg, src))))
		})
	}
}

// ErrNoLoaders reports a request served without Middleware: a wiring bug.
var ErrNoLoaders = errors.New("no loaders in the request context")

// From returns the request's loaders or ErrNoLoaders.
func From(ctx context.Context) (*Loaders, error) {
	if l, ok := FromContext(ctx); ok {
		return l, nil
	}
	return nil, ErrNoLoaders
}
