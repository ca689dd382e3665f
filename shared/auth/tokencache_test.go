package auth_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
)

// cachingVerifier is a Verifier with a token cache of size entries (zero
// disables it) and a count of the signatures it checked.
type cachingVerifier struct {
	*auth.Verifier
	checks atomic.Int64
}

// setupCache returns an issuer and a counting verifier for it sharing one
// clock.
func setupCache(t *testing.T, size int) (*authtest.Issuer, *cachingVerifier, *clock) {
	t.Helper()
	clk := newClock()
	iss := authtest.NewIssuer(t, authtest.WithClock(clk.Now))
	cfg := testConfig(iss)
	cfg.TokenCacheSize = size
	cv := &cachingVerifier{}
	v, err := auth.NewVerifier(t.Context(), cfg, auth.WithClock(clk.Now), auth.WithSignatureCounter(&cv.checks))
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	cv.Verifier = v
	return iss, cv, clk
}

// mustVerify verifies token, which must be valid.
func (cv *cachingVerifier) mustVerify(t *testing.T, token string) auth.Principal {
	t.Helper()
	p, err := cv.Verify(t.Context(), token)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return p
}

// wantChecks fails the test unless the verifier checked want signatures.
func (cv *cachingVerifier) wantChecks(t *testing.T, want int64) {
	t.Helper()
	if got := cv.checks.Load(); got != want {
		t.Fatalf("signature checks = %d, want %d", got, want)
	}
}

// TestTokenCacheHit: a repeated token is answered without a signature
// check, with the principal its full verification returned.
func TestTokenCacheHit(t *testing.T) {
	tests := []struct {
		name       string
		size       int
		claims     authtest.Claims
		want       auth.Principal
		wantChecks int64 // after three verifications
	}{
		{
			name:       "every claim",
			size:       10,
			claims:     validClaims(),
			want:       auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "support"}, ClientID: "web-admin", Tier: "pro"},
			wantChecks: 1,
		},
		{
			name:       "no roles, tier or client",
			size:       10,
			claims:     authtest.Claims{Subject: "usr_0002", Audience: []string{audience}},
			want:       auth.Principal{Subject: "usr_0002"},
			wantChecks: 1,
		},
		{
			name:       "client_id and roles as one string",
			size:       10,
			claims:     authtest.Claims{Subject: "usr_0003", Audience: []string{audience}, Extra: map[string]any{"client_id": "mobile-app", "roles": "Admin"}},
			want:       auth.Principal{Subject: "usr_0003", Roles: []string{"admin"}, ClientID: "mobile-app"},
			wantChecks: 1,
		},
		{
			name:       "cache disabled",
			size:       0,
			claims:     validClaims(),
			want:       auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "support"}, ClientID: "web-admin", Tier: "pro"},
			wantChecks: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, v, _ := setupCache(t, tt.size)
			token := iss.Mint(tt.claims)
			for n := range 3 {
				got := v.mustVerify(t, token)
				if !reflect.DeepEqual(got, tt.want) {
					t.Fatalf("verification %d = %#v, want %#v", n+1, got, tt.want)
				}
			}
			v.wantChecks(t, tt.wantChecks)
		})
	}
}

// TestTokenCacheReturnsCopies: a caller changing the roles it got changes
// neither the cache nor what the next caller gets.
func TestTokenCacheReturnsCopies(t *testing.T) {
	iss, v, _ := setupCache(t, 10)
	token := iss.Mint(validClaims())
	for range 2 { // the full verification's answer, then a hit's
		v.mustVerify(t, token).Roles[0] = "admin"
	}
	if got := v.mustVerify(t, token); got.HasRole("admin") {
		t.Fatalf("roles = %v after a caller changed its copy", got.Roles)
	}
	v.wantChecks(t, 1)
}

