// Package convert turns the upstream services' records into bff-web's
// GraphQL models. The resolvers (internal/graph) and the plain-gqlgen anchor
// of the benchmarks (internal/benchanchor) share it, so the anchor answers
// exactly what the BFF answers.
package convert

import (
	"strings"

	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/money"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// Order is an order of the orders service in the rich schema's model; an
// unknown status is a bad upstream value.
func Order(o orders.Order) (*model.Order, error) {
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

// Customer is a user of the users service as the rich schema's customer;
// an unknown tier is a bad upstream value.
func Customer(u users.User) (*model.Customer, error) {
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

// Product is a product of the catalog service in the rich schema's model.
func Product(p catalog.Product) *model.Product {
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

// Inventory is a product's stock of the inventory service in the rich
// schema's model.
func Inventory(s inventory.Stock) *model.Inventory {
	ws := make([]model.WarehouseStock, len(s.Warehouses))
	for i, w := range s.Warehouses {
		ws[i] = model.WarehouseStock{Warehouse: w.Warehouse, Quantity: w.Quantity}
	}
	return &model.Inventory{Total: s.Total, Warehouses: ws}
}

// Payment is a payment of the payments service in the rich schema's model;
// an unknown status is a bad upstream value.
func Payment(p payments.Payment) (*model.Payment, error) {
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
