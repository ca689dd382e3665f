package authz_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/authz"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// setup returns a test issuer and a verifier for it, both at now.
func setup(t *testing.T) (*authtest.Issuer, *auth.Verifier) {
	t.Helper()
	clock := func() time.Time { return now }
	iss := authtest.NewIssuer(t, authtest.WithClock(clock))
	v, err := auth.NewVerifier(t.Context(), auth.Config{Issuer: iss.URL(), Audience: "frontdesk-web", ClockSkew: 30 * time.Second}, auth.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	return iss, v
}

func validClaims() authtest.Claims {
	return authtest.Claims{Subject: "usr_0191", Audience: []string{"frontdesk-web"}, Roles: []string{"support"}}
}

// serve sends one request with the Authorization header header (none when
// empty) through Authenticate to next and returns the recorded answer and
// whether next ran.
func serve(t *testing.T, v *auth.Verifier, header string, next http.HandlerFunc) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	ran := false
	h := gqlserver.Outcomes(authz.Authenticate(v, "bff-test", slog.New(slog.DiscardHandler))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran = true
		next(w, r)
	})))
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(`{}`))
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec, ran
}

func TestAuthenticate(t *testing.T) {
	iss, v := setup(t)
	valid := iss.Mint(validClaims())
	expired := iss.Mint(func() authtest.Claims {
		c := validClaims()
		c.IssuedAt, c.NotBefore, c.Expiry = now.Add(-2*time.Hour), now.Add(-2*time.Hour), now.Add(-time.Hour)
		return c
	}())
	whoami := func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.FromContext(r.Context())
		_ = json.NewEncoder(w).Encode(map[string]any{"signedIn": ok, "subject": p.Subject, "roles": p.Roles})
	}
	tests := []struct {
		name     string
		authz    string
		wantNext bool
		wantBody string // substring
	}{
		{"no token: anonymous", "", true, `"signedIn":false`},
		{"valid token: its principal", "Bearer " + valid, true, `"subject":"` + validClaims().Subject + `"`},
		{"lower-case scheme", "bearer " + valid, true, `"signedIn":true`},
		{"expired", "Bearer " + expired, false, "UNAUTHENTICATED"},
		{"garbage", "Bearer not.a.jwt", false, "UNAUTHENTICATED"},
		{"basic credentials", "Basic dXNlcjpwYXNz", false, "UNAUTHENTICATED"},
		{"empty bearer", "Bearer ", false, "UNAUTHENTICATED"},
		{"forged: alg none", "Bearer " + iss.Mint(validClaims(), authtest.WithAlgNone()), false, "UNAUTHENTICATED"},
		{"forged: tampered", "Bearer " + iss.Mint(validClaims(), authtest.Tampered()), false, "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, ran := serve(t, v, tt.authz, whoami)
			body := rec.Body.String()
			if ran != tt.wantNext || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("next ran = %v, status %d, body %s; want next ran = %v and %q", ran, rec.Code, body, tt.wantNext, tt.wantBody)
			}
			if tt.wantNext {
				if rec.Code != http.StatusOK || rec.Header().Get("WWW-Authenticate") != "" {
					t.Fatalf("status %d, WWW-Authenticate %q; want 200 and no challenge", rec.Code, rec.Header().Get("WWW-Authenticate"))
				}
				return
			}
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("status = %d, want 401", rec.Code)
			}
			if got, want := rec.Header().Get("WWW-Authenticate"), `Bearer realm="bff-test", error="invalid_token"`; got != want {
				t.Errorf("WWW-Authenticate = %q, want %q", got, want)
			}
			// One fixed answer whatever the reason: no issuer, audience, key id or cause.
			const want = `{"errors":[{"message":"the access token is missing, invalid or expired","extensions":{"code":"UNAUTHENTICATED"}}]}`
			if strings.TrimSpace(body) != want {
				t.Errorf("body = %s, want %s", body, want)
			}
		})
	}
}

func TestChallenge(t *testing.T) {
	_, v := setup(t)
	tests := []struct {
		name       string
		next       http.HandlerFunc
		wantStatus int
		wantHeader string
	}{
		{"challenged answer becomes 401", func(w http.ResponseWriter, r *http.Request) {
			if !authz.Challenge(r.Context()) {
				t.Error("Challenge = false inside Authenticate")
			}
			_, _ = io.WriteString(w, `{"errors":[]}`)
		}, http.StatusUnauthorized, `Bearer realm="bff-test"`},
		{"an explicit error status stays", func(w http.ResponseWriter, r *http.Request) {
			authz.Challenge(r.Context())
			w.WriteHeader(http.StatusBadRequest)
		}, http.StatusBadRequest, ""},
		{"no challenge: 200", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, `{"data":{}}`)
		}, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := serve(t, v, "", tt.next)
			if rec.Code != tt.wantStatus || rec.Header().Get("WWW-Authenticate") != tt.wantHeader {
				t.Fatalf("status %d, WWW-Authenticate %q; want %d, %q", rec.Code, rec.Header().Get("WWW-Authenticate"), tt.wantStatus, tt.wantHeader)
			}
		})
	}
	if authz.Challenge(t.Context()) {
		t.Error("Challenge outside Authenticate = true, want false")
	}
}
