package restclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

// newTransport returns a fresh transport closed at cleanup.
func newTransport(t *testing.T) *http.Transport {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func TestAttempt(t *testing.T) {
	const body = `{"id":"prd_0001","name":"Lamp"}`
	tests := []struct {
		name  string
		fault func(t *testing.T) fault
		cfg   restclient.Config
		// ctx returns the attempt's context; nil: the test's.
		ctx      func(t *testing.T) context.Context
		wantBody string
		// wantErr checks the error; nil: success.
		wantErr  func(error) bool
		wantHits int32
	}{
		{
			name: "answer read into memory", fault: func(*testing.T) fault { return ok(body) },
			wantBody: body, wantHits: 1,
		},
		{
			name: "error status is an answer", fault: func(*testing.T) fault { return status(http.StatusServiceUnavailable, `{}`) },
			wantBody: `{}`, wantHits: 1,
		},
		{
			name: "body exactly at the cap", fault: func(*testing.T) fault { return ok(body) },
			cfg:      restclient.Config{MaxResponseBytes: int64(len(body))},
			wantBody: body, wantHits: 1,
		},
		{
			name: "body one byte over the cap", fault: func(*testing.T) fault { return ok(body) },
			cfg:      restclient.Config{MaxResponseBytes: int64(len(body)) - 1},
			wantErr:  isTooLarge(http.StatusOK, int64(len(body))-1),
			wantHits: 1,
		},
		{
			name: "error body over the cap", fault: func(*testing.T) fault { return status(http.StatusNotFound, strings.Repeat("x", 64)) },
			cfg:      restclient.Config{MaxResponseBytes: 16},
			wantErr:  isTooLarge(http.StatusNotFound, 16),
			wantHits: 1,
		},
		{
			name: "cap counts decompressed bytes", fault: func(*testing.T) fault { return gzipped(strings.Repeat(" ", 4096) + body) },
			cfg:      restclient.Config{MaxResponseBytes: 1024},
			wantErr:  isTooLarge(http.StatusOK, 1024),
			wantHits: 1,
		},
		{
			name: "compressed answer under the cap", fault: func(*testing.T) fault { return gzipped(body) },
			cfg:      restclient.Config{MaxResponseBytes: int64(len(body))},
			wantBody: body, wantHits: 1,
		},
		{
			name: "no headers within the timeout", fault: func(*testing.T) fault { return stall },
			cfg:      restclient.Config{Timeout: 20 * time.Millisecond},
			wantErr:  func(err error) bool { return errors.Is(err, restclient.ErrAttemptTimeout) },
			wantHits: 1,
		},
		{
			name: "hang after headers", fault: func(*testing.T) fault { return hangAfterHeaders },
			cfg:      restclient.Config{Timeout: 20 * time.Millisecond},
			wantErr:  func(err error) bool { return errors.Is(err, restclient.ErrAttemptTimeout) },
			wantHits: 1,
		},
		{
			name: "truncated body", fault: truncatedFault,
			wantErr:  func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) },
			wantHits: 1,
		},
		{
			name: "connection reset", fault: resetFault,
			wantErr: func(err error) bool {
				return err != nil && !errors.Is(err, restclient.ErrAttemptTimeout) && !errors.Is(err, context.DeadlineExceeded)
			},
			wantHits: 1,
		},
		{
			name: "the caller's deadline ends the attempt, not its timeout", fault: func(*testing.T) fault { return stall },
			cfg: restclient.Config{Timeout: time.Hour},
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
				t.Cleanup(cancel)
				return ctx
			},
			wantErr: func(err error) bool {
				return errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, restclient.ErrAttemptTimeout)
			},
			wantHits: 1,
		},
		{
			name: "too little time left: not started", fault: func(*testing.T) fault { return ok(body) },
			cfg: restclient.Config{MinAttemptTime: time.Hour},
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
				t.Cleanup(cancel)
				return ctx
			},
			wantErr: func(err error) bool {
				return errors.Is(err, restclient.ErrDeadline) && errors.Is(err, context.DeadlineExceeded)
			},
			wantHits: 0,
		},
		{
			name: "caller gone: not started", fault: func(*testing.T) fault { return ok(body) },
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				return ctx
			},
			wantErr:  func(err error) bool { return errors.Is(err, context.Canceled) },
			wantHits: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUpstream(t, tt.fault(t))
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.URL+"/products/prd_0001", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := restclient.NewAttempt(newTransport(t), tt.cfg).RoundTrip(req)
			if got := u.hits.Load(); got != tt.wantHits {
				t.Errorf("upstream hits = %d, want %d", got, tt.wantHits)
			}
			if tt.wantErr != nil {
				if resp != nil || !tt.wantErr(err) {
					t.Fatalf("RoundTrip = %v, %v; want no answer and a matching error", resp, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			// The attempt's context is gone: the body must be in memory.
			got, err := io.ReadAll(resp.Body)
			if err != nil || string(got) != tt.wantBody {
				t.Errorf("body = %q, %v; want %q", got, err, tt.wantBody)
			}
			if resp.ContentLength != int64(len(tt.wantBody)) {
				t.Errorf("ContentLength = %d, want %d", resp.ContentLength, len(tt.wantBody))
			}
			if err := resp.Body.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

func truncatedFault(t *testing.T) fault { return truncated(t) }
func resetFault(t *testing.T) fault     { return reset(t) }

func isTooLarge(status int, limit int64) func(error) bool {
	return func(err error) bool {
		e, ok := errors.AsType[*restclient.ResponseTooLargeError](err)
		return ok && e.Status == status && e.Limit == limit
	}
}

// TestAttemptClosesRequestBody: a RoundTripper closes the request body
// even when it sends nothing.
func TestAttemptClosesRequestBody(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	body := &closeCounter{Reader: strings.NewReader(`{}`)}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1:1/x", body)
	if err != nil {
		t.Fatal(err)
	}
	called := false
	next := roundTripFunc(func(*http.Request) (*http.Response, error) { called = true; return nil, errors.New("unreachable") })
	resp, err := restclient.NewAttempt(next, restclient.Config{MinAttemptTime: time.Hour}).RoundTrip(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if !errors.Is(err, restclient.ErrDeadline) {
		t.Fatalf("RoundTrip error = %v, want ErrDeadline", err)
	}
	if called || body.closed.Load() != 1 {
		t.Errorf("next called = %v, body closed %d times; want false, 1", called, body.closed.Load())
	}
}

// sized is a transport whose answer announces ContentLength size, true
// or not, and counts the body bytes read.
type sized struct {
	body string
	size int64
	read *int
}

func (s sized) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: http.StatusOK, ContentLength: s.size, Request: req,
		Body: io.NopCloser(&countingReader{r: strings.NewReader(s.body), n: s.read}),
	}, nil
}

type countingReader struct {
	r io.Reader
	n *int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += n
	return n, err
}

// TestAttemptContentLength: a body read into a buffer of its announced
// size holds whatever the transport delivers, under the same cap.
func TestAttemptContentLength(t *testing.T) {
	const body = `{"id":"prd_0001","name":"Lamp"}`
	n := int64(len(body))
	tests := []struct {
		name     string
		empty    bool // the transport sends no body
		size     int64
		max      int64
		wantBody string
		wantRead int // body bytes read; -1: any
		wantErr  func(error) bool
	}{
		{name: "exact", size: n, max: n, wantBody: body, wantRead: len(body)},
		{name: "unknown", size: -1, max: n, wantBody: body, wantRead: len(body)},
		{name: "announced shorter than sent", size: 4, max: n, wantBody: body, wantRead: len(body)},
		{name: "announced shorter, sent over the cap", size: 4, max: n - 1, wantErr: isTooLarge(http.StatusOK, n-1), wantRead: -1},
		{name: "announced over the cap: refused unread", size: n, max: n - 1, wantErr: isTooLarge(http.StatusOK, n-1), wantRead: 0},
		{name: "empty", empty: true, size: 0, max: n, wantBody: "", wantRead: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := body
			if tt.empty {
				b = ""
			}
			read := 0
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://catalog.test/x", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := restclient.NewAttempt(sized{body: b, size: tt.size, read: &read}, restclient.Config{MaxResponseBytes: tt.max}).RoundTrip(req)
			if tt.wantRead >= 0 && read != tt.wantRead {
				t.Errorf("read %d body bytes, want %d", read, tt.wantRead)
			}
			if tt.wantErr != nil {
				if resp != nil || !tt.wantErr(err) {
					t.Fatalf("RoundTrip = %v, %v; want no answer and a matching error", resp, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			defer resp.Body.Close()
			got, err := io.ReadAll(resp.Body)
			if err != nil || string(got) != tt.wantBody || resp.ContentLength != int64(len(tt.wantBody)) {
				t.Errorf("body %q (ContentLength %d), %v; want %q", got, resp.ContentLength, err, tt.wantBody)
			}
		})
	}
}

// TestAttemptNeedsMedianTimeLeft: with the upstream's latency tracked, an
// attempt is not started with less time left than its median answer took;
// answered attempts are recorded in the tracker.
func TestAttemptNeedsMedianTimeLeft(t *testing.T) {
	var calls atomic.Int64
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls.Add(1)
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}, nil
	})
	send := func(a *restclient.Attempt, left time.Duration) error {
		ctx, cancel := context.WithTimeout(t.Context(), left)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://reviews.internal/summary", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := a.RoundTrip(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		return err
	}

	lat := restclient.NewLatency(restclient.LatencyConfig{MinSamples: 20})
	a := restclient.NewAttempt(next, restclient.Config{Latency: lat})
	if err := send(a, 50*time.Millisecond); err != nil {
		t.Fatalf("with too few answers tracked: %v, want the attempt sent (only the 10ms floor applies)", err)
	}
	for range 20 {
		lat.Observe(100 * time.Millisecond)
	}
	calls.Store(0)
	if err := send(a, 50*time.Millisecond); !errors.Is(err, restclient.ErrDeadline) || calls.Load() != 0 {
		t.Errorf("50ms left, median 100ms: %v after %d calls, want ErrDeadline and no call", err, calls.Load())
	}
	if err := send(a, 10*time.Second); err != nil || calls.Load() != 1 {
		t.Errorf("10s left: %v after %d calls, want the attempt sent", err, calls.Load())
	}

	recorded := restclient.NewLatency(restclient.LatencyConfig{MinSamples: 1})
	if err := send(restclient.NewAttempt(next, restclient.Config{Latency: recorded}), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, ok := recorded.P50(); !ok {
		t.Error("an answered attempt was not recorded")
	}
}
