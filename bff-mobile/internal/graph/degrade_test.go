package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// The degradation tests hold bff-mobile to "optional data never takes
// essential data down" (docs/resilience.md, "What is essential and what is
// optional on each screen"): a field whose data comes from another upstream
// than its parent's answers null (nullable) or empty (non-null list) with one
// typed error at its path when that upstream fails, and the rest of the
// screen is answered with 200. Only a screen whose root data comes from the
// failed upstream may fail.

// slowTimeout is the per-attempt timeout of the "slow" outage. The slow
// upstream never answers, so every attempt to it ends at this timeout; the
// healthy ones answer within it by a wide margin, even under -race.
const slowTimeout = 200 * time.Millisecond

// outage is one way an upstream fails, and the error an optional field that
// depends on it then carries.
type outage struct {
	name      string
	faults    ops.Faults
	configure func(*config.Config)
	// warmUp sends the query once before the answer checked (it opens the
	// breaker).
	warmUp  bool
	code    string
	message string // %s is the service
}

var outages = []outage{
	{
		name: "down", faults: ops.Faults{Down: true},
		code: "UPSTREAM_UNAVAILABLE", message: "the %s service is unavailable",
	},
	{
		// The demo service holds every request until the caller gives up: an
		// upstream that never answers.
		name: "slow", faults: ops.Faults{LatencyMs: ops.MaxDelayMs},
		configure: func(c *config.Config) { c.Upstream.Timeout = slowTimeout },
		code:      "UPSTREAM_TIMEOUT", message: "the %s service did not answer in time",
	},
	{
		name: "circuit open", faults: ops.Faults{Down: true},
		configure: func(c *config.Config) { c.Upstream.BreakerFailures = 1 },
		warmUp:    true,
		code:      "CIRCUIT_OPEN", message: "the %s service is failing; calls to it are paused",
	},
}

// kit starts bff-mobile with service failing as o says. Each GET is tried
// once and the breaker stays closed (unless o opens it), so every affected
// field carries o's code.
func (o outage) kit(t *testing.T, service string) *bfftest.Kit {
	t.Helper()
	return graphtest.NewWithConfig(t, func(c *config.Config) {
		fast(c)
		c.Upstream.Retries, c.Upstream.BreakerFailures = 1, 1000
		if o.configure != nil {
			o.configure(c)
		}
	}, servicestest.WithFaults(service, o.faults))
}

// post sends query as the kit's caller, twice when o warms up.
func (o outage) post(t *testing.T, kit *bfftest.Kit, query string, vars map[string]any) bfftest.Response {
	t.Helper()
	if o.warmUp {
		kit.Post(t, query, vars)
	}
	return kit.Post(t, query, vars)
}

// errorsAt are the errors o leaves at paths (JSON arrays) for service.
func (o outage) errorsAt(service string, paths ...string) []wantError {
	out := make([]wantError, len(paths))
	for i, p := range paths {
		out[i] = wantError{p, o.code, service, fmt.Sprintf(o.message, service)}
	}
	return out
}

