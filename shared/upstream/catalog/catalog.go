// Package catalog is the typed client of the catalog service.
package catalog

import (
	"context"
	"net/url"
	"time"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Service is the logical name of the catalog upstream.
const Service = "catalog"

// ProductKind is a product in the entity cache: the same for every caller.
var ProductKind = cache.Kind{Name: "product", Service: Service, Scope: cache.Public}

// Product is a catalog product.
type Product struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Category    string    `json:"category"`
	PriceCents  int       `json:"priceCents"`
	Currency    string    `json:"currency"`
	ImageURL    string    `json:"imageUrl"`
	Featured    bool      `json:"featured"`
	CreatedAt   time.Time `json:"createdAt"`
}

// ListParams selects a page of products.
type ListParams struct {
	Query, Category string
	FeaturedOnly    bool
	Limit, Offset   int
}

// Page is a page of products and the number of matches.
type Page struct {
	Products []Product `json:"products"`
	Total    int       `json:"total"`
}

// Client calls the catalog service.
type Client struct{ rc *restclient.Client }

// New returns a catalog client over rc.
func New(rc *restclient.Client) *Client { return &Client{rc: rc} }

// BatchGet returns the products with the given ids that exist, in no promised order.
func (c *Client) BatchGet(ctx context.Context, ids []string) ([]Product, error) {
	var out struct {
		Products []Product `json:"products"`
	}
	err := c.rc.Get(ctx, "/products", url.Values{"ids": {restclient.JoinIDs(ids)}}, &out)
	return out.Products, err
}

// List returns a page of products.
func (c *Client) List(ctx context.Context, p ListParams) (Page, error) {
	q := restclient.PageQuery(p.Limit, p.Offset)
	if p.Query != "" {
		q.Set("q", p.Query)
	}
	if p.Category != "" {
		q.Set("category", p.Category)
	}
	if p.FeaturedOnly {
		q.Set("featured", "true")
	}
	var out Page
	err := c.rc.Get(ctx, "/products", q, &out)
	return out, err
}
