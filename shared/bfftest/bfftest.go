// Package bfftest is the core of the resolver test kit: it starts a BFF's
// GraphQL handler in-process over the demo REST services (on httptest
// servers, with per-service call counters) and returns a gqlgen test client
// whose requests act as a caller the test chooses.
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
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Build returns a BFF's HTTP handler over the upstreams at up, with identity
// as its identity middleware.
type Build func(up upstream.Config, identity func(http.Handler) http.Handler) (http.Handler, error)

// Kit is a BFF running in-process over the demo services.
type Kit struct {
	// Client posts GraphQL operations to the BFF's /graphql.
	Client *client.Client
	// Handler is the BFF's whole HTTP handler, for tests of its HTTP edge.
	Handler http.Handler
	// Upstreams are the demo services behind it.
	Upstreams *servicestest.Upstreams

	mu     sync.Mutex
	caller *auth.Principal
}

// Start builds a BFF with build over freshly seeded demo services. Requests
// act as caller until As or Anonymous changes it.
func Start(t testing.TB, build Build, caller auth.Principal, opts ...servicestest.Option) *Kit {
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
	k := &Kit{Upstreams: ups, caller: &caller}
	h, err := build(cfg, k.identity)
	if err != nil {
		t.Fatalf("bfftest: building the BFF: %v", err)
	}
	k.Handler = h
	k.Client = client.New(h, client.Path("/graphql"))
	return k
}

// As makes the following requests act as subject with roles.
func (k *Kit) As(subject string, roles ...string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.caller = &auth.Principal{Subject: subject, Roles: roles}
}

// Anonymous makes the following requests anonymous.
func (k *Kit) Anonymous() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.caller = nil
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

func (k *Kit) identity(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k.mu.Lock()
		caller := k.caller
		k.mu.Unlock()
		if caller != nil {
			r = r.WithContext(auth.NewContext(r.Context(), *caller))
		}
		next.ServeHTTP(w, r)
	})
}