// TestDegradeOptionalFields: one case per optional field of the mobile
// schema (and per list of them), each with its upstream down, slow and
// behind an open breaker: 200, the exact data with the field null or empty,
// one typed error at the field's path per affected element.
func TestDegradeOptionalFields(t *testing.T) {
	tests := []struct {
		name, service, query string
		data                 string
		paths                []string // of the errors, one per affected field
	}{
		{
			name: "Home.greeting", service: "users",
			query: `{ home { greeting featuredProducts(first: 1) { id } } }`,
			data:  `{"home":{"greeting":"Welcome back!","featuredProducts":[{"id":"prd_0059"}]}}`,
			paths: []string{`["home","greeting"]`},
		},
		{
			name: "Home.recentOrders", service: "orders",
			query: `{ home { greeting recentOrders(first: 2) { id status } featuredProducts(first: 1) { id name } } }`,
			data:  `{"home":{"greeting":"Welcome back, Ada!","recentOrders":[],"featuredProducts":[{"id":"prd_0059","name":"Summit Lightweight Field Guide"}]}}`,
			paths: []string{`["home","recentOrders"]`},
		},
		{
			name: "Home.featuredProducts", service: "catalog",
			query: `{ home { greeting recentOrders(first: 2) { id status } featuredProducts(first: 1) { id name } } }`,
			data:  `{"home":{"greeting":"Welcome back, Ada!","recentOrders":[{"id":"ord_01929","status":"SHIPPED"},{"id":"ord_01812","status":"CANCELLED"}],"featuredProducts":[]}}`,
			paths: []string{`["home","featuredProducts"]`},
		},
		{
			name: "Product.inStock", service: "inventory",
			query: `{ product(id: "prd_0078") { id name inStock } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":null}}`,
			paths: []string{`["product","inStock"]`},
		},
		{
			name: "Product.rating", service: "reviews",
			query: `{ product(id: "prd_0078") { id name rating { average count } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","rating":null}}`,
			paths: []string{`["product","rating"]`},
		},
		{
			name: "Product.topReviews", service: "reviews",
			query: `{ product(id: "prd_0078") { id name inStock topReviews(first: 2) { id rating } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":true,"topReviews":[]}}`,
			paths: []string{`["product","topReviews"]`},
		},
		{
			name: "Review.author", service: "users",
			query: `{ product(id: "prd_0078") { id topReviews(first: 2) { id rating author } } }`,
			data:  `{"product":{"id":"prd_0078","topReviews":[{"id":"rev_003529","rating":4,"author":null},{"id":"rev_002501","rating":4,"author":null}]}}`,
			paths: []string{`["product","topReviews",0,"author"]`, `["product","topReviews",1,"author"]`},
		},
		{
			name: "OrderItem.product", service: "catalog",
			query: `{ order(id: "ord_01812") { id status items { quantity product { id } } } }`,
			data:  `{"order":{"id":"ord_01812","status":"CANCELLED","items":[{"quantity":1,"product":null},{"quantity":1,"product":null}]}}`,
			paths: []string{`["order","items",0,"product"]`, `["order","items",1,"product"]`},
		},
		{
			name: "Product.inStock of each featured product", service: "inventory",
			query: `{ home { featuredProducts(first: 2) { id inStock } } }`,
			data:  `{"home":{"featuredProducts":[{"id":"prd_0059","inStock":null},{"id":"prd_0078","inStock":null}]}}`,
			paths: []string{`["home","featuredProducts",0,"inStock"]`, `["home","featuredProducts",1,"inStock"]`},
		},
		{
			name: "Product.rating of each featured product", service: "reviews",
			query: `{ home { featuredProducts(first: 2) { id rating { count } } } }`,
			data:  `{"home":{"featuredProducts":[{"id":"prd_0059","rating":null},{"id":"prd_0078","rating":null}]}}`,
			paths: []string{`["home","featuredProducts",0,"rating"]`, `["home","featuredProducts",1,"rating"]`},
		},
		{
			name: "Product.topReviews of each featured product", service: "reviews",
			query: `{ home { featuredProducts(first: 2) { id name topReviews(first: 1) { id } } } }`,
			data:  `{"home":{"featuredProducts":[{"id":"prd_0059","name":"Summit Lightweight Field Guide","topReviews":[]},{"id":"prd_0078","name":"Meridian Compact Atlas","topReviews":[]}]}}`,
			paths: []string{`["home","featuredProducts",0,"topReviews"]`, `["home","featuredProducts",1,"topReviews"]`},
		},
	}
	for _, tt := range tests {
		for _, o := range outages {
			t.Run(tt.name+"/"+tt.service+" "+o.name, func(t *testing.T) {
				kit := o.kit(t, tt.service)
				resp := o.post(t, kit, tt.query, nil)
				checkAnswer(t, resp, http.StatusOK, tt.data, o.errorsAt(tt.service, tt.paths...)...)
				for _, e := range decode(t, resp).Errors {
					if len(e.Locations) != 1 {
						t.Errorf("error at %v: locations %v, want the field's", e.Path, e.Locations)
					}
				}
			})
		}
	}
}

// screen is one screen of the app as its committed operation asks for it
// (testdata/operations), and the upstream its root data comes from.
type screen struct {
	name      string
	file, op  string
	vars      map[string]any
	anonymous bool
	root      string // the screen's root field
	// rootService is the upstream the root's own data comes from; "" when
	// the BFF makes it (home). Only that upstream may take the screen down.
	rootService string
}

var mobileScreens = []screen{
	{name: "home", file: "home.graphql", op: "Home", root: "home"},
	{name: "home signed out", file: "home.graphql", op: "Home", anonymous: true, root: "home"},
	{name: "product", file: "product.graphql", op: "Product", vars: map[string]any{"id": "prd_0078"}, root: "product", rootService: "catalog"},
	{name: "search", file: "search.graphql", op: "Search", vars: map[string]any{"search": "atlas"}, root: "products", rootService: "catalog"},
	{name: "orders", file: "orders.graphql", op: "Orders", root: "orders", rootService: "orders"},
	{name: "order detail", file: "orders.graphql", op: "OrderDetail", vars: map[string]any{"id": "ord_01812"}, root: "order", rootService: "orders"},
}

