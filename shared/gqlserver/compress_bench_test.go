//go:build unix

package gqlserver

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// BenchmarkCompression compresses one realistic answer, bff-web's
// `orders(first: 50)` example query against the seeded demo services (58 KB
// of JSON, testdata/orders50.answer.json), through the edge's gzhttp
// wrapper at each candidate setting. It reports the output size
// ("out-bytes") and the process CPU time per answer ("cpu-ns/op", GC
// included), steadier than ns/op on a busy machine.
func BenchmarkCompression(b *testing.B) {
	answer, err := os.ReadFile("testdata/orders50.answer.json")
	if err != nil {
		b.Fatal(err)
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	})
	zstdAt := func(level zstd.EncoderLevel) http.Handler {
		wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.ZstdCompressionLevel(int(level)))
		if err != nil {
			b.Fatal(err)
		}
		return wrap(app)
	}
	cases := []struct {
		name, accept string
		h            http.Handler
	}{
		{"identity", "", app},
		{"gzip/default", "gzip", compressWith(1024, gzip.DefaultCompression, app)},
		{"gzip/1", "gzip", compressWith(1024, gzip.BestSpeed, app)},
		{"gzip/2", "gzip", compressWith(1024, 2, app)},
		{"gzip/3", "gzip", compressWith(1024, 3, app)},
		{"gzip/stateless", "gzip", compressWith(1024, gzip.StatelessCompression, app)},
		{"zstd/fastest", "zstd", zstdAt(zstd.SpeedFastest)},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			if tc.accept != "" {
				req.Header.Set("Accept-Encoding", tc.accept)
			}
			w := &countingWriter{header: http.Header{}}
			b.SetBytes(int64(len(answer)))
			b.ReportAllocs()
			start := processCPU()
			for b.Loop() {
				clear(w.header)
				w.n = 0
				tc.h.ServeHTTP(w, req)
			}
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(w.n), "out-bytes")
			if got := w.header.Get("Content-Encoding"); got != tc.accept {
				b.Fatalf("Content-Encoding %q, want %q", got, tc.accept)
			}
		})
	}
}

// countingWriter is a ResponseWriter that keeps only the body's length.
type countingWriter struct {
	header http.Header
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(int)     {}
func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += len(p)
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
