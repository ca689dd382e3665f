package graph

import (
	"context"

	"github.com/frontdesk/frontdesk/bff-web/internal/convert"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/batch"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/relay"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// Limits of the rich schema.
const (
	maxPage         = 100
	maxReasonLength = 200
)

// warehouses are the inventory service's warehouse codes.
var warehouses = map[string]bool{"ams": true, "nyc": true, "sgp": true}

func toReview(r reviews.Review) (*model.Review, error) {
	status := model.ReviewStatus(r.Status)
	if !status.IsValid() {
		return nil, restclient.BadValue(reviews.Service, "review status", r.Status)
	}
	return &model.Review{
		ID: r.ID, ProductID: r.ProductID, UserID: r.UserID, Rating: r.Rating,
		Title: r.Title, Body: r.Body, Status: status, CreatedAt: r.CreatedAt,
	}, nil
}

// orderConnection pages orders already fetched for window w.
func orderConnection(w relay.Window, page orders.Page) (*model.OrderConnection, error) {
	edges := make([]model.OrderEdge, len(page.Orders))
	info, cursors := w.Page(len(page.Orders), page.Total)
	for i, o := range page.Orders {
		m, err := convert.Order(o)
		if err != nil {
			return nil, err
		}
		edges[i] = model.OrderEdge{Cursor: cursors[i], Node: m}
	}
	return &model.OrderConnection{Edges: edges, PageInfo: &info, TotalCount: page.Total}, nil
}

// reviewConnection pages reviews already fetched for window w.
func reviewConnection(w relay.Window, page reviews.Page) (*model.ReviewConnection, error) {
	edges := make([]model.ReviewEdge, len(page.Reviews))
	info, cursors := w.Page(len(page.Reviews), page.Total)
	for i, r := range page.Reviews {
		m, err := toReview(r)
		if err != nil {
			return nil, err
		}
		edges[i] = model.ReviewEdge{Cursor: cursors[i], Node: m}
	}
	return &model.ReviewConnection{Edges: edges, PageInfo: &info, TotalCount: page.Total}, nil
}

func reviewStatus(s *model.ReviewStatus) string {
	if s == nil {
		return ""
	}
	return string(*s)
}

func loadProduct(ctx context.Context, id string) (*model.Product, error) {
	l, err := loader.From(ctx)
	if err != nil {
		return nil, err
	}
	p, err := l.Products.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return convert.Product(p), nil
}

func orderSort(o model.OrderOrder) string {
	switch {
	case o.Field == model.OrderOrderFieldTotal && o.Direction == model.OrderDirectionAsc:
		return orders.SortTotalAsc
	case o.Field == model.OrderOrderFieldTotal:
		return orders.SortTotalDesc
	case o.Direction == model.OrderDirectionAsc:
		return orders.SortCreatedAsc
	default:
		return orders.SortCreatedDesc
	}
}

func loadCustomer(ctx context.Context, id string) (*model.Customer, error) {
	l, err := loader.From(ctx)
	if err != nil {
		return nil, err
	}
	u, err := l.Users.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return convert.Customer(u)
}

// loadProducts answers a batch field whose parents each name a product.
func loadProducts[P any](ctx context.Context, parents []*P, key func(*P) (string, bool)) ([]*model.Product, error) {
	l, err := loader.From(ctx)
	if err != nil {
		return nil, err
	}
	return batch.Load(ctx, parents, l.Products, key, func(p catalog.Product, err error) (*model.Product, error) {
		if err != nil {
			return nil, err
		}
		return convert.Product(p), nil
	})
}

// loadCustomers answers a batch field whose parents each name a user.
func loadCustomers[P any](ctx context.Context, parents []*P, key func(*P) (string, bool)) ([]*model.Customer, error) {
	l, err := loader.From(ctx)
	if err != nil {
		return nil, err
	}
	return batch.Load(ctx, parents, l.Users, key, func(u users.User, err error) (*model.Customer, error) {
		if err != nil {
			return nil, err
		}
		return convert.Customer(u)
	})
}

// productID is the loader key of a product's own relations.
func productID(p *model.Product) (string, bool) { return p.ID, true }
