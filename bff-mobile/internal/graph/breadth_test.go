package graph_test

import (
	"bytes"
	"encoding/json"
	"maps"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
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
		vars  map[string]any
		want  map[string]map[string]int64
	}{
		{
			name: "home", query: operation(t, "home.graphql"), vars: map[string]any{"recent": 5, "featured": 10},
			want: map[string]map[string]int64{
				"users": {"GET /users": 1}, "orders": {"GET /orders": 1}, "catalog": {"GET /products": 1},
				"inventory": {"GET /stock": 1}, "reviews": {"GET /products/{productId}/reviews/summary": 10},
				"payments": {},
			},
		},
		{
			name: "product detail", query: operation(t, "product.graphql"), vars: map[string]any{"id": "prd_0001"},
			want: map[string]map[string]int64{
				"catalog": {"GET /products": 1}, "inventory": {"GET /stock": 1}, "users": {"GET /users": 1},
				"reviews": {"GET /products/{productId}/reviews/summary": 1, "GET /reviews": 1},
				"orders":  {}, "payments": {},
			},
		},
		{
			name: "search with ratings and top reviews' authors",
			query: `{ products(first: 8) { edges { node { name inStock rating { count }
				topReviews(first: 2) { title author } } } } }`,
			want: map[string]map[string]int64{
				"catalog": {"GET /products": 1}, "inventory": {"GET /stock": 1}, "users": {"GET /users": 1},
				"reviews": {"GET /products/{productId}/reviews/summary": 8, "GET /reviews": 8},
				"orders":  {}, "payments": {},
			},
		},
		{
			name: "recent orders' products with top reviews' authors",
			query: `{ home { recentOrders(first: 4) { id items { product { id inStock
				topReviews(first: 1) { author } } } } } }`,
			want: map[string]map[string]int64{
				"orders": {"GET /orders": 1}, "catalog": {"GET /products": 1}, "inventory": {"GET /stock": 1},
				"users": {"GET /users": 1}, "payments": {}, "reviews": nil, // one page per distinct product
			},
		},
	}
	for _, wait := range []time.Duration{0, time.Millisecond, 16 * time.Millisecond} {
		for _, tt := range tests {
			t.Run(wait.String()+"/"+tt.name, func(t *testing.T) {
				kit := graphtest.NewWithConfig(t, func(c *config.Config) { c.Loader.Wait = wait })
				resp := kit.Post(t, tt.query, tt.vars)
				if resp.Status != 200 || bytes.Contains(resp.Body, []byte(`"errors"`)) || len(resp.Body) < 200 {
					t.Fatalf("status %d: %.500s", resp.Status, resp.Body)
				}
				for service, routes := range tt.want {
					got := kit.Upstreams.Routes(service)
					if routes == nil { // one review page per distinct product, in one parallel round
						routes = map[string]int64{"GET /reviews": int64(distinctProducts(t, resp.Body))}
					}
					if !maps.Equal(got, routes) {
						t.Errorf("%s calls = %v, want %v", service, got, routes)
					}
				}
			})
		}
	}
}

// distinctProducts counts the distinct product ids in a recentOrders answer.
func distinctProducts(t *testing.T, body []byte) int {
	t.Helper()
	var resp struct {
		Data struct {
			Home struct {
				RecentOrders []struct {
					Items []struct{ Product struct{ ID string } }
				}
			}
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, o := range resp.Data.Home.RecentOrders {
		for _, it := range o.Items {
			ids[it.Product.ID] = true
		}
	}
	if len(ids) < 2 {
		t.Fatalf("want an answer with several products, got %s", body)
	}
	return len(ids)
}
