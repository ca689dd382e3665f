package graph

import (
	"context"
	"strings"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/money"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
)

// Page sizes of the compact schema.
const (
	maxPage        = 50
	maxRecent      = 10
	maxFeatured    = 20
	maxTopReviews  = 10
	maxOrderLines  = 20
	maxQuantity    = 99
	maxTitleLength = 120
	maxBodyLength  = 4000
)

// caller returns the signed-in customer or UNAUTHENTICATED.
func caller(ctx context.Context) (auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return auth.Principal{}, gqlerr.New(gqlerr.Unauthenticated, "sign in to see this")
	}
	return p, nil
}

func toProduct(p catalog.Product) *model.Product {
	return &model.Product{
		ID:          p.ID,
		Name:        p.Name,
		Description: p.Description,
		PriceAmount: money.New(p.PriceCents, p.Currency),
		Image:       p.ImageURL,
	}
}

func toOrder(o orders.Order) (*model.Order, error) {
	status := model.OrderStatus(o.Status)
	if !status.IsValid() {
		return nil, restclient.BadValue(orders.Service, "order status", o.Status)
	}
	items := make([]model.OrderItem, len(o.Items))
	for i, it := range o.Items {
		items[i] = model.OrderItem{
			ProductID:      it.ProductID,
			Quantity:       it.Quantity,
			UnitPriceMoney: money.New(it.UnitPriceCents, o.Currency),
		}
	}
	return &model.Order{
		ID:          o.ID,
		Status:      status,
		PlacedAt:    o.CreatedAt,
		TotalAmount: money.New(o.TotalCents, o.Currency),
		Items:       items,
	}, nil
}

func toOrders(os []orders.Order) ([]model.Order, error) {
	out := make([]model.Order, len(os))
	for i, o := range os {
		m, err := toOrder(o)
		if err != nil {
			return nil, err
		}
		out[i] = *m
	}
	return out, nil
}

func toReview(r reviews.Review) *model.Review {
	return &model.Review{
		ID:        r.ID,
		Rating:    r.Rating,
		Title:     r.Title,
		Body:      r.Body,
		CreatedAt: r.CreatedAt,
		UserID:    r.UserID,
	}
}

// firstName is the first word of a full name.
func firstName(name string) string {
	first, _, _ := strings.Cut(strings.TrimSpace(name), " ")
	return first
}
