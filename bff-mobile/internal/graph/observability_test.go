package graph_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/services/users"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
)

// syncBuffer collects log lines written concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// accessLines returns the access-log lines ("msg":"request") logged so far.
func (b *syncBuffer) accessLines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if m["msg"] == "request" {
			out = append(out, m)
		}
	}
	return out
}

// TestAccessLog: one request, exactly one access line with what an operator
// needs to find it, and never the token.
func TestAccessLog(t *testing.T) {
	logs := &syncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	kit := graphtest.NewObserved(t, nil, logger, nil)

	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql",
		strings.NewReader(`{"query":"query Home { me { firstName } home { featuredProducts(first: 2) { id } } }","operationName":"Home"}`))
	req.Header.Set("Content-Type", "application/json")
	resp := kit.Do(req)
	if resp.Status != 200 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}

	lines := logs.accessLines(t)
	if len(lines) != 1 {
		t.Fatalf("%d access lines, want exactly 1: %v", len(lines), lines)
	}
	line := lines[0]
	var upstream float64
	for _, n := range kit.CallsByService() {
		upstream += float64(n)
	}
	want := map[string]any{
		"request_id": resp.Header.Get("X-Request-ID"), "bff": "bff-mobile", "operation": "Home", "operation_type": "query",
		"client_id": "mobile-app", "subject": "usr_0001", "status": float64(200), "upstream_calls": upstream, "rate_limit": "allowed",
	}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("access line %s = %#v, want %#v", k, line[k], v)
		}
	}
	if line["request_id"] == "" || upstream == 0 {
		t.Errorf("request id %q, upstream calls %v: want both set", line["request_id"], upstream)
	}
	for _, k := range []string{"trace_id", "duration_ms", "error_codes"} {
		if _, ok := line[k]; !ok {
			t.Errorf("access line has no %s", k)
		}
	}
	if raw, _ := json.Marshal(line); strings.Contains(string(raw), kit.Token()) {
		t.Error("the access line contains the access token")
	}
}

