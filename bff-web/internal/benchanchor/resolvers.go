package benchanchor

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/frontdesk/frontdesk/bff-web/internal/graph"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/relay"
)

// errNotServed answers every field outside the order list: the anchor
// serves one query shape, not the schema.
var errNotServed = errors.New("benchanchor: field not served by the anchor")

// NewHandler returns gqlgen alone over d: bff-web's executable schema on
// handler.New with the POST transport and nothing else (no extension, no
// cache, no limits, no error presenter).
func NewHandler(d *Data) http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &resolver{d: d}}))
	srv.AddTransport(transport.POST{})
	return srv
}

// resolver serves Query.orders and the relations the order list selects
// from d; every lookup is a map read.
type resolver struct{ d *Data }

var _ graph.ResolverRoot = (*resolver)(nil)

func (r *resolver) Customer() graph.CustomerResolver   { return customerResolver{} }
func (r *resolver) Mutation() graph.MutationResolver   { return mutationResolver{} }
func (r *resolver) Order() graph.OrderResolver         { return orderResolver{r.d} }
func (r *resolver) OrderItem() graph.OrderItemResolver { return orderItemResolver{r.d} }
func (r *resolver) Product() graph.ProductResolver     { return productResolver{r.d} }
func (r *resolver) Query() graph.QueryResolver         { return queryResolver{r.d} }
func (r *resolver) Review() graph.ReviewResolver       { return reviewResolver{} }

type queryResolver struct{ d *Data }

// maxPage is bff-web's largest page; 20 is its default.
const (
	defaultPage = 20
	maxPage     = MaxOrders
)

func (q queryResolver) Orders(_ context.Context, filter *model.OrderFilter, first *int, after *string, orderBy *model.OrderOrder) (*model.OrderConnection, error) {
	if filter != nil || orderBy != nil {
		return nil, fmt.Errorf("%w: orders with a filter or an order", errNotServed)
	}
	w, err := relay.NewWindow(first, after, defaultPage, maxPage)
	if err != nil {
		return nil, err
	}
	end := min(w.Offset+w.Limit, q.d.TotalOrders)
	if end > len(q.d.Orders) {
		return nil, fmt.Errorf("%w: orders past the first %d", errNotServed, len(q.d.Orders))
	}
	page := q.d.Orders[min(w.Offset, end):end]
	info, cursors := w.Page(len(page), q.d.TotalOrders)
	edges := make([]model.OrderEdge, len(page))
	for i, o := range page {
		edges[i] = model.OrderEdge{Cursor: cursors[i], Node: o}
	}
	return &model.OrderConnection{Edges: edges, PageInfo: &info, TotalCount: q.d.TotalOrders}, nil
}

func (queryResolver) Node(context.Context, string) (model.Node, error) { return nil, errNotServed }
func (queryResolver) Order(context.Context, string) (*model.Order, error) {
	return nil, errNotServed
}

func (queryResolver) Customers(context.Context, *string, *int, *string) (*model.CustomerConnection, error) {
	return nil, errNotServed
}

func (queryResolver) Customer(context.Context, string) (*model.Customer, error) {
	return nil, errNotServed
}

func (queryResolver) Products(context.Context, *string, *string, *int, *string) (*model.ProductConnection, error) {
	return nil, errNotServed
}

func (queryResolver) Product(context.Context, string) (*model.Product, error) {
	return nil, errNotServed
}

func (queryResolver) Reviews(context.Context, *model.ReviewStatus, *string, *int, *string) (*model.ReviewConnection, error) {
	return nil, errNotServed
}

// each answers a batch field from memory, one parent at a time.
func each[P, R any](parents []*P, f func(*P) (R, error)) ([]R, error) {
	out := make([]R, len(parents))
	for i, p := range parents {
		var err error
		if out[i], err = f(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type orderResolver struct{ d *Data }

func (r orderResolver) Customer(_ context.Context, os []*model.Order) ([]*model.Customer, error) {
	return each(os, func(o *model.Order) (*model.Customer, error) {
		c, ok := r.d.Customers[o.CustomerID]
		if !ok {
			return nil, fmt.Errorf("benchanchor: no customer %s", o.CustomerID)
		}
		return c, nil
	})
}

func (orderResolver) Items(_ context.Context, os []*model.Order) ([][]model.OrderItem, error) {
	return each(os, func(o *model.Order) ([]model.OrderItem, error) { return o.Items, nil })
}

func (r orderResolver) Payment(_ context.Context, os []*model.Order) ([]*model.Payment, error) {
	return each(os, func(o *model.Order) (*model.Payment, error) {
		if o.PaymentID == nil {
			return nil, nil // an unpaid order has no payment, by schema
		}
		p, ok := r.d.Payments[*o.PaymentID]
		if !ok {
			return nil, fmt.Errorf("benchanchor: no payment %s", *o.PaymentID)
		}
		return p, nil
	})
}

type orderItemResolver struct{ d *Data }

func (r orderItemResolver) Product(_ context.Context, its []*model.OrderItem) ([]*model.Product, error) {
	return each(its, func(it *model.OrderItem) (*model.Product, error) {
		p, ok := r.d.Products[it.ProductID]
		if !ok {
			return nil, fmt.Errorf("benchanchor: no product %s", it.ProductID)
		}
		return p, nil
	})
}

type productResolver struct{ d *Data }

func (r productResolver) Inventory(_ context.Context, ps []*model.Product) ([]*model.Inventory, error) {
	return each(ps, func(p *model.Product) (*model.Inventory, error) {
		return r.d.Stock[p.ID], nil // nil: no stock record, inventory is null (as in bff-web)
	})
}

func (productResolver) Rating(context.Context, []*model.Product) ([]*model.RatingSummary, error) {
	return nil, errNotServed
}

func (productResolver) Reviews(context.Context, []*model.Product, *model.ReviewStatus, *int, *string) ([]*model.ReviewConnection, error) {
	return nil, errNotServed
}

type customerResolver struct{}

func (customerResolver) Orders(context.Context, []*model.Customer, *int, *string) ([]*model.OrderConnection, error) {
	return nil, errNotServed
}

type mutationResolver struct{}

func (mutationResolver) UpdateOrderStatus(context.Context, model.UpdateOrderStatusInput) (*model.UpdateOrderStatusPayload, error) {
	return nil, errNotServed
}

func (mutationResolver) RefundPayment(context.Context, model.RefundPaymentInput) (*model.RefundPaymentPayload, error) {
	return nil, errNotServed
}

func (mutationResolver) AdjustInventory(context.Context, model.AdjustInventoryInput) (*model.AdjustInventoryPayload, error) {
	return nil, errNotServed
}

func (mutationResolver) ModerateReview(context.Context, model.ModerateReviewInput) (*model.ModerateReviewPayload, error) {
	return nil, errNotServed
}

type reviewResolver struct{}

func (reviewResolver) Product(context.Context, []*model.Review) ([]*model.Product, error) {
	return nil, errNotServed
}

func (reviewResolver) Author(context.Context, []*model.Review) ([]*model.Customer, error) {
	return nil, errNotServed
}
