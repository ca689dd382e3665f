package auth_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/issuer"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/shared/auth"
)

// TestVerifierAcceptsDemoIssuer proves the token contract of docs/auth.md end
// to end: a token from the demo issuer's token endpoint verifies, with the
// roles and tier of the seeded user, and the other BFF's audience is refused.
func TestVerifierAcceptsDemoIssuer(t *testing.T) {
	srv := httptest.NewServer(nil)
	t.Cleanup(srv.Close)
	iss, err := issuer.New(issuer.Config{IssuerURL: srv.URL, Users: issuer.UsersFrom(seed.New().Users)})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = iss.Handler()

	resp, err := srv.Client().PostForm(srv.URL+issuer.TokenPath, url.Values{"client_id": {"web-admin"}, "subject": {"usr_0196"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok issuer.TokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token response: %v %+v", err, tok)
	}

	web, err := auth.NewVerifier(t.Context(), auth.Config{Issuer: srv.URL, Audience: "frontdesk-web"})
	if err != nil {
		t.Fatalf("discovery against the demo issuer: %v", err)
	}
	p, err := web.Verify(t.Context(), tok.AccessToken)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if p.Subject != "usr_0196" || !p.HasRole("admin") || !p.HasRole("support") || p.ClientID != "web-admin" || (p.Tier != "free" && p.Tier != "pro") {
		t.Errorf("principal = %+v", p)
	}

	mobile, err := auth.NewVerifier(t.Context(), auth.Config{Issuer: srv.URL, Audience: "frontdesk-mobile"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mobile.Verify(t.Context(), tok.AccessToken); err == nil || !strings.Contains(err.Error(), "aud") {
		t.Errorf("a web token on the mobile audience: err = %v, want an audience rejection", err)
	}
}
