package auth_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authtest"
)

// BenchmarkVerifyRepeatToken measures verifying the same RS256 token again
// and again, as every request of one signed-in client does: with the
// verified-token cache (a SHA-256 and an LRU lookup) and without it (a
// signature check and the claim checks each time).
func BenchmarkVerifyRepeatToken(b *testing.B) {
	for _, bc := range []struct {
		name string
		size int
	}{
		{name: "cache", size: auth.DefaultTokenCacheSize},
		{name: "no_cache", size: 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			clk := newClock() // fixed: the token stays valid however long the run
			iss := authtest.NewIssuer(b, authtest.WithClock(clk.Now))
			cfg := testConfig(iss)
			cfg.TokenCacheSize = bc.size
			v, err := auth.NewVerifier(b.Context(), cfg, auth.WithClock(clk.Now))
			if err != nil {
				b.Fatalf("NewVerifier: %v", err)
			}
			token := iss.Mint(validClaims())
			if _, err := v.Verify(b.Context(), token); err != nil { // fetches the JWKS, fills the cache
				b.Fatalf("Verify: %v", err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(b.Context(), token); err != nil {
					b.Fatalf("Verify: %v", err)
				}
			}
		})
	}
}