// TestTokenCacheExpiry: an entry answers only while full verification would
// accept the token, and never at or after its exp.
func TestTokenCacheExpiry(t *testing.T) {
	// The token is minted at the clock's start: iat = nbf = start,
	// exp = start + 1h. The skew is 30s.
	tests := []struct {
		name    string
		advance time.Duration // from the start, after the token was cached
		wantErr bool
		wantHit bool // else verified in full, both times
	}{
		{name: "before exp", advance: time.Hour - time.Second, wantHit: true},
		{name: "at exp: verified in full, within the skew", advance: time.Hour},
		{name: "at the end of the skew after exp", advance: time.Hour + 30*time.Second},
		{name: "past exp and the skew", advance: time.Hour + 31*time.Second, wantErr: true},
		{name: "clock set back within the skew of nbf", advance: -30 * time.Second, wantHit: true},
		{name: "clock set back beyond the skew of nbf", advance: -31 * time.Second, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, v, clk := setupCache(t, 10)
			token := iss.Mint(validClaims())
			v.mustVerify(t, token)
			clk.Advance(tt.advance)
			for n := range 2 {
				_, err := v.Verify(t.Context(), token)
				if tt.wantErr != errors.Is(err, auth.ErrInvalidToken) || (!tt.wantErr && err != nil) {
					t.Fatalf("verification %d after %s: error = %v, want error %t", n+1, tt.advance, err, tt.wantErr)
				}
			}
			switch {
			case tt.wantErr: // go-oidc may refuse the times before it checks the signature
			case tt.wantHit:
				v.wantChecks(t, 1)
			default:
				v.wantChecks(t, 3)
			}
		})
	}
}

// TestTokenCacheClearedWhenKeysChange: a JWKS fetch that changes the keys
// drops every cached token; one that brings the same keys drops none.
func TestTokenCacheClearedWhenKeysChange(t *testing.T) {
	tests := []struct {
		name        string
		rotations   int
		wantErr     bool
		wantRecheck bool // the cached token's signature is checked again
	}{
		{name: "same keys", rotations: 0},
		{name: "key added", rotations: 1, wantRecheck: true},
		{name: "token's key removed", rotations: 2, wantErr: true, wantRecheck: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, v, clk := setupCache(t, 10)
			cached := iss.Mint(validClaims())
			v.mustVerify(t, cached)
			v.mustVerify(t, cached)
			v.wantChecks(t, 1)

			for range tt.rotations {
				iss.Rotate()
			}
			clk.Advance(30 * time.Second)
			// A kid the verifier does not know makes it refetch the JWKS.
			opts := []authtest.MintOption{authtest.WithKID("unknown")}
			if tt.rotations > 0 {
				opts = nil // the new current key
			}
			_, _ = v.Verify(t.Context(), iss.Mint(validClaims(), opts...))
			if got := iss.JWKSRequests(); got != 2 {
				t.Fatalf("JWKS requests = %d, want 2", got)
			}

			before := v.checks.Load()
			_, err := v.Verify(t.Context(), cached)
			if tt.wantErr != errors.Is(err, auth.ErrInvalidToken) || (!tt.wantErr && err != nil) {
				t.Fatalf("Verify(cached token) error = %v, want error %t", err, tt.wantErr)
			}
			if got := v.checks.Load() > before; got != tt.wantRecheck {
				t.Fatalf("cached token's signature checked again: %t, want %t", got, tt.wantRecheck)
			}
		})
	}
}

// TestTokenCacheKeyedPerToken: tokens that differ, if only in one
// character, never share an entry.
func TestTokenCacheKeyedPerToken(t *testing.T) {
	iss, v, _ := setupCache(t, 10)
	claims := func(sub string) authtest.Claims {
		c := validClaims()
		c.Subject = sub
		return c
	}
	a, b := iss.Mint(claims("usr_0001")), iss.Mint(claims("usr_0002"))
	for range 2 {
		for token, sub := range map[string]string{a: "usr_0001", b: "usr_0002"} {
			if got := v.mustVerify(t, token); got.Subject != sub {
				t.Fatalf("subject = %s, want %s", got.Subject, sub)
			}
		}
	}
	v.wantChecks(t, 2)

	// One character of a, cached, changed in each part. Not the last
	// character: its low bits may be padding that decodes to the same bytes.
	header, payload := strings.IndexByte(a, '.'), strings.LastIndexByte(a, '.')
	for name, at := range map[string]int{
		"header":    header / 2,
		"payload":   (header + payload) / 2,
		"signature": (payload + len(a)) / 2,
	} {
		t.Run(name, func(t *testing.T) {
			forged := []byte(a)
			forged[at] = map[bool]byte{true: 'B', false: 'A'}[forged[at] == 'A']
			if _, err := v.Verify(t.Context(), string(forged)); !errors.Is(err, auth.ErrInvalidToken) {
				t.Fatalf("Verify(a with %s[%d] changed) error = %v, want ErrInvalidToken", name, at, err)
			}
		})
	}
}

