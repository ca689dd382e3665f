package upstream_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
)

// waits records the backoff waits of the clients and returns at once.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) got() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.d)
}

// demoConfig points every upstream at the demo services of u.
func demoConfig(u *servicestest.Upstreams) upstream.Config {
	return upstream.Config{
		UsersURL: u.URL("users"), CatalogURL: u.URL("catalog"), InventoryURL: u.URL("inventory"),
		OrdersURL: u.URL("orders"), ReviewsURL: u.URL("reviews"), PaymentsURL: u.URL("payments"),
	}
}

func newClients(t *testing.T, cfg upstream.Config) (*upstream.Clients, *waits) {
	t.Helper()
	var w waits
	c, err := upstream.NewWithClock(cfg, w.sleep, func() float64 { return 0.5 })
	if err != nil {
		t.Fatalf("upstream.New: %v", err)
	}
	return c, &w
}

func refusedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

// TestResilienceAgainstDemoServices drives the typed clients New builds
// against the demo services' fault knobs and counts the calls each
// service received.
func TestResilienceAgainstDemoServices(t *testing.T) {
	getSummary := func(c *upstream.Clients) error {
		_, err := c.Reviews.Summary(t.Context(), "prd_0001")
		return err
	}
	createOrder := func(c *upstream.Clients) error {
		_, err := c.Orders.Create(t.Context(), orders.NewOrder{UserID: "usr_0001", Items: []orders.Item{{ProductID: "prd_0001", Quantity: 1}}})
		return err
	}
	tests := []struct {
		name         string
		service      string
		faults       ops.Faults
		cfg          func(*upstream.Config)
		call         func(*upstream.Clients) error
		wantKind     restclient.Kind
		wantCalls    int64
		wantAttempts int
		wantWaits    []time.Duration
	}{
		{name: "service down: a GET is tried UPSTREAM_RETRIES times", service: "reviews", faults: ops.Faults{Down: true},
			call: getSummary, wantKind: restclient.KindUnavailable, wantCalls: 3, wantAttempts: 3,
			wantWaits: []time.Duration{25 * time.Millisecond, 50 * time.Millisecond}},
		{name: "500s: a GET is retried", service: "reviews", faults: ops.Faults{ErrorRate: 1},
			cfg:  func(c *upstream.Config) { c.Retries, c.RetryBackoff = 4, 10*time.Millisecond },
			call: getSummary, wantKind: restclient.KindUnavailable, wantCalls: 4, wantAttempts: 4,
			wantWaits: []time.Duration{5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}},
		{name: "service down: a POST is sent once", service: "orders", faults: ops.Faults{Down: true},
			call: createOrder, wantKind: restclient.KindUnavailable, wantCalls: 1, wantAttempts: 1},
		{name: "retries off", service: "reviews", faults: ops.Faults{Down: true},
			cfg:  func(c *upstream.Config) { c.Retries = 1 },
			call: getSummary, wantKind: restclient.KindUnavailable, wantCalls: 1, wantAttempts: 1},
		{name: "slower than UPSTREAM_TIMEOUT: one attempt, not retried on the same URL", service: "reviews", faults: ops.Faults{LatencyMs: 60_000},
			cfg:  func(c *upstream.Config) { c.Timeout = 20 * time.Millisecond },
			call: getSummary, wantKind: restclient.KindTimeout, wantCalls: 1, wantAttempts: 1},
		{name: "slower than UPSTREAM_TIMEOUT with UPSTREAM_RETRY_TIMEOUTS: a timeout per attempt", service: "reviews", faults: ops.Faults{LatencyMs: 60_000},
			cfg:  func(c *upstream.Config) { c.Timeout, c.RetryTimeouts = 20*time.Millisecond, true },
			call: getSummary, wantKind: restclient.KindTimeout, wantCalls: 3, wantAttempts: 3,
			wantWaits: []time.Duration{25 * time.Millisecond, 50 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := servicestest.Start(t, servicestest.WithFaults(tt.service, tt.faults))
			cfg := demoConfig(u)
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			c, w := newClients(t, cfg)

			err := tt.call(c)

			e, ok := errors.AsType[*restclient.Error](err)
			if !ok {
				t.Fatalf("err = %v, want a *restclient.Error", err)
			}
			if e.Kind != tt.wantKind || e.Service != tt.service || e.Attempts != tt.wantAttempts {
				t.Errorf("Kind, Service, Attempts = %v, %q, %d; want %v, %q, %d", e.Kind, e.Service, e.Attempts, tt.wantKind, tt.service, tt.wantAttempts)
			}
			if got := u.Calls(tt.service); got != tt.wantCalls {
				t.Errorf("%s calls = %d, want %d", tt.service, got, tt.wantCalls)
			}
			if got := w.got(); !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
		})
	}
}

