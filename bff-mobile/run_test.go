package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// TestRun starts the binary's run over test services and a test issuer,
// answers a nested query with a token from that issuer (and refuses it
// without one), serves the playground and health endpoints, and shuts down
// cleanly.
func TestRun(t *testing.T) {
	ups := servicestest.Start(t)
	iss := authtest.NewIssuer(t)
	base := bfftest.StartRun(t, run, bfftest.UpstreamEnv(ups, map[string]string{
		"ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn", "OIDC_ISSUER": iss.URL(),
	}))
	token := iss.Mint(authtest.Claims{Subject: "usr_0001", Roles: []string{"customer"}, ClientID: "mobile-app", Audience: []string{"frontdesk-mobile"}})

	body := `{"query":"{ me { id } home { greeting featuredProducts(first: 2) { id inStock rating { count } } } }"}`
	anonymous, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ orders(first: 1) { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = anonymous.Body.Close()
	if anonymous.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous orders: status %d, want 401", anonymous.StatusCode)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/graphql", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(got), `{"data":{"me":{"id":"usr_0001"},"home":{"greeting":"Welcome back, Ada!"`) || strings.Contains(string(got), `"errors"`) {
		t.Fatalf("POST /graphql = %d %s", resp.StatusCode, got)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/playground": 200} {
		r, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, r.StatusCode, want)
		}
	}
}

// TestRunRejectsBadConfig: a bad setting stops start-up with an error naming it.
func TestRunRejectsBadConfig(t *testing.T) {
	err := run(t.Context(), nil, func(k string) string {
		return map[string]string{"FRONTDESK_ENV": "production"}[k]
	}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "OIDC_ISSUER") {
		t.Fatalf("run in production without an issuer = %v, want an OIDC_ISSUER error", err)
	}
}

// TestRunNeedsItsIssuer: a BFF whose issuer cannot be discovered does not
// start (and says which setting to check).
func TestRunNeedsItsIssuer(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	err := run(t.Context(), nil, func(k string) string {
		return map[string]string{"ADDR": "127.0.0.1:0", "OIDC_ISSUER": dead.URL, "OIDC_HTTP_TIMEOUT": "2s"}[k]
	}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "OIDC issuer") {
		t.Fatalf("run with an unreachable issuer = %v, want a discovery error", err)
	}
}
