package auth

import (
	"testing"
	"time"
)

// TestTokenCacheGeneration: a result verified before the keys changed is
// not cached after the clear, however late it arrives.
func TestTokenCacheGeneration(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	entry := cachedToken{principal: Principal{Subject: "usr_0001"}, expires: now.Add(time.Hour)}
	tests := []struct {
		name       string
		clear      bool // the keys change while the token is verified
		wantCached bool
	}{
		{name: "keys unchanged", wantCached: true},
		{name: "keys changed during verification", clear: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTokenCache(10)
			k := keyOf("a.b.c")
			if _, ok, _ := c.get(k, now); ok {
				t.Fatal("empty cache has an entry")
			}
			_, _, gen := c.get(k, now)
			if tt.clear {
				c.clear()
			}
			c.add(gen, k, entry, now)
			p, ok, _ := c.get(k, now)
			if ok != tt.wantCached || (ok && p.Subject != "usr_0001") {
				t.Fatalf("get = %+v, %t; want cached %t", p, ok, tt.wantCached)
			}
		})
	}
}
