package gqlserver

import (
	"net/http"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// overloadedRetryAfter is the Retry-After, in seconds, of a shed request:
// a slot frees as soon as any request in flight finishes.
const overloadedRetryAfter = "1"

// Limit returns middleware that caps the requests in flight through the
// handlers it wraps at maxInFlight (MAX_IN_FLIGHT), per instance. A request
// over the cap is not queued: it is answered at once with 503, Retry-After
// and OVERLOADED, before its body is read. maxInFlight < 1 means no cap.
// The handlers wrapped by one Limit share its cap.
func Limit(maxInFlight int) func(http.Handler) http.Handler {
	if maxInFlight < 1 {
		return func(next http.Handler) http.Handler { return next }
	}
	slots := make(chan struct{}, maxInFlight)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case slots <- struct{}{}:
			default:
				w.Header().Set("Retry-After", overloadedRetryAfter)
				gqlerr.WriteHTTP(w, http.StatusServiceUnavailable,
					gqlerr.New(gqlerr.Overloaded, "the server is overloaded; try again shortly"))
				return
			}
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		})
	}
}
