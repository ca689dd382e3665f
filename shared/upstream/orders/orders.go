// Package orders is the typed client of the orders service.
package orders

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Service is the logical name of the orders upstream.
const Service = "orders"

// OrderKind is an order in the entity cache: a customer's own data, cached
// per caller.
var OrderKind = cache.Kind{Name: "order", Service: Service, Scope: cache.Private}

// Order is a customer's order.
type Order struct {
	ID         string    `json:"id"`
	UserID     string    `json:"userId"`
	Status     string    `json:"status"`
	Items      []Item    `json:"items"`
	TotalCents int       `json:"totalCents"`
	Currency   string    `json:"currency"`
	PaymentID  *string   `json:"paymentId"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// Item is one line of an order.
type Item struct {
	ProductID      string `json:"productId"`
	Quantity       int    `json:"quantity"`
	UnitPriceCents int    `json:"unitPriceCents"`
}

// Sort orders of List.
const (
	SortCreatedDesc = "createdAt_desc"
	SortCreatedAsc  = "createdAt_asc"
	SortTotalDesc   = "total_desc"
	SortTotalAsc    = "total_asc"
)

// ListParams selects a page of orders.
type ListParams struct {
	UserID        string
	Statuses      []string
	Sort          string
	Limit, Offset int
}

// Page is a page of orders and the number of matches.
type Page struct {
	Orders []Order `json:"orders"`
	Total  int     `json:"total"`
}

// NewOrder is an order to create.
type NewOrder struct {
	UserID string `json:"userId"`
	Items  []Item `json:"items"`
}

// Client calls the orders service.
type Client struct {
	rc    *restclient.Client
	cache *cache.Cache
}

// New returns an orders client over rc; its writes evict what they change
// from c (nil: no cache).
func New(rc *restclient.Client, c *cache.Cache) *Client { return &Client{rc: rc, cache: c} }

// BatchGet returns the orders with the given ids that exist, in no promised order.
func (c *Client) BatchGet(ctx context.Context, ids []string) ([]Order, error) {
	var out struct {
		Orders []Order `json:"orders"`
	}
	err := c.rc.Get(ctx, "/orders", url.Values{"ids": {restclient.JoinIDs(ids)}}, &out)
	return out.Orders, err
}

// List returns a page of orders.
func (c *Client) List(ctx context.Context, p ListParams) (Page, error) {
	q := restclient.PageQuery(p.Limit, p.Offset)
	if p.UserID != "" {
		q.Set("userId", p.UserID)
	}
	if len(p.Statuses) > 0 {
		q.Set("status", strings.Join(p.Statuses, ","))
	}
	if p.Sort != "" {
		q.Set("sort", p.Sort)
	}
	var out Page
	err := c.rc.Get(ctx, "/orders", q, &out)
	return out, err
}

// Create places a new order.
func (c *Client) Create(ctx context.Context, o NewOrder) (Order, error) {
	var out Order
	err := c.rc.Do(ctx, http.MethodPost, "/orders", nil, o, &out)
	if cache.WriteMayHaveApplied(err) {
		c.cache.Evict(ctx, OrderKind) // a new order changes the lists of orders
	}
	return out, err
}

// SetStatus moves an order to a new status.
func (c *Client) SetStatus(ctx context.Context, id, status string) (Order, error) {
	var out Order
	err := c.rc.Do(ctx, http.MethodPatch, "/orders/"+url.PathEscape(id), nil, map[string]string{"status": status}, &out)
	if cache.WriteMayHaveApplied(err) {
		c.cache.Evict(ctx, OrderKind, id)
	}
	return out, err
}
