// Package model holds the Go types of bff-mobile's GraphQL schema: the ones
// written here carry the keys their resolvers follow (product ids, user ids),
// the rest are generated into models_gen.go.
package model

import (
	"strconv"
	"time"

	"github.com/frontdesk/frontdesk/shared/money"
)

// Home is the home screen; each of its fields has a resolver.
type Home struct{}

// Product is a product card. Prices and images are shaped for phones.
type Product struct {
	ID          string
	Name        string
	Description string
	PriceAmount money.Money
	Image       string // full-size image URL from the catalog
}

// Price is the price formatted for display.
func (p *Product) Price() string { return p.PriceAmount.Formatted() }

// ImageURL is the image sized for a phone screen.
func (p *Product) ImageURL() string { return sized(p.Image, 480) }

// ThumbnailURL is the image sized for lists.
func (p *Product) ThumbnailURL() string { return sized(p.Image, 160) }

func sized(url string, width int) string {
	if url == "" {
		return ""
	}
	return url + "?w=" + strconv.Itoa(width)
}

// Review is a review; its author is resolved from UserID.
type Review struct {
	ID        string
	Rating    int
	Title     string
	Body      string
	CreatedAt time.Time
	UserID    string
}

// Order is a customer's order.
type Order struct {
	ID          string
	Status      OrderStatus
	PlacedAt    time.Time
	TotalAmount money.Money
	Items       []OrderItem
}

// Total is the order total formatted for display.
func (o *Order) Total() string { return o.TotalAmount.Formatted() }

// ItemCount is the sum of the items' quantities.
func (o *Order) ItemCount() int {
	n := 0
	for _, it := range o.Items {
		n += it.Quantity
	}
	return n
}

// OrderItem is one line of an order; its product is resolved from ProductID.
type OrderItem struct {
	ProductID      string
	Quantity       int
	UnitPriceMoney money.Money
}

// UnitPrice is the unit price formatted for display.
func (i *OrderItem) UnitPrice() string { return i.UnitPriceMoney.Formatted() }
