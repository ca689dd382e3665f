// Package model holds the Go types of bff-web's GraphQL schema: the ones
// written here carry the keys their resolvers follow (customer, product and
// payment ids), the rest are generated into models_gen.go.
package model

import (
	"time"

	"github.com/frontdesk/frontdesk/shared/money"
)

// Order is an order; customer and payment are resolved from their ids.
type Order struct {
	ID         string
	Status     OrderStatus
	CustomerID string
	Items      []OrderItem
	Total      money.Money
	PaymentID  *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// IsNode marks Order as a Node.
func (Order) IsNode() {}

// OrderItem is one line of an order; its product is resolved from ProductID.
type OrderItem struct {
	ProductID string
	Quantity  int
	UnitPrice money.Money
}

// Subtotal is quantity × unit price.
func (i *OrderItem) Subtotal() money.Money {
	return money.New(i.Quantity*i.UnitPrice.AmountCents, i.UnitPrice.Currency)
}

// Customer is a user account; its orders have a resolver.
type Customer struct {
	ID        string
	Name      string
	Email     string
	Tier      PlanTier
	Roles     []string
	CreatedAt time.Time
}

// IsNode marks Customer as a Node.
func (Customer) IsNode() {}

// Product is a catalog product; inventory, rating and reviews have resolvers.
type Product struct {
	ID          string
	Name        string
	Description string
	Category    string
	Price       money.Money
	ImageURL    string
	Featured    bool
	CreatedAt   time.Time
}

// IsNode marks Product as a Node.
func (Product) IsNode() {}

// Payment is the payment of an order.
type Payment struct {
	ID        string
	Status    PaymentStatus
	Amount    money.Money
	Refunded  money.Money
	Method    string
	Last4     string
	Refunds   []*Refund
	CreatedAt time.Time
}

// IsNode marks Payment as a Node.
func (Payment) IsNode() {}

// Review is a review; product and author are resolved from their ids.
type Review struct {
	ID        string
	ProductID string
	UserID    string
	Rating    int
	Title     string
	Body      string
	Status    ReviewStatus
	CreatedAt time.Time
}

// IsNode marks Review as a Node.
func (Review) IsNode() {}
