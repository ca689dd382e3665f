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
// production configuration; "no-loaders" is the N+1 baseline
// (LOADER_DISABLED). Neither uses a response cache.
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
	}{
		{"loaders", false},
		{"no-loaders", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			kit := graphtest.NewWithConfig(b, func(c *config.Config) {
				c.Loader.Disabled = tc.disabled
				c.RateLimit.Enabled = false // a benchmark's caller is far over any tier budget
			})
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