// TestTokenCacheBounded: the cache holds at most its size, dropping the
// least recently used token first.
func TestTokenCacheBounded(t *testing.T) {
	iss, v, _ := setupCache(t, 2)
	tokens := map[string]string{}
	for _, sub := range []string{"A", "B", "C"} {
		c := validClaims()
		c.Subject = "usr_" + sub
		tokens[sub] = iss.Mint(c)
	}
	steps := []struct {
		token      string
		wantChecks int64
	}{
		{"A", 1}, {"B", 2}, {"C", 3}, // C evicts A
		{"C", 3}, {"B", 3}, // hits; B is now the most recent
		{"A", 4}, // evicts C
		{"B", 4}, {"A", 4},
		{"C", 5},
	}
	for n, s := range steps {
		if got := v.mustVerify(t, tokens[s.token]); got.Subject != "usr_"+s.token {
			t.Fatalf("step %d: subject = %s, want usr_%s", n+1, got.Subject, s.token)
		}
		if got := v.checks.Load(); got != s.wantChecks {
			t.Fatalf("step %d (%s): signature checks = %d, want %d", n+1, s.token, got, s.wantChecks)
		}
	}
}

// TestTokenCacheSkipsFailures: a refused token is verified in full every
// time, whether its signature or a later check failed.
func TestTokenCacheSkipsFailures(t *testing.T) {
	start := newClock().Now()
	tests := []struct {
		name   string
		claims authtest.Claims
		opts   []authtest.MintOption
	}{
		{name: "bad signature", claims: validClaims(), opts: []authtest.MintOption{authtest.Tampered()}},
		{name: "not yet valid beyond the skew", claims: func() authtest.Claims {
			c := validClaims()
			c.NotBefore = start.Add(31 * time.Second)
			return c
		}()},
		{name: "no subject", claims: authtest.Claims{Audience: []string{audience}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss, v, _ := setupCache(t, 10)
			token := iss.Mint(tt.claims, tt.opts...)
			for n := range 2 {
				if _, err := v.Verify(t.Context(), token); !errors.Is(err, auth.ErrInvalidToken) {
					t.Fatalf("verification %d: error = %v, want ErrInvalidToken", n+1, err)
				}
			}
			v.wantChecks(t, 2)
		})
	}
}

// TestTokenCacheFailureThenValid: a token refused for its time verifies once
// that time has come; a refusal is not remembered.
func TestTokenCacheFailureThenValid(t *testing.T) {
	iss, v, clk := setupCache(t, 10)
	c := validClaims()
	c.NotBefore = clk.Now().Add(time.Minute)
	token := iss.Mint(c)
	if _, err := v.Verify(t.Context(), token); !errors.Is(err, auth.ErrInvalidToken) {
		t.Fatalf("Verify before nbf: error = %v, want ErrInvalidToken", err)
	}
	clk.Advance(time.Minute)
	v.mustVerify(t, token)
	v.mustVerify(t, token)
	v.wantChecks(t, 2)
}

// TestTokenCacheConcurrent: concurrent callers with more tokens than the
// cache holds each get their own token's principal (run with -race).
func TestTokenCacheConcurrent(t *testing.T) {
	iss, v, _ := setupCache(t, 3)
	subjects := []string{"usr_0001", "usr_0002", "usr_0003", "usr_0004", "usr_0005"}
	tokens := make([]string, len(subjects))
	for n, sub := range subjects {
		c := validClaims()
		c.Subject = sub
		tokens[n] = iss.Mint(c)
	}
	v.mustVerify(t, tokens[0]) // fetches the JWKS once, before the burst
	errs := make(chan error, 8*len(tokens))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range tokens {
				n = (n + g) % len(tokens)
				p, err := v.Verify(t.Context(), tokens[n])
				if err == nil && p.Subject != subjects[n] {
					err = fmt.Errorf("token of %s verified as %s", subjects[n], p.Subject)
				}
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
