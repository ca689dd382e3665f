package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// The degradation tests hold bff-mobile to "optional data never takes
// essential data down" (docs/resilience.md, "What is essential and what is
// optional on each screen"): a field whose data comes from another upstream
// than its parent's answers null (nullable) or empty (non-null list) with one
// typed error at its path when that upstream fails, and the rest of the
// screen is answered with 200. Only a screen whose root data comes from the
// failed upstream may fail.

// degradeKit is bff-mobile with quick retries and its upstream settings
// adjusted by up, over demo services shaped by opts (a bfftest.UpstreamKit).
func degradeKit(t testing.TB, up func(*upstream.Config), opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	return graphtest.NewWithConfig(t, func(c *config.Config) {
		fast(c)
		up(&c.Upstream)
	}, opts...)
}

// TestDegradeOptionalFields: one case per optional field of the mobile
// schema (and per list of them), each with its upstream down, slow and
// behind an open breaker: 200, the exact data with the field null or empty,
// one typed error at the field's path per affected element.
func TestDegradeOptionalFields(t *testing.T) {
	bfftest.RunDegradeCases(t, degradeKit, []bfftest.DegradeCase{
		{
			Name: "Home.greeting", Service: "users",
			Query: `{ home { greeting featuredProducts(first: 1) { id } } }`,
			Data:  `{"home":{"greeting":"Welcome back!","featuredProducts":[{"id":"prd_0059"}]}}`,
			Paths: []string{`["home","greeting"]`},
		},
		{
			Name: "Home.recentOrders", Service: "orders",
			Query: `{ home { greeting recentOrders(first: 2) { id status } featuredProducts(first: 1) { id name } } }`,
			Data:  `{"home":{"greeting":"Welcome back, Ada!","recentOrders":[],"featuredProducts":[{"id":"prd_0059","name":"Summit Lightweight Field Guide"}]}}`,
			Paths: []string{`["home","recentOrders"]`},
		},
		{
			Name: "Home.featuredProducts", Service: "catalog",
			Query: `{ home { greeting recentOrders(first: 2) { id status } featuredProducts(first: 1) { id name } } }`,
			Data:  `{"home":{"greeting":"Welcome back, Ada!","recentOrders":[{"id":"ord_01929","status":"SHIPPED"},{"id":"ord_01812","status":"CANCELLED"}],"featuredProducts":[]}}`,
			Paths: []string{`["home","featuredProducts"]`},
		},
		{
			Name: "Product.inStock", Service: "inventory",
			Query: `{ product(id: "prd_0078") { id name inStock } }`,
			Data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":null}}`,
			Paths: []string{`["product","inStock"]`},
		},
		{
			Name: "Product.rating", Service: "reviews",
			Query: `{ product(id: "prd_0078") { id name rating { average count } } }`,
			Data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","rating":null}}`,
			Paths: []string{`["product","rating"]`},
		},
		{
			Name: "Product.topReviews", Service: "reviews",
			Query: `{ product(id: "prd_0078") { id name inStock topReviews(first: 2) { id rating } } }`,
			Data:  `{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":true,"topReviews":[]}}`,
			Paths: []string{`["product","topReviews"]`},
		},
		{
			Name: "Review.author", Service: "users",
			Query: `{ product(id: "prd_0078") { id topReviews(first: 2) { id rating author } } }`,
			Data:  `{"product":{"id":"prd_0078","topReviews":[{"id":"rev_003529","rating":4,"author":null},{"id":"rev_002501","rating":4,"author":null}]}}`,
			Paths: []string{`["product","topReviews",0,"author"]`, `["product","topReviews",1,"author"]`},
		},
		{
			Name: "OrderItem.product", Service: "catalog",
			Query: `{ order(id: "ord_01812") { id status items { quantity product { id } } } }`,
			Data:  `{"order":{"id":"ord_01812","status":"CANCELLED","items":[{"quantity":1,"product":null},{"quantity":1,"product":null}]}}`,
			Paths: []string{`["order","items",0,"product"]`, `["order","items",1,"product"]`},
		},
		{
			Name: "Product.inStock of each featured product", Service: "inventory",
			Query: `{ home { featuredProducts(first: 2) { id inStock } } }`,
			Data:  `{"home":{"featuredProducts":[{"id":"prd_0059","inStock":null},{"id":"prd_0078","inStock":null}]}}`,
			Paths: []string{`["home","featuredProducts",0,"inStock"]`, `["home","featuredProducts",1,"inStock"]`},
		},
		{
			Name: "Product.rating of each featured product", Service: "reviews",
			Query: `{ home { featuredProducts(first: 2) { id rating { count } } } }`,
			Data:  `{"home":{"featuredProducts":[{"id":"prd_0059","rating":null},{"id":"prd_0078","rating":null}]}}`,
			Paths: []string{`["home","featuredProducts",0,"rating"]`, `["home","featuredProducts",1,"rating"]`},
		},
		{
			Name: "Product.topReviews of each featured product", Service: "reviews",
			Query: `{ home { featuredProducts(first: 2) { id name topReviews(first: 1) { id } } } }`,
			Data:  `{"home":{"featuredProducts":[{"id":"prd_0059","name":"Summit Lightweight Field Guide","topReviews":[]},{"id":"prd_0078","name":"Meridian Compact Atlas","topReviews":[]}]}}`,
			Paths: []string{`["home","featuredProducts",0,"topReviews"]`, `["home","featuredProducts",1,"topReviews"]`},
		},
	})
}

