package auth_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/envconfig"
)

const audience = "frontdesk-web"

// clock is a settable clock shared by a test's issuer and verifier.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func testConfig(iss *authtest.Issuer) auth.Config {
	return auth.Config{
		Issuer:              iss.URL(),
		Audience:            audience,
		ClockSkew:           30 * time.Second,
		MaxTokenBytes:       8192,
		HTTPTimeout:         5 * time.Second,
		JWKSRefetchInterval: 30 * time.Second,
		TokenCacheSize:      100,
	}
}

func newVerifier(t *testing.T, cfg auth.Config, clk *clock) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(t.Context(), cfg, auth.WithClock(clk.Now))
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// setup returns an issuer and a verifier for it sharing one clock.
func setup(t *testing.T) (*authtest.Issuer, *auth.Verifier, *clock) {
	t.Helper()
	clk := newClock()
	iss := authtest.NewIssuer(t, authtest.WithClock(clk.Now))
	return iss, newVerifier(t, testConfig(iss), clk), clk
}

func validClaims() authtest.Claims {
	return authtest.Claims{
		Subject:  "usr_0001",
		Audience: []string{audience},
		Roles:    []string{"customer", "support"},
		ClientID: "web-admin",
		Tier:     "pro",
	}
}

func TestVerify(t *testing.T) {
	start := newClock().Now()
	want := auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "support"}, ClientID: "web-admin", Tier: "pro"}
	with := func(edit func(*authtest.Claims)) authtest.Claims {
		c := validClaims()
		edit(&c)
		return c
	}
	tests := []struct {
		name    string
		claims  authtest.Claims
		opts    []authtest.MintOption
		want    auth.Principal
		wantErr bool
	}{
		{name: "valid", claims: validClaims(), want: want},
		{name: "one of several audiences", claims: with(func(c *authtest.Claims) { c.Audience = []string{"frontdesk-mobile", audience} }), want: want},
		{
			name:   "client_id when there is no azp",
			claims: with(func(c *authtest.Claims) { c.ClientID = ""; c.Extra = map[string]any{"client_id": "mobile-app"} }),
			want:   auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "support"}, ClientID: "mobile-app", Tier: "pro"},
		},
		{
			name:   "azp wins over client_id",
			claims: with(func(c *authtest.Claims) { c.Extra = map[string]any{"client_id": "mobile-app"} }),
			want:   want,
		},
		{
			name:   "no roles, tier or client",
			claims: authtest.Claims{Subject: "usr_0002", Audience: []string{audience}},
			want:   auth.Principal{Subject: "usr_0002"},
		},
		{
			name: "expired within the skew",
			claims: with(func(c *authtest.Claims) {
				c.IssuedAt, c.NotBefore, c.Expiry = start.Add(-time.Hour), start.Add(-time.Hour), start.Add(-29*time.Second)
			}),
			want: want,
		},
		{
			name: "expired beyond the skew",
			claims: with(func(c *authtest.Claims) {
				c.IssuedAt, c.NotBefore, c.Expiry = start.Add(-time.Hour), start.Add(-time.Hour), start.Add(-31*time.Second)
			}),
			wantErr: true,
		},
		{
			name:   "not yet valid within the skew",
			claims: with(func(c *authtest.Claims) { c.NotBefore = start.Add(29 * time.Second) }),
			want:   want,
		},
		{
			name:    "not yet valid beyond the skew",
			claims:  with(func(c *authtest.Claims) { c.NotBefore = start.Add(31 * time.Second) }),
			wantErr: true,
		},
		{
			name:    "issued in the future beyond the skew",
			claims:  with(func(c *authtest.Claims) { c.IssuedAt = start.Add(31 * time.Second) }),
			wantErr: true,
		},
		{name: "wrong issuer", claims: validClaims(), opts: []authtest.MintOption{authtest.WithIssuer("https://issuer.example")}, wantErr: true},
		{name: "wrong audience", claims: with(func(c *authtest.Claims) { c.Audience = []string{"frontdesk-mobile"} }), wantErr: true},
		{name: "no audience", claims: with(func(c *authtest.Claims) { c.Audience = nil }), wantErr: true},
		{name: "alg none", claims: validClaims(), opts: []authtest.MintOption{authtest.WithAlgNone()}, wantErr: true},
		{name: "HS256 keyed with the public key", claims: validClaims(), opts: []authtest.MintOption{authtest.WithHS256PublicKey()}, wantErr: true},
		{name: "tampered payload", claims: validClaims(), opts: []authtest.MintOption{authtest.Tampered()}, wantErr: true},
		{name: "no subject", claims: with(func(c *authtest.Claims) { c.Subject = "" }), wantErr: true},
		{
			name:   "roles as one string",
			claims: with(func(c *authtest.Claims) { c.Extra = map[string]any{"roles": "admin"} }),
			want:   auth.Principal{Subject: "usr_0001", Roles: []string{"admin"}, ClientID: "web-admin", Tier: "pro"},
		},
		{name: "exp is null", claims: with(func(c *authtest.Claims) { c.Extra = map[string]any{"exp": nil} }), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, v, _ := setup(t)
			got, err := v.Verify(t.Context(), iss.Mint(tt.claims, tt.opts...))
			if tt.wantErr {
				if !errors.Is(err, auth.ErrInvalidToken) {
					t.Fatalf("Verify error = %v, want ErrInvalidToken", err)
				}
				if !reflect.DeepEqual(got, auth.Principal{}) {
					t.Fatalf("Verify principal = %+v with an error, want zero", got)

				}
				return
			}
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Verify = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	iss, v, _ := setup(t)
	valid := iss.Mint(validClaims())
	parts := strings.Split(valid, ".")
	for name, token := range map[string]string{
		"empty":                "",
		"not a JWT":            "opaque-token",
		"two parts":            parts[0] + "." + parts[1],
		"JSON serialization":   `{"payload":"` + parts[1] + `","protected":"` + parts[0] + `","signature":"` + parts[2] + `"}`,
		"signature of another": parts[0] + "." + parts[1] + "." + strings.Split(iss.Mint(authtest.Claims{Subject: "usr_0009", Audience: []string{audience}}), ".")[2],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := v.Verify(t.Context(), token); !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("Verify error = %v, want ErrInvalidToken", err)
			}
		})
	}
}

