package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// The degradation tests hold bff-web to "optional data never takes
// essential data down" (docs/resilience.md, "What is essential and what is
// optional on each screen"): a field whose data comes from another upstream
// than its parent's answers null (nullable) or an empty page (non-null
// connection) with one typed error at its path when that upstream fails,
// and the rest of the screen is answered with 200. Only a screen whose root
// data comes from the failed upstream may fail.

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

// kit starts bff-web with service failing as o says. Each GET is tried once
// and the breaker stays closed (unless o opens it), so every affected field
// carries o's code.
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
func (o outage) post(t *testing.T, kit *bfftest.Kit, query string) bfftest.Response {
	t.Helper()
	if o.warmUp {
		kit.Post(t, query, nil)
	}
	return kit.Post(t, query, nil)
}

// errorsAt are the errors o leaves at paths (JSON arrays) for service.
func (o outage) errorsAt(service string, paths ...string) []wantError {
	out := make([]wantError, len(paths))
	for i, p := range paths {
		out[i] = wantError{p, o.code, service, fmt.Sprintf(o.message, service)}
	}
	return out
}

// emptyPage is the page an outage leaves where a connection was asked for
// with totalCount, pageInfo and edges, from the start.
const emptyPage = `{"totalCount":0,"pageInfo":{"hasNextPage":false,"hasPreviousPage":false,"startCursor":null,"endCursor":null},"edges":[]}`

