// Package reviews is the typed client of the reviews service.
package reviews

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Service is the logical name of the reviews upstream.
const Service = "reviews"

// SummaryKind is a product's review summary in the entity cache, by product
// id: the same for every caller.
var SummaryKind = cache.Kind{Name: "review summary", Service: Service, Scope: cache.Public}

// Review is a customer's review of a product.
type Review struct {
	ID        string    `json:"id"`
	ProductID string    `json:"productId"`
	UserID    string    `json:"userId"`
	Rating    int       `json:"rating"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
}

// Summary summarises a product's approved reviews.
type Summary struct {
	ProductID string  `json:"productId"`
	Count     int     `json:"count"`
	Average   float64 `json:"average"`
}

// ListParams selects a page of reviews.
type ListParams struct {
	ProductID, UserID, Status string
	Limit, Offset             int
}

// Page is a page of reviews and the number of matches.
type Page struct {
	Reviews []Review `json:"reviews"`
	Total   int      `json:"total"`
}

// NewReview is a review to submit.
type NewReview struct {
	ProductID string `json:"productId"`
	UserID    string `json:"userId"`
	Rating    int    `json:"rating"`
	Title     string `json:"title"`
	Body      string `json:"body"`
}

// Client calls the reviews service.
type Client struct {
	rc    *restclient.Client
	cache *cache.Cache
}

// New returns a reviews client over rc; its writes evict what they change
// from c (nil: no cache).
func New(rc *restclient.Client, c *cache.Cache) *Client { return &Client{rc: rc, cache: c} }

// Summary returns one product's review summary. The service has no batch
// endpoint for it; loaders call this once per key, in bounded parallel.
func (c *Client) Summary(ctx context.Context, productID string) (Summary, error) {
	var out Summary
	err := c.rc.Get(ctx, "/products/"+url.PathEscape(productID)+"/reviews/summary", nil, &out)
	return out, err
}

// List returns a page of reviews.
func (c *Client) List(ctx context.Context, p ListParams) (Page, error) {
	q := restclient.PageQuery(p.Limit, p.Offset)
	for k, v := range map[string]string{"productId": p.ProductID, "userId": p.UserID, "status": p.Status} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var out Page
	err := c.rc.Get(ctx, "/reviews", q, &out)
	return out, err
}

// Get returns one review.
func (c *Client) Get(ctx context.Context, id string) (Review, error) {
	var out Review
	err := c.rc.Get(ctx, "/reviews/"+url.PathEscape(id), nil, &out)
	return out, err
}

// Create submits a review.
func (c *Client) Create(ctx context.Context, r NewReview) (Review, error) {
	var out Review
	err := c.rc.Do(ctx, http.MethodPost, "/reviews", nil, r, &out)
	if cache.WriteMayHaveApplied(err) {
		c.cache.Evict(ctx, SummaryKind) // a new review changes the lists of reviews
	}
	return out, err
}

// SetStatus approves or rejects a review.
func (c *Client) SetStatus(ctx context.Context, id, status string) (Review, error) {
	var out Review
	err := c.rc.Do(ctx, http.MethodPatch, "/reviews/"+url.PathEscape(id), nil, map[string]string{"status": status}, &out)
	if cache.WriteMayHaveApplied(err) {
		// The summary of the review's product changes; when the answer was
		// lost its product is unknown, and only the lists are invalidated.
		var ids []string
		if err == nil {
			ids = append(ids, out.ProductID)
		}
		c.cache.Evict(ctx, SummaryKind, ids...)
	}
	return out, err
}
