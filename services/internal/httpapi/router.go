package httpapi

import (
	"net/http"
	"slices"
)

// Router is an http.ServeMux that remembers its patterns and answers
// unmatched requests (404, 405) with the contract's JSON error body.
type Router struct {
	mux      *http.ServeMux
	patterns []string
}

// NewRouter returns an empty Router.
func NewRouter() *Router {
	return &Router{mux: http.NewServeMux()}
}

// HandleFunc registers h for pattern (e.g. "GET /products/{id}").
func (rt *Router) HandleFunc(pattern string, h http.HandlerFunc) {
	rt.mux.HandleFunc(pattern, h)
	rt.patterns = append(rt.patterns, pattern)
}

// Patterns returns the registered patterns in registration order.
func (rt *Router) Patterns() []string {
	return slices.Clone(rt.patterns)
}

// Handler reports the handler and pattern r would be routed to, like
// http.ServeMux.Handler; the pattern is empty when no route matches.
func (rt *Router) Handler(r *http.Request) (http.Handler, string) {
	return rt.mux.Handler(r)
}

// ServeHTTP routes r. Unmatched requests keep the mux's status and headers
// (such as Allow) but get a JSON error body.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern == "" {
		w = &jsonErrorWriter{ResponseWriter: w}
	}
	rt.mux.ServeHTTP(w, r)
}

// jsonErrorWriter replaces the plain-text body of 404 and 405 answers.
type jsonErrorWriter struct {
	http.ResponseWriter
	replaced bool
}

// WriteHeader swaps a 404 or 405 for the JSON error body.
func (w *jsonErrorWriter) WriteHeader(status int) {
	var code, msg string
	switch status {
	case http.StatusNotFound:
		code, msg = CodeNotFound, "no route matches the request"
	case http.StatusMethodNotAllowed:
		code, msg = CodeMethodNotAllowed, "method not allowed for this route"
	default:
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.replaced = true
	w.Header().Del("X-Content-Type-Options")
	WriteError(w.ResponseWriter, status, code, msg)
}

// Write drops the mux's plain-text body once it has been replaced.
func (w *jsonErrorWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}
