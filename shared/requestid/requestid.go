// Package requestid gives every request an id: a sane incoming X-Request-ID
// is kept, anything else is replaced by a fresh random one. The id travels in
// the request's context (FromContext) and goes back in the response header.
package requestid

import (
	"context"
	"crypto/rand"
	"net/http"
)

// Header is the request and response header that carries the id.
const Header = "X-Request-ID"

// MaxLen is the longest incoming id that is kept.
const MaxLen = 64

type ctxKey struct{}

// NewContext returns ctx carrying the request id id.
func NewContext(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the request id in ctx, or "" when there is none.
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Middleware gives each request an id before calling next: the incoming
// X-Request-ID when it is exactly one sane value (1 to MaxLen characters of
// A-Z, a-z, 0-9, '.', '_', ':' and '-'), else a fresh random id. The id is put
// in the request's context and set as the X-Request-ID response header.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if vs := r.Header.Values(Header); len(vs) == 1 && valid(vs[0]) {
			id = vs[0]
		} else {
			id = rand.Text()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(NewContext(r.Context(), id)))
	})
}

// valid reports whether id may be taken from a client as it is: short, and
// nothing that could split a header or a log line.
func valid(id string) bool {
	if len(id) == 0 || len(id) > MaxLen {
		return false
	}
	for i := range len(id) {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}
