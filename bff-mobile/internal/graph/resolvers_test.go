package graph_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// operation returns a committed mobile operation document.
func operation(t *testing.T, file string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "operations", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

func golden(name string) string { return filepath.Join("testdata", name+".golden.json") }

type resolverCase struct {
	name      string
	anonymous bool
	query     string
	vars      map[string]any
	want      string           // exact JSON; empty means compare with testdata/<name>.golden.json
	wantCalls map[string]int64 // when set, the exact upstream calls per service
}

func runCases(t *testing.T, cases []resolverCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kit := graphtest.New(t)
			if tc.anonymous {
				kit.Anonymous()
			}
			resp := kit.Post(t, tc.query, tc.vars)
			if resp.Status != 200 {
				t.Errorf("status = %d, want 200", resp.Status)
			}
			if tc.want != "" {
				bfftest.AssertJSON(t, resp.Body, tc.want)
			} else {
				bfftest.AssertGolden(t, golden(tc.name), resp.Body, *update)
			}
			if tc.wantCalls != nil {
				got := kit.CallsByService()
				if len(got) != len(tc.wantCalls) {
					t.Errorf("upstream calls = %v, want %v", got, tc.wantCalls)
				}
				for s, n := range tc.wantCalls {
					if got[s] != n {
						t.Errorf("upstream calls = %v, want %v", got, tc.wantCalls)
						break
					}
				}
			}
		})
	}
}

var none = map[string]int64{}

