// Package upstream builds the typed clients of every REST service a BFF
// fans out to, each on its own *http.Client.
package upstream

import (
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// Config locates the upstream services. The defaults are the demo services'
// fixed local ports (services/cmd/demo-services).
type Config struct {
	UsersURL     string `env:"USERS_URL" envDefault:"http://127.0.0.1:3001" json:"usersURL"`
	CatalogURL   string `env:"CATALOG_URL" envDefault:"http://127.0.0.1:3002" json:"catalogURL"`
	InventoryURL string `env:"INVENTORY_URL" envDefault:"http://127.0.0.1:3003" json:"inventoryURL"`
	OrdersURL    string `env:"ORDERS_URL" envDefault:"http://127.0.0.1:3004" json:"ordersURL"`
	ReviewsURL   string `env:"REVIEWS_URL" envDefault:"http://127.0.0.1:3005" json:"reviewsURL"`
	PaymentsURL  string `env:"PAYMENTS_URL" envDefault:"http://127.0.0.1:3006" json:"paymentsURL"`
	// Timeout bounds one upstream call (dial to last byte).
	Timeout time.Duration `env:"UPSTREAM_TIMEOUT" envDefault:"2s" json:"timeout"`
	// MaxResponseBytes caps one upstream response body.
	MaxResponseBytes int64 `env:"UPSTREAM_MAX_RESPONSE_BYTES" envDefault:"8388608" json:"maxResponseBytes"`
}

// URLs returns the base URL of each upstream by logical name.
func (c Config) URLs() map[string]string {
	return map[string]string{
		users.Service:     c.UsersURL,
		catalog.Service:   c.CatalogURL,
		inventory.Service: c.InventoryURL,
		orders.Service:    c.OrdersURL,
		reviews.Service:   c.ReviewsURL,
		payments.Service:  c.PaymentsURL,
	}
}

// Clients holds one typed client per upstream service.
type Clients struct {
	Users     *users.Client
	Catalog   *catalog.Client
	Inventory *inventory.Client
	Orders    *orders.Client
	Reviews   *reviews.Client
	Payments  *payments.Client
}

// New returns the clients of cfg, each upstream on its own *http.Client whose
// transport is wrapped in forward.Transport: every call carries the verified
// identity, request id and configured headers its context holds (see package
// forward), never the client's credentials.
func New(cfg Config) (*Clients, error) {
	rcCfg := restclient.Config{Timeout: cfg.Timeout, MaxResponseBytes: cfg.MaxResponseBytes}
	urls := cfg.URLs()
	rcs := make(map[string]*restclient.Client, len(urls))
	for name, base := range urls {
		hc := restclient.NewHTTPClient(rcCfg)
		hc.Transport = forward.Transport(hc.Transport)
		rc, err := restclient.New(name, base, hc, rcCfg)
		if err != nil {
			return nil, fmt.Errorf("configuring upstreams: %w", err)
		}
		rcs[name] = rc
	}
	return &Clients{
		Users:     users.New(rcs[users.Service]),
		Catalog:   catalog.New(rcs[catalog.Service]),
		Inventory: inventory.New(rcs[inventory.Service]),
		Orders:    orders.New(rcs[orders.Service]),
		Reviews:   reviews.New(rcs[reviews.Service]),
		Payments:  payments.New(rcs[payments.Service]),
	}, nil
}