// TestBreakerPerUpstream: a failing upstream opens its own breaker only;
// while open, calls to it fail fast with no network call.
func TestBreakerPerUpstream(t *testing.T) {
	u := servicestest.Start(t, servicestest.WithFaults("reviews", ops.Faults{Down: true}))
	cfg := demoConfig(u)
	cfg.BreakerFailures = 3
	c, _ := newClients(t, cfg)

	closed := map[string]string{
		"users": "closed", "catalog": "closed", "inventory": "closed",
		"orders": "closed", "reviews": "closed", "payments": "closed",
	}
	if got := c.BreakerStates(); !maps.Equal(got, closed) {
		t.Fatalf("BreakerStates() = %v, want all closed", got)
	}
	if _, err := c.Reviews.Summary(t.Context(), "prd_0001"); err == nil {
		t.Fatal("Summary of a down service succeeded")
	}
	if _, err := c.Catalog.BatchGet(t.Context(), []string{"prd_0001"}); err != nil {
		t.Fatalf("catalog: %v", err)
	}
	want := maps.Clone(closed)
	want["reviews"] = "open"
	if got := c.BreakerStates(); !maps.Equal(got, want) {
		t.Errorf("BreakerStates() = %v, want %v", got, want)
	}

	u.Reset()
	u.ClearFaults()
	_, err := c.Reviews.Summary(t.Context(), "prd_0001")
	if k, _ := restclient.KindOf(err); k != restclient.KindCircuitOpen {
		t.Errorf("Summary while open: %v, want circuit open", err)
	}
	if n := u.Calls("reviews"); n != 0 {
		t.Errorf("reviews calls while open = %d, want 0", n)
	}
}

// TestBackupURLs: with the primary down, a GET is served by the backup; a
// POST fails on the primary without trying it.
func TestBackupURLs(t *testing.T) {
	u := servicestest.Start(t)
	cfg := demoConfig(u)
	cfg.CatalogURL = refusedURL(t) + ", " + u.URL("catalog")
	cfg.InventoryURL = refusedURL(t) + "," + u.URL("inventory")
	c, w := newClients(t, cfg)

	products, err := c.Catalog.BatchGet(t.Context(), []string{"prd_0001"})
	if err != nil || len(products) != 1 || products[0].ID != "prd_0001" {
		t.Fatalf("BatchGet = %v, %v; want prd_0001 from the backup", products, err)
	}
	if n := u.Calls("catalog"); n != 1 {
		t.Errorf("backup catalog calls = %d, want 1", n)
	}
	if got := w.got(); len(got) != 1 {
		t.Errorf("waits = %v, want the one before the backup", got)
	}

	_, err = c.Inventory.Adjust(t.Context(), "prd_0001", inventory.Adjustment{Warehouse: "ams", Delta: 1, Reason: "recount"})
	e, ok := errors.AsType[*restclient.Error](err)
	if !ok || e.Kind != restclient.KindUnavailable || e.Attempts != 1 {
		t.Fatalf("Adjust = %v; want unavailable after 1 attempt", err)
	}
	if n := u.Calls("inventory"); n != 0 {
		t.Errorf("backup inventory calls = %d, want 0: a mutation is never sent to a backup", n)
	}
}

// stalled is an upstream that never answers: each request waits until the
// caller gives up on it, which it reports on canceled.
func stalled(t *testing.T) (url string, canceled <-chan string) {
	t.Helper()
	ch := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the caller hanging up
		<-r.Context().Done()
		ch <- r.Method + " " + r.URL.Path
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

// TestHedgedReads: with UPSTREAM_HEDGE_DELAY, a read the primary URL sits
// on is sent again to the backup, whose answer wins, and the primary's
// attempt is cancelled; a mutation is never hedged.
func TestHedgedReads(t *testing.T) {
	u := servicestest.Start(t)
	primary, canceled := stalled(t)
	cfg := demoConfig(u)
	cfg.ReviewsURL = primary + "," + u.URL("reviews")
	cfg.OrdersURL = primary + "," + u.URL("orders")
	cfg.HedgeDelay = "20ms"
	cfg.Timeout = 300 * time.Millisecond
	var mu sync.Mutex
	var events []string
	c, err := upstream.New(cfg, upstream.WithHedgeObserver(func(service string, won bool) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, fmt.Sprintf("%s won=%v", service, won))
	}))
	if err != nil {
		t.Fatal(err)
	}

	sum, err := c.Reviews.Summary(t.Context(), "prd_0001")
	if err != nil || sum.ProductID != "prd_0001" {
		t.Fatalf("Summary = %+v, %v; want prd_0001's summary from the backup", sum, err)
	}
	if n := u.Calls("reviews"); n != 1 {
		t.Errorf("backup reviews calls = %d, want 1 (the hedge)", n)
	}
	select {
	case got := <-canceled:
		if got != "GET /products/prd_0001/reviews/summary" {
			t.Errorf("the primary's cancelled request was %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the primary's attempt was not cancelled when the hedge won")
	}
	mu.Lock()
	got := slices.Clone(events)
	mu.Unlock()
	if want := []string{"reviews won=false", "reviews won=true"}; !slices.Equal(got, want) {
		t.Errorf("hedge events = %v, want %v", got, want)
	}

	_, err = c.Orders.Create(t.Context(), orders.NewOrder{UserID: "usr_0001", Items: []orders.Item{{ProductID: "prd_0001", Quantity: 1}}})
	if k, _ := restclient.KindOf(err); k != restclient.KindTimeout {
		t.Errorf("Create on a stalled primary = %v, want a timeout", err)
	}
	if n := u.Calls("orders"); n != 0 {
		t.Errorf("backup orders calls = %d, want 0: a mutation is never hedged", n)
	}
}