func TestVerifyUnknownKIDRefetchesOnce(t *testing.T) {
	iss, v, clk := setup(t)
	if _, err := v.Verify(t.Context(), iss.Mint(validClaims())); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got := iss.JWKSRequests(); got != 1 {
		t.Fatalf("JWKS requests after the first token = %d, want 1", got)
	}
	clk.Advance(31 * time.Second)

	for n, kid := range []string{"unknown-1", "unknown-2"} {
		_, err := v.Verify(t.Context(), iss.Mint(validClaims(), authtest.WithKID(kid)))
		if !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("Verify(kid %s) error = %v, want ErrInvalidToken", kid, err)
		}
		// The first unknown kid refetches; the second is within the interval.
		if got := iss.JWKSRequests(); got != 2 {
			t.Fatalf("JWKS requests after %d unknown kids = %d, want 2", n+1, got)
		}
	}
	// Known keys are still served from the cache.
	if _, err := v.Verify(t.Context(), iss.Mint(validClaims())); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got := iss.JWKSRequests(); got != 2 {
		t.Fatalf("JWKS requests after a known kid = %d, want 2", got)
	}
}

func TestVerifyBurstOfUnknownKIDs(t *testing.T) {
	tests := []struct {
		name         string
		advance      time.Duration
		wantRefetchs int
	}{
		{name: "within the interval", advance: 29 * time.Second, wantRefetchs: 0},
		{name: "after the interval", advance: 30 * time.Second, wantRefetchs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, v, clk := setup(t)
			if _, err := v.Verify(t.Context(), iss.Mint(validClaims())); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			clk.Advance(tt.advance)
			tokens := make([]string, 50)
			for n := range tokens {
				tokens[n] = iss.Mint(validClaims(), authtest.WithKID("random-"+strings.Repeat("k", n+1)))
			}
			errs := make([]error, len(tokens))
			var wg sync.WaitGroup
			for n, token := range tokens {
				wg.Go(func() { _, errs[n] = v.Verify(t.Context(), token) })
			}
			wg.Wait()
			for n, err := range errs {
				if !errors.Is(err, auth.ErrInvalidToken) {
					t.Fatalf("token %d: error = %v, want ErrInvalidToken", n, err)
				}
			}
			if got := iss.JWKSRequests() - 1; got != tt.wantRefetchs {
				t.Fatalf("JWKS refetches = %d, want %d", got, tt.wantRefetchs)
			}
		})
	}
}

