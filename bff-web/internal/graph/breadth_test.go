package graph_test

import (
	"bytes"
	"maps"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
)

// TestBreadthFirst is the N+1 proof of every relation under a list, at
// three batch windows: the calls per level do not depend on loads arriving
// together (lists are marshalled in line, so nothing would arrive together).
// Batch resolvers load a list's siblings in one call; list resolvers
// prefetch what lies below connection edges and nested lists (cousins).
func TestBreadthFirst(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  map[string]map[string]int64
	}{
		{
			name:  "orders with customer, payment, items, product, stock",
			query: ordersQuery,
			want: map[string]map[string]int64{
				"orders": {"GET /orders": 1}, "users": {"GET /users": 1}, "catalog": {"GET /products": 1},
				"inventory": {"GET /stock": 1}, "payments": {"GET /payments": 1}, "reviews": {},
			},
		},
		{
			name: "products with stock, rating and reviews with author and product",
			query: `{ products(first: 8) { edges { node { name inventory { total } rating { count }
				reviews(first: 3) { totalCount edges { node { title author { name } product { id } } } } } } } }`,
			want: map[string]map[string]int64{
				"catalog":   {"GET /products": 2}, // the page, then the reviews' products by id
				"inventory": {"GET /stock": 1},
				"reviews":   {"GET /products/{productId}/reviews/summary": 8, "GET /reviews": 8},
				"users":     {"GET /users": 1},
				"orders":    {}, "payments": {},
			},
		},
		{
			name: "customers with their orders and the orders' products",
			query: `{ customers(first: 6) { edges { node { name
				orders(first: 2) { edges { node { id customer { name } items { product { name } } } } } } } } }`,
			want: map[string]map[string]int64{
				"users":     {"GET /users": 2}, // the page, then the orders' customers by id
				"orders":    {"GET /orders": 6},
				"catalog":   {"GET /products": 1},
				"inventory": {}, "payments": {}, "reviews": {},
			},
		},
	}
	for _, wait := range []time.Duration{0, time.Millisecond, 16 * time.Millisecond} {
		for _, tt := range tests {
			t.Run(wait.String()+"/"+tt.name, func(t *testing.T) {
				kit := graphtest.NewWithConfig(t, func(c *config.Config) { c.Loader.Wait = wait })
				kit.As("usr_0196", "admin")
				resp := kit.Post(t, tt.query, nil)
				if resp.Status != 200 || bytes.Contains(resp.Body, []byte(`"errors"`)) || len(resp.Body) < 500 {
					t.Fatalf("status %d: %.500s", resp.Status, resp.Body)
				}
				for service, routes := range tt.want {
					if got := kit.Upstreams.Routes(service); !maps.Equal(got, routes) {
						t.Errorf("%s calls = %v, want %v", service, got, routes)
					}
				}
			})
		}
	}
}
