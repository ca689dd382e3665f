package upstream_test

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/upstream"
)

func validConfig() upstream.Config {
	return upstream.Config{
		UsersURL: "http://127.0.0.1:3001", CatalogURL: "http://127.0.0.1:3002", InventoryURL: "http://127.0.0.1:3003",
		OrdersURL: "http://127.0.0.1:3004", ReviewsURL: "http://127.0.0.1:3005", PaymentsURL: "http://127.0.0.1:3006",
		Timeout: 2 * time.Second, MaxResponseBytes: 1 << 20,
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*upstream.Config)
		wantErr string // "" for success
	}{
		{"all valid", func(*upstream.Config) {}, ""},
		{"zero timeout and cap take defaults", func(c *upstream.Config) { c.Timeout, c.MaxResponseBytes = 0, 0 }, ""},
		{"relative catalog URL", func(c *upstream.Config) { c.CatalogURL = "/catalog" }, `configuring upstreams: upstream catalog: base URL "/catalog" must be absolute http(s)`},
		{"empty payments URL", func(c *upstream.Config) { c.PaymentsURL = "" }, `configuring upstreams: upstream payments: base URL "" must be absolute http(s)`},
		{"ftp orders URL", func(c *upstream.Config) { c.OrdersURL = "ftp://orders" }, `configuring upstreams: upstream orders: base URL "ftp://orders" must be absolute http(s)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.mutate(&cfg)
			c, err := upstream.New(cfg)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || c != nil {
					t.Errorf("New = %v, %v; want nil, %q", c, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.Users == nil || c.Catalog == nil || c.Inventory == nil || c.Orders == nil || c.Reviews == nil || c.Payments == nil {
				t.Errorf("New left a client nil: %+v", c)
			}
		})
	}
}

func TestConfigURLs(t *testing.T) {
	got := validConfig().URLs()
	want := map[string]string{
		"users": "http://127.0.0.1:3001", "catalog": "http://127.0.0.1:3002", "inventory": "http://127.0.0.1:3003",
		"orders": "http://127.0.0.1:3004", "reviews": "http://127.0.0.1:3005", "payments": "http://127.0.0.1:3006",
	}
	if len(got) != len(want) {
		t.Fatalf("URLs() = %v, want %v", got, want)
	}
	for name, u := range want {
		if got[name] != u {
			t.Errorf("URLs()[%s] = %q, want %q", name, got[name], u)
		}
		if !strings.HasPrefix(got[name], "http://") {
			t.Errorf("URLs()[%s] not http", name)
		}
	}
}
