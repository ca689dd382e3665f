package graph_test

import (
	"maps"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
)

// TestHomeFanOutIsBatched is the N+1 proof of the home screen: one call per
// service per level (the featured list, then one batch per entity), and the
// per-product review summaries, which have no batch endpoint, one round of
// parallel GETs.
func TestHomeFanOutIsBatched(t *testing.T) {
	kit := graphtest.New(t)
	resp := kit.Post(t, operation(t, "home.graphql"), map[string]any{"recent": 5, "featured": 10})
	if resp.Status != 200 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	want := map[string]map[string]int64{
		"users":     {"GET /users": 1},                                 // me and greeting share one batch
		"orders":    {"GET /orders": 1},                                // recent orders
		"catalog":   {"GET /products": 1},                              // featured products
		"inventory": {"GET /stock": 1},                                 // inStock of all 10 products
		"reviews":   {"GET /products/{productId}/reviews/summary": 10}, // no batch endpoint: one GET per product, in parallel
		"payments":  {},
	}
	for service, routes := range want {
		if got := kit.Upstreams.Routes(service); !maps.Equal(got, routes) {
			t.Errorf("%s calls = %v, want %v", service, got, routes)
		}
	}
}

// TestHomeFanOutWithoutLoaders proves the test above can fail: without
// batching every product makes its own inventory call.
func TestHomeFanOutWithoutLoaders(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) { c.Loader.Disabled = true })
	kit.Post(t, operation(t, "home.graphql"), map[string]any{"recent": 5, "featured": 10})
	got := kit.Upstreams.Routes("inventory")["GET /stock"]
	t.Logf("upstream calls without loaders: %v", kit.CallsByService())
	if got != 10 {
		t.Errorf("inventory calls without loaders = %d, want 10 (one per product)", got)
	}
}
