package metrics_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
)

func newMetrics() *metrics.Metrics {
	return metrics.New(metrics.Config{
		BFF:        "bff-test",
		Operations: []string{"Home", "PlaceOrder"},
		Codes:      []string{"NOT_FOUND", "RATE_LIMITED", "UPSTREAM_UNAVAILABLE"},
	})
}

// value returns the value of the series of family with exactly labels
// (bff included), 0 when there is none.
func value(t *testing.T, m *metrics.Metrics, family string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gathering: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != family {
			continue
		}
	series:
		for _, s := range mf.GetMetric() {
			if len(s.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range s.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue series
				}
			}
			switch {
			case s.GetCounter() != nil:
				return s.GetCounter().GetValue()
			case s.GetGauge() != nil:
				return s.GetGauge().GetValue()
			case s.GetHistogram() != nil:
				return float64(s.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

// serve runs one request through accesslog.Middleware and m.Middleware
// into h.
func serve(m *metrics.Metrics, h http.HandlerFunc) {
	logger := slog.New(slog.DiscardHandler)
	srv := accesslog.Middleware(logger, "bff-test")(m.Middleware(h))
	srv.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
}

func TestRequestMetrics(t *testing.T) {
	m := newMetrics()
	var inFlight float64
	serve(m, func(w http.ResponseWriter, r *http.Request) {
		inFlight = value(t, m, "frontdesk_requests_in_flight", map[string]string{"bff": "bff-test"})
		rec, _ := accesslog.FromContext(r.Context())
		rec.SetOperation("Home", "query")
		_, _ = io.WriteString(w, `{"data":{}}`)
	})
	serve(m, func(w http.ResponseWriter, r *http.Request) {
		rec, _ := accesslog.FromContext(r.Context())
		rec.SetOperation("Home", "query")
		rec.AddErrorCode("NOT_FOUND")
		rec.AddErrorCode("UPSTREAM_UNAVAILABLE")
		_, _ = io.WriteString(w, `{"data":{}}`)
	})
	serve(m, func(w http.ResponseWriter, r *http.Request) {
		rec, _ := accesslog.FromContext(r.Context())
		rec.SetOperation("StealEverything", "mutation") // not an allowed name
		rec.AddErrorCode("SOMETHING_NEW")               // not in the closed set
		_, _ = io.WriteString(w, `{"data":null}`)
	})
	serve(m, func(w http.ResponseWriter, _ *http.Request) { // refused before GraphQL
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"errors":[{"message":"slow down","extensions":{"code":"RATE_LIMITED"}}]}`)
	})

	if inFlight != 1 {
		t.Errorf("in flight during a request = %v, want 1", inFlight)
	}
	tests := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"frontdesk_requests_in_flight", map[string]string{}, 0},
		{"frontdesk_requests_total", map[string]string{"operation": "Home", "operation_type": "query", "result": "ok"}, 1},
		{"frontdesk_requests_total", map[string]string{"operation": "Home", "operation_type": "query", "result": "error"}, 1},
		{"frontdesk_requests_total", map[string]string{"operation": "other", "operation_type": "mutation", "result": "error"}, 1},
		{"frontdesk_requests_total", map[string]string{"operation": "other", "operation_type": "none", "result": "error"}, 1},
		{"frontdesk_requests_total", map[string]string{"operation": "StealEverything", "operation_type": "mutation", "result": "error"}, 0},
		{"frontdesk_request_errors_total", map[string]string{"operation": "Home", "operation_type": "query", "code": "NOT_FOUND"}, 1},
		{"frontdesk_request_errors_total", map[string]string{"operation": "Home", "operation_type": "query", "code": "UPSTREAM_UNAVAILABLE"}, 1},
		{"frontdesk_request_errors_total", map[string]string{"operation": "other", "operation_type": "mutation", "code": "other"}, 1},
		{"frontdesk_request_errors_total", map[string]string{"operation": "other", "operation_type": "none", "code": "RATE_LIMITED"}, 1},
		{"frontdesk_request_duration_seconds", map[string]string{"operation": "Home", "operation_type": "query"}, 2},
	}
	for _, tt := range tests {
		tt.labels["bff"] = "bff-test"
		if got := value(t, m, tt.family, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.family, tt.labels, got, tt.want)
		}
	}
}

func TestObserveRequestCountsEachCodeOnce(t *testing.T) {
	m := newMetrics()
	m.ObserveRequest(metrics.Request{
		Operation: "PlaceOrder", OperationType: "mutation", Status: 200,
		Codes: []string{"NOT_FOUND", "NOT_FOUND", "X", "Y"}, Duration: 30 * time.Millisecond,
	})
	for code, want := range map[string]float64{"NOT_FOUND": 1, "other": 1} {
		labels := map[string]string{"bff": "bff-test", "operation": "PlaceOrder", "operation_type": "mutation", "code": code}
		if got := value(t, m, "frontdesk_request_errors_total", labels); got != want {
			t.Errorf("errors with code %s = %v, want %v", code, got, want)
		}
	}
}

func TestUpstreamTransport(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/fail":
			w.WriteHeader(http.StatusInternalServerError)
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer upstream.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	m := newMetrics()
	client := &http.Client{Transport: m.UpstreamTransport("catalog", nil)}
	call := func(ctx context.Context, method, u string) {
		req, _ := http.NewRequestWithContext(ctx, method, u, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	call(t.Context(), http.MethodGet, upstream.URL+"/products")
	call(t.Context(), http.MethodGet, upstream.URL+"/products")
	call(t.Context(), http.MethodGet, upstream.URL+"/fail")
	call(t.Context(), http.MethodPost, upstream.URL+"/missing")
	call(t.Context(), http.MethodGet, closed.URL+"/products")
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	call(canceled, http.MethodGet, upstream.URL+"/products")

	tests := []struct {
		family       string
		method, code string
		want         float64
	}{
		{"frontdesk_upstream_requests_total", "GET", "2xx", 2},
		{"frontdesk_upstream_requests_total", "GET", "5xx", 1},
		{"frontdesk_upstream_requests_total", "POST", "4xx", 1},
		{"frontdesk_upstream_requests_total", "GET", "error", 1},
		{"frontdesk_upstream_requests_total", "GET", "canceled", 1},
		{"frontdesk_upstream_errors_total", "GET", "2xx", 0},
		{"frontdesk_upstream_errors_total", "GET", "5xx", 1},
		{"frontdesk_upstream_errors_total", "POST", "4xx", 0},
		{"frontdesk_upstream_errors_total", "GET", "error", 1},
		{"frontdesk_upstream_errors_total", "GET", "canceled", 0},
		{"frontdesk_upstream_request_duration_seconds", "GET", "2xx", 2},
		{"frontdesk_upstream_request_duration_seconds", "GET", "5xx", 1},
	}
	for _, tt := range tests {
		labels := map[string]string{"bff": "bff-test", "service": "catalog", "method": tt.method, "status": tt.code}
		if got := value(t, m, tt.family, labels); got != tt.want {
			t.Errorf("%s{%s %s} = %v, want %v", tt.family, tt.method, tt.code, got, tt.want)
		}
	}
	if got := value(t, m, "frontdesk_upstream_requests_in_flight", map[string]string{"bff": "bff-test", "service": "catalog"}); got != 0 {
		t.Errorf("upstream in flight after the calls = %v, want 0", got)
	}
}

func TestObserveUpstreamClassifiesErrors(t *testing.T) {
	m := newMetrics()
	m.ObserveUpstream("orders", "GET", 0, context.DeadlineExceeded, time.Second)
	m.ObserveUpstream("orders", "GET", 0, &net.OpError{Op: "dial", Err: timeoutError{}}, time.Second)
	m.ObserveUpstream("orders", "BREW", 200, nil, time.Millisecond)
	m.ObserveUpstream("orders", "GET", 429, nil, time.Millisecond)
	for _, tt := range []struct {
		family, method, status string
		want                   float64
	}{
		{"frontdesk_upstream_requests_total", "GET", "timeout", 2},
		{"frontdesk_upstream_errors_total", "GET", "timeout", 2},
		{"frontdesk_upstream_requests_total", "other", "2xx", 1},
		{"frontdesk_upstream_errors_total", "GET", "4xx", 1},
	} {
		labels := map[string]string{"bff": "bff-test", "service": "orders", "method": tt.method, "status": tt.status}
		if got := value(t, m, tt.family, labels); got != tt.want {
			t.Errorf("%s{%s %s} = %v, want %v", tt.family, tt.method, tt.status, got, tt.want)
		}
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestLoaderCacheRateLimitAndBreaker(t *testing.T) {
	m := newMetrics()
	m.ObserveBatch("products", 3)
	m.ObserveBatch("products", 40)
	m.ObserveCache("entity", metrics.CacheHit)
	m.ObserveCache("entity", metrics.CacheHit)
	m.ObserveCache("entity", metrics.CacheMiss)
	m.ObserveCache("entity", metrics.CacheStale)
	m.ObserveCache("entity", "bogus")
	m.ObserveRateLimit("user", true)
	m.ObserveRateLimit("user", false)
	m.SetBreakerState("reviews", metrics.BreakerClosed)
	m.SetBreakerState("reviews", metrics.BreakerOpen)
	m.SetBreakerState("reviews", "melted") // unknown: ignored
	m.SetBreakerState("users", metrics.BreakerState("half-open"))
	m.ObserveHedge("reviews", false)
	m.ObserveHedge("reviews", false)
	m.ObserveHedge("reviews", true)

	for _, tt := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"frontdesk_loader_batch_size", map[string]string{"loader": "products"}, 2},
		{"frontdesk_cache_requests_total", map[string]string{"layer": "entity", "result": "hit"}, 2},
		{"frontdesk_cache_requests_total", map[string]string{"layer": "entity", "result": "miss"}, 1},
		{"frontdesk_cache_requests_total", map[string]string{"layer": "entity", "result": "stale"}, 1},
		{"frontdesk_cache_requests_total", map[string]string{"layer": "entity", "result": "other"}, 1},
		{"frontdesk_ratelimit_decisions_total", map[string]string{"policy": "user", "decision": "allowed"}, 1},
		{"frontdesk_ratelimit_decisions_total", map[string]string{"policy": "user", "decision": "rejected"}, 1},
		{"frontdesk_circuit_breaker_state", map[string]string{"service": "reviews"}, 2},
		{"frontdesk_circuit_breaker_state", map[string]string{"service": "users"}, 1},
		{"frontdesk_upstream_hedges_total", map[string]string{"service": "reviews", "result": "sent"}, 2},
		{"frontdesk_upstream_hedges_total", map[string]string{"service": "reviews", "result": "won"}, 1},
	} {
		tt.labels["bff"] = "bff-test"
		if got := value(t, m, tt.family, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.family, tt.labels, got, tt.want)
		}
	}
}

func TestRegistryGathersAndLints(t *testing.T) {
	m := newMetrics()
	serve(m, func(http.ResponseWriter, *http.Request) {})
	m.ObserveUpstream("users", "GET", 200, nil, time.Millisecond)
	m.ObserveBatch("users", 1)
	m.ObserveCache("entity", metrics.CacheHit)
	m.ObserveRateLimit("ip", true)
	m.SetBreakerState("users", metrics.BreakerClosed)
	m.ObserveHedge("users", true)

	if _, err := m.Registry().Gather(); err != nil {
		t.Fatalf("gathering: %v", err)
	}
	problems, err := testutil.GatherAndLint(m.Registry())
	if err != nil {
		t.Fatalf("linting: %v", err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, "frontdesk_") {
			t.Errorf("metric %s: %s", p.Metric, p.Text)
		}
	}
	if n, err := testutil.GatherAndCount(m.Registry(), "frontdesk_requests_total"); err != nil || n != 1 {
		t.Errorf("frontdesk_requests_total has %d series (err %v), want 1", n, err)
	}
}

func TestHandlerServesTheRegistry(t *testing.T) {
	m := newMetrics()
	m.ObserveRequest(metrics.Request{Operation: "Home", OperationType: "query", Status: 200})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`frontdesk_requests_total{bff="bff-test",operation="Home",operation_type="query",result="ok"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if rec.Code != http.StatusOK {
		t.Errorf("status %d", rec.Code)
	}
}

func TestNoBFFLabelWhenUnnamed(t *testing.T) {
	m := metrics.New(metrics.Config{})
	m.ObserveRequest(metrics.Request{Operation: "Home", OperationType: "query", Status: 200})
	labels := map[string]string{"operation": "other", "operation_type": "query", "result": "ok"}
	if got := value(t, m, "frontdesk_requests_total", labels); got != 1 {
		t.Errorf("requests without the bff label = %v, want 1", got)
	}
}

func TestOperationNames(t *testing.T) {
	names, err := metrics.OperationNames(
		"query Home { me { id } }\nmutation PlaceOrder { placeOrder { id } }",
		"query Home { me { id } }\n{ anonymous }",
	)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "Home,PlaceOrder" {
		t.Errorf("names %v, want Home, PlaceOrder", names)
	}
	if _, err := metrics.OperationNames("query {"); err == nil {
		t.Error("a document that does not parse was accepted")
	}
}

func TestServe(t *testing.T) {
	m := newMetrics()
	m.ObserveRequest(metrics.Request{Operation: "Home", OperationType: "query", Status: 200})
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, slog.New(slog.DiscardHandler), ln) }()

	for path, want := range map[string]int{"/metrics": http.StatusOK, "/graphql": http.StatusNotFound} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+ln.Addr().String()+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if path == "/metrics" && !strings.Contains(string(body), "frontdesk_requests_total") {
			t.Errorf("GET /metrics lacks frontdesk_requests_total")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve after cancel: %v", err)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *metrics.Metrics
	m.ObserveRequest(metrics.Request{})
	m.ObserveUpstream("users", "GET", 200, nil, time.Millisecond)
	m.ObserveBatch("users", 1)
	m.ObserveCache("entity", metrics.CacheHit)
	m.ObserveRateLimit("ip", true)
	m.SetBreakerState("users", metrics.BreakerOpen)
	if rt := m.UpstreamTransport("users", http.DefaultTransport); rt != http.DefaultTransport {
		t.Error("a nil Metrics wrapped the transport")
	}
	h := http.NotFoundHandler()
	rec := httptest.NewRecorder()
	m.Middleware(h).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/graphql", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d through a nil Metrics' middleware", rec.Code)
	}
}
