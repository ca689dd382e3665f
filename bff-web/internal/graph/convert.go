package graph

import (
	"context"
	"strings"

	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/batch"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/money"
	"github.com/frontdesk/frontdesk/shared/relay"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
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

func toOrder(o orders.Order) (*model.Order, error) {
	status := model.OrderStatus(o.Status)
	if !status.IsValid() {
		return nil, restclient.BadValue(orders.Service, "order status", o.Status)
	}
	items := make([]model.OrderItem, len(o.Items))
	for i, it := range o.Items {
		items[i] = model.OrderItem{
			ProductID: it.ProductID,
			Quantity:  it.Quantity,
			UnitPrice: money.New(it.UnitPriceCents, o.Currency),
		}
	}
	return &model.Order{
		ID:         o.ID,
		Status:     status,
		CustomerID: o.UserID,
		Items:      items,
		Total:      money.New(o.TotalCents, o.Currency),
		PaymentID:  o.PaymentID,
		CreatedAt:  o.CreatedAt,
		UpdatedAt:  o.UpdatedAt,
	}, nil
}

func toCustomer(u users.User) (*model.Customer, error) {
	tier := model.PlanTier(strings.ToUpper(u.Tier))
	if !tier.IsValid() {
		return nil, restclient.BadValue(users.Service, "tier", u.Tier)
	}
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return &model.Customer{ID: u.ID, Name: u.Name, Email: u.Email, Tier: tier, Roles: roles, CreatedAt: u.CreatedAt}, nil
}

func toProduct(p catalog.Product) *model.Product {
	return &model.Product{
		ID:          p.ID,
		Name:        p.Name,
		Description: p.Description,
		Category:    p.Category,
		Price:       money.New(p.PriceCents, p.Currency),
		ImageURL:    p.ImageURL,
		Featured:    p.Featured,
		CreatedAt:   p.CreatedAt,
	}
}

func toInventory(s inventory.Stock) *model.Inventory {
	ws := make([]model.WarehouseStock, len(s.Warehouses))
	for i, w := range s.Warehouses {
		ws[i] = model.WarehouseStock{Warehouse: w.Warehouse, Quantity: w.Quantity}
	}
	return &model.Inventory{Total: s.Total, Warehouses: ws}
}

func toPayment(p payments.Payment) (*model.Payment, error) {
	status := model.PaymentStatus(p.Status)
	if !status.IsValid() {
		return nil, restclient.BadValue(payments.Service, "payment status", p.Status)
	}
	refunds := make([]*model.Refund, len(p.Refunds))
	for i, r := range p.Refunds {
		amount := money.New(r.AmountCents, p.Currency)
		refunds[i] = &model.Refund{ID: r.ID, Amount: &amount, Reason: r.Reason, CreatedAt: r.CreatedAt}
	}
	return &model.Payment{
		ID:        p.ID,
		Status:    status,
		Amount:    money.New(p.AmountCents, p.Currency),
		Refunded:  money.New(p.RefundedCents, p.Currency),
		Method:    p.Method,
		Last4:     p.Last4,
		Refunds:   refunds,
		CreatedAt: p.CreatedAt,
	}, nil
}

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
		m, err := toOrder(o)
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
	return toProduct(p), nil
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
	return toCustomer(u)
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
		return toProduct(p), nil
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
		return toCustomer(u)
	})
}

// productID is the loader key of a product's own relations.
func productID(p *model.Product) (string, bool) { return p.ID, true }
