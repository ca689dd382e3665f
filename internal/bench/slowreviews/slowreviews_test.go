package slowreviews_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/internal/bench/slowreviews"
)

func TestSection(t *testing.T) {
	md := slowreviews.Section(&slowreviews.Results{Commit: "abc", Clients: 10, Duration: "5s", Latency: "3s", Budget: "1s", Rows: []slowreviews.Row{
		{Screen: "product(id)", Reviews: "healthy", Queries: 900, P50Ms: 12.5, P99Ms: 30, OK: 1},
		{Screen: "product(id)", Reviews: "3s", Queries: 50, P50Ms: 1003.2, P99Ms: 1010, OK: 1, Degraded: 1, Codes: []string{"UPSTREAM_TIMEOUT"}},
	}})
	for _, want := range []string{
		slowreviews.Heading + "\n",
		"| product(id) | healthy | 900 | 12.5 ms | 30.0 ms | 100.0% | 0.0% | – |",
		"| product(id) | 3s | 50 | 1003.2 ms | 1010.0 ms | 100.0% | 100.0% | UPSTREAM_TIMEOUT |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}
	if none := slowreviews.Section(nil); !strings.Contains(none, "make bench-slow") {
		t.Errorf("section without results = %q, want a pointer to make bench-slow", none)
	}
}

func TestRead(t *testing.T) {
	if _, err := slowreviews.Read(filepath.Join(t.TempDir(), slowreviews.File)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read of a missing file: %v, want fs.ErrNotExist", err)
	}
	r, err := slowreviews.Read(filepath.Join("..", "..", "..", "docs", "bench", slowreviews.File))
	if err != nil || len(r.Rows) == 0 {
		t.Errorf("Read of the committed results = %+v, %v", r, err)
	}
}
