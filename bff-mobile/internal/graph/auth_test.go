package graph_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/services/users"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

const signIn = `{"data":null,"errors":[{"message":"sign in: this operation needs an access token","extensions":{"code":"UNAUTHENTICATED"}}]}`

// TestPolicy: mobile's public fields work anonymously, everything else
// needs a customer's token, and a refused operation runs nothing.
func TestPolicy(t *testing.T) {
	support := &auth.Principal{Subject: "usr_0191", Roles: []string{"support"}}
	bfftest.RunCases(t, newKit, []bfftest.Case{
		{
			Name: "anonymous catalog browsing", Anonymous: true,
			Query:     `{ products(first: 1) { edges { node { id } } } product(id: "prd_0059") { id } }`,
			Want:      `{"data":{"products":{"edges":[{"node":{"id":"prd_0001"}}]},"product":{"id":"prd_0059"}}}`,
			WantCalls: map[string]int64{"catalog": 2},
		},
		{
			Name: "anonymous orders: 401 before anything runs", Anonymous: true,
			Query: `{ orders { totalCount } }`, Status: http.StatusUnauthorized, Want: signIn, WantCalls: none,
		},
		{
			Name: "anonymous public and protected together: 401", Anonymous: true,
			Query: `{ products(first: 1) { totalCount } order(id: "ord_00001") { id } }`, Status: http.StatusUnauthorized, Want: signIn, WantCalls: none,
		},
		{
			Name: "anonymous protected field hidden in a fragment: 401", Anonymous: true,
			Query: `query { ...Mine } fragment Mine on Query { orders { totalCount } }`, Status: http.StatusUnauthorized, Want: signIn, WantCalls: none,
		},
		{
			Name: "anonymous mutation: 401", Anonymous: true,
			Query:  `mutation { addReview(input: {productId: "prd_0059", rating: 5, title: "t", body: "b"}) { review { id } } }`,
			Status: http.StatusUnauthorized, Want: signIn, WantCalls: none,
		},
		{
			Name: "a support agent is not a customer: FORBIDDEN at the field, public fields answered", As: support,
			Query: `{ product(id: "prd_0059") { id } order(id: "ord_00001") { id } }`,
			Want: `{"data":{"product":{"id":"prd_0059"},"order":null},"errors":[{"message":"this API is for callers with the customer role",
				"path":["order"],"locations":[{"line":1,"column":34}],"extensions":{"code":"FORBIDDEN"}}]}`,
			WantCalls: map[string]int64{"catalog": 1},
		},
		{
			Name:  "a customer asking for another customer's order gets NOT_FOUND",
			Query: `{ order(id: "ord_00002") { id total } }`,
			Want: `{"data":{"order":null},"errors":[{"message":"order not found","path":["order"],
				"locations":[{"line":1,"column":3}],"extensions":{"code":"NOT_FOUND"}}]}`,
		},
	}, *update)
}

// TestTokens: every kind of bad token is refused at the edge with 401 and
// the same fixed answer, and makes no upstream call.
func TestTokens(t *testing.T) {
	kit := graphtest.New(t)
	customer := authtest.Claims{Subject: "usr_0001", Roles: []string{"customer"}}
	expired := customer
	expired.IssuedAt, expired.NotBefore, expired.Expiry = time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
	notYet := customer
	notYet.NotBefore = time.Now().Add(time.Hour)
	webToken := customer
	webToken.Audience = []string{"frontdesk-web"}
	tests := []struct {
		name  string
		token string
	}{
		{"expired", kit.Mint(expired)},
		{"not yet valid", kit.Mint(notYet)},
		{"wrong audience (bff-web's)", kit.Mint(webToken)},
		{"wrong issuer", kit.Mint(customer, authtest.WithIssuer("https://evil.example"))},
		{"alg none", kit.Mint(customer, authtest.WithAlgNone())},
		{"HS256 signed with the public key", kit.Mint(customer, authtest.WithHS256PublicKey())},
		{"tampered payload", kit.Mint(customer, authtest.Tampered())},
		{"unknown kid", kit.Mint(customer, authtest.WithKID("made-up"))},
		{"oversized", kit.Mint(customer, authtest.WithExtraBytes(9000))},
		{"not a JWT", "hello"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kit.ResetCalls()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql",
				strings.NewReader(`{"query":"{ products(first: 1) { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tt.token)
			resp := kit.Do(req)
			if resp.Status != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", resp.Status)
			}
			if got, want := resp.Header.Get("WWW-Authenticate"), `Bearer realm="bff-mobile", error="invalid_token"`; got != want {
				t.Errorf("WWW-Authenticate = %q, want %q", got, want)
			}
			bfftest.AssertJSON(t, resp.Body, `{"errors":[{"message":"the access token is missing, invalid or expired","extensions":{"code":"UNAUTHENTICATED"}}]}`)
			if calls := kit.CallsByService(); len(calls) != 0 {
				t.Errorf("upstream calls = %v, want none", calls)
			}
		})
	}
}

// TestAnonymousChallenge: the 401 of a protected operation without a token
// carries the plain Bearer challenge (no error attribute, RFC 6750 §3).
func TestAnonymousChallenge(t *testing.T) {
	kit := graphtest.New(t)
	kit.Anonymous()
	resp := kit.Post(t, `{ me { id } orders { totalCount } }`, nil)
	if resp.Status != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") != `Bearer realm="bff-mobile"` {
		t.Fatalf("status %d, WWW-Authenticate %q", resp.Status, resp.Header.Get("WWW-Authenticate"))
	}
}

// headerRecorder serves the real users service and keeps the headers of
// every request it gets.
type headerRecorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []http.Header
}

func (h *headerRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.seen = append(h.seen, r.Header.Clone())
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

// TestForwarding: the users service sees the verified identity and the
// request id, never the client's credentials or spoofed identity headers.
func TestForwarding(t *testing.T) {
	rec := &headerRecorder{next: users.NewHandler(users.NewStore(seed.New().Users))}
	kit := graphtest.New(t, servicestest.WithHandler("users", rec))
	kit.As("usr_0001", "customer")

	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader([]byte(`{"query":"{ me { name } }"}`)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", "session=secret")
	req.Header.Set("X-User-ID", "usr_0099")
	req.Header.Set("X-User-Roles", "admin")
	req.Header.Set("X-Request-ID", "req-abc.123")
	req.Header.Set("X-Custom", "not forwarded")
	resp := kit.Do(req)
	bfftest.AssertJSON(t, resp.Body, `{"data":{"me":{"name":"Ada Lovelace"}}}`)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.seen) != 1 {
		t.Fatalf("users got %d requests, want 1", len(rec.seen))
	}
	h := rec.seen[0]
	want := map[string]string{
		"X-User-Id": "usr_0001", "X-User-Roles": "customer", "X-Client-Id": "mobile-app", "X-Request-Id": "req-abc.123",
		"Authorization": "", "Cookie": "", "X-Custom": "",
	}
	for name, v := range want {
		if got := h.Get(name); got != v {
			t.Errorf("upstream header %s = %q, want %q", name, got, v)
		}
	}
	if got := resp.Header.Get("X-Request-ID"); got != "req-abc.123" {
		t.Errorf("response X-Request-ID = %q, want the client's", got)
	}
}
