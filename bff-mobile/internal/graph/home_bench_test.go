package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// BenchmarkHome runs the committed home operation (home.graphql, default
// variables) through bff-mobile's whole handler, in-process, against the
// demo services on httptest servers without injected latency: ns/op is the
// CPU cost of one home screen, upstream services included. "loaders" is the
// production configuration without caches; "no-loaders" is the N+1 baseline
// (LOADER_DISABLED); both run with the caches off (the kit's default), so
// every query calls the upstreams. "cached" turns the entity and response
// caches on (in memory): home is private (maxAge 10 s), so every query after
// the first is a response-cache hit of usr_0001's own copy and calls no
// upstream.
func BenchmarkHome(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "..", "testdata", "operations", "home.graphql"))
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{"query": string(src)})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		disabled bool
		cached   bool
	}{
		{"loaders", false, false},
		{"no-loaders", true, false},
		{"cached", false, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			kit := graphtest.NewWithConfig(b, func(c *config.Config) {
				c.Loader.Disabled = tc.disabled
				c.RateLimit.Enabled = false // a benchmark's caller is far over any tier budget
				if tc.cached {
					c.Cache.Enabled, c.Cache.Response = true, true
				}
			})
			if tc.cached {
				benchPost(b, kit, body) // the miss that fills the cache
				kit.ResetCalls()
				benchPost(b, kit, body)
				if calls := kit.CallsByService(); len(calls) != 0 {
					b.Fatalf("a repeated home query called the upstreams: %v", calls)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				benchPost(b, kit, body)
			}
		})
	}
}

// benchPost serves one GraphQL request and fails the benchmark unless the
// answer is a 200 without errors.
func benchPost(b *testing.B, kit *bfftest.Kit, body []byte) {
	req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp := kit.Do(req)
	if resp.Status != http.StatusOK || bytes.Contains(resp.Body, []byte(`"errors"`)) {
		b.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
}
