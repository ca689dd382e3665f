package benchanchor_test

import (
	"net/http"
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
	h, body := benchanchor.NewHandler(d), queryBody(b, app.ExampleQuery)
	b.ReportAllocs()
	for b.Loop() {
		if rec := serve(b.Context(), h, body); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
