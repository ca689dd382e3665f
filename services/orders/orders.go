// Package orders serves the demo orders service: customer orders with their
// items and a small status state machine.
package orders

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Order statuses.
const (
	StatusPending   = "PENDING"
	StatusPaid      = "PAID"
	StatusShipped   = "SHIPPED"
	StatusDelivered = "DELIVERED"
	StatusCancelled = "CANCELLED"
)

// Statuses lists every order status.
func Statuses() []string {
	return []string{StatusPending, StatusPaid, StatusShipped, StatusDelivered, StatusCancelled}
}

// ValidStatus reports whether s is an order status.
func ValidStatus(s string) bool { return slices.Contains(Statuses(), s) }

// CanTransition reports whether an order may move from status from to to.
func CanTransition(from, to string) bool {
	switch from {
	case StatusPending:
		return to == StatusPaid || to == StatusCancelled
	case StatusPaid:
		return to == StatusShipped || to == StatusCancelled
	case StatusShipped:
		return to == StatusDelivered
	}
	return false
}

// Currency is the currency of every demo order.
const Currency = "USD"

// Limits on new orders.
const (
	MaxItems          = 50
	MaxQuantity       = 99
	MaxUnitPriceCents = 100_000_000
)

// Item is one line of an order.
type Item struct {
	ProductID      string `json:"productId"`
	Quantity       int64  `json:"quantity"`
	UnitPriceCents int64  `json:"unitPriceCents"`
}

// Order is a customer order. PaymentID is nil until the order is paid.
type Order struct {
	ID         string    `json:"id"`
	UserID     string    `json:"userId"`
	Status     string    `json:"status"`
	Items      []Item    `json:"items"`
	TotalCents int64     `json:"totalCents"`
	Currency   string    `json:"currency"`
	PaymentID  *string   `json:"paymentId"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func (o Order) clone() Order {
	o.Items = slices.Clone(o.Items)
	if o.Items == nil {
		o.Items = []Item{}
	}
	if o.PaymentID != nil {
		id := *o.PaymentID
		o.PaymentID = &id
	}
	return o
}

// TotalCents returns the sum of quantity × unit price over items.
func TotalCents(items []Item) int64 {
	var total int64
	for _, it := range items {
		total += it.Quantity * it.UnitPriceCents
	}
	return total
}

// NewOrder is the body of POST /orders.
type NewOrder struct {
	UserID string `json:"userId"`
	Items  []Item `json:"items"`
}

// Validate checks a new order's fields.
func (n NewOrder) Validate() error {
	if strings.TrimSpace(n.UserID) == "" {
		return errors.New("userId is required")
	}
	if len(n.Items) == 0 {
		return errors.New("items must not be empty")
	}
	if len(n.Items) > MaxItems {
		return fmt.Errorf("at most %d items are allowed", MaxItems)
	}
	for i, it := range n.Items {
		switch {
		case strings.TrimSpace(it.ProductID) == "":
			return fmt.Errorf("items[%d].productId is required", i)
		case it.Quantity < 1 || it.Quantity > MaxQuantity:
			return fmt.Errorf("items[%d].quantity must be between 1 and %d", i, MaxQuantity)
		case it.UnitPriceCents < 0 || it.UnitPriceCents > MaxUnitPriceCents:
			return fmt.Errorf("items[%d].unitPriceCents must be between 0 and %d", i, MaxUnitPriceCents)
		}
	}
	return nil
}

// StatusChange is the body of PATCH /orders/{id}.
type StatusChange struct {
	Status string `json:"status"`
}
