package graph_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
)

// BenchmarkOrders runs the admin's 50-order nested list (app.ExampleQuery:
// customer, items → product → inventory, payment) through bff-web's whole
// handler, in-process, against the demo services on httptest servers
// without injected latency: ns/op is the CPU cost of one such page,
// upstream services included. "loaders" is the production configuration;
// "no-loaders" is the N+1 baseline (LOADER_DISABLED).
func BenchmarkOrders(b *testing.B) {
	body, err := json.Marshal(map[string]any{"query": app.ExampleQuery})
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
				req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp := kit.Do(req)
				if resp.Status != http.StatusOK || bytes.Contains(resp.Body, []byte(`"errors"`)) {
					b.Fatalf("status %d: %s", resp.Status, resp.Body)
				}
			}
		})
	}
}
