package gqlserver

import (
	"context"
	"net/http"
	"time"
)

// Deadline returns middleware that gives each request one overall deadline,
// d from its arrival (REQUEST_TIMEOUT), on its context: everything that runs
// on the request's context — the loaders' batches and every upstream call
// at every fan-out level — shares it, and an upstream attempt never
// outlives it (docs/resilience.md). An earlier deadline already on the
// context stays. d <= 0 sets none.
func Deadline(d time.Duration) func(http.Handler) http.Handler {
	if d <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
