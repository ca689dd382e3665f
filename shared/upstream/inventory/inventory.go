// Package inventory is the typed client of the inventory service.
package inventory

import (
	"context"
	"net/http"
	"net/url"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Service is the logical name of the inventory upstream.
const Service = "inventory"

// StockKind is a product's stock record in the entity cache, by product id:
// the same for every caller.
var StockKind = cache.Kind{Name: "stock", Service: Service, Scope: cache.Public}

// Stock is a product's stock in every warehouse.
type Stock struct {
	ProductID  string           `json:"productId"`
	Warehouses []WarehouseStock `json:"warehouses"`
	Total      int              `json:"total"`
}

// WarehouseStock is the stock of one product in one warehouse.
type WarehouseStock struct {
	Warehouse string `json:"warehouse"`
	Quantity  int    `json:"quantity"`
}

// Adjustment changes a product's stock in one warehouse.
type Adjustment struct {
	Warehouse string `json:"warehouse"`
	Delta     int    `json:"delta"`
	Reason    string `json:"reason,omitempty"`
}

// Client calls the inventory service.
type Client struct {
	rc    *restclient.Client
	cache *cache.Cache
}

// New returns an inventory client over rc; its writes evict what they
// change from c (nil: no cache).
func New(rc *restclient.Client, c *cache.Cache) *Client { return &Client{rc: rc, cache: c} }

// BatchGet returns the stock records of the given products that have one, in no promised order.
func (c *Client) BatchGet(ctx context.Context, productIDs []string) ([]Stock, error) {
	var out struct {
		Stock []Stock `json:"stock"`
	}
	err := c.rc.Get(ctx, "/stock", url.Values{"productIds": {restclient.JoinIDs(productIDs)}}, &out)
	return out.Stock, err
}

// Adjust applies an adjustment and returns the new stock.
func (c *Client) Adjust(ctx context.Context, productID string, a Adjustment) (Stock, error) {
	var out Stock
	err := c.rc.Do(ctx, http.MethodPost, "/stock/"+url.PathEscape(productID)+"/adjustments", nil, a, &out)
	if cache.WriteMayHaveApplied(err) {
		c.cache.Evict(ctx, StockKind, productID)
	}
	return out, err
}