// postOperation sends the operation op of the committed document file.
func postOperation(t *testing.T, kit *bfftest.Kit, s screen) bfftest.Response {
	t.Helper()
	doc, err := fs.ReadFile(graphtest.Operations(), s.file)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{"query": string(doc), "operationName": s.op, "variables": s.vars})
	if err != nil {
		t.Fatal(err)
	}
	if s.anonymous {
		kit.Anonymous()
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return kit.Do(req)
}

// TestDegradeScreens is the table of issue 19: each demo service down in
// turn, each screen of the app once. A screen answers 200 with its root
// data unless the root itself comes from the failed service (then 503 and
// a null root); everything that does not depend on the failed service is
// what the healthy services answer, and every error names the failed
// service.
func TestDegradeScreens(t *testing.T) {
	table := map[string]map[string]string{}
	for _, s := range mobileScreens {
		healthy := decode(t, postOperation(t, graphtest.New(t), s))
		if len(healthy.Errors) > 0 {
			t.Fatalf("%s with every service up: errors %+v", s.name, healthy.Errors)
		}
		table[s.name] = map[string]string{}
		for _, service := range demo.Names() {
			t.Run(s.name+"/"+service+" down", func(t *testing.T) {
				kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults(service, ops.Faults{Down: true}))
				resp := postOperation(t, kit, s)
				a := decode(t, resp)
				rootNull := rootIsNull(a.Data, s.root)
				table[s.name][service] = fmt.Sprintf("%d/%s", resp.Status, map[bool]string{true: "null", false: "data"}[rootNull])

				wantStatus, wantNull := http.StatusOK, service == s.rootService
				if wantNull {
					wantStatus = http.StatusServiceUnavailable
				}
				if resp.Status != wantStatus || rootNull != wantNull {
					t.Errorf("status %d, %s null: %v; want %d, %v\n%s", resp.Status, s.root, rootNull, wantStatus, wantNull, resp.Body)
				}
				var paths [][]any
				for _, e := range a.Errors {
					// Many calls to one service open its breaker (production
					// settings here): later calls fail fast.
					if code := e.Extensions["code"]; e.Extensions["service"] != service || code != "UPSTREAM_UNAVAILABLE" && code != "CIRCUIT_OPEN" {
						t.Errorf("error %q at %v: %v, want UPSTREAM_UNAVAILABLE or CIRCUIT_OPEN of %s", e.Message, e.Path, e.Extensions, service)
					}
					paths = append(paths, e.Path)
				}
				if !wantNull {
					assertRestOfScreen(t, healthy.Data, a.Data, paths)
				}
				bfftest.AssertNoLeak(t, resp.Body)
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s", "screen")
	for _, service := range demo.Names() {
		fmt.Fprintf(&b, " %-10s", service)
	}
	for _, s := range mobileScreens {
		fmt.Fprintf(&b, "\n%-16s", s.name)
		for _, service := range demo.Names() {
			fmt.Fprintf(&b, " %-10s", table[s.name][service])
		}
	}
	t.Logf("status/root by screen and service down:\n%s", b.String())
}

// rootIsNull reports whether data is null or its field root is.
func rootIsNull(data json.RawMessage, root string) bool {
	var roots map[string]json.RawMessage
	if err := json.Unmarshal(data, &roots); err != nil || roots == nil {
		return true
	}
	v, ok := roots[root]
	return !ok || string(v) == "null"
}

// assertRestOfScreen fails t unless got is healthy everywhere but at paths
// (the errors' paths): what an error nulled or emptied is set aside in both,
// and the rest must be equal. A failure that nulled a parent of an error's
// path (null propagation) shows as a difference.
func assertRestOfScreen(t *testing.T, healthy, got json.RawMessage, paths [][]any) {
	t.Helper()
	var h, g any
	if err := json.Unmarshal(healthy, &h); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		setAside(h, p)
		setAside(g, p)
	}
	hj, _ := json.Marshal(h)
	gj, _ := json.Marshal(g)
	if !bytes.Equal(hj, gj) {
		t.Errorf("the rest of the screen differs from the healthy answer (errors set aside)\n got: %s\nwant: %s", gj, hj)
	}
}

// setAside replaces the value at path in v with a marker, if v has it.
func setAside(v any, path []any) {
	for i, step := range path {
		last := i == len(path)-1
		switch node := v.(type) {
		case map[string]any:
			key, ok := step.(string)
			if _, has := node[key]; !ok || !has {
				return
			}
			if last {
				node[key] = "<failed>"
				return
			}
			v = node[key]
		case []any:
			f, ok := step.(float64)
			if !ok || int(f) < 0 || int(f) >= len(node) {
				return
			}
			if last {
				node[int(f)] = "<failed>"
				return
			}
			v = node[int(f)]
		default:
			return
		}
	}
}

// TestDegradeKeepsBadInput: only upstream failures degrade. An argument out
// of range is the client's mistake and fails the field as it always did
// (BAD_USER_INPUT at its path, the error nulling the nearest nullable
// parent), healthy upstream or not: an empty list must not pass for "none".
func TestDegradeKeepsBadInput(t *testing.T) {
	tests := []struct {
		name, service, query, data, path, message string
	}{
		{
			name: "Product.topReviews first 500", service: "reviews",
			query: `{ product(id: "prd_0078") { id topReviews(first: 500) { id } } }`,
			data:  `{"product":null}`, path: `["product","topReviews"]`,
			message: "invalid page size: first must be between 1 and 10",
		},
		{
			name: "Home.featuredProducts first 50", service: "catalog",
			query: `{ home { greeting featuredProducts(first: 50) { id } } }`,
			data:  `null`, path: `["home","featuredProducts"]`,
			message: "invalid page size: first must be between 1 and 20",
		},
		{
			name: "Home.recentOrders first 0", service: "orders",
			query: `{ home { greeting recentOrders(first: 0) { id } } }`,
			data:  `null`, path: `["home","recentOrders"]`,
			message: "invalid page size: first must be between 1 and 10",
		},
	}
	for _, tt := range tests {
		for _, state := range []string{"up", "down"} {
			t.Run(tt.name+"/"+tt.service+" "+state, func(t *testing.T) {
				var opts []servicestest.Option
				if state == "down" {
					opts = append(opts, servicestest.WithFaults(tt.service, ops.Faults{Down: true}))
				}
				kit := graphtest.NewWithConfig(t, fast, opts...)
				checkAnswer(t, kit.Post(t, tt.query, nil), http.StatusOK, tt.data,
					wantError{tt.path, "BAD_USER_INPUT", "", tt.message})
				if n := kit.Calls(tt.service); n != 0 {
					t.Errorf("%s calls = %d, want none for a bad argument", tt.service, n)
				}
			})
		}
	}
}

// TestDegradedAnswersAreNotCached: an answer with a degraded field is never
// stored whole (the response cache stores only answers without errors), is
// sent with Cache-Control: no-store, and the next request after the
// upstream is back gets the full answer; a cached full answer still stands
// in for a degraded one while it is within CACHE_MAX_STALE.
func TestDegradedAnswersAreNotCached(t *testing.T) {
	const query = `{ product(id: "prd_0078") { id name topReviews(first: 1) { id } } }`
	const full = `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","topReviews":[{"id":"rev_003529"}]}}`
	const degraded = `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","topReviews":[]}}`
	k := newCacheKit(t, cacheKitOptions{services: []servicestest.Option{servicestest.WithFaults("reviews", ops.Faults{Down: true})}})

	a, calls := k.post(t, query)
	bfftest.AssertJSON(t, a.Data, degraded)
	if len(a.Errors) != 1 || calls["reviews"] != 1 {
		t.Errorf("reviews down: errors %v, reviews calls %d; want one error, one call", a.Errors, calls["reviews"])
	}
	if got := a.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("degraded answer: Cache-Control = %q, want no-store", got)
	}
	if got := k.obs.Take(); !slices.Contains(got, "response:miss") || slices.Contains(got, "response:hit") {
		t.Errorf("degraded answer observed %v, want a response miss", got)
	}

	k.Upstreams.ClearFaults()
	a, calls = k.mustPost(t, query)
	bfftest.AssertJSON(t, a.Data, full)
	if calls["reviews"] != 1 {
		t.Errorf("reviews back: reviews calls %d, want 1 (the degraded answer was not cached)", calls["reviews"])
	}
	if got := a.header.Get("Cache-Control"); !strings.HasPrefix(got, "public, max-age=") {
		t.Errorf("full answer: Cache-Control = %q, want it cacheable", got)
	}

	k.clock.Advance(31 * time.Second) // past topReviews' maxAge of 30s
	k.Upstreams.SetFaults("reviews", ops.Faults{Down: true})
	a, _ = k.post(t, query)
	bfftest.AssertJSON(t, a.Data, full)
	if len(a.Errors) != 0 || a.Extensions["stale"] != true {
		t.Errorf("reviews down again: errors %v, extensions %v; want the cached full answer, marked stale", a.Errors, a.Extensions)
	}
}
