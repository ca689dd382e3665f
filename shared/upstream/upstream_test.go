package upstream_test

import (
	"context"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/requestid"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
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
		{"zero settings take defaults", func(c *upstream.Config) {
			c.Timeout, c.MaxResponseBytes, c.Retries, c.RetryBackoff, c.RetryMaxWait = 0, 0, 0, 0, 0
			c.RetryBudget, c.BreakerFailures, c.BreakerCooldown = 0, 0, 0
		}, ""},
		{"backup URLs", func(c *upstream.Config) { c.CatalogURL = "http://10.0.0.1:3002/api, http://10.0.0.2:3002/api" }, ""},
		{"relative catalog URL", func(c *upstream.Config) { c.CatalogURL = "/catalog" }, `configuring upstreams: CATALOG_URL: upstream catalog: base URL "/catalog" must be absolute http(s)`},
		{"empty payments URL", func(c *upstream.Config) { c.PaymentsURL = "" }, `configuring upstreams: PAYMENTS_URL: upstream payments: base URL "" must be absolute http(s)`},
		{"ftp orders URL", func(c *upstream.Config) { c.OrdersURL = "ftp://orders" }, `configuring upstreams: ORDERS_URL: upstream orders: base URL "ftp://orders" must be absolute http(s)`},
		{"bad backup URL", func(c *upstream.Config) { c.UsersURL = "http://127.0.0.1:3001,users:3001" }, `configuring upstreams: USERS_URL: upstream users: base URL "users:3001" must be absolute http(s)`},
		{"empty backup URL", func(c *upstream.Config) { c.ReviewsURL = "http://127.0.0.1:3005," }, `configuring upstreams: REVIEWS_URL: upstream reviews: base URL "" must be absolute http(s)`},
		{"negative timeout", func(c *upstream.Config) { c.Timeout = -time.Second }, "configuring upstreams: UPSTREAM_TIMEOUT must not be negative"},
		{"too many retries", func(c *upstream.Config) { c.Retries = 11 }, "configuring upstreams: UPSTREAM_RETRIES must be between 1 and 10, got 11"},
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

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*upstream.Config)
		wantErr string // "" when valid
	}{
		{"valid", func(*upstream.Config) {}, ""},
		{"zeros take defaults", func(c *upstream.Config) { *c = upstream.Config{} }, ""},
		{"one attempt", func(c *upstream.Config) { c.Retries = 1 }, ""},
		{"ten attempts", func(c *upstream.Config) { c.Retries = 10 }, ""},
		{"budget bounds", func(c *upstream.Config) { c.RetryBudget = 1 }, ""},
		{"negative timeout", func(c *upstream.Config) { c.Timeout = -1 }, "UPSTREAM_TIMEOUT must not be negative"},
		{"negative cap", func(c *upstream.Config) { c.MaxResponseBytes = -1 }, "UPSTREAM_MAX_RESPONSE_BYTES must not be negative"},
		{"negative retries", func(c *upstream.Config) { c.Retries = -1 }, "UPSTREAM_RETRIES must be between 1 and 10, got -1"},
		{"eleven retries", func(c *upstream.Config) { c.Retries = 11 }, "UPSTREAM_RETRIES must be between 1 and 10, got 11"},
		{"negative backoff", func(c *upstream.Config) { c.RetryBackoff = -1 }, "UPSTREAM_RETRY_BACKOFF must not be negative"},
		{"negative max wait", func(c *upstream.Config) { c.RetryMaxWait = -1 }, "UPSTREAM_RETRY_MAX_WAIT must not be negative"},
		{"negative budget", func(c *upstream.Config) { c.RetryBudget = -0.1 }, "UPSTREAM_RETRY_BUDGET must be between 0 and 1, got -0.1"},
		{"budget above one", func(c *upstream.Config) { c.RetryBudget = 1.5 }, "UPSTREAM_RETRY_BUDGET must be between 0 and 1, got 1.5"},
		{"NaN budget", func(c *upstream.Config) { c.RetryBudget = math.NaN() }, "UPSTREAM_RETRY_BUDGET must be between 0 and 1, got NaN"},
		{"negative breaker failures", func(c *upstream.Config) { c.BreakerFailures = -1 }, "UPSTREAM_BREAKER_FAILURES must be between 1 and 1000, got -1"},
		{"too many breaker failures", func(c *upstream.Config) { c.BreakerFailures = 1001 }, "UPSTREAM_BREAKER_FAILURES must be between 1 and 1000, got 1001"},
		{"negative cool-down", func(c *upstream.Config) { c.BreakerCooldown = -1 }, "UPSTREAM_BREAKER_COOLDOWN must not be negative"},
		{"negative optional budget", func(c *upstream.Config) { c.OptionalBudget = -1 }, "UPSTREAM_OPTIONAL_BUDGET must not be negative"},
		{"budget of an unknown upstream", func(c *upstream.Config) { c.OptionalBudgets = map[string]time.Duration{"review": time.Second} },
			`UPSTREAM_OPTIONAL_BUDGETS: unknown upstream "review" (one of users, catalog, inventory, orders, reviews, payments)`},
		{"negative budget of an upstream", func(c *upstream.Config) { c.OptionalBudgets = map[string]time.Duration{"reviews": -1} },
			"UPSTREAM_OPTIONAL_BUDGETS: the budget of reviews must not be negative"},
		{"hedging off", func(c *upstream.Config) { c.HedgeDelay = "off" }, ""},
		{"hedging at p95", func(c *upstream.Config) { c.HedgeDelay = "p95" }, ""},
		{"hedging after a delay", func(c *upstream.Config) { c.HedgeDelay = "150ms" }, ""},
		{"hedging per upstream", func(c *upstream.Config) { c.HedgeDelays = map[string]string{"reviews": "p95", "users": "off"} }, ""},
		{"hedging misspelt", func(c *upstream.Config) { c.HedgeDelay = "p99" },
			`UPSTREAM_HEDGE_DELAY: want "off", "p95" or a positive duration, got "p99"`},
		{"hedging after no time", func(c *upstream.Config) { c.HedgeDelay = "0s" },
			`UPSTREAM_HEDGE_DELAY: want "off", "p95" or a positive duration, got "0s"`},
		{"hedging an unknown upstream", func(c *upstream.Config) { c.HedgeDelays = map[string]string{"review": "p95"} },
			`UPSTREAM_HEDGE_DELAYS: unknown upstream "review" (one of users, catalog, inventory, orders, reviews, payments)`},
		{"hedging an upstream misspelt", func(c *upstream.Config) { c.HedgeDelays = map[string]string{"reviews": "-1s"} },
			`UPSTREAM_HEDGE_DELAYS: reviews: want "off", "p95" or a positive duration, got "-1s"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := validConfig()
			tt.mutate(&cfg)
			err := cfg.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Validate = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestConfigDefaults: the variables' documented defaults are what
// envconfig loads, and the zero values New falls back to match them.
func TestConfigDefaults(t *testing.T) {
	var cfg upstream.Config
	if err := envconfig.Load(&cfg, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"UPSTREAM_TIMEOUT": "2s", "UPSTREAM_MAX_RESPONSE_BYTES": "8388608",
		"UPSTREAM_RETRIES": "3", "UPSTREAM_RETRY_BACKOFF": "50ms", "UPSTREAM_RETRY_MAX_WAIT": "2s",
		"UPSTREAM_RETRY_BUDGET": "0.2", "UPSTREAM_BREAKER_FAILURES": "5", "UPSTREAM_BREAKER_COOLDOWN": "10s",
	}
	got := envconfig.Effective(cfg)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if cfg.Retries != upstream.DefaultRetries || cfg.RetryBackoff != upstream.DefaultRetryBackoff ||
		cfg.RetryMaxWait != upstream.DefaultRetryMaxWait || cfg.RetryBudget != upstream.DefaultRetryBudget ||
		cfg.BreakerFailures != upstream.DefaultBreakerFailures || cfg.BreakerCooldown != upstream.DefaultBreakerCooldown {
		t.Errorf("env defaults %+v differ from the Default* constants", cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
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

// TestClientsForwardIdentity proves that every client New builds sends
// through forward.Transport: the verified identity and request id arrive,
// the client's credentials and spoofed identity headers do not.
func TestClientsForwardIdentity(t *testing.T) {
	var (
		mu   sync.Mutex
		seen = map[string]http.Header{} // by method and path
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+r.URL.Path] = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	cfg := validConfig()
	cfg.UsersURL, cfg.CatalogURL, cfg.InventoryURL = srv.URL, srv.URL, srv.URL
	cfg.OrdersURL, cfg.ReviewsURL, cfg.PaymentsURL = srv.URL, srv.URL, srv.URL
	c, err := upstream.New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	// The context of a BFF request whose client sent a token, a cookie and
	// a spoofed identity; the principal is what auth.Authenticate verified.
	incoming := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	incoming.Header.Set("Authorization", "Bearer x")
	incoming.Header.Set("Cookie", "session=abc")
	incoming.Header.Set("X-User-ID", "usr_9999")
	incoming.Header.Set("Accept-Language", "fr-CH")
	var ctx context.Context
	forward.Middleware(forward.Config{Headers: []string{"Accept-Language"}})(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		ctx = r.Context()
	})).ServeHTTP(httptest.NewRecorder(), incoming)
	ctx = auth.NewContext(ctx, auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "support"}, ClientID: "mobile-app"})
	ctx = requestid.NewContext(ctx, "req-42")

	calls := []struct {
		name, route string
		call        func() error
	}{
		{"users batch", "GET /users", func() error { _, err := c.Users.BatchGet(ctx, []string{"usr_0001"}); return err }},
		{"catalog batch", "GET /products", func() error { _, err := c.Catalog.BatchGet(ctx, []string{"prd_0001"}); return err }},
		{"inventory batch", "GET /stock", func() error { _, err := c.Inventory.BatchGet(ctx, []string{"prd_0001"}); return err }},
		{"orders list", "GET /orders", func() error { _, err := c.Orders.List(ctx, orders.ListParams{}); return err }},
		{"reviews get", "GET /reviews/rev_0001", func() error { _, err := c.Reviews.Get(ctx, "rev_0001"); return err }},
		{"payments batch", "GET /payments", func() error { _, err := c.Payments.BatchGet(ctx, []string{"pay_0001"}); return err }},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatalf("call: %v", err)
			}
			mu.Lock()
			got, ok := seen[tt.route]
			mu.Unlock()
			if !ok {
				t.Fatalf("upstream saw no %s; saw %v", tt.route, slices.Collect(maps.Keys(seen)))
			}
			want := map[string][]string{
				"X-User-Id":       {"usr_0001"},
				"X-User-Roles":    {"customer,support"},
				"X-Client-Id":     {"mobile-app"},
				"X-Request-Id":    {"req-42"},
				"Accept-Language": {"fr-CH"},
				"Authorization":   nil,
				"Cookie":          nil,
			}
			for name, vs := range want {
				if !slices.Equal(got.Values(name), vs) {
					t.Errorf("upstream got %s = %q, want %q", name, got.Values(name), vs)
				}
			}
		})
	}
}