// TestDegradeOptionalFields: one case per optional field of the web schema
// (and per list of them), each with its upstream down, slow and behind an
// open breaker: 200, the exact data with the field null or an empty page,
// one typed error at the field's path per affected element.
func TestDegradeOptionalFields(t *testing.T) {
	const page = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } }`
	lines := func(field string) string {
		var b strings.Builder
		for i, id := range []string{"prd_0091", "prd_0455", "prd_0340", "prd_0377", "prd_0086"} {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"product":{"id":%q,%s}}`, id, field)
		}
		return b.String()
	}
	linePaths := func(field string) []string {
		out := make([]string, 5)
		for i := range out {
			out[i] = fmt.Sprintf(`["order","items",%d,"product","%s"]`, i, field)
		}
		return out
	}
	tests := []struct {
		name, service, query string
		data                 string
		paths                []string // of the errors, one per affected field
	}{
		{
			name: "Order.customer", service: "users",
			query: `{ order(id: "ord_00001") { id status customer { id name } } }`,
			data:  `{"order":{"id":"ord_00001","status":"DELIVERED","customer":null}}`,
			paths: []string{`["order","customer"]`},
		},
		{
			name: "Order.payment", service: "payments",
			query: `{ order(id: "ord_00001") { id status payment { id status } } }`,
			data:  `{"order":{"id":"ord_00001","status":"DELIVERED","payment":null}}`,
			paths: []string{`["order","payment"]`},
		},
		{
			name: "OrderItem.product", service: "catalog",
			query: `{ order(id: "ord_00001") { id items { quantity product { id } } } }`,
			data:  `{"order":{"id":"ord_00001","items":[{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null}]}}`,
			paths: []string{`["order","items",0,"product"]`, `["order","items",1,"product"]`, `["order","items",2,"product"]`, `["order","items",3,"product"]`, `["order","items",4,"product"]`},
		},
		{
			name: "Product.inventory", service: "inventory",
			query: `{ product(id: "prd_0078") { id name inventory { total } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inventory":null}}`,
			paths: []string{`["product","inventory"]`},
		},
		{
			name: "Product.rating", service: "reviews",
			query: `{ product(id: "prd_0078") { id name rating { average count } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","rating":null}}`,
			paths: []string{`["product","rating"]`},
		},
		{
			name: "Product.reviews", service: "reviews",
			query: `{ product(id: "prd_0078") { id name inventory { total } reviews(first: 2) { ` + page + ` } } }`,
			data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inventory":{"total":98},"reviews":` + emptyPage + `}}`,
			paths: []string{`["product","reviews"]`},
		},
		{
			name: "Review.product", service: "catalog",
			query: `{ reviews(first: 2) { edges { node { id product { id } } } } }`,
			data:  `{"reviews":{"edges":[{"node":{"id":"rev_003580","product":null}},{"node":{"id":"rev_003579","product":null}}]}}`,
			paths: []string{`["reviews","edges",0,"node","product"]`, `["reviews","edges",1,"node","product"]`},
		},
		{
			name: "Review.author", service: "users",
			query: `{ reviews(first: 2) { edges { node { id author { id } } } } }`,
			data:  `{"reviews":{"edges":[{"node":{"id":"rev_003580","author":null}},{"node":{"id":"rev_003579","author":null}}]}}`,
			paths: []string{`["reviews","edges",0,"node","author"]`, `["reviews","edges",1,"node","author"]`},
		},
		{
			name: "Customer.orders", service: "orders",
			query: `{ customer(id: "usr_0001") { id name orders(first: 2) { ` + page + ` } } }`,
			data:  `{"customer":{"id":"usr_0001","name":"Ada Lovelace","orders":` + emptyPage + `}}`,
			paths: []string{`["customer","orders"]`},
		},
		{
			name: "Customer.orders after a cursor", service: "orders",
			query: `{ customer(id: "usr_0001") { id orders(first: 2, after: "bzE6MQ") { ` + page + ` } } }`,
			data:  `{"customer":{"id":"usr_0001","orders":{"totalCount":0,"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"startCursor":null,"endCursor":null},"edges":[]}}}`,
			paths: []string{`["customer","orders"]`},
		},
		{
			name: "AdjustInventoryPayload.product", service: "catalog",
			query: `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: 1}) { inventory { warehouses { warehouse } } product { id name } } }`,
			data:  `{"adjustInventory":{"inventory":{"warehouses":[{"warehouse":"ams"},{"warehouse":"nyc"},{"warehouse":"sgp"}]},"product":null}}`,
			paths: []string{`["adjustInventory","product"]`},
		},
		{
			name: "AdjustInventoryPayload.product under an alias", service: "catalog",
			query: `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: 1}) { item: product { id } inventory { warehouses { warehouse } } } }`,
			data:  `{"adjustInventory":{"item":null,"inventory":{"warehouses":[{"warehouse":"ams"},{"warehouse":"nyc"},{"warehouse":"sgp"}]}}}`,
			paths: []string{`["adjustInventory","item"]`},
		},
		{
			name: "Order.customer of each order", service: "users",
			query: `{ orders(first: 2) { edges { node { id customer { id } } } } }`,
			data:  `{"orders":{"edges":[{"node":{"id":"ord_02000","customer":null}},{"node":{"id":"ord_01999","customer":null}}]}}`,
			paths: []string{`["orders","edges",0,"node","customer"]`, `["orders","edges",1,"node","customer"]`},
		},
		{
			name: "Order.payment of each order", service: "payments",
			query: `{ orders(first: 2) { edges { node { id payment { id } } } } }`,
			data:  `{"orders":{"edges":[{"node":{"id":"ord_02000","payment":null}},{"node":{"id":"ord_01999","payment":null}}]}}`,
			paths: []string{`["orders","edges",0,"node","payment"]`, `["orders","edges",1,"node","payment"]`},
		},
		{
			name: "Product.inventory of each line", service: "inventory",
			query: `{ order(id: "ord_00001") { id items { product { id inventory { total } } } } }`,
			data:  `{"order":{"id":"ord_00001","items":[` + lines(`"inventory":null`) + `]}}`,
			paths: linePaths("inventory"),
		},
		{
			name: "Product.reviews of each line", service: "reviews",
			query: `{ order(id: "ord_00001") { id items { product { id reviews(first: 1) { ` + page + ` } } } } }`,
			data:  `{"order":{"id":"ord_00001","items":[` + lines(`"reviews":`+emptyPage) + `]}}`,
			paths: linePaths("reviews"),
		},
	}
	for _, tt := range tests {
		for _, o := range outages {
			t.Run(tt.name+"/"+tt.service+" "+o.name, func(t *testing.T) {
				kit := o.kit(t, tt.service)
				resp := o.post(t, kit, tt.query)
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

// screen is one screen of the web admin, as it asks for it, and the
// upstream its root data comes from.
type screen struct {
	name, query string
	root        string // the screen's root field
	// rootService is the upstream the root's own data comes from; only it
	// may take the screen down.
	rootService string
}

var webScreens = []screen{
	{
		name: "orders", root: "orders", rootService: "orders",
		query: `{ orders(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node {
			id status total { formatted } createdAt
			customer { id name email }
			payment { id status amount { formatted } refunds { id } }
			items { quantity unitPrice { formatted } product { id name inventory { total warehouses { warehouse quantity } } } }
		} } } }`,
	},
	{
		name: "order detail", root: "order", rootService: "orders",
		query: `{ order(id: "ord_00001") { id status customer { name } payment { status } items { quantity product { name rating { average } inventory { total } } } } }`,
	},
	{
		name: "product", root: "product", rootService: "catalog",
		query: `{ product(id: "prd_0078") { id name price { formatted } inventory { total } rating { average count }
			reviews(first: 5) { totalCount edges { node { id rating title status author { id name } } } } } }`,
	},
	{
		name: "products", root: "products", rootService: "catalog",
		query: `{ products(first: 5) { totalCount edges { node { id name inventory { total } rating { average } } } } }`,
	},
	{
		name: "customer", root: "customer", rootService: "users",
		query: `{ customer(id: "usr_0001") { id name email tier
			orders(first: 5) { totalCount edges { node { id status total { formatted } payment { id status } } } } } }`,
	},
	{
		name: "reviews", root: "reviews", rootService: "reviews",
		query: `{ reviews(status: PENDING, first: 5) { totalCount edges { node { id rating title product { id name } author { id name } } } } }`,
	},
}

// TestDegradeScreens is the table of issue 19 for the web admin: each demo
// service down in turn, each screen once. A screen answers 200 with its
// root data unless the root itself comes from the failed service (then 503
// and a null root); everything that does not depend on the failed service
// is what the healthy services answer, and every error names the failed
// service.
func TestDegradeScreens(t *testing.T) {
	table := map[string]map[string]string{}
	for _, s := range webScreens {
		healthy := decode(t, graphtest.New(t).Post(t, s.query, nil))
		if len(healthy.Errors) > 0 {
			t.Fatalf("%s with every service up: errors %+v", s.name, healthy.Errors)
		}
		table[s.name] = map[string]string{}
		for _, service := range demo.Names() {
			t.Run(s.name+"/"+service+" down", func(t *testing.T) {
				kit := graphtest.NewWithConfig(t, fast, servicestest.WithFaults(service, ops.Faults{Down: true}))
				resp := kit.Post(t, s.query, nil)
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
	fmt.Fprintf(&b, "%-14s", "screen")
	for _, service := range demo.Names() {
		fmt.Fprintf(&b, " %-10s", service)
	}
	for _, s := range webScreens {
		fmt.Fprintf(&b, "\n%-14s", s.name)
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

// TestDegradeKeepsBadInput: only upstream failures degrade. An argument or
// cursor out of range is the client's mistake and fails the field as it
// always did (BAD_USER_INPUT at its path, the error nulling the nearest
// nullable parent), healthy upstream or not: an empty page must not pass
// for "none".
func TestDegradeKeepsBadInput(t *testing.T) {
	tests := []struct {
		name, service, query, data, path, message string
	}{
		{
			name: "Product.reviews first 500", service: "reviews",
			query: `{ product(id: "prd_0078") { id reviews(first: 500) { totalCount } } }`,
			data:  `{"product":null}`, path: `["product","reviews"]`,
			message: "invalid page size: first must be between 1 and 100",
		},
		{
			name: "Customer.orders bad cursor", service: "orders",
			query: `{ customer(id: "usr_0001") { id orders(after: "not-a-cursor") { totalCount } } }`,
			data:  `{"customer":null}`, path: `["customer","orders"]`,
			message: "invalid cursor: after is not a cursor from this API",
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
// stored whole (the response cache stores only answers without errors) and
// is sent with Cache-Control: no-store; once the upstream is back, the full
// answer is computed, cached and served from the cache.
func TestDegradedAnswersAreNotCached(t *testing.T) {
	const query = `{ product(id: "prd_0078") { id name reviews(first: 1) { totalCount edges { node { id } } } } }`
	const full = `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","reviews":{"totalCount":9,"edges":[{"node":{"id":"rev_003547"}}]}}}`
	const degraded = `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","reviews":{"totalCount":0,"edges":[]}}}`
	k := newCacheKit(t)
	k.Upstreams.SetFaults("reviews", ops.Faults{Down: true})

	resp := k.Post(t, query, nil)
	a := decode(t, resp)
	bfftest.AssertJSON(t, a.Data, degraded)
	if len(a.Errors) != 1 || resp.Status != http.StatusOK {
		t.Errorf("reviews down: status %d, errors %+v; want 200 and one error", resp.Status, a.Errors)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("degraded answer: Cache-Control = %q, want no-store", got)
	}

	k.Upstreams.ClearFaults()
	data, calls := post(t, k, query)
	bfftest.AssertJSON(t, data, full)
	if calls["reviews"] == 0 {
		t.Errorf("reviews back: calls %v, want reviews read (the degraded answer was not cached)", calls)
	}
	data, calls = post(t, k, query)
	bfftest.AssertJSON(t, data, full)
	if len(calls) != 0 {
		t.Errorf("the full answer again: calls %v, want none (served from the cache)", calls)
	}
}
