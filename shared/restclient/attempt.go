package restclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// ErrDeadline is wrapped by the error of an attempt that was not started
// because the request's deadline was too close (Config.MinAttemptTime, or
// the upstream's median answer time, Config.Latency). It matches
// context.DeadlineExceeded too.
var ErrDeadline = fmt.Errorf("restclient: too little time left to start an upstream attempt: %w", context.DeadlineExceeded)

// ErrAttemptTimeout is wrapped by the error of an attempt that outlived
// Config.Timeout while the request's own context was still live.
var ErrAttemptTimeout = errors.New("restclient: upstream attempt timed out")

// ResponseTooLargeError is the error of an attempt whose (decompressed)
// response body exceeded Config.MaxResponseBytes.
type ResponseTooLargeError struct {
	Status int   // the response's status
	Limit  int64 // the cap that was exceeded
}

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("response body (status %d) exceeds %d bytes", e.Status, e.Limit)
}

// Attempt is the innermost decorator of an upstream transport: it bounds one
// attempt, from dial to the last body byte, by Config.Timeout (never beyond
// the request's context), refuses to start when less than
// Config.MinAttemptTime is left before the context's deadline (ErrDeadline),
// and reads the whole response body before returning, capped at
// Config.MaxResponseBytes (*ResponseTooLargeError). A body that fails half
// way (a reset, a truncated answer, a stall after the headers) is therefore
// an error of the attempt, which outer layers may retry, not of the caller's
// decoding.
//
// The body is read after the transport decompressed it, so the cap applies
// to decompressed bytes.
type Attempt struct {
	next     http.RoundTripper
	timeout  time.Duration
	minLeft  time.Duration
	maxBytes int64
	latency  *Latency
}

var _ http.RoundTripper = (*Attempt)(nil)

// NewAttempt returns next (http.DefaultTransport when nil) bounded per
// attempt as cfg says (zero fields take their defaults).
func NewAttempt(next http.RoundTripper, cfg Config) *Attempt {
	if next == nil {
		next = http.DefaultTransport
	}
	cfg = cfg.withDefaults()
	return &Attempt{next: next, timeout: cfg.Timeout, minLeft: cfg.MinAttemptTime, maxBytes: cfg.MaxResponseBytes, latency: cfg.Latency}
}

// RoundTrip sends one attempt of req and returns its response with the body
// in memory.
func (a *Attempt) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < minAttemptTime(a.minLeft, a.latency) {
		closeRequestBody(req)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, ErrDeadline
	}
	actx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()

	start := time.Now()
	resp, err := a.next.RoundTrip(req.WithContext(actx))
	if err != nil {
		return nil, a.failed(ctx, actx, err)
	}
	if resp.ContentLength > a.maxBytes {
		_ = resp.Body.Close()
		return nil, &ResponseTooLargeError{Status: resp.StatusCode, Limit: a.maxBytes}
	}
	data, err := readBody(resp.Body, resp.ContentLength, a.maxBytes)
	_ = resp.Body.Close()
	if err != nil {
		return nil, a.failed(ctx, actx, fmt.Errorf("reading the response body: %w", err))
	}
	if int64(len(data)) > a.maxBytes {
		return nil, &ResponseTooLargeError{Status: resp.StatusCode, Limit: a.maxBytes}
	}
	resp.Body = newBufferedBody(data)
	resp.ContentLength = int64(len(data))
	if resp.StatusCode < 500 {
		a.latency.Observe(time.Since(start))
	}
	return resp, nil
}

// minAttemptTime is the least time that must be left before a deadline to
// start an attempt: floor, or the upstream's median answer time when that
// is known and longer.
func minAttemptTime(floor time.Duration, l *Latency) time.Duration {
	if p50, ok := l.P50(); ok {
		return max(floor, p50)
	}
	return floor
}

// readBody reads body to its end, at most limit+1 bytes (one more than the
// cap, so an answer over it shows). A known size (Content-Length, at most
// limit) is read into one buffer of that size; an unknown one as
// io.ReadAll does.
func readBody(body io.Reader, size, limit int64) ([]byte, error) {
	r := io.LimitReader(body, limit+1)
	if size < 0 {
		return io.ReadAll(r)
	}
	// One byte of room past size lets the read that meets EOF land without
	// growing the buffer.
	data := make([]byte, 0, size+1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return data, err
		}
		if len(data) == cap(data) { // longer than announced: the cap still holds
			data = append(data, 0)[:len(data)]
		}
	}
}

// bufferedBody is an answer's body that Attempt has read into memory.
// Client decodes its bytes in place rather than reading them again.
type bufferedBody struct {
	bytes.Reader
	data []byte
}

func newBufferedBody(data []byte) *bufferedBody {
	b := &bufferedBody{data: data}
	b.Reset(data)
	return b
}

// Close does nothing: the bytes stay readable, as with io.NopCloser.
func (*bufferedBody) Close() error { return nil }

// unread returns the bytes not read yet.
func (b *bufferedBody) unread() []byte { return b.data[len(b.data)-b.Len():] }

// failed marks err as an attempt timeout when the attempt's own timeout,
// not the caller's context, ended it.
func (a *Attempt) failed(ctx, actx context.Context, err error) error {
	if ctx.Err() == nil && (actx.Err() != nil || transportTimeout(err)) {
		return fmt.Errorf("%w after %s: %w", ErrAttemptTimeout, a.timeout, err)
	}
	return err
}

// transportTimeout reports whether err is one of the transport's own
// timeouts (the response headers awaited longer than Config.Timeout, the
// dial or TLS handshake cut short), which can fire a moment before the
// attempt's context does.
func transportTimeout(err error) bool {
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
