package inventory_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
)

// newClient starts fresh services, so every case sees the seed.
func newClient(t *testing.T) *inventory.Client {
	t.Helper()
	u := servicestest.Start(t)
	c, err := upstream.New(upstream.Config{
		UsersURL: u.URL("users"), CatalogURL: u.URL("catalog"), InventoryURL: u.URL("inventory"),
		OrdersURL: u.URL("orders"), ReviewsURL: u.URL("reviews"), PaymentsURL: u.URL("payments"),
		Timeout: 2 * time.Second, MaxResponseBytes: 1 << 20,
	})
	if err != nil {
		t.Fatalf("upstream.New: %v", err)
	}
	return c.Inventory
}

func stock(id string, ams, nyc, sgp int) inventory.Stock {
	return inventory.Stock{ProductID: id, Total: ams + nyc + sgp, Warehouses: []inventory.WarehouseStock{
		{Warehouse: "ams", Quantity: ams}, {Warehouse: "nyc", Quantity: nyc}, {Warehouse: "sgp", Quantity: sgp},
	}}
}

func equal(a, b []inventory.Stock) bool {
	return slices.EqualFunc(a, b, func(x, y inventory.Stock) bool {
		return x.ProductID == y.ProductID && x.Total == y.Total && slices.Equal(x.Warehouses, y.Warehouses)
	})
}

func TestClient(t *testing.T) {
	prd1, prd2 := stock("prd_0001", 30, 26, 0), stock("prd_0002", 56, 9, 20)
	tests := []struct {
		name     string
		call     func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error)
		want     []inventory.Stock
		wantKind restclient.Kind
		wantCode string
	}{
		{"batch omits unknown products", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			return c.BatchGet(t.Context(), []string{"prd_0001", "prd_9999", "prd_0002"})
		}, []inventory.Stock{prd1, prd2}, 0, ""},
		{"batch of unknown products is empty", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			return c.BatchGet(t.Context(), []string{"prd_9999"})
		}, []inventory.Stock{}, 0, ""},
		{"adjust down", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_0001", inventory.Adjustment{Warehouse: "ams", Delta: -2, Reason: "damaged"})
			if err != nil {
				return nil, err
			}
			after, err := c.BatchGet(t.Context(), []string{"prd_0001"})
			if err != nil || !equal(after, []inventory.Stock{s}) {
				t.Errorf("stock after adjusting = %+v, %v; want %+v", after, err, s)
			}
			return []inventory.Stock{s}, nil
		}, []inventory.Stock{stock("prd_0001", 28, 26, 0)}, 0, ""},
		{"adjust up an empty warehouse", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_0001", inventory.Adjustment{Warehouse: "sgp", Delta: 5})
			return []inventory.Stock{s}, err
		}, []inventory.Stock{stock("prd_0001", 30, 26, 5)}, 0, ""},
		{"adjust to exactly zero", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_0002", inventory.Adjustment{Warehouse: "nyc", Delta: -9, Reason: "recount"})
			return []inventory.Stock{s}, err
		}, []inventory.Stock{stock("prd_0002", 56, 0, 20)}, 0, ""},
		{"adjust below zero conflicts", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_0001", inventory.Adjustment{Warehouse: "sgp", Delta: -1})
			return []inventory.Stock{s}, err
		}, nil, restclient.KindConflict, "conflict"},
		{"unknown warehouse", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_0001", inventory.Adjustment{Warehouse: "lon", Delta: 1})
			return []inventory.Stock{s}, err
		}, nil, restclient.KindBadRequest, "bad_request"},
		{"zero delta", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_0001", inventory.Adjustment{Warehouse: "ams"})
			return []inventory.Stock{s}, err
		}, nil, restclient.KindBadRequest, "bad_request"},
		{"unknown product", func(t *testing.T, c *inventory.Client) ([]inventory.Stock, error) {
			s, err := c.Adjust(t.Context(), "prd_9999", inventory.Adjustment{Warehouse: "ams", Delta: 1})
			return []inventory.Stock{s}, err
		}, nil, restclient.KindNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t)
			got, err := tt.call(t, c)
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Code != tt.wantCode || e.Service != "inventory" {
					t.Fatalf("err = %v, want an inventory %v error with code %s", err, tt.wantKind, tt.wantCode)
				}
				if got, want := errors.Is(err, restclient.ErrNotFound), tt.wantKind == restclient.KindNotFound; got != want {
					t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v", got, want)
				}
				// A rejected adjustment changes nothing.
				after, err := c.BatchGet(t.Context(), []string{"prd_0001"})
				if err != nil || !equal(after, []inventory.Stock{prd1}) {
					t.Errorf("stock after a rejected adjustment = %+v, %v", after, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !equal(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
