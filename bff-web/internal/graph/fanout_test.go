package graph_test

import (
	"maps"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
)

// ordersQuery is the admin's order list: orders → customer, items → product
// → inventory, payment.
const ordersQuery = `{
  orders(first: 50) {
    edges { node {
      id status total { formatted }
      customer { id name }
      items { quantity product { id name inventory { total warehouses { warehouse quantity } } } }
      payment { id status amount { formatted } }
    } }
  }
}`

// TestOrdersFanOutIsBatched is the N+1 proof: the nested order list makes one
// call per service per level, whatever the number of orders, and every call
// is a batch read.
func TestOrdersFanOutIsBatched(t *testing.T) {
	kit := graphtest.New(t)
	resp := kit.Post(t, ordersQuery, nil)
	if resp.Status != 200 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	want := map[string]map[string]int64{
		"orders":    {"GET /orders": 1},
		"users":     {"GET /users": 1},
		"catalog":   {"GET /products": 1},
		"inventory": {"GET /stock": 1},
		"payments":  {"GET /payments": 1},
		"reviews":   {},
	}
	for service, routes := range want {
		if got := kit.Upstreams.Routes(service); !maps.Equal(got, routes) {
			t.Errorf("%s calls = %v, want %v", service, got, routes)
		}
	}
}

// TestOrdersFanOutWithoutLoaders shows what the loaders save and proves the
// test above can fail: with batching disabled (the benchmark-only switch)
// the same query makes one call per entity.
func TestOrdersFanOutWithoutLoaders(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) { c.Loader.Disabled = true })
	if resp := kit.Post(t, ordersQuery, nil); resp.Status != 200 {
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	got := kit.CallsByService()
	t.Logf("upstream calls without loaders: %v", got)
	for _, service := range []string{"users", "catalog", "inventory", "payments"} {
		if got[service] <= 1 {
			t.Errorf("%s calls = %d without loaders, want one per entity (> 1)", service, got[service])
		}
	}
}
