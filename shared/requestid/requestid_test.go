package requestid_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/requestid"
)

// serve runs one request with the given X-Request-ID values through the
// middleware and returns the id the handler saw and the response header.
func serve(t *testing.T, incoming ...string) (seen, header string) {
	t.Helper()
	h := requestid.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = requestid.FromContext(r.Context())
	}))
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	for _, v := range incoming {
		req.Header.Add(requestid.Header, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return seen, rec.Header().Get(requestid.Header)
}

func TestMiddlewareKeepsSaneID(t *testing.T) {
	tests := []struct{ name, id string }{
		{"uuid", "3f2b8c1e-9a4d-4c6e-8f7a-1b2c3d4e5f60"},
		{"all allowed characters", "Az09._:-"},
		{"one character", "x"},
		{"64 characters", strings.Repeat("a", 64)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen, header := serve(t, tt.id)
			if seen != tt.id || header != tt.id {
				t.Errorf("context id %q, response header %q; want %q for both", seen, header, tt.id)
			}
		})
	}
}

func TestMiddlewareReplacesInvalidID(t *testing.T) {
	tests := []struct {
		name     string
		incoming []string
	}{
		{"absent", nil},
		{"empty", []string{""}},
		{"65 characters", []string{strings.Repeat("a", 65)}},
		{"space", []string{"req 1"}},
		{"slash", []string{"req/1"}},
		{"CRLF", []string{"req1\r\nX-Evil: 1"}},
		{"non-ASCII", []string{"réq"}},
		{"two values", []string{"req-1", "req-2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen, header := serve(t, tt.incoming...)
			for _, in := range tt.incoming {
				if seen == in {
					t.Fatalf("kept invalid id %q", in)
				}
			}
			if seen == "" || seen != header {
				t.Errorf("context id %q, response header %q; want the same fresh id", seen, header)
			}
			if len(seen) > requestid.MaxLen {
				t.Errorf("generated id %q longer than %d", seen, requestid.MaxLen)
			}
			// A generated id must itself be one the middleware would keep.
			if again, _ := serve(t, seen); again != seen {
				t.Errorf("generated id %q is not accepted back", seen)
			}
		})
	}
}

func TestMiddlewareGeneratesUniqueIDs(t *testing.T) {
	const n = 1000
	ids := make(map[string]bool, n)
	for range n {
		id, _ := serve(t)
		if ids[id] {
			t.Fatalf("id %q generated twice", id)
		}
		ids[id] = true
	}
}

func TestContext(t *testing.T) {
	if got := requestid.FromContext(context.Background()); got != "" {
		t.Errorf("FromContext(empty) = %q, want \"\"", got)
	}
	ctx := requestid.NewContext(context.Background(), "req-1")
	if got := requestid.FromContext(ctx); got != "req-1" {
		t.Errorf("FromContext = %q, want req-1", got)
	}
}
