package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// The degradation tests hold bff-web to "optional data never takes
// essential data down" (docs/resilience.md, "What is essential and what is
// optional on each screen"): a field whose data comes from another upstream
// than its parent's answers null (nullable) or an empty page (non-null
// connection) with one typed error at its path when that upstream fails,
// and the rest of the screen is answered with 200. Only a screen whose root
// data comes from the failed upstream may fail.

// degradeKit is bff-web with quick retries and its upstream settings
// adjusted by up, over demo services shaped by opts (a bfftest.UpstreamKit).
func degradeKit(t testing.TB, up func(*upstream.Config), opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	return graphtest.NewWithConfig(t, func(c *config.Config) {
		fast(c)
		up(&c.Upstream)
	}, opts...)
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
	bfftest.RunDegradeCases(t, degradeKit, []bfftest.DegradeCase{
		{
			Name: "Order.customer", Service: "users",
			Query: `{ order(id: "ord_00001") { id status customer { id name } } }`,
			Data:  `{"order":{"id":"ord_00001","status":"DELIVERED","customer":null}}`,
			Paths: []string{`["order","customer"]`},
		},
		{
			Name: "Order.payment", Service: "payments",
			Query: `{ order(id: "ord_00001") { id status payment { id status } } }`,
			Data:  `{"order":{"id":"ord_00001","status":"DELIVERED","payment":null}}`,
			Paths: []string{`["order","payment"]`},
		},
		{
			Name: "OrderItem.product", Service: "catalog",
			Query: `{ order(id: "ord_00001") { id items { quantity product { id } } } }`,
			Data:  `{"order":{"id":"ord_00001","items":[{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null},{"quantity":1,"product":null}]}}`,
			Paths: []string{`["order","items",0,"product"]`, `["order","items",1,"product"]`, `["order","items",2,"product"]`, `["order","items",3,"product"]`, `["order","items",4,"product"]`},
		},
		{
			Name: "Product.inventory", Service: "inventory",
			Query: `{ product(id: "prd_0078") { id name inventory { total } } }`,
			Data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inventory":null}}`,
			Paths: []string{`["product","inventory"]`},
		},
		{
			Name: "Product.rating", Service: "reviews",
			Query: `{ product(id: "prd_0078") { id name rating { average count } } }`,
			Data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","rating":null}}`,
			Paths: []string{`["product","rating"]`},
		},
		{
			Name: "Product.reviews", Service: "reviews",
			Query: `{ product(id: "prd_0078") { id name inventory { total } reviews(first: 2) { ` + page + ` } } }`,
			Data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inventory":{"total":98},"reviews":` + emptyPage + `}}`,
			Paths: []string{`["product","reviews"]`},
		},
		{
			Name: "Review.product", Service: "catalog",
			Query: `{ reviews(first: 2) { edges { node { id product { id } } } } }`,
			Data:  `{"reviews":{"edges":[{"node":{"id":"rev_003580","product":null}},{"node":{"id":"rev_003579","product":null}}]}}`,
			Paths: []string{`["reviews","edges",0,"node","product"]`, `["reviews","edges",1,"node","product"]`},
		},
		{
			Name: "Review.author", Service: "users",
			Query: `{ reviews(first: 2) { edges { node { id author { id } } } } }`,
			Data:  `{"reviews":{"edges":[{"node":{"id":"rev_003580","author":null}},{"node":{"id":"rev_003579","author":null}}]}}`,
			Paths: []string{`["reviews","edges",0,"node","author"]`, `["reviews","edges",1,"node","author"]`},
		},
		{
			Name: "Customer.orders", Service: "orders",
			Query: `{ customer(id: "usr_0001") { id name orders(first: 2) { ` + page + ` } } }`,
			Data:  `{"customer":{"id":"usr_0001","name":"Ada Lovelace","orders":` + emptyPage + `}}`,
			Paths: []string{`["customer","orders"]`},
		},
		{
			Name: "Customer.orders after a cursor", Service: "orders",
			Query: `{ customer(id: "usr_0001") { id orders(first: 2, after: "bzE6MQ") { ` + page + ` } } }`,
			Data:  `{"customer":{"id":"usr_0001","orders":{"totalCount":0,"pageInfo":{"hasNextPage":false,"hasPreviousPage":true,"startCursor":null,"endCursor":null},"edges":[]}}}`,
			Paths: []string{`["customer","orders"]`},
		},
		{
			Name: "AdjustInventoryPayload.product", Service: "catalog",
			Query: `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: 1}) { inventory { warehouses { warehouse } } product { id name } } }`,
			Data:  `{"adjustInventory":{"inventory":{"warehouses":[{"warehouse":"ams"},{"warehouse":"nyc"},{"warehouse":"sgp"}]},"product":null}}`,
			Paths: []string{`["adjustInventory","product"]`},
		},
		{
			Name: "AdjustInventoryPayload.product under an alias", Service: "catalog",
			Query: `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: 1}) { item: product { id } inventory { warehouses { warehouse } } } }`,
			Data:  `{"adjustInventory":{"item":null,"inventory":{"warehouses":[{"warehouse":"ams"},{"warehouse":"nyc"},{"warehouse":"sgp"}]}}}`,
			Paths: []string{`["adjustInventory","item"]`},
		},
		{
			Name: "Order.customer of each order", Service: "users",
			Query: `{ orders(first: 2) { edges { node { id customer { id } } } } }`,
			Data:  `{"orders":{"edges":[{"node":{"id":"ord_02000","customer":null}},{"node":{"id":"ord_01999","customer":null}}]}}`,
			Paths: []string{`["orders","edges",0,"node","customer"]`, `["orders","edges",1,"node","customer"]`},
		},
		{
			Name: "Order.payment of each order", Service: "payments",
			Query: `{ orders(first: 2) { edges { node { id payment { id } } } } }`,
			Data:  `{"orders":{"edges":[{"node":{"id":"ord_02000","payment":null}},{"node":{"id":"ord_01999","payment":null}}]}}`,
			Paths: []string{`["orders","edges",0,"node","payment"]`, `["orders","edges",1,"node","payment"]`},
		},
		{
			Name: "Product.inventory of each line", Service: "inventory",
			Query: `{ order(id: "ord_00001") { id items { product { id inventory { total } } } } }`,
			Data:  `{"order":{"id":"ord_00001","items":[` + lines(`"inventory":null`) + `]}}`,
			Paths: linePaths("inventory"),
		},
		{
			Name: "Product.reviews of each line", Service: "reviews",
			Query: `{ order(id: "ord_00001") { id items { product { id reviews(first: 1) { ` + page + ` } } } } }`,
			Data:  `{"order":{"id":"ord_00001","items":[` + lines(`"reviews":`+emptyPage) + `]}}`,
			Paths: linePaths("reviews"),
		},
	})
}

