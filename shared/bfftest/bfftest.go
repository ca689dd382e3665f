// Package bfftest is the core of the resolver test kit: it starts a BFF's
// GraphQL handler in-process over the demo REST services (on httptest
// servers, with per-service call counters) and a test OIDC issuer
// (authtest), and returns a gqlgen test client whose requests carry a real
// access token for a caller the test chooses. Tokens go through the BFF's
// real verifier and authorization rules.
//
// Each BFF wraps it in its own internal/graphtest package, so a resolver test
// is one call:
//
//	kit := graphtest.New(t)
//	var resp struct{ Me struct{ Name string } }
//	kit.Client.MustPost(`{ me { name } }`, &resp)
//	if kit.Calls("users") != 1 { … }
package bfftest

import (
	"net/http"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Build returns a BFF's HTTP handler over the upstreams at up, verifying
// tokens with oidc (the kit's test issuer and the Target's audience).
type Build func(up upstream.Config, oidc auth.Config) (http.Handler, error)

// Target is the BFF a Kit starts.
type Target struct {
	Build    Build
	Audience string // the BFF's OIDC audience; minted tokens carry it
	ClientID string // azp of minted tokens, e.g. mobile-app
	// Caller is who requests act as until As or Anonymous (Subject and Roles).
	Caller auth.Principal
}

// Kit is a BFF running in-process over the demo services.
type Kit struct {
	// Client posts GraphQL operations to the BFF's /graphql with the current
	// caller's token (unless the request sets its own Authorization).
	Client *client.Client
	// Handler is the BFF's whole HTTP handler, for tests of its HTTP edge;
	// requests to it carry only the headers the test sets (see Token).
	Handler http.Handler
	// Upstreams are the demo services behind it.
	Upstreams *servicestest.Upstreams
	// Issuer is the OIDC issuer the BFF trusts; tests mint their own tokens
	// with it (expired, forged, other audiences …).
	Issuer *authtest.Issuer

	target Target
	mu     sync.Mutex
	token  string // the current caller's; "" when anonymous
}

// Start builds a BFF from target over freshly seeded demo services and a
// fresh test issuer. Requests act as target.Caller until As or Anonymous
// changes it.
func Start(t testing.TB, target Target, opts ...servicestest.Option) *Kit {
	t.Helper()
	ups := servicestest.Start(t, opts...)
	cfg := upstream.Config{
		UsersURL:     ups.URL("users"),
		CatalogURL:   ups.URL("catalog"),
		InventoryURL: ups.URL("inventory"),
		OrdersURL:    ups.URL("orders"),
		ReviewsURL:   ups.URL("reviews"),
		PaymentsURL:  ups.URL("payments"),
	}
	k := &Kit{Upstreams: ups, Issuer: authtest.NewIssuer(t), target: target}
	h, err := target.Build(cfg, auth.Config{Issuer: k.Issuer.URL(), Audience: target.Audience})
	if err != nil {
		t.Fatalf("bfftest: building the BFF: %v", err)
	}
	k.Handler = h
	k.As(target.Caller.Subject, target.Caller.Roles...)
	k.Client = client.New(k.withToken(h), client.Path("/graphql"))
	return k
}

// As makes the following requests act as subject with roles: they carry a
// valid token for the BFF's audience with those claims.
func (k *Kit) As(subject string, roles ...string) {
	token := k.Mint(authtest.Claims{Subject: subject, Roles: roles})
	k.mu.Lock()
	defer k.mu.Unlock()
	k.token = token
}

// Anonymous makes the following requests carry no token.
func (k *Kit) Anonymous() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.token = ""
}

// Token returns the current caller's access token, "" when anonymous.
func (k *Kit) Token() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.token
}

// Mint returns a token from the kit's issuer with c's claims; the BFF's
// audience and client id fill c's when empty.
func (k *Kit) Mint(c authtest.Claims, opts ...authtest.MintOption) string {
	if c.Audience == nil {
		c.Audience = []string{k.target.Audience}
	}
	if c.ClientID == "" {
		c.ClientID = k.target.ClientID
	}
	return k.Issuer.Mint(c, opts...)
}

// Calls returns how many requests the named demo service has served.
func (k *Kit) Calls(service string) int64 { return k.Upstreams.Calls(service) }

// CallsByService returns Calls for every demo service that was called.
func (k *Kit) CallsByService() map[string]int64 {
	out := map[string]int64{}
	for _, s := range demo.Names() {
		if n := k.Upstreams.Calls(s); n > 0 {
			out[s] = n
		}
	}
	return out
}

// ResetCalls zeroes every service's counters.
func (k *Kit) ResetCalls() { k.Upstreams.Reset() }

// withToken adds the current caller's token to requests without an
// Authorization header of their own.
func (k *Kit) withToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token := k.Token(); token != "" && r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		next.ServeHTTP(w, r)
	})
}