// TestRequestIDInErrors: an error carries the request id of its access line.
func TestRequestIDInErrors(t *testing.T) {
	kit := graphtest.New(t)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql",
		strings.NewReader(`{"query":"{ product(id: \"prd_9999\") { id } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-ID", "support-ticket-42")
	resp := kit.Do(req)
	if !strings.Contains(string(resp.Body), `"requestId":"support-ticket-42"`) || resp.Header.Get("X-Request-ID") != "support-ticket-42" {
		t.Fatalf("headers %v body %s: want the request id in the header and in extensions", resp.Header, resp.Body)
	}
	// Errors written before GraphQL runs carry it too.
	req = httptest.NewRequestWithContext(t.Context(), http.MethodPut, "/graphql", nil)
	req.Header.Set("X-Request-ID", "support-ticket-43")
	resp = kit.Do(req)
	if resp.Status != http.StatusMethodNotAllowed || !strings.Contains(string(resp.Body), `"requestId":"support-ticket-43"`) {
		t.Fatalf("PUT: %d %s", resp.Status, resp.Body)
	}
}

// TestMetricsMove: counters move for a request, an upstream error and a 429.
func TestMetricsMove(t *testing.T) {
	m := metrics.New(metrics.Config{BFF: "bff-mobile", Operations: []string{"Home"}, Codes: []string{"RATE_LIMITED", "UPSTREAM_UNAVAILABLE"}})
	kit := graphtest.NewObserved(t, func(c *config.Config) {
		c.RateLimit.Tiers = ratelimit.Rules{ratelimit.AnonymousTier: ratelimit.PerMinute(1), "free": ratelimit.PerMinute(2)}
		c.Upstream.Retries = 1
	}, slog.New(slog.DiscardHandler), m, servicestest.WithFaults("reviews", ops.Faults{Down: true}))

	resp := post(t, kit, `query Home { home { featuredProducts(first: 1) { id rating { count } } } }`, "192.0.2.1:1", nil)
	if resp.Status != 200 || !strings.Contains(string(resp.Body), "UPSTREAM_UNAVAILABLE") {
		t.Fatalf("with reviews down: %d %s", resp.Status, resp.Body)
	}
	checks := []struct {
		name string
		got  float64
		want float64
	}{
		{"requests of Home", metricValue(t, m, "frontdesk_requests_total", map[string]string{"operation": "Home"}), 1},
		{"UPSTREAM_UNAVAILABLE errors", metricValue(t, m, "frontdesk_request_errors_total", map[string]string{"code": "UPSTREAM_UNAVAILABLE"}), 1},
		{"catalog calls answered 2xx", metricValue(t, m, "frontdesk_upstream_requests_total", map[string]string{"service": "catalog", "status": "2xx"}), 1},
		{"reviews errors (every reviews call failed)", metricValue(t, m, "frontdesk_upstream_errors_total", map[string]string{"service": "reviews"}), float64(kit.Calls("reviews"))},
		{"allowed by the tier budget", metricValue(t, m, "frontdesk_ratelimit_decisions_total", map[string]string{"policy": "tiers", "decision": "allowed"}), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	post(t, kit, productsQuery, "192.0.2.1:1", nil)
	if resp := post(t, kit, productsQuery, "192.0.2.1:1", nil); resp.Status != http.StatusTooManyRequests {
		t.Fatalf("third request: %d, want 429", resp.Status)
	}
	if got := metricValue(t, m, "frontdesk_ratelimit_decisions_total", map[string]string{"policy": "tiers", "decision": "rejected"}); got != 1 {
		t.Errorf("rejected decisions = %v, want 1", got)
	}
	if got := metricValue(t, m, "frontdesk_request_errors_total", map[string]string{"code": "RATE_LIMITED"}); got != 1 {
		t.Errorf("RATE_LIMITED errors = %v, want 1", got)
	}
	if got := metricValue(t, m, "frontdesk_loader_batch_size", nil); got < 1 {
		t.Errorf("loader batches observed = %v, want at least 1", got)
	}
}

// TestTracePropagation: the server span and the upstream client span share
// one trace, and the demo service receives that trace's traceparent.
func TestTracePropagation(t *testing.T) {
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	previous := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	t.Cleanup(func() { otel.SetTracerProvider(previous) })

	rec := &headerRecorder{next: users.NewHandler(users.NewStore(seed.New().Users))}
	kit := graphtest.New(t, servicestest.WithHandler("users", rec))
	incoming := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { name } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", incoming)
	if resp := kit.Do(req); resp.Status != 200 {
		t.Fatalf("status %d %s", resp.Status, resp.Body)
	}

	wantTrace := "4bf92f3577b34da6a3ce929d0e0e4736"
	var server, client bool
	for _, s := range exporter.GetSpans() {
		if s.SpanContext.TraceID().String() != wantTrace {
			t.Errorf("span %q is in trace %s, want the incoming %s", s.Name, s.SpanContext.TraceID(), wantTrace)
		}
		server = server || s.SpanKind == trace.SpanKindServer
		client = client || s.SpanKind == trace.SpanKindClient
	}
	if !server || !client {
		t.Fatalf("spans %v: want a server and a client span", exporter.GetSpans().Snapshots())
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) == 0 || !strings.HasPrefix(rec.seen[0].Get("traceparent"), "00-"+wantTrace+"-") {
		t.Fatalf("the users service got traceparent %q, want one in trace %s", rec.seen[0].Get("traceparent"), wantTrace)
	}
}

// metricValue sums the series of the metric name whose labels include
// labels: counter and gauge values, histogram sample counts.
func metricValue(t *testing.T, m *metrics.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, s := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range s.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue series
				}
			}
			switch {
			case s.GetCounter() != nil:
				sum += s.GetCounter().GetValue()
			case s.GetGauge() != nil:
				sum += s.GetGauge().GetValue()
			case s.GetHistogram() != nil:
				sum += float64(s.GetHistogram().GetSampleCount())
			}
		}
	}
	return sum
}

// TestCacheMetrics: a repeated public query is a response-cache miss, then
// a hit with no upstream call; metrics and the access log say so.
func TestCacheMetrics(t *testing.T) {
	logs := &syncBuffer{}
	m := metrics.New(metrics.Config{BFF: "bff-mobile"})
	kit := graphtest.NewObserved(t, func(c *config.Config) {
		c.Cache.Enabled, c.Cache.Response = true, true
	}, slog.New(slog.NewJSONHandler(logs, nil)), m)
	kit.Anonymous()
	for range 2 {
		if resp := post(t, kit, productsQuery, "192.0.2.1:1", nil); resp.Status != 200 {
			t.Fatalf("status %d %s", resp.Status, resp.Body)
		}
	}
	if n := kit.Calls("catalog"); n != 1 {
		t.Errorf("catalog calls = %d, want 1 (the second answer from the cache)", n)
	}
	if got := metricValue(t, m, "frontdesk_cache_requests_total", map[string]string{"layer": "response", "result": "miss"}); got != 1 {
		t.Errorf("response misses = %v, want 1", got)
	}
	if got := metricValue(t, m, "frontdesk_cache_requests_total", map[string]string{"layer": "response", "result": "hit"}); got != 1 {
		t.Errorf("response hits = %v, want 1", got)
	}
	lines := logs.accessLines(t)
	if len(lines) != 2 || lines[0]["cache_misses"] == float64(0) || lines[1]["cache_hits"] != float64(1) || lines[1]["upstream_calls"] != float64(0) {
		t.Errorf("access lines = %v; want a miss, then a hit with no upstream call", lines)
	}
}
