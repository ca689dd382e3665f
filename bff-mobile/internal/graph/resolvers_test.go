package graph_test

import (
	"net/http"
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

var none = map[string]int64{}

func newKit(t testing.TB) *bfftest.Kit { return graphtest.New(t) }

func TestQueries(t *testing.T) {
	bfftest.RunCases(t, newKit, []bfftest.Case{
		{
			Name:  "me",
			Query: `{ me { id name firstName email } }`,
			Want:  `{"data":{"me":{"id":"usr_0001","name":"Ada Lovelace","firstName":"Ada","email":"ada.lovelace@example.com"}}}`,
		},
		{
			Name:      "me anonymous",
			Anonymous: true,
			Query:     `{ me { id } }`,
			Want:      `{"data":{"me":null}}`,
			WantCalls: none,
		},
		{Name: "home", Query: operation(t, "home.graphql")},
		{
			Name:      "home anonymous",
			Anonymous: true,
			Query:     `{ me { id } home { greeting recentOrders { id } featuredProducts(first: 1) { id } } }`,
			Want:      `{"data":{"me":null,"home":{"greeting":"Welcome!","recentOrders":[],"featuredProducts":[{"id":"prd_0059"}]}}}`,
		},
		{Name: "product", Query: operation(t, "product.graphql"), Vars: map[string]any{"id": "prd_0059"}},
		{
			Name:  "product not found",
			Query: `query($id: ID!) { product(id: $id) { id name } }`,
			Vars:  map[string]any{"id": "prd_9999"},
			Want: `{"data":{"product":null},"errors":[{"message":"product not found","path":["product"],
				"locations":[{"line":1,"column":19}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
		{Name: "search", Query: operation(t, "search.graphql"), Vars: map[string]any{"search": "atlas"}},
		{Name: "search second page", Query: operation(t, "search.graphql"), Vars: map[string]any{"after": "bzE6MTk"}},
		{
			Name:  "search bad cursor",
			Query: operation(t, "search.graphql"),
			Vars:  map[string]any{"after": "not-a-cursor"},
			Want: `{"data":null,"errors":[{"message":"invalid cursor: after is not a cursor from this API","path":["products"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:  "page size over the mobile maximum",
			Query: `{ products(first: 51) { totalCount } }`,
			Want: `{"data":null,"errors":[{"message":"invalid page size: first must be between 1 and 50","path":["products"],
				"locations":[{"line":1,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{Name: "orders", Query: `query { orders(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { node { id status placedAt total itemCount items { quantity unitPrice product { id name } } } } } }`},
		{
			Name:  "someone else's order is not found",
			Query: `{ order(id: "ord_00002") { id total } }`,
			Want: `{"data":{"order":null},"errors":[{"message":"order not found","path":["order"],
				"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
	}, *update)
}

func TestMutations(t *testing.T) {
	placeOrder := operation(t, "placeOrder.graphql")
	addReview := operation(t, "addReview.graphql")
	item := func(id string, qty int) map[string]any { return map[string]any{"productId": id, "quantity": qty} }
	bfftest.RunCases(t, newKit, []bfftest.Case{
		{
			Name:      "placeOrder",
			Query:     placeOrder,
			Vars:      map[string]any{"items": []any{item("prd_0059", 2), item("prd_0078", 1)}},
			WantCalls: map[string]int64{"catalog": 1, "orders": 1},
		},
		{
			Name:  "placeOrder unknown product",
			Query: placeOrder,
			Vars:  map[string]any{"items": []any{item("prd_9999", 1)}},
			Want: `{"data":null,"errors":[{"message":"product prd_9999 does not exist","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: map[string]int64{"catalog": 1},
		},
		{
			Name:  "placeOrder zero quantity makes no upstream call",
			Query: placeOrder,
			Vars:  map[string]any{"items": []any{item("prd_0059", 0)}},
			Want: `{"data":null,"errors":[{"message":"quantity must be between 1 and 99","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:  "placeOrder duplicate product",
			Query: placeOrder,
			Vars:  map[string]any{"items": []any{item("prd_0059", 1), item("prd_0059", 2)}},
			Want: `{"data":null,"errors":[{"message":"each product may appear once per order","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:  "placeOrder without items",
			Query: placeOrder,
			Vars:  map[string]any{"items": []any{}},
			Want: `{"data":null,"errors":[{"message":"an order has 1 to 20 items","path":["placeOrder"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:      "placeOrder anonymous",
			Anonymous: true,
			Query:     placeOrder,
			Vars:      map[string]any{"items": []any{item("prd_0059", 1)}},
			Status:    http.StatusUnauthorized,
			Want:      signIn,
			WantCalls: none,
		},
		{
			Name:  "addReview",
			Query: addReview,
			Vars: map[string]any{"input": map[string]any{
				"productId": "prd_0059", "rating": 5, "title": "  Great guide  ", "body": "Took it up the Matterhorn."}},
			WantCalls: map[string]int64{"catalog": 1, "reviews": 1},
		},
		{
			Name:  "addReview rating out of range",
			Query: addReview,
			Vars: map[string]any{"input": map[string]any{
				"productId": "prd_0059", "rating": 9, "title": "Nine", "body": ""}},
			Want: `{"data":null,"errors":[{"message":"rating must be between 1 and 5","path":["addReview"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:  "addReview blank title",
			Query: addReview,
			Vars: map[string]any{"input": map[string]any{
				"productId": "prd_0059", "rating": 3, "title": "   ", "body": "x"}},
			Want: `{"data":null,"errors":[{"message":"title must have 1 to 120 characters","path":["addReview"],
				"locations":[{"line":3,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
	}, *update)
}

// TestPlacedOrderIsListed follows a placed order into the order history.
func TestPlacedOrderIsListed(t *testing.T) {
	kit := graphtest.New(t)
	var placed struct {
		PlaceOrder struct {
			Order struct{ ID, Status, Total string }
		}
	}
	kit.Client.MustPost(`mutation($items: [PlaceOrderItemInput!]!) { placeOrder(input: {items: $items}) { order { id status total } } }`, &placed,
		clientVars(map[string]any{"items": []any{map[string]any{"productId": "prd_0078", "quantity": 3}}}))
	if placed.PlaceOrder.Order.Status != "PENDING" || placed.PlaceOrder.Order.Total != "$47.97" {
		t.Fatalf("placed order = %+v, want PENDING for $47.97", placed.PlaceOrder.Order)
	}
	var list struct {
		Orders struct {
			Edges []struct{ Node struct{ ID string } }
		}
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
