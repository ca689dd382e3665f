package graph_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// TestPolicy: bff-web is for staff; admin changes and card data need admin.
func TestPolicy(t *testing.T) {
	support := &auth.Principal{Subject: "usr_0191", Roles: []string{"support"}}
	customer := &auth.Principal{Subject: "usr_0001", Roles: []string{"customer"}}
	refund := `mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 100, reason: "damaged box"}) { payment { id refunded { formatted } } } }`
	bfftest.RunCases(t, newKit, []bfftest.Case{
		{
			Name: "anonymous: 401 before anything runs", Anonymous: true,
			Query:  `{ orders(first: 1) { totalCount } }`,
			Status: http.StatusUnauthorized,
			Want:   `{"data":null,"errors":[{"message":"sign in: this operation needs an access token","extensions":{"code":"UNAUTHENTICATED"}}]}`, WantCalls: none,
		},
		{
			Name: "a customer is not staff: FORBIDDEN at every root field", As: customer,
			Query: `{ customer(id: "usr_0001") { id } order(id: "ord_00001") { id } }`,
			Want: `{"data":{"customer":null,"order":null},"errors":[
				{"message":"this API is for callers with the support or admin role","path":["customer"],"locations":[{"line":1,"column":3}],"extensions":{"code":"FORBIDDEN"}},
				{"message":"this API is for callers with the support or admin role","path":["order"],"locations":[{"line":1,"column":35}],"extensions":{"code":"FORBIDDEN"}}]}`,
			WantCalls: none,
		},
		{
			Name: "support calling an admin mutation: FORBIDDEN, no upstream call", As: support,
			Query: refund,
			Want: `{"data":{"refundPayment":null},"errors":[{"message":"this needs the admin role","path":["refundPayment"],
				"locations":[{"line":1,"column":12}],"extensions":{"code":"FORBIDDEN"}}]}`,
			WantCalls: none,
		},
		{
			Name: "admin calling the same mutation", Query: refund,
			Want:      `{"data":{"refundPayment":{"payment":{"id":"pay_00001","refunded":{"formatted":"$1.00"}}}}}`,
			WantCalls: map[string]int64{"payments": 1},
		},
		{
			Name: "support reads orders but not card digits: the rest is answered", As: support,
			Query: `{ order(id: "ord_00001") { id payment { status last4 } } }`,
			Want: `{"data":{"order":{"id":"ord_00001","payment":{"status":"CAPTURED","last4":null}}},"errors":[{"message":"this needs the admin role",
				"path":["order","payment","last4"],"locations":[{"line":1,"column":48}],"extensions":{"code":"FORBIDDEN"}}]}`,
		},
		{
			Name: "admin reads card digits", Query: `{ order(id: "ord_00001") { payment { last4 } } }`,
			Want: `{"data":{"order":{"payment":{"last4":"4444"}}}}`,
		},
		{
			Name: "one forbidden change does not hide the other's answer", As: support,
			Query: `mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 100, reason: "x"}) { payment { id } }
				moderateReview(input: {reviewId: "rev_000001", status: APPROVED}) { review { id } } }`,
			Want: `{"data":{"refundPayment":null,"moderateReview":null},"errors":[
				{"message":"this needs the admin role","path":["refundPayment"],"locations":[{"line":1,"column":12}],"extensions":{"code":"FORBIDDEN"}},
				{"message":"this needs the admin role","path":["moderateReview"],"locations":[{"line":2,"column":5}],"extensions":{"code":"FORBIDDEN"}}]}`,
			WantCalls: none,
		},
	}, *update)
}

// TestMobileTokenRefused: a customer's mobile token (audience
// frontdesk-mobile) does not open bff-web.
func TestMobileTokenRefused(t *testing.T) {
	kit := graphtest.New(t)
	token := kit.Mint(authtest.Claims{Subject: "usr_0196", Roles: []string{"admin"}, Audience: []string{"frontdesk-mobile"}, ClientID: "mobile-app"})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ orders(first: 1) { totalCount } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp := kit.Do(req)
	if resp.Status != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Bearer realm="bff-web", error="invalid_token"` {
		t.Fatalf("status %d, WWW-Authenticate %q, body %s", resp.Status, resp.Header.Get("WWW-Authenticate"), resp.Body)
	}
	if calls := kit.CallsByService(); len(calls) != 0 {
		t.Errorf("upstream calls = %v, want none", calls)
	}
}