func TestVerifyFreshBurstFetchesOnce(t *testing.T) {
	iss, v, _ := setup(t)
	var wg sync.WaitGroup
	errs := make([]error, 50)
	tokens := make([]string, len(errs))
	for n := range tokens {
		tokens[n] = iss.Mint(validClaims(), authtest.WithKID("random-"+strings.Repeat("k", n+1)))
	}
	for n, token := range tokens {
		wg.Go(func() { _, errs[n] = v.Verify(t.Context(), token) })
	}
	wg.Wait()
	for n, err := range errs {
		if !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("token %d: error = %v, want ErrInvalidToken", n, err)
		}
	}
	if got := iss.JWKSRequests(); got != 1 {
		t.Fatalf("JWKS requests = %d, want 1", got)
	}
}

func TestVerifyPicksUpRotatedKey(t *testing.T) {
	iss, v, clk := setup(t)
	before := iss.Mint(validClaims())
	if _, err := v.Verify(t.Context(), before); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	oldKID := iss.CurrentKID()
	iss.Rotate()
	if iss.CurrentKID() == oldKID {
		t.Fatalf("Rotate kept kid %s", oldKID)
	}
	rotated := iss.Mint(validClaims())

	if _, err := v.Verify(t.Context(), rotated); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("Verify(new key) within the interval: error = %v, want ErrInvalidToken", err)
	}
	if got := iss.JWKSRequests(); got != 1 {
		t.Fatalf("JWKS requests within the interval = %d, want 1", got)
	}

	clk.Advance(30 * time.Second)
	got, err := v.Verify(t.Context(), rotated)
	if err != nil {
		t.Fatalf("Verify(new key) after the interval: %v", err)
	}
	if got.Subject != "usr_0001" {
		t.Fatalf("subject = %q, want usr_0001", got.Subject)
	}
	if got := iss.JWKSRequests(); got != 2 {
		t.Fatalf("JWKS requests after the interval = %d, want 2", got)
	}
	// The previous key is still published, so its tokens still verify.
	for name, token := range map[string]string{"old key": before, "new key": rotated} {
		if _, err := v.Verify(t.Context(), token); err != nil {
			t.Fatalf("Verify(%s) again: %v", name, err)
		}
	}
	if got := iss.JWKSRequests(); got != 2 {
		t.Fatalf("JWKS requests after cached keys = %d, want 2", got)
	}
}

