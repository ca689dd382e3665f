package graph_test

import (
	"bytes"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// The failure tests drive bff-mobile through the demo services' fault knobs
// and replacement handlers: partial results, the HTTP status of an answer
// with nothing usable left, retries of reads only, and a sweep of every
// error path for internal details.

// fast keeps failing upstream calls quick: no waits between retries.
func fast(c *config.Config) { c.Upstream.RetryBackoff = time.Millisecond }

// TestFailurePartialResults: a service that is down nulls only the fields
// that depend on it, with a typed error at each path naming the service;
// the rest is answered with 200.
func TestFailurePartialResults(t *testing.T) {
	tests := []struct {
		name, service, query, data string
		want                       []bfftest.WantError
	}{
		{
			name: "reviews down", service: "reviews",
			query: `{ product(id: "prd_0078") { id name inStock rating { average } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":true,"rating":null}}`,
			want:  []bfftest.WantError{bfftest.ErrorAt(`["product","rating"]`, "UPSTREAM_UNAVAILABLE", "reviews", "the reviews service is unavailable")},
		},
		{
			name: "inventory down", service: "inventory",
			query: `{ product(id: "prd_0078") { id name inStock rating { count } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":null,"rating":{"count":6}}}`,
			want:  []bfftest.WantError{bfftest.ErrorAt(`["product","inStock"]`, "UPSTREAM_UNAVAILABLE", "inventory", "the inventory service is unavailable")},
		},
		{
			name: "catalog down: the other root field answers", service: "catalog",
			query: `{ me { id } product(id: "prd_0078") { id } }`,
			data:  `{"me":{"id":"usr_0001"},"product":null}`,
			want:  []bfftest.WantError{bfftest.ErrorAt(`["product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults(tt.service, ops.Faults{Down: true}))
			bfftest.CheckAnswer(t, kit.Post(t, tt.query, nil), http.StatusOK, tt.data, tt.want...)
		})
	}
}

// TestFailureNothingUsable: when every field asked for failed upstream, the
// status says so (docs/errors.md): 503 + Retry-After for an unavailable
// service or an open breaker, 504 for a timeout.
//
// Needs the lead's wiring: gqlserver.StatusMapper on the gqlgen server, and
// gqlserver.Deadline (REQUEST_TIMEOUT) for "request deadline".
func TestFailureNothingUsable(t *testing.T) {
	productNull := `{"product":null}`
	tests := []struct {
		name      string
		configure func(*config.Config)
		opts      []servicestest.Option
		query     string
		vars      map[string]any
		status    int
		retry     string
		data      string
		want      bfftest.WantError
	}{
		{
			name: "catalog down", opts: []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{Down: true})},
			query: `{ product(id: "prd_0078") { id name } }`, status: http.StatusServiceUnavailable, retry: "1", data: productNull,
			want: bfftest.ErrorAt(`["product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"),
		},
		{
			name: "catalog slower than UPSTREAM_TIMEOUT",
			configure: func(c *config.Config) {
				c.Upstream.Timeout, c.Upstream.Retries = 50*time.Millisecond, 1
			},
			opts:  []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{LatencyMs: ops.MaxDelayMs})},
			query: `{ product(id: "prd_0078") { id name } }`, status: http.StatusGatewayTimeout, data: productNull,
			want: bfftest.ErrorAt(`["product"]`, "UPSTREAM_TIMEOUT", "catalog", "the catalog service did not answer in time"),
		},
		{
			name: "request deadline",
			configure: func(c *config.Config) {
				c.Upstream.Timeout, c.Upstream.Retries = time.Minute, 1
				c.Server.RequestTimeout = 100 * time.Millisecond
			},
			opts:  []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{LatencyMs: ops.MaxDelayMs})},
			query: `{ product(id: "prd_0078") { id name } }`, status: http.StatusGatewayTimeout, data: productNull,
			want: bfftest.ErrorAt(`["product"]`, "UPSTREAM_TIMEOUT", "catalog", "the catalog service did not answer in time"),
		},
		{
			name:  "catalog answering malformed JSON",
			opts:  []servicestest.Option{bfftest.Answering("catalog", 200, `{"id":"prd_0078","name":"`+bfftest.UpstreamSecret, "Content-Type", "application/json")},
			query: `{ product(id: "prd_0078") { id name } }`, status: http.StatusBadGateway, data: productNull,
			want: bfftest.ErrorAt(`["product"]`, "UPSTREAM_BAD_RESPONSE", "catalog", "the catalog service gave an unusable answer"),
		},
		{
			name:   "placeOrder with orders failing",
			opts:   []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{ErrorRate: 1})},
			query:  `mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { id } } }`,
			vars:   map[string]any{"in": map[string]any{"items": []any{map[string]any{"productId": "prd_0078", "quantity": 1}}}},
			status: http.StatusServiceUnavailable, retry: "1", data: `null`,
			want: bfftest.ErrorAt(`["placeOrder"]`, "UPSTREAM_UNAVAILABLE", "orders", "the orders service is unavailable"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kit := graphtest.NewWithConfig(t, func(c *config.Config) {
				fast(c)
				if tt.configure != nil {
					tt.configure(c)
				}
			}, tt.opts...)
			answered := make(chan bfftest.Response, 1)
			go func() { answered <- kit.Post(t, tt.query, tt.vars) }()
			var resp bfftest.Response
			select {
			case resp = <-answered:
			case <-time.After(5 * time.Second): // a failure detector, not a speed target
				t.Fatal("no answer: the request's deadline did not end the upstream call")
			}
			bfftest.CheckAnswer(t, resp, tt.status, tt.data, tt.want)
			if got := resp.Header.Get("Retry-After"); got != tt.retry {
				t.Errorf("Retry-After = %q, want %q", got, tt.retry)
			}
		})
	}
}

