package benchanchor_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/benchanchor"
)

// BenchmarkAnchor is gqlgen alone answering the web order list from memory:
// the executor's own cost per query (profile it with -cpuprofile/-memprofile).
func BenchmarkAnchor(b *testing.B) {
	d, err := benchanchor.Load(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	h := benchanchor.NewHandler(d)
	body, err := json.Marshal(map[string]any{"query": app.ExampleQuery})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequestWithContext(b.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