func TestVerifyTokenSize(t *testing.T) {
	tests := []struct {
		name         string
		opts         []authtest.MintOption
		limit        func(tokenBytes int) int // zero: the default, 8192
		wantErr      bool
		wantRequests int
	}{
		{name: "at the limit", limit: func(n int) int { return n }, wantRequests: 1},
		{name: "one byte over the limit", limit: func(n int) int { return n - 1 }, wantErr: true},
		{name: "padded over the default", opts: []authtest.MintOption{authtest.WithExtraBytes(8192)}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			iss := authtest.NewIssuer(t, authtest.WithClock(clk.Now))
			token := iss.Mint(validClaims(), tt.opts...)
			cfg := testConfig(iss)
			cfg.MaxTokenBytes = 0
			if tt.limit != nil {
				cfg.MaxTokenBytes = tt.limit(len(token))
			}
			v := newVerifier(t, cfg, clk)
			_, err := v.Verify(t.Context(), token)
			if tt.wantErr != errors.Is(err, auth.ErrInvalidToken) || (!tt.wantErr && err != nil) {
				t.Fatalf("Verify error = %v, want error %t", err, tt.wantErr)
			}
			if got := iss.JWKSRequests(); got != tt.wantRequests {
				t.Fatalf("JWKS requests = %d, want %d", got, tt.wantRequests)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	iss := authtest.NewIssuer(t)
	cfg := testConfig(iss)
	cfg.MaxTokenBytes = 16
	v := newVerifier(t, cfg, newClock())
	tests := []struct {
		name        string
		headers     []string // Authorization values; nil: none
		want        string
		wantPresent bool
		wantErr     bool
	}{
		{name: "missing"},
		{name: "Bearer", headers: []string{"Bearer abc.def.ghi"}, want: "abc.def.ghi", wantPresent: true},
		{name: "lowercase bearer", headers: []string{"bearer abc.def.ghi"}, want: "abc.def.ghi", wantPresent: true},
		{name: "uppercase BEARER", headers: []string{"BEARER abc.def.ghi"}, want: "abc.def.ghi", wantPresent: true},
		{name: "two spaces", headers: []string{"Bearer  abc.def.ghi"}, want: "abc.def.ghi", wantPresent: true},
		{name: "at the size limit", headers: []string{"Bearer " + strings.Repeat("x", 16)}, want: strings.Repeat("x", 16), wantPresent: true},
		{name: "over the size limit", headers: []string{"Bearer " + strings.Repeat("x", 17)}, wantPresent: true, wantErr: true},
		{name: "Basic scheme", headers: []string{"Basic dXNlcjpwYXNz"}, wantPresent: true, wantErr: true},
		{name: "scheme only", headers: []string{"Bearer"}, wantPresent: true, wantErr: true},
		{name: "empty token", headers: []string{"Bearer "}, wantPresent: true, wantErr: true},
		{name: "empty header", headers: []string{""}, wantPresent: true, wantErr: true},
		{name: "no space after the scheme", headers: []string{"Bearerabc.def.ghi"}, wantPresent: true, wantErr: true},
		{name: "space inside the token", headers: []string{"Bearer abc def"}, wantPresent: true, wantErr: true},
		{name: "two headers", headers: []string{"Bearer abc", "Bearer def"}, wantPresent: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/graphql", nil)
			for _, h := range tt.headers {
				r.Header.Add("Authorization", h)
			}
			got, present, err := v.BearerToken(r)
			if got != tt.want || present != tt.wantPresent {
				t.Fatalf("BearerToken = %q, %t, want %q, %t", got, present, tt.want, tt.wantPresent)
			}
			if tt.wantErr != errors.Is(err, auth.ErrInvalidToken) || (!tt.wantErr && err != nil) {
				t.Fatalf("BearerToken error = %v, want error %t", err, tt.wantErr)
			}
		})
	}
}

func TestPublicMessage(t *testing.T) {
	iss, v, _ := setup(t)
	const want = "the access token is missing, invalid or expired"
	tokens := map[string]string{
		"wrong issuer":   iss.Mint(validClaims(), authtest.WithIssuer("https://issuer.example")),
		"wrong audience": iss.Mint(authtest.Claims{Subject: "usr_0001", Audience: []string{"frontdesk-mobile"}}),
		"unknown kid":    iss.Mint(validClaims(), authtest.WithKID("kid-secret-1")),
		"tampered":       iss.Mint(validClaims(), authtest.Tampered()),
		"oversized":      iss.Mint(validClaims(), authtest.WithExtraBytes(9000)),
		"alg none":       iss.Mint(validClaims(), authtest.WithAlgNone()),
	}
	for name, token := range tokens {
		t.Run(name, func(t *testing.T) {
			_, err := v.Verify(t.Context(), token)
			if !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("Verify error = %v, want ErrInvalidToken", err)
			}
			got := auth.PublicMessage(err)
			if got != want {
				t.Fatalf("PublicMessage = %q, want %q", got, want)
			}
			for _, secret := range []string{iss.URL(), strings.TrimPrefix(iss.URL(), "http://"), audience, "kid", "issuer.example"} {
				if strings.Contains(got, secret) {
					t.Fatalf("PublicMessage %q contains %q", got, secret)
				}
			}
		})
	}
	if got := auth.PublicMessage(errors.New("dial tcp 10.0.0.1:443: connection refused")); got != want {
		t.Fatalf("PublicMessage(other error) = %q, want %q", got, want)
	}
}

// hangingIssuer is a discovery endpoint that never answers until the test
// ends.
func hangingIssuer(t *testing.T) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return srv.URL
}

