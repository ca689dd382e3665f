package graph_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// The failure tests drive bff-web through the demo services' fault knobs
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
			name: "users down", service: "users",
			query: `{ order(id: "ord_00001") { id status customer { id name } } }`,
			data:  `{"order":{"id":"ord_00001","status":"DELIVERED","customer":null}}`,
			want:  []bfftest.WantError{bfftest.ErrorAt(`["order","customer"]`, "UPSTREAM_UNAVAILABLE", "users", "the users service is unavailable")},
		},
		{
			name: "reviews down", service: "reviews",
			query: `{ product(id: "prd_0078") { id name inventory { total } rating { count } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inventory":{"total":98},"rating":null}}`,
			want:  []bfftest.WantError{bfftest.ErrorAt(`["product","rating"]`, "UPSTREAM_UNAVAILABLE", "reviews", "the reviews service is unavailable")},
		},
		{
			name: "inventory down", service: "inventory",
			query: `{ product(id: "prd_0078") { id name inventory { total } rating { count } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inventory":null,"rating":{"count":6}}}`,
			want:  []bfftest.WantError{bfftest.ErrorAt(`["product","inventory"]`, "UPSTREAM_UNAVAILABLE", "inventory", "the inventory service is unavailable")},
		},
		{
			name: "catalog down: the order answers, its products are null", service: "catalog",
			query: `{ order(id: "ord_00001") { id items { quantity product { id } } } }`,
			data:  `{"order":{"id":"ord_00001","items":[{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null}]}}`,
			want: []bfftest.WantError{
				bfftest.ErrorAt(`["order","items",0,"product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"),
				bfftest.ErrorAt(`["order","items",1,"product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"),
				bfftest.ErrorAt(`["order","items",2,"product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"),
				bfftest.ErrorAt(`["order","items",3,"product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"),
				bfftest.ErrorAt(`["order","items",4,"product"]`, "UPSTREAM_UNAVAILABLE", "catalog", "the catalog service is unavailable"),
			},
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
// service or an open breaker, 504 for a timeout, 502 for an unusable answer.
//
// Needs the lead's wiring: gqlserver.StatusMapper on the gqlgen server, and
// gqlserver.Deadline (REQUEST_TIMEOUT) for "request deadline".
func TestFailureNothingUsable(t *testing.T) {
	const order = `{ order(id: "ord_00001") { id status } }`
	orderNull := `{"order":null}`
	tests := []struct {
		name      string
		configure func(*config.Config)
		opts      []servicestest.Option
		query     string
		status    int
		retry     string
		data      string
		want      []bfftest.WantError
	}{
		{
			name: "orders down", opts: []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{Down: true})},
			query: order, status: http.StatusServiceUnavailable, retry: "1", data: orderNull,
			want: []bfftest.WantError{bfftest.ErrorAt(`["order"]`, "UPSTREAM_UNAVAILABLE", "orders", "the orders service is unavailable")},
		},
		{
			name: "two roots, two services down",
			opts: []servicestest.Option{
				servicestest.WithFaults("orders", ops.Faults{Down: true}),
				servicestest.WithFaults("users", ops.Faults{Down: true}),
			},
			query: `{ order(id: "ord_00001") { id } customer(id: "usr_0001") { id } }`, status: http.StatusServiceUnavailable, retry: "1",
			data: `{"order":null,"customer":null}`,
			want: []bfftest.WantError{
				bfftest.ErrorAt(`["order"]`, "UPSTREAM_UNAVAILABLE", "orders", "the orders service is unavailable"),
				bfftest.ErrorAt(`["customer"]`, "UPSTREAM_UNAVAILABLE", "users", "the users service is unavailable"),
			},
		},
		{
			name: "orders slower than UPSTREAM_TIMEOUT",
			configure: func(c *config.Config) {
				c.Upstream.Timeout, c.Upstream.Retries = 50*time.Millisecond, 1
			},
			opts:  []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{LatencyMs: ops.MaxDelayMs})},
			query: order, status: http.StatusGatewayTimeout, data: orderNull,
			want: []bfftest.WantError{bfftest.ErrorAt(`["order"]`, "UPSTREAM_TIMEOUT", "orders", "the orders service did not answer in time")},
		},
		{
			name: "request deadline",
			configure: func(c *config.Config) {
				c.Upstream.Timeout, c.Upstream.Retries = time.Minute, 1
				c.Server.RequestTimeout = 100 * time.Millisecond
			},
			opts:  []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{LatencyMs: ops.MaxDelayMs})},
			query: order, status: http.StatusGatewayTimeout, data: orderNull,
			want: []bfftest.WantError{bfftest.ErrorAt(`["order"]`, "UPSTREAM_TIMEOUT", "orders", "the orders service did not answer in time")},
		},
		{
			name:  "orders answering malformed JSON",
			opts:  []servicestest.Option{bfftest.Answering("orders", 200, `{"id":"ord_00001","status":"`+bfftest.UpstreamSecret, "Content-Type", "application/json")},
			query: order, status: http.StatusBadGateway, data: orderNull,
			want: []bfftest.WantError{bfftest.ErrorAt(`["order"]`, "UPSTREAM_BAD_RESPONSE", "orders", "the orders service gave an unusable answer")},
		},
		{
			name:   "updateOrderStatus with orders failing",
			opts:   []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{ErrorRate: 1})},
			query:  `mutation { updateOrderStatus(input: {orderId: "ord_00002", status: CANCELLED}) { order { id } } }`,
			status: http.StatusServiceUnavailable, retry: "1", data: `{"updateOrderStatus":null}`,
			want: []bfftest.WantError{bfftest.ErrorAt(`["updateOrderStatus"]`, "UPSTREAM_UNAVAILABLE", "orders", "the orders service is unavailable")},
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
			go func() { answered <- kit.Post(t, tt.query, nil) }()
			var resp bfftest.Response
			select {
			case resp = <-answered:
			case <-time.After(5 * time.Second): // a failure detector, not a speed target
				t.Fatal("no answer: the request's deadline did not end the upstream call")
			}
			bfftest.CheckAnswer(t, resp, tt.status, tt.data, tt.want...)
			if got := resp.Header.Get("Retry-After"); got != tt.retry {
				t.Errorf("Retry-After = %q, want %q", got, tt.retry)
			}
		})
	}
}