// TestFailureCircuitOpen: once the catalog's breaker opens, calls fail fast
// with CIRCUIT_OPEN and nothing reaches the catalog; with nothing usable
// the answer is 503 with a Retry-After (needs StatusMapper wired).
func TestFailureCircuitOpen(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Upstream.BreakerFailures, c.Upstream.Retries = 1, 1
	}, servicestest.WithFaults("catalog", ops.Faults{Down: true}))
	const query = `{ product(id: "prd_0078") { id } }`
	bfftest.CheckAnswer(t, kit.Post(t, query, nil), http.StatusServiceUnavailable, `{"product":null}`,
		bfftest.ErrorAt(`["product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"))
	calls := kit.Calls("catalog")

	resp := kit.Post(t, query, nil)
	bfftest.CheckAnswer(t, resp, http.StatusServiceUnavailable, `{"product":null}`,
		bfftest.ErrorAt(`["product"]`, "CIRCUIT_OPEN", "catalog", "the catalog service is failing; calls to it are paused"))
	if got := kit.Calls("catalog"); got != calls {
		t.Errorf("catalog calls %d → %d with the breaker open, want none", calls, got)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After = %q, want whole seconds ≥ 1", resp.Header.Get("Retry-After"))
	}
}

// TestFailureOverloaded: past MAX_IN_FLIGHT a request is shed at once with
// 503, Retry-After and OVERLOADED, and reaches no upstream (needs
// gqlserver.Limit wired in NewMux).
func TestFailureOverloaded(t *testing.T) {
	entered, release := make(chan struct{}, 8), make(chan struct{})
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Server.MaxInFlight, c.Upstream.Retries = 1, 1
	}, servicestest.WithHandler("catalog", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
		w.WriteHeader(http.StatusServiceUnavailable)
	})))
	defer close(release)
	const query = `{ product(id: "prd_0078") { id } }`
	held := make(chan bfftest.Response, 1)
	go func() { held <- kit.Post(t, query, nil) }()
	<-entered

	resp := kit.Post(t, query, nil)
	if resp.Status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("status %d, Retry-After %q; want 503, 1", resp.Status, resp.Header.Get("Retry-After"))
	}
	if a := bfftest.Decode(t, resp); len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "OVERLOADED" || a.Data != nil {
		t.Errorf("answer = %s, want one OVERLOADED error and no data", resp.Body)
	}
	if n := len(entered); n != 0 {
		t.Errorf("the shed request made %d catalog calls, want none", n)
	}
	release <- struct{}{}
	if r := <-held; bytes.Contains(r.Body, []byte("OVERLOADED")) {
		t.Errorf("the held request was shed: %s", r.Body)
	}
}

// TestFailureRetriesReadsOnly: a GET answered 500 is retried up to
// UPSTREAM_RETRIES attempts; a mutation's POST is sent exactly once.
func TestFailureRetriesReadsOnly(t *testing.T) {
	t.Run("GET retried", func(t *testing.T) {
		kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults("reviews", ops.Faults{ErrorRate: 1}))
		resp := kit.Post(t, `{ product(id: "prd_0078") { id rating { average } } }`, nil)
		bfftest.CheckAnswer(t, resp, http.StatusOK, `{"product":{"id":"prd_0078","rating":null}}`,
			bfftest.ErrorAt(`["product","rating"]`, "UPSTREAM_UNAVAILABLE", "reviews", "the reviews service is unavailable"))
		routes := kit.Upstreams.Routes("reviews")
		if len(routes) != 1 {
			t.Fatalf("reviews routes = %v, want one", routes)
		}
		for route, n := range routes {
			if !strings.HasPrefix(route, "GET ") || n != 3 {
				t.Errorf("reviews %s: %d attempts, want 3 (UPSTREAM_RETRIES)", route, n)
			}
		}
	})
	tests := []struct {
		name, service, query string
		vars                 map[string]any
		route                string
		want                 bfftest.WantError
	}{
		{
			name: "placeOrder", service: "orders",
			query: `mutation($in: PlaceOrderInput!) { placeOrder(input: $in) { order { id } } }`,
			vars:  map[string]any{"in": map[string]any{"items": []any{map[string]any{"productId": "prd_0078", "quantity": 1}}}},
			route: "POST /orders",
			want:  bfftest.ErrorAt(`["placeOrder"]`, "UPSTREAM_UNAVAILABLE", "orders", "the orders service is unavailable"),
		},
		{
			name: "addReview", service: "reviews",
			query: `mutation($in: AddReviewInput!) { addReview(input: $in) { review { id } } }`,
			vars:  map[string]any{"in": map[string]any{"productId": "prd_0078", "rating": 5, "title": "Great", "body": "Maps for days."}},
			route: "POST /reviews",
			want:  bfftest.ErrorAt(`["addReview"]`, "UPSTREAM_UNAVAILABLE", "reviews", "the reviews service is unavailable"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name+" POST sent once", func(t *testing.T) {
			kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults(tt.service, ops.Faults{ErrorRate: 1}))
			resp := kit.Post(t, tt.query, tt.vars)
			a := bfftest.Decode(t, resp)
			if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != tt.want.Code || a.Errors[0].Extensions["service"] != tt.want.Service {
				t.Errorf("errors = %+v, want one %s of %s", a.Errors, tt.want.Code, tt.want.Service)
			}
			if got, want := kit.Upstreams.Routes(tt.service), map[string]int64{tt.route: 1}; !maps.Equal(got, want) {
				t.Errorf("%s calls = %v, want %v", tt.service, got, want)
			}
			bfftest.AssertNoLeak(t, resp.Body)
		})
	}
}

// TestFailureLeakSweep provokes every error path it can and checks that no
// answer carries an internal address, Go error text, stack, suggestion or
// upstream body, and that each error has a public code.
func TestFailureLeakSweep(t *testing.T) {
	const product = `{ product(id: "prd_0078") { id name } }`
	graphql := func(query string, vars map[string]any) func(*testing.T, *bfftest.Kit) bfftest.Response {
		return func(t *testing.T, kit *bfftest.Kit) bfftest.Response { return kit.Post(t, query, vars) }
	}
	raw := func(method, target, contentType, body string) func(*testing.T, *bfftest.Kit) bfftest.Response {
		return func(t *testing.T, kit *bfftest.Kit) bfftest.Response {
			req := httptest.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body))
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			return kit.Do(req)
		}
	}
	refused := "http://" + ratelimittest.ClosedAddr(t)
	tests := []struct {
		name      string
		configure func(*config.Config)
		opts      []servicestest.Option
		do        func(*testing.T, *bfftest.Kit) bfftest.Response
	}{
		{name: "service down", opts: []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{Down: true})}, do: graphql(product, nil)},
		{name: "500", opts: []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{ErrorRate: 1})}, do: graphql(product, nil)},
		{name: "500 with a body", opts: []servicestest.Option{bfftest.Answering("catalog", 500, `{"error":{"code":"internal","message":"`+bfftest.UpstreamSecret+` at http://10.0.0.7:3002"}}`, "Content-Type", "application/json")}, do: graphql(product, nil)},
		{name: "429 with Retry-After", configure: func(c *config.Config) { c.Upstream.Retries = 1 }, opts: []servicestest.Option{bfftest.Answering("catalog", 429, bfftest.UpstreamSecret, "Retry-After", "1")}, do: graphql(product, nil)},
		{name: "malformed JSON", opts: []servicestest.Option{bfftest.Answering("catalog", 200, `{"id":"prd_0078","name":"`+bfftest.UpstreamSecret, "Content-Type", "application/json")}, do: graphql(product, nil)},
		{name: "unexpected JSON", opts: []servicestest.Option{bfftest.Answering("catalog", 200, `["`+bfftest.UpstreamSecret+`"]`, "Content-Type", "application/json")}, do: graphql(product, nil)},
		{
			name: "oversized body", configure: func(c *config.Config) { c.Upstream.MaxResponseBytes = 1 << 10 },
			opts: []servicestest.Option{bfftest.Answering("catalog", 200, `{"id":"prd_0078","name":"`+strings.Repeat(bfftest.UpstreamSecret, 1<<8)+`"}`, "Content-Type", "application/json")},
			do:   graphql(product, nil),
		},
		{
			name: "truncated body",
			opts: []servicestest.Option{servicestest.WithHandler("catalog", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "4096")
				_, _ = w.Write([]byte(`{"id":"prd_0078","name":"` + bfftest.UpstreamSecret))
			}))},
			do: graphql(product, nil),
		},
		{
			name: "connection reset",
			opts: []servicestest.Option{servicestest.WithHandler("catalog", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				panic(http.ErrAbortHandler)
			}))},
			do: graphql(product, nil),
		},
		{name: "connection refused", configure: func(c *config.Config) { c.Upstream.CatalogURL = refused }, do: graphql(product, nil)},
		{
			name:      "timeout",
			configure: func(c *config.Config) { c.Upstream.Timeout, c.Upstream.Retries = 50*time.Millisecond, 1 },
			opts:      []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{LatencyMs: ops.MaxDelayMs})},
			do:        graphql(product, nil),
		},
		{
			name:      "breaker open",
			configure: func(c *config.Config) { c.Upstream.BreakerFailures, c.Upstream.Retries = 1, 1 },
			opts:      []servicestest.Option{servicestest.WithFaults("catalog", ops.Faults{Down: true})},
			do: func(t *testing.T, kit *bfftest.Kit) bfftest.Response {
				bfftest.AssertNoLeak(t, kit.Post(t, product, nil).Body)
				return kit.Post(t, product, nil)
			},
		},
		{name: "not found", do: graphql(`{ product(id: "prd_9999") { id } }`, nil)},
		{
			name: "mutation failing upstream", opts: []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{ErrorRate: 1})},
			do: graphql(`mutation { placeOrder(input: {items: [{productId: "prd_0078", quantity: 1}]}) { order { id } } }`, nil),
		},
		{name: "bad input", do: graphql(`{ products(first: 1000) { totalCount } }`, nil)},
		{name: "bad input to a mutation", do: graphql(`mutation { addReview(input: {productId: "prd_0078", rating: 9, title: "x", body: "y"}) { review { id } } }`, nil)},
		{name: "unknown field close to a real one", do: graphql(`{ prodcut(id: "prd_0078") { id } }`, nil)},
		{name: "unknown argument", do: graphql(`{ product(idd: "prd_0078") { id } }`, nil)},
		{name: "argument on a field without any", do: graphql(`{ orders(first: 1) { edges { node { status(x: PAID) } } } }`, nil)},
		{name: "unknown type close to a real one", do: graphql(`query($id: Id!) { product(id: $id) { id } }`, map[string]any{"id": "prd_0078"})},
		{name: "parse error", do: graphql(`{ product(id: "prd_0078") { id `, nil)},
		{name: "wrong variable type", do: graphql(`query($id: ID!) { product(id: $id) { id } }`, map[string]any{"id": map[string]any{"u": "http://localhost:1/x"}})},
		{name: "wrong content type", do: raw(http.MethodPost, "/graphql", "text/plain", `{"query":"{ me { id } }"}`)},
		{name: "GET mutation", do: raw(http.MethodGet, "/graphql?query="+url.QueryEscape(`mutation { addReview(input: {productId: "prd_0078", rating: 5, title: "x", body: "y"}) { review { id } } }`), "", "")},
		{name: "unreadable JSON body", do: raw(http.MethodPost, "/graphql", "application/json", `{"query": "http://localhost:3002/ dial tcp`)},
		{
			name: "oversized request body", configure: func(c *config.Config) { c.Server.MaxBodyBytes = 1 << 10 },
			do: raw(http.MethodPost, "/graphql", "application/json", `{"query":"{ me { id } }","x":"`+strings.Repeat("http://localhost/", 1<<7)+`"}`),
		},
		{name: "no such endpoint", do: raw(http.MethodGet, "/nope", "", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kit := graphtest.NewWithConfig(t, func(c *config.Config) {
				fast(c)
				if tt.configure != nil {
					tt.configure(c)
				}
			}, tt.opts...)
			resp := tt.do(t, kit)
			bfftest.AssertNoLeak(t, resp.Body)
			a := bfftest.Decode(t, resp)
			if len(a.Errors) == 0 {
				t.Fatalf("no error in %s", resp.Body)
			}
			for _, e := range a.Errors {
				code, _ := e.Extensions["code"].(string)
				if _, ok := gqlerr.Codes[gqlerr.Code(code)]; !ok || e.Message == "" {
					t.Errorf("error %q has code %q, want one of gqlerr.Codes", e.Message, code)
				}
			}
		})
	}
}
