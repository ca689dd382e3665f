package gqlserver

import (
	"context"
	"net/http"
	"sync"
)

// Outcome lets code that runs inside gqlgen — interceptors and resolvers,
// which have no http.ResponseWriter — shape the HTTP answer before it is
// written: a status that replaces the 200 gqlgen sends for an executed
// operation (401 for an anonymous protected operation, 429 for a rate
// limit) and extra headers (WWW-Authenticate, RateLimit-*, Retry-After).
// The GraphQL endpoint of NewMux gives every request one; Set methods are
// safe for concurrent use and do nothing once the answer has started.
type Outcome struct {
	mu           sync.Mutex
	status       int
	header       http.Header // always sent
	statusHeader http.Header // sent only with status
	written      bool
	executed     bool // gqlgen dispatched the operation
}

type outcomeKey struct{}

// OutcomeFrom returns the request's Outcome, or nil outside NewMux's
// GraphQL endpoint (its methods accept a nil receiver and do nothing).
func OutcomeFrom(ctx context.Context) *Outcome {
	o, _ := ctx.Value(outcomeKey{}).(*Outcome)
	return o
}

// WithOutcome returns ctx carrying a fresh Outcome, for tests of code that
// sets one.
func WithOutcome(ctx context.Context) (context.Context, *Outcome) {
	o := &Outcome{header: http.Header{}}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// SetStatus makes the answer go out with status instead of 200, with the
// headers in kv (name, value pairs) sent only along with that status. The
// first status set wins: a request refused for one reason keeps that
// reason and its headers.
func (o *Outcome) SetStatus(status int, kv ...string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.status != 0 || o.written {
		return
	}
	o.status = status
	o.statusHeader = http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.statusHeader.Set(kv[i], kv[i+1])
	}
}

// SetHeader sets a header of the answer, replacing any value set before.
func (o *Outcome) SetHeader(key, value string) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.written {
		o.header.Set(key, value)
	}
}

// markExecuted records that gqlgen dispatched the operation.
func (o *Outcome) markExecuted() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.executed = true
}

// hasExecuted reports whether gqlgen dispatched the operation.
func (o *Outcome) hasExecuted() bool {
	if o == nil {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.executed
}

// Status returns the status set so far, 0 for none.
func (o *Outcome) Status() int {
	if o == nil {
		return 0
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.status
}

// Header returns a copy of the headers set so far.
func (o *Outcome) Header() http.Header {
	if o == nil {
		return http.Header{}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.header.Clone()
}

// apply writes the headers into h and returns the status to send instead
// of code: the Outcome's status replaces a 200 only.
func (o *Outcome) apply(h http.Header, code int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.written = true
	for k, v := range o.header {
		h[k] = v
	}
	if code != http.StatusOK || o.status == 0 {
		return code
	}
	for k, v := range o.statusHeader {
		h[k] = v
	}
	return o.status
}

// Outcomes is middleware giving each request an Outcome that is applied
// when the answer starts. NewMux puts it in front of the GraphQL endpoint.
func Outcomes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, o := WithOutcome(r.Context())
		next.ServeHTTP(&outcomeWriter{ResponseWriter: w, outcome: o}, r.WithContext(ctx))
	})
}

type outcomeWriter struct {
	http.ResponseWriter
	outcome     *Outcome
	wroteHeader bool
}

func (w *outcomeWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		code = w.outcome.apply(w.Header(), code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *outcomeWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *outcomeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