// TestFailureCircuitOpen: once the orders breaker opens, calls fail fast
// with CIRCUIT_OPEN and nothing reaches the service; with nothing usable
// the answer is 503 with a Retry-After (needs StatusMapper wired).
func TestFailureCircuitOpen(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Upstream.BreakerFailures, c.Upstream.Retries = 1, 1
	}, servicestest.WithFaults("orders", ops.Faults{Down: true}))
	const query = `{ order(id: "ord_00001") { id } }`
	bfftest.CheckAnswer(t, kit.Post(t, query, nil), http.StatusServiceUnavailable, `{"order":null}`,
		bfftest.ErrorAt(`["order"]`, "UPSTREAM_UNAVAILABLE", "orders", "the orders service is unavailable"))
	calls := kit.Calls("orders")

	resp := kit.Post(t, query, nil)
	bfftest.CheckAnswer(t, resp, http.StatusServiceUnavailable, `{"order":null}`,
		bfftest.ErrorAt(`["order"]`, "CIRCUIT_OPEN", "orders", "the orders service is failing; calls to it are paused"))
	if got := kit.Calls("orders"); got != calls {
		t.Errorf("orders calls %d → %d with the breaker open, want none", calls, got)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After = %q, want whole seconds ≥ 1", resp.Header.Get("Retry-After"))
	}
}