// TestDegradeScreens is the table of issue 19: each demo service down in
// turn, each screen of the app once, as its committed operation asks for it
// (testdata/operations). A screen answers 200 with its root data unless the
// root itself comes from the failed service (then 503 and a null root);
// everything that does not depend on the failed service is what the
// healthy services answer, and every error names the failed service.
func TestDegradeScreens(t *testing.T) {
	home, product, search, orders := operation(t, "home.graphql"), operation(t, "product.graphql"), operation(t, "search.graphql"), operation(t, "orders.graphql")
	bfftest.RunScreens(t, degradeKit, []bfftest.Screen{
		{Name: "home", Query: home, Operation: "Home", Root: "home"},
		{Name: "home signed out", Query: home, Operation: "Home", Anonymous: true, Root: "home"},
		{Name: "product", Query: product, Operation: "Product", Vars: map[string]any{"id": "prd_0078"}, Root: "product", RootService: "catalog"},
		{Name: "search", Query: search, Operation: "Search", Vars: map[string]any{"search": "atlas"}, Root: "products", RootService: "catalog"},
		{Name: "orders", Query: orders, Operation: "Orders", Root: "orders", RootService: "orders"},
		{Name: "order detail", Query: orders, Operation: "OrderDetail", Vars: map[string]any{"id": "ord_01812"}, Root: "order", RootService: "orders"},
	})
}

// TestDegradeKeepsBadInput: only upstream failures degrade. An argument out
// of range is the client's mistake and fails the field as it always did
// (BAD_USER_INPUT at its path, the error nulling the nearest nullable
// parent), healthy upstream or not: an empty list must not pass for "none".
func TestDegradeKeepsBadInput(t *testing.T) {
	bfftest.RunBadInputCases(t, degradeKit, []bfftest.BadInputCase{
		{
			Name: "Product.topReviews first 500", Service: "reviews",
			Query: `{ product(id: "prd_0078") { id topReviews(first: 500) { id } } }`,
			Data:  `{"product":null}`, Path: `["product","topReviews"]`,
			Message: "invalid page size: first must be between 1 and 10",
		},
		{
			Name: "Home.featuredProducts first 50", Service: "catalog",
			Query: `{ home { greeting featuredProducts(first: 50) { id } } }`,
			Data:  `null`, Path: `["home","featuredProducts"]`,
			Message: "invalid page size: first must be between 1 and 20",
		},
		{
			Name: "Home.recentOrders first 0", Service: "orders",
			Query: `{ home { greeting recentOrders(first: 0) { id } } }`,
			Data:  `null`, Path: `["home","recentOrders"]`,
			Message: "invalid page size: first must be between 1 and 10",
		},
	})
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
