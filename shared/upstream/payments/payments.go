// Package payments is the typed client of the payments service.
package payments

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Service is the logical name of the payments upstream.
const Service = "payments"

// PaymentKind is a payment in the entity cache: a customer's own data,
// cached per caller.
var PaymentKind = cache.Kind{Name: "payment", Service: Service, Scope: cache.Private}

// Payment is the payment of an order.
type Payment struct {
	ID            string    `json:"id"`
	OrderID       string    `json:"orderId"`
	Status        string    `json:"status"`
	AmountCents   int       `json:"amountCents"`
	RefundedCents int       `json:"refundedCents"`
	Currency      string    `json:"currency"`
	Method        string    `json:"method"`
	Last4         string    `json:"last4"`
	Refunds       []Refund  `json:"refunds"`
	CreatedAt     time.Time `json:"createdAt"`
}

// Refund is a refund of (part of) a payment.
type Refund struct {
	ID          string    `json:"id"`
	AmountCents int       `json:"amountCents"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"createdAt"`
}

// Client calls the payments service.
type Client struct {
	rc    *restclient.Client
	cache *cache.Cache
}

// New returns a payments client over rc; its writes evict what they change
// from c (nil: no cache).
func New(rc *restclient.Client, c *cache.Cache) *Client { return &Client{rc: rc, cache: c} }

// BatchGet returns the payments with the given ids that exist, in no promised order.
func (c *Client) BatchGet(ctx context.Context, ids []string) ([]Payment, error) {
	var out struct {
		Payments []Payment `json:"payments"`
	}
	err := c.rc.Get(ctx, "/payments", url.Values{"ids": {restclient.JoinIDs(ids)}}, &out)
	return out.Payments, err
}

// Refund refunds amountCents of a payment and returns the payment after it.
func (c *Client) Refund(ctx context.Context, id string, amountCents int, reason string) (Payment, error) {
	var out Payment
	body := map[string]any{"amountCents": amountCents, "reason": reason}
	err := c.rc.Do(ctx, http.MethodPost, "/payments/"+url.PathEscape(id)+"/refunds", nil, body, &out)
	if cache.WriteMayHaveApplied(err) {
		c.cache.Evict(ctx, PaymentKind, id)
	}
	return out, err
}