// TestFailureRetriesReadsOnly: a GET answered 500 is retried up to
// UPSTREAM_RETRIES attempts; a mutation is sent exactly once.
func TestFailureRetriesReadsOnly(t *testing.T) {
	t.Run("GET retried", func(t *testing.T) {
		kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults("payments", ops.Faults{ErrorRate: 1}))
		resp := kit.Post(t, `{ order(id: "ord_00001") { id payment { id } } }`, nil)
		bfftest.CheckAnswer(t, resp, http.StatusOK, `{"order":{"id":"ord_00001","payment":null}}`,
			bfftest.ErrorAt(`["order","payment"]`, "UPSTREAM_UNAVAILABLE", "payments", "the payments service is unavailable"))
		routes := kit.Upstreams.Routes("payments")
		if len(routes) != 1 {
			t.Fatalf("payments routes = %v, want one", routes)
		}
		for route, n := range routes {
			if !strings.HasPrefix(route, "GET ") || n != 3 {
				t.Errorf("payments %s: %d attempts, want 3 (UPSTREAM_RETRIES)", route, n)
			}
		}
	})
	tests := []struct{ name, service, query string }{
		{"updateOrderStatus", "orders", `mutation { updateOrderStatus(input: {orderId: "ord_00002", status: CANCELLED}) { order { id } } }`},
		{"refundPayment", "payments", `mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 100, reason: "damaged"}) { payment { id } } }`},
		{"adjustInventory", "inventory", `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: 1}) { inventory { total } } }`},
		{"moderateReview", "reviews", `mutation { moderateReview(input: {reviewId: "rev_000001", status: APPROVED}) { review { id } } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" sent once", func(t *testing.T) {
			kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults(tt.service, ops.Faults{ErrorRate: 1}))
			resp := kit.Post(t, tt.query, nil)
			a := bfftest.Decode(t, resp)
			if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "UPSTREAM_UNAVAILABLE" || a.Errors[0].Extensions["service"] != tt.service {
				t.Errorf("errors = %+v, want one UPSTREAM_UNAVAILABLE of %s", a.Errors, tt.service)
			}
			routes := kit.Upstreams.Routes(tt.service)
			if len(routes) != 1 {
				t.Fatalf("%s calls = %v, want one route", tt.service, routes)
			}
			for route, n := range routes {
				if strings.HasPrefix(route, "GET ") || n != 1 {
					t.Errorf("%s %s: %d attempts, want a mutation sent once", tt.service, route, n)
				}
			}
			bfftest.AssertNoLeak(t, resp.Body)
		})
	}
}

// TestFailureLeakSweep provokes every error path it can and checks that no
// answer carries an internal address, Go error text, stack, suggestion or
// upstream body, and that each error has a public code.
func TestFailureLeakSweep(t *testing.T) {
	const order = `{ order(id: "ord_00001") { id status } }`
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
		{name: "service down", opts: []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{Down: true})}, do: graphql(order, nil)},
		{name: "500", opts: []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{ErrorRate: 1})}, do: graphql(order, nil)},
		{name: "500 with a body", opts: []servicestest.Option{bfftest.Answering("orders", 500, `{"error":{"code":"internal","message":"`+bfftest.UpstreamSecret+` at http://10.0.0.7:3002"}}`, "Content-Type", "application/json")}, do: graphql(order, nil)},
		{name: "429 with Retry-After", configure: func(c *config.Config) { c.Upstream.Retries = 1 }, opts: []servicestest.Option{bfftest.Answering("orders", 429, bfftest.UpstreamSecret, "Retry-After", "1")}, do: graphql(order, nil)},
		{name: "malformed JSON", opts: []servicestest.Option{bfftest.Answering("orders", 200, `{"id":"ord_00001","status":"`+bfftest.UpstreamSecret, "Content-Type", "application/json")}, do: graphql(order, nil)},
		{name: "unexpected JSON", opts: []servicestest.Option{bfftest.Answering("orders", 200, `["`+bfftest.UpstreamSecret+`"]`, "Content-Type", "application/json")}, do: graphql(order, nil)},
		{
			name: "oversized body", configure: func(c *config.Config) { c.Upstream.MaxResponseBytes = 1 << 10 },
			opts: []servicestest.Option{bfftest.Answering("orders", 200, `{"id":"ord_00001","status":"`+strings.Repeat(bfftest.UpstreamSecret, 1<<8)+`"}`, "Content-Type", "application/json")},
			do:   graphql(order, nil),
		},
		{
			name: "truncated body",
			opts: []servicestest.Option{servicestest.WithHandler("orders", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Content-Length", "4096")
				_, _ = w.Write([]byte(`{"id":"ord_00001","status":"` + bfftest.UpstreamSecret))
			}))},
			do: graphql(order, nil),
		},
		{
			name: "connection reset",
			opts: []servicestest.Option{servicestest.WithHandler("orders", http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
				panic(http.ErrAbortHandler)
			}))},
			do: graphql(order, nil),
		},
		{name: "connection refused", configure: func(c *config.Config) { c.Upstream.OrdersURL = refused }, do: graphql(order, nil)},
		{
			name:      "timeout",
			configure: func(c *config.Config) { c.Upstream.Timeout, c.Upstream.Retries = 50*time.Millisecond, 1 },
			opts:      []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{LatencyMs: ops.MaxDelayMs})},
			do:        graphql(order, nil),
		},
		{
			name:      "breaker open",
			configure: func(c *config.Config) { c.Upstream.BreakerFailures, c.Upstream.Retries = 1, 1 },
			opts:      []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{Down: true})},
			do: func(t *testing.T, kit *bfftest.Kit) bfftest.Response {
				bfftest.AssertNoLeak(t, kit.Post(t, order, nil).Body)
				return kit.Post(t, order, nil)
			},
		},
		{name: "not found", do: graphql(`{ product(id: "prd_9999") { id } }`, nil)},
		{
			name: "mutation failing upstream", opts: []servicestest.Option{servicestest.WithFaults("orders", ops.Faults{ErrorRate: 1})},
			do: graphql(`mutation { updateOrderStatus(input: {orderId: "ord_00002", status: CANCELLED}) { order { id } } }`, nil),
		},
		{name: "bad input", do: graphql(`{ products(first: 1000) { totalCount } }`, nil)},
		{name: "bad cursor", do: graphql(`{ orders(after: "http://localhost:3004/orders?offset=1") { totalCount } }`, nil)},
		{name: "bad input to a mutation", do: graphql(`mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 0, reason: "x"}) { payment { id } } }`, nil)},
		{name: "mutation rejected upstream", do: graphql(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: PENDING}) { order { id } } }`, nil)},
		{name: "forbidden mutation", do: func(t *testing.T, kit *bfftest.Kit) bfftest.Response {
			kit.As("usr_0195", "support")
			return kit.Post(t, `mutation { moderateReview(input: {reviewId: "rev_000001", status: APPROVED}) { review { id } } }`, nil)
		}},
		{name: "unknown enum value close to a real one", do: graphql(`{ orders(filter: {status: [PAIDD]}) { totalCount } }`, nil)},
		{name: "unknown field close to a real one", do: graphql(`{ prodcut(id: "prd_0078") { id } }`, nil)},
		{name: "unknown argument", do: graphql(`{ product(idd: "prd_0078") { id } }`, nil)},
		{name: "argument on a field without any", do: graphql(`{ orders(first: 1) { edges { node { status(x: PAID) } } } }`, nil)},
		{name: "unknown type close to a real one", do: graphql(`query($id: Id!) { product(id: $id) { id } }`, map[string]any{"id": "prd_0078"})},
		{name: "parse error", do: graphql(`{ product(id: "prd_0078") { id `, nil)},
		{name: "wrong variable type", do: graphql(`query($id: ID!) { product(id: $id) { id } }`, map[string]any{"id": map[string]any{"u": "http://localhost:1/x"}})},
		{name: "wrong content type", do: raw(http.MethodPost, "/graphql", "text/plain", `{"query":"{ orders { totalCount } }"}`)},
		{name: "GET mutation", do: raw(http.MethodGet, "/graphql?query="+url.QueryEscape(`mutation { moderateReview(input: {reviewId: "rev_000001", status: APPROVED}) { review { id } } }`), "", "")},
		{name: "unreadable JSON body", do: raw(http.MethodPost, "/graphql", "application/json", `{"query": "http://localhost:3002/ dial tcp`)},
		{
			name: "oversized request body", configure: func(c *config.Config) { c.Server.MaxBodyBytes = 1 << 10 },
			do: raw(http.MethodPost, "/graphql", "application/json", `{"query":"{ orders { totalCount } }","x":"`+strings.Repeat("http://localhost/", 1<<7)+`"}`),
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
