package graph_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

var none = map[string]int64{}

func newKit(t testing.TB) *bfftest.Kit { return graphtest.New(t) }

func TestQueries(t *testing.T) {
	bfftest.RunCases(t, newKit, []bfftest.Case{
		{Name: "orders", Query: ordersQuery},
		{
			Name: "orders filtered and sorted",
			Query: `{ orders(first: 3, filter: {status: [SHIPPED, DELIVERED], customerId: "usr_0001"}, orderBy: {field: TOTAL, direction: DESC}) {
				totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
				edges { cursor node { id status total { amountCents currency formatted } createdAt } } } }`,
			WantCalls: map[string]int64{"orders": 1},
		},
		{
			Name:      "orders page size over the web maximum",
			Query:     `{ orders(first: 101) { totalCount } }`,
			Want:      `{"data":null,"errors":[{"message":"invalid page size: first must be between 1 and 100","path":["orders"],"locations":[{"line":1,"column":3}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:  "customer with orders",
			Query: `{ customer(id: "usr_0002") { id name email tier roles createdAt orders(first: 2) { totalCount edges { node { id status } } } } }`,
		},
		{
			Name:  "customers search",
			Query: `{ customers(search: "lovelace", first: 5) { totalCount edges { node { id name email } } } }`,
		},
		{
			Name: "product with stock and reviews",
			Query: `{ product(id: "prd_0078") { id name category price { formatted } featured
				inventory { total warehouses { warehouse quantity } } rating { average count }
				reviews(first: 2, status: APPROVED) { totalCount edges { node { id rating title status author { name } } } } } }`,
		},
		{
			Name:  "products by category",
			Query: `{ products(category: "Books", first: 2) { totalCount edges { node { id name category } } } }`,
		},
		{
			Name:  "pending reviews",
			Query: `{ reviews(status: PENDING, first: 3) { totalCount edges { node { id status rating product { id name } author { id } } } } }`,
		},
		{
			Name: "node by global id",
			Query: `{ order: node(id: "ord_00001") { __typename id }
				customer: node(id: "usr_0001") { __typename id }
				product: node(id: "prd_0001") { __typename id }
				payment: node(id: "pay_00001") { __typename id }
				unknown: node(id: "zzz_1") { id } }`,
			Want: `{"data":{"order":{"__typename":"Order","id":"ord_00001"},"customer":{"__typename":"Customer","id":"usr_0001"},
				"product":{"__typename":"Product","id":"prd_0001"},"payment":{"__typename":"Payment","id":"pay_00001"},"unknown":null},
				"errors":[{"message":"node not found","path":["unknown"],"locations":[{"line":5,"column":5}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
		{
			Name:  "order not found",
			Query: `{ order(id: "ord_99999") { id } }`,
			Want:  `{"data":{"order":null},"errors":[{"message":"order not found","path":["order"],"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
	}, *update)
}

func TestMutations(t *testing.T) {
	bfftest.RunCases(t, newKit, []bfftest.Case{
		{
			Name:      "updateOrderStatus",
			Query:     `mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id status } } }`,
			WantCalls: map[string]int64{"orders": 1},
		},
		{
			Name:  "updateOrderStatus not allowed",
			Query: `mutation { updateOrderStatus(input: {orderId: "ord_00001", status: PENDING}) { order { id status } } }`,
			Want: `{"data":{"updateOrderStatus":null},"errors":[{"message":"the change conflicts with the current state","path":["updateOrderStatus"],
				"locations":[{"line":1,"column":12}],"extensions":{"code":"CONFLICT","service":"orders"}}]}`,
		},
		{
			Name:  "refundPayment",
			Query: `mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 100, reason: "damaged box"}) { payment { id status refunded { formatted } refunds { amount { formatted } reason } } } }`,
		},
		{
			Name:  "refundPayment more than paid",
			Query: `mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 99999999, reason: "x"}) { payment { id } } }`,
			Want: `{"data":{"refundPayment":null},"errors":[{"message":"the change conflicts with the current state","path":["refundPayment"],
				"locations":[{"line":1,"column":12}],"extensions":{"code":"CONFLICT","service":"payments"}}]}`,
		},
		{
			Name:      "refundPayment zero makes no upstream call",
			Query:     `mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 0, reason: "x"}) { payment { id } } }`,
			Want:      `{"data":{"refundPayment":null},"errors":[{"message":"amountCents must be at least 1","path":["refundPayment"],"locations":[{"line":1,"column":12}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:      "adjustInventory",
			Query:     `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: 5, reason: "recount"}) { inventory { total warehouses { warehouse quantity } } product { id name } } }`,
			WantCalls: map[string]int64{"inventory": 1, "catalog": 1},
		},
		{
			Name:      "adjustInventory unknown warehouse makes no upstream call",
			Query:     `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "mars", delta: 5}) { inventory { total } } }`,
			Want:      `{"data":{"adjustInventory":null},"errors":[{"message":"warehouse must be one of ams, nyc, sgp","path":["adjustInventory"],"locations":[{"line":1,"column":12}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
		{
			Name:  "adjustInventory below zero",
			Query: `mutation { adjustInventory(input: {productId: "prd_0078", warehouse: "ams", delta: -100000}) { inventory { total } } }`,
			Want: `{"data":{"adjustInventory":null},"errors":[{"message":"the change conflicts with the current state","path":["adjustInventory"],
				"locations":[{"line":1,"column":12}],"extensions":{"code":"CONFLICT","service":"inventory"}}]}`,
		},
		{
			Name:  "moderateReview",
			Query: `mutation { moderateReview(input: {reviewId: "rev_000001", status: REJECTED}) { review { id status } } }`,
			Want:  `{"data":{"moderateReview":{"review":{"id":"rev_000001","status":"REJECTED"}}}}`,
		},
		{
			Name:      "moderateReview back to pending makes no upstream call",
			Query:     `mutation { moderateReview(input: {reviewId: "rev_000001", status: PENDING}) { review { id } } }`,
			Want:      `{"data":{"moderateReview":null},"errors":[{"message":"status must be APPROVED or REJECTED","path":["moderateReview"],"locations":[{"line":1,"column":12}],"extensions":{"code":"BAD_USER_INPUT"}}]}`,
			WantCalls: none,
		},
	}, *update)
}

// TestPartialResults: with payments down, each order still answers; only its
// payment is null, with a typed error at its path.
func TestPartialResults(t *testing.T) {
	kit := graphtest.New(t, servicestest.WithFaults("payments", ops.Faults{Down: true}))
	resp := kit.Post(t, `{ order(id: "ord_00001") { id status customer { id } payment { id } } }`, nil)
	bfftest.AssertJSON(t, resp.Body, `{
		"data":{"order":{"id":"ord_00001","status":"DELIVERED","customer":{"id":"usr_0083"},"payment":null}},
		"errors":[{"message":"the payments service is unavailable","path":["order","payment"],
			"locations":[{"line":1,"column":54}],"extensions":{"code":"UPSTREAM_UNAVAILABLE","service":"payments"}}]}`)
}