func TestNewVerifierHTTPTimeout(t *testing.T) {
	tests := []struct {
		name string
		opts []auth.Option
	}{
		{name: "default client"},
		{name: "injected client without a timeout", opts: []auth.Option{auth.WithHTTPClient(&http.Client{})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := auth.Config{Issuer: hangingIssuer(t), Audience: audience, HTTPTimeout: 50 * time.Millisecond}
			// No deadline on the context: only the client's timeout can end discovery.
			_, err := auth.NewVerifier(context.Background(), cfg, tt.opts...)
			var netErr net.Error
			if !errors.As(err, &netErr) || !netErr.Timeout() {
				t.Fatalf("NewVerifier error = %v, want a client timeout", err)
			}
		})
	}
}

func TestNewVerifierRejects(t *testing.T) {
	iss := authtest.NewIssuer(t)
	tests := []struct {
		name string
		edit func(*auth.Config)
	}{
		{name: "no issuer", edit: func(c *auth.Config) { c.Issuer = "" }},
		{name: "no audience", edit: func(c *auth.Config) { c.Audience = "" }},
		{name: "negative skew", edit: func(c *auth.Config) { c.ClockSkew = -time.Second }},
		{name: "skew over the bound", edit: func(c *auth.Config) { c.ClockSkew = auth.MaxClockSkew + time.Second }},
		{name: "negative token size", edit: func(c *auth.Config) { c.MaxTokenBytes = -1 }},
		{name: "negative timeout", edit: func(c *auth.Config) { c.HTTPTimeout = -time.Second }},
		{name: "negative refetch interval", edit: func(c *auth.Config) { c.JWKSRefetchInterval = -time.Second }},
		{name: "negative token cache size", edit: func(c *auth.Config) { c.TokenCacheSize = -1 }},
		{name: "issuer differs from discovery", edit: func(c *auth.Config) { c.Issuer += "/" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(iss)
			tt.edit(&cfg)
			v, err := auth.NewVerifier(t.Context(), cfg)
			if err == nil || v != nil {
				t.Fatalf("NewVerifier = %v, %v; want an error", v, err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	var got auth.Config
	if err := envconfig.Load(&got, func(string) string { return "" }); err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := auth.Config{
		RolesClaim:          auth.DefaultRolesClaim,
		ClockSkew:           30 * time.Second,
		MaxTokenBytes:       auth.DefaultMaxTokenBytes,
		HTTPTimeout:         auth.DefaultHTTPTimeout,
		JWKSRefetchInterval: auth.DefaultJWKSRefetchInterval,
		TokenCacheSize:      auth.DefaultTokenCacheSize,
	}
	if got != want {
		t.Fatalf("defaults = %+v, want %+v", got, want)
	}
}

// TestRolesClaim: OIDC_ROLES_CLAIM reads roles where real IdPs put them.
func TestRolesClaim(t *testing.T) {
	tests := []struct {
		name  string
		claim string
		extra map[string]any
		want  []string
	}{
		{"default claim, upper case lowered", "", map[string]any{"roles": []any{"Customer", "ADMIN"}}, []string{"customer", "admin"}},
		{"keycloak realm roles", "realm_access.roles", map[string]any{"realm_access": map[string]any{"roles": []any{"support", "offline_access"}}}, []string{"support", "offline_access"}},
		{"auth0 namespaced claim", "https://frontdesk.example/roles", map[string]any{"https://frontdesk.example/roles": []any{"admin"}}, []string{"admin"}},
		{"dex groups", "groups", map[string]any{"groups": []any{"support"}}, []string{"support"}},
		{"space-separated string", "scope_roles", map[string]any{"scope_roles": "customer  support"}, []string{"customer", "support"}},
		{"non-strings ignored", "roles", map[string]any{"roles": []any{"admin", 7, nil, ""}}, []string{"admin"}},
		{"path through a non-object", "realm_access.roles", map[string]any{"realm_access": "x"}, nil},
		{"missing claim: no roles", "realm_access.roles", map[string]any{"roles": []any{"admin"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			iss := authtest.NewIssuer(t, authtest.WithClock(clk.Now))
			cfg := testConfig(iss)
			cfg.RolesClaim = tt.claim
			v := newVerifier(t, cfg, clk)
			p, err := v.Verify(t.Context(), iss.Mint(authtest.Claims{Subject: "usr_0001", Audience: []string{audience}, Extra: tt.extra}))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Roles, tt.want) {
				t.Fatalf("roles = %#v, want %#v", p.Roles, tt.want)
			}
		})
	}
}