func TestQueries(t *testing.T) {
	runCases(t, []resolverCase{
		{
			name:  "me",
			query: `{ me { id name firstName email } }`,
			want:  `{"data":{"me":{"id":"usr_0001","name":"Ada Lovelace","firstName":"Ada","email":"ada.lovelace@example.com"}}}`,
		},
		{
			name:      "me anonymous",
			anonymous: true,
			query:     `{ me { id } }`,
			want:      `{"data":{"me":null}}`,
			wantCalls: none,
		},
		{name: "home", query: operation(t, "home.graphql")},
		{
			name:      "home anonymous",
			anonymous: true,
			query:     `{ me { id } home { greeting recentOrders { id } featuredProducts(first: 1) { id } } }`,
			want:      `{"data":{"me":null,"home":{"greeting":"Welcome!","recentOrders":[],"featuredProducts":[{"id":"prd_0059"}]}}}`,
		},
		{name: "product", query: operation(t, "product.graphql"), vars: map[string]any{"id": "prd_0059"}},
		{
			name:  "product not found",
			query: `query($id: ID!) { product(id: $id) { id name } }`,
			vars:  map[string]any{"id": "prd_9999"},
			want: `{"data":{"product":null},"errors":[{"message":"product not found","path":["product"],
				"locations":[{"line":1,"column":19}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
		{name: "search", query: operation(t, "search.graphql"), vars: map[string]any{"search": "atlas"}},
		{name: "search second page", query: operation(t, "search.graphql"), vars: map[string]any{"after": "bzE6MTk"}},
		{
			name:  "search bad cursor",
			query: operation(t, "search.graphql"),
			vars:  map[string]any{"after": "not-a-cursor"},
			want: `{"data":null,"errors":[{"message":"invalid cursor: after is not a cursor from this API","path":["products"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
		{
			name:  "page size over the mobile maximum",
			query: `{ products(first: 51) { totalCount } }`,
			want: `{"data":null,"errors":[{"message":"invalid page size: first must be between 1 and 50","path":["products"],
				"locations":[{"line":1,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
		{name: "orders", query: `query { orders(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status placedAt total itemCount items { quantity unitPrice product { id name } } } } } }`},
		{
			name:  "someone else's order is not found",
			query: `{ order(id: "ord_00002") { id total } }`,
			want: `{"data":{"order":null},"errors":[{"message":"order not found","path":["order"],
				"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
		{
			name:      "orders need a signed-in customer",
			anonymous: true,
			query:     `{ orders { totalCount } }`,
			want: `{"data":null,"errors":[{"message":"sign in to see this","path":["orders"],
				"locations":[{"line":1,"column":3}],"extensions":{"code":"UNAUTHENTICATED"}}]}`,
			wantCalls: none,
		},
	})
}

func TestMutations(t *testing.T) {
	placeOrder := operation(t, "placeOrder.graphql")
	addReview := operation(t, "addReview.graphql")
	item := func(id string, qty int) map[string]any { return map[string]any{"productId": id, "quantity": qty} }
	runCases(t, []resolverCase{
		{
			name:      "placeOrder",
			query:     placeOrder,
			vars:      map[string]any{"items": []any{item("prd_0059", 2), item("prd_0078", 1)}},
			wantCalls: map[string]int64{"catalog": 1, "orders": 1},
		},
		{
			name:  "placeOrder unknown product",
			query: placeOrder,
			vars:  map[string]any{"items": []any{item("prd_9999", 1)}},
			want: `{"data":null,"errors":[{"message":"product prd_9999 does not exist","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: map[string]int64{"catalog": 1},
		},
		{
			name:  "placeOrder zero quantity makes no upstream call",
			query: placeOrder,
			vars:  map[string]any{"items": []any{item("prd_0059", 0)}},
			want: `{"data":null,"errors":[{"message":"quantity must be between 1 and 99","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
		{
			name:  "placeOrder duplicate product",
			query: placeOrder,
			vars:  map[string]any{"items": []any{item("prd_0059", 1), item("prd_0059", 2)}},
			want: `{"data":null,"errors":[{"message":"each product may appear once per order","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
		{
			name:  "placeOrder without items",
			query: placeOrder,
			vars:  map[string]any{"items": []any{}},
			want: `{"data":null,"errors":[{"message":"an order has 1 to 20 items","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
		{
			name:      "placeOrder anonymous",
			anonymous: true,
			query:     placeOrder,
			vars:      map[string]any{"items": []any{item("prd_0059", 1)}},
			want: `{"data":null,"errors":[{"message":"sign in to see this","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"UNAUTHENTICATED"}}]}`,
			wantCalls: none,
		},
		{
			name:  "addReview",
			query: addReview,
			vars: map[string]any{"input": map[string]any{
				"productId": "prd_0059", "rating": 5, "title": "  Great guide  ", "body": "Took it up the Matterhorn."}},
			wantCalls: map[string]int64{"catalog": 1, "reviews": 1},
		},
		{
			name:  "addReview rating out of range",
			query: addReview,
			vars: map[string]any{"input": map[string]any{
				"productId": "prd_0059", "rating": 9, "title": "Nine", "body": ""}},
			want: `{"data":null,"errors":[{"message":"rating must be between 1 and 5","path":["addReview"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
		{
			name:  "addReview blank title",
			query: addReview,
			vars: map[string]any{"input": map[string]any{
				"productId": "prd_0059", "rating": 3, "title": "   ", "body": "x"}},
			want: `{"data":null,"errors":[{"message":"title must have 1 to 120 characters","path":["addReview"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			wantCalls: none,
		},
	})
}

// TestPlacedOrderIsListed follows a placed order into the order history.
func TestPlacedOrderIsListed(t *testing.T) {
	kit := graphtest.New(t)
	var placed struct {
		PlaceOrder struct{ Order struct{ ID, Status, Total string } }
	}
	kit.Client.MustPost(`mutation($items: [PlaceOrderItemInput!]!) { placeOrder(input: {items: $items}) { order { id status total } } }`, &placed,
		clientVars(map[string]any{"items": []any{map[string]any{"productId": "prd_0078", "quantity": 3}}}))
	if placed.PlaceOrder.Order.Status != "PENDING" || placed.PlaceOrder.Order.Total != "$47.97" {
		t.Fatalf("placed order = %+v, want PENDING for $47.97", placed.PlaceOrder.Order)
	}
	var list struct {
		Orders struct{ Edges []struct{ Node struct{ ID string } } }
	}
	kit.Client.MustPost(`{ orders(first: 1) { edges { node { id } } } }`, &list)
	if len(list.Orders.Edges) != 1 || list.Orders.Edges[0].Node.ID != placed.PlaceOrder.Order.ID {
		t.Fatalf("newest order = %+v, want %s", list.Orders.Edges, placed.PlaceOrder.Order.ID)
	}
}

// TestPartialResults: a failing upstream nulls only the fields that depend on
// it, with a typed error naming the service and nothing internal.
func TestPartialResults(t *testing.T) {
	kit := graphtest.New(t, servicestest.WithFaults("reviews", ops.Faults{Down: true}))
	resp := kit.Post(t, `{ product(id: "prd_0078") { id name inStock rating { average } } }`, nil)
	bfftest.AssertJSON(t, resp.Body, `{
		"data":{"product":{"id":"prd_0078","name":"Meridian Compact Atlas","inStock":true,"rating":null}},
		"errors":[{"message":"the reviews service is unavailable","path":["product","rating"],
			"locations":[{"line":1,"column":45}],"extensions":{"code":"UPSTREAM_UNAVAILABLE","service":"reviews"}}]}`)
}