// TestDegradeScreens is the table of issue 19 for the web admin: each demo
// service down in turn, each screen once, as the admin asks for it. A
// screen answers 200 with its root data unless the root itself comes from
// the failed service (then 503 and a null root); everything that does not
// depend on the failed service is what the healthy services answer, and
// every error names the failed service.
func TestDegradeScreens(t *testing.T) {
	bfftest.RunScreens(t, degradeKit, []bfftest.Screen{
		{
			Name: "orders", Root: "orders", RootService: "orders",
			Query: `{ orders(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { node {
				id status total { formatted } createdAt
				customer { id name email }
				payment { id status amount { formatted } refunds { id } }
				items { quantity unitPrice { formatted } product { id name inventory { total warehouses { warehouse quantity } } } }
			} } } }`,
		},
		{
			Name: "order detail", Root: "order", RootService: "orders",
			Query: `{ order(id: "ord_00001") { id status customer { name } payment { status } items { quantity product { name rating { average } inventory { total } } } } }`,
		},
		{
			Name: "product", Root: "product", RootService: "catalog",
			Query: `{ product(id: "prd_0078") { id name price { formatted } inventory { total } rating { average count }
				reviews(first: 5) { totalCount edges { node { id rating title status author { id name } } } } } }`,
		},
		{
			Name: "products", Root: "products", RootService: "catalog",
			Query: `{ products(first: 5) { totalCount edges { node { id name inventory { total } rating { average } } } } }`,
		},
		{
			Name: "customer", Root: "customer", RootService: "users",
			Query: `{ customer(id: "usr_0001") { id name email tier
				orders(first: 5) { totalCount edges { node { id status total { formatted } payment { id status } } } } } }`,
		},
		{
			Name: "reviews", Root: "reviews", RootService: "reviews",
			Query: `{ reviews(status: PENDING, first: 5) { totalCount edges { node { id rating title product { id name } author { id name } } } } }`,
		},
	})
}

// TestDegradeKeepsBadInput: only upstream failures degrade. An argument or
// cursor out of range is the client's mistake and fails the field as it
// always did (BAD_USER_INPUT at its path, the error nulling the nearest
// nullable parent), healthy upstream or not: an empty page must not pass
// for "none".
func TestDegradeKeepsBadInput(t *testing.T) {
	bfftest.RunBadInputCases(t, degradeKit, []bfftest.BadInputCase{
		{
			Name: "Product.reviews first 500", Service: "reviews",
			Query: `{ product(id: "prd_0078") { id reviews(first: 500) { totalCount } } }`,
			Data:  `{"product":null}`, Path: `["product","reviews"]`,
			Message: "invalid page size: first must be between 1 and 100",
		},
		{
			Name: "Customer.orders bad cursor", Service: "orders",
			Query: `{ customer(id: "usr_0001") { id orders(after: "not-a-cursor") { totalCount } } }`,
			Data:  `{"customer":null}`, Path: `["customer","orders"]`,
			Message: "invalid cursor: after is not a cursor from this API",
		},
	})
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
	a := bfftest.Decode(t, resp)
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
