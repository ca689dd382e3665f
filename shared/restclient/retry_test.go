package restclient_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

// step is what the fake next transport does for one attempt: answer status
// with headers, or fail with err.
type step struct {
	status  int
	headers []string // name, value, …
	err     error
}

func answer(status int, headers ...string) step { return step{status: status, headers: headers} }
func failure(err error) step                    { return step{err: err} }

// script is a fake next transport playing steps in order (the last one
// repeats), recording what it was sent and the bodies it answered with.
type script struct {
	steps []step

	mu     sync.Mutex
	sent   []sentRequest
	bodies []*closeCounter
}

type sentRequest struct{ method, url, host, body string }

func (s *script) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		_ = req.Body.Close()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, sentRequest{req.Method, req.URL.String(), req.Host, string(body)})
	st := s.steps[min(len(s.sent), len(s.steps))-1]
	if st.err != nil {
		return nil, st.err
	}
	b := &closeCounter{Reader: strings.NewReader(`{"status":` + http.StatusText(st.status) + `}`)}
	s.bodies = append(s.bodies, b)
	h := http.Header{}
	for i := 0; i+1 < len(st.headers); i += 2 {
		h.Set(st.headers[i], st.headers[i+1])
	}
	return &http.Response{StatusCode: st.status, Header: h, Body: b, Request: req}, nil
}

func (s *script) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// sleeper records the waits asked of it and returns at once.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func (s *sleeper) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

func half() float64 { return 0.5 }

func ms(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, v := range n {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func TestRetry(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	errRefused := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	tests := []struct {
		name    string
		method  string
		steps   []step
		cfg     func(*restclient.RetryConfig)
		timeout time.Duration // of the request's context; 0: none
		// wantStatus is the final answer's status, 0 for an error.
		wantStatus   int
		wantErr      error // errors.Is target when wantStatus is 0
		wantAttempts int
		wantWaits    []time.Duration
	}{
		{name: "success at once", method: "GET", steps: []step{answer(200)},
			wantStatus: 200, wantAttempts: 1},
		{name: "503 twice, then success", method: "GET", steps: []step{answer(503), answer(503), answer(200)},
			wantStatus: 200, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "503 until out of attempts", method: "GET", steps: []step{answer(503)},
			wantStatus: 503, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "500 retried", method: "GET", steps: []step{answer(500), answer(200)},
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "502 and 504 retried", method: "GET", steps: []step{answer(502), answer(504), answer(200)},
			wantStatus: 200, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "HEAD retried", method: "HEAD", steps: []step{answer(503), answer(200)},
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "501 not retried", method: "GET", steps: []step{answer(501), answer(200)},
			wantStatus: 501, wantAttempts: 1},
		{name: "404 not retried", method: "GET", steps: []step{answer(404), answer(200)},
			wantStatus: 404, wantAttempts: 1},
		{name: "400 not retried", method: "GET", steps: []step{answer(400), answer(200)},
			wantStatus: 400, wantAttempts: 1},
		{name: "transport error retried", method: "GET", steps: []step{failure(errRefused)},
			wantErr: errRefused, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "transport error, then success", method: "GET", steps: []step{failure(errRefused), answer(200)},
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "attempt timeout not retried on the same target", method: "GET", steps: []step{failure(restclient.ErrAttemptTimeout), answer(200)},
			wantErr: restclient.ErrAttemptTimeout, wantAttempts: 1},
		{name: "attempt timeout retried with RetryTimeouts", method: "GET", steps: []step{failure(restclient.ErrAttemptTimeout), answer(200)},
			cfg:        func(c *restclient.RetryConfig) { c.RetryTimeouts = true },
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "POST never retried", method: "POST", steps: []step{answer(503), answer(200)},
			wantStatus: 503, wantAttempts: 1},
		{name: "PUT never retried", method: "PUT", steps: []step{failure(errRefused), answer(200)},
			wantErr: errRefused, wantAttempts: 1},
		{name: "PATCH never retried", method: "PATCH", steps: []step{answer(502), answer(200)},
			wantStatus: 502, wantAttempts: 1},
		{name: "DELETE never retried", method: "DELETE", steps: []step{answer(429, "Retry-After", "1"), answer(200)},
			wantStatus: 429, wantAttempts: 1},
		{name: "open circuit not retried", method: "GET", steps: []step{failure(restclient.ErrCircuitOpen), answer(200)},
			wantErr: restclient.ErrCircuitOpen, wantAttempts: 1},
		{name: "too little time not retried", method: "GET", steps: []step{failure(restclient.ErrDeadline), answer(200)},
			wantErr: restclient.ErrDeadline, wantAttempts: 1},
		{name: "body too large not retried", method: "GET", steps: []step{failure(&restclient.ResponseTooLargeError{Status: 200, Limit: 8}), answer(200)},
			wantErr: &restclient.ResponseTooLargeError{}, wantAttempts: 1},
		{name: "429 Retry-After seconds replaces the backoff", method: "GET", steps: []step{answer(429, "Retry-After", "1"), answer(200)},
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(1000)},
		{name: "503 Retry-After HTTP date", method: "GET",
			steps:      []step{answer(503, "Retry-After", t0.Add(2*time.Second).Format(http.TimeFormat)), answer(200)},
			cfg:        func(c *restclient.RetryConfig) { c.Now = func() time.Time { return t0 } },
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(2000)},
		{name: "Retry-After date in the past: backoff", method: "GET",
			steps:      []step{answer(503, "Retry-After", t0.Add(-time.Minute).Format(http.TimeFormat)), answer(200)},
			cfg:        func(c *restclient.RetryConfig) { c.Now = func() time.Time { return t0 } },
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "Retry-After zero: backoff", method: "GET", steps: []step{answer(429, "Retry-After", "0"), answer(200)},
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "unreadable Retry-After: backoff", method: "GET", steps: []step{answer(429, "Retry-After", "soon"), answer(200)},
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "Retry-After above the cap: not retried", method: "GET", steps: []step{answer(429, "Retry-After", "3"), answer(200)},
			wantStatus: 429, wantAttempts: 1},
		{name: "Retry-After beyond the deadline: no wait, no retry", method: "GET", steps: []step{answer(429, "Retry-After", "1"), answer(200)},
			timeout:    500 * time.Millisecond,
			wantStatus: 429, wantAttempts: 1},
		{name: "wait fits but leaves less than the floor: no retry", method: "GET", steps: []step{answer(429, "Retry-After", "1"), answer(200)},
			timeout:    time.Minute,
			cfg:        func(c *restclient.RetryConfig) { c.MinAttemptTime = time.Minute },
			wantStatus: 429, wantAttempts: 1},
		{name: "backoff beyond the deadline: no retry", method: "GET", steps: []step{answer(503), answer(200)},
			timeout:    time.Minute,
			cfg:        func(c *restclient.RetryConfig) { c.BaseDelay, c.MaxDelay = 4*time.Minute, 4*time.Minute },
			wantStatus: 503, wantAttempts: 1},
		{name: "backoff within the deadline", method: "GET", steps: []step{answer(503), answer(200)},
			timeout:    time.Minute,
			wantStatus: 200, wantAttempts: 2, wantWaits: ms(25)},
		{name: "one attempt configured", method: "GET", steps: []step{answer(503), answer(200)},
			cfg:        func(c *restclient.RetryConfig) { c.MaxAttempts = 1 },
			wantStatus: 503, wantAttempts: 1},
		{name: "backoff doubles up to the cap", method: "GET", steps: []step{answer(503)},
			cfg:        func(c *restclient.RetryConfig) { c.MaxAttempts, c.MaxDelay = 5, 120*time.Millisecond },
			wantStatus: 503, wantAttempts: 5, wantWaits: ms(25, 50, 60, 60)},
		{name: "jitter is the random share of the ceiling", method: "GET", steps: []step{answer(503)},
			cfg:        func(c *restclient.RetryConfig) { c.Rand = func() float64 { return 0.1 } },
			wantStatus: 503, wantAttempts: 3, wantWaits: ms(5, 10)},
		{name: "budget exhausted: no more retries", method: "GET", steps: []step{answer(503)},
			cfg: func(c *restclient.RetryConfig) {
				c.Budget = restclient.NewRetryBudget(restclient.RetryBudgetConfig{Ratio: 0, MinPerSecond: 0.1, Window: 10 * time.Second})
			},
			wantStatus: 503, wantAttempts: 2, wantWaits: ms(25)},
		{name: "no budget: no retry", method: "GET", steps: []step{answer(503), answer(200)},
			cfg: func(c *restclient.RetryConfig) {
				c.Budget = restclient.NewRetryBudget(restclient.RetryBudgetConfig{})
			},
			wantStatus: 503, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &script{steps: tt.steps}
			var sl sleeper
			cfg := restclient.RetryConfig{Rand: half, Sleep: sl.Sleep}
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			ctx := t.Context()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			req, err := http.NewRequestWithContext(ctx, tt.method, "http://catalog.internal/products", nil)
			if err != nil {
				t.Fatal(err)
			}

			resp, err := restclient.NewRetry(next, cfg).RoundTrip(req)

			if got := next.attempts(); got != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", got, tt.wantAttempts)
			}
			if got := sl.got(); !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if tt.wantStatus == 0 {
				if resp != nil || !matches(err, tt.wantErr) {
					t.Fatalf("RoundTrip = %v, %v; want the error %v", resp, err, tt.wantErr)
				}
				return
			}
			if err != nil || resp.StatusCode != tt.wantStatus {
				t.Fatalf("RoundTrip = %v, %v; want status %d", resp, err, tt.wantStatus)
			}
			// Every retried answer was drained and closed; the final one is
			// the caller's to close.
			for i, b := range next.bodies {
				want := int32(1)
				if i == len(next.bodies)-1 {
					want = 0
				}
				if got := b.closed.Load(); got != want {
					t.Errorf("answer %d closed %d times by Retry, want %d", i+1, got, want)
				}
			}
			_ = resp.Body.Close()
		})
	}
}

// matches reports errors.Is(err, target), or for a *ResponseTooLargeError
// target, errors.As.
func matches(err, target error) bool {
	if _, ok := target.(*restclient.ResponseTooLargeError); ok { //nolint:errorlint // a type probe on the test's own value
		_, ok := errors.AsType[*restclient.ResponseTooLargeError](err)
		return ok
	}
	return errors.Is(err, target)
}

// TestRetryResendsBody: a GET with a rewindable body sends it again on each
// attempt; one that cannot be rewound is sent once.
func TestRetryResendsBody(t *testing.T) {
	tests := []struct {
		name         string
		noGetBody    bool
		wantAttempts int
	}{
		{"rewindable", false, 3},
		{"not rewindable", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &script{steps: []step{answer(503)}}
			var sl sleeper
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://catalog.internal/search", strings.NewReader(`{"q":"lamp"}`))
			if err != nil {
				t.Fatal(err)
			}
			if tt.noGetBody {
				req.GetBody = nil
			}
			resp, err := restclient.NewRetry(next, restclient.RetryConfig{Rand: half, Sleep: sl.Sleep}).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if len(next.sent) != tt.wantAttempts {
				t.Fatalf("attempts = %d, want %d", len(next.sent), tt.wantAttempts)
			}
			for i, s := range next.sent {
				if s.body != `{"q":"lamp"}` {
					t.Errorf("attempt %d body = %q", i+1, s.body)
				}
			}
		})
	}
}

// TestRetryStopsWhenCallerLeaves: a caller that goes away during the wait
// ends the call with its context's error, and no further attempt.
func TestRetryStopsWhenCallerLeaves(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	next := &script{steps: []step{answer(503), answer(200)}}
	sleep := func(ctx context.Context, _ time.Duration) error {
		cancel()
		<-ctx.Done()
		return ctx.Err()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://catalog.internal/products", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := restclient.NewRetry(next, restclient.RetryConfig{Rand: half, Sleep: sleep}).RoundTrip(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	if resp != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip = %v, %v; want context.Canceled", resp, err)
	}
	if next.attempts() != 1 {
		t.Errorf("attempts = %d, want 1", next.attempts())
	}
	if next.bodies[0].closed.Load() != 1 {
		t.Errorf("the abandoned answer was not closed")
	}
}

// TestRetryDefaultSleep: without an injected Sleep, Retry waits the
// jittered backoff on a timer (virtual time), and the caller going away
// ends the wait.
func TestRetryDefaultSleep(t *testing.T) {
	t.Run("waits the backoff", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			next := &script{steps: []step{answer(503), answer(200)}}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://catalog.internal/products", nil)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			resp, err := restclient.NewRetry(next, restclient.RetryConfig{Rand: half}).RoundTrip(req)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("RoundTrip = %v, %v; want 200", resp, err)
			}
			_ = resp.Body.Close()
			if waited := time.Since(start); waited != 25*time.Millisecond {
				t.Errorf("waited %v, want 25ms", waited)
			}
		})
	})
	t.Run("caller leaves during the wait", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			next := &script{steps: []step{answer(503), answer(200)}}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://catalog.internal/products", nil)
			if err != nil {
				t.Fatal(err)
			}
			r := restclient.NewRetry(next, restclient.RetryConfig{Rand: half, BaseDelay: time.Hour, MaxDelay: time.Hour})
			errc := make(chan error, 1)
			go func() {
				resp, err := r.RoundTrip(req)
				if resp != nil {
					_ = resp.Body.Close()
				}
				errc <- err
			}()
			synctest.Wait() // the first attempt is done and the wait has begun
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("RoundTrip error = %v, want context.Canceled", err)
			}
			if next.attempts() != 1 {
				t.Errorf("attempts = %d, want 1", next.attempts())
			}
		})
	})
}

// TestRetryNeedsMedianTimeLeft: a retry is not waited for when less time
// than the upstream's median answer would be left after the wait.
func TestRetryNeedsMedianTimeLeft(t *testing.T) {
	lat := restclient.NewLatency(restclient.LatencyConfig{MinSamples: 1})
	lat.Observe(time.Second)
	for _, tt := range []struct {
		name     string
		left     time.Duration
		attempts int
	}{
		{"median fits", time.Minute, 2},
		{"median does not fit", 500 * time.Millisecond, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			next := &script{steps: []step{answer(503), answer(200)}}
			ctx, cancel := context.WithTimeout(t.Context(), tt.left)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://reviews.internal/summary", nil)
			if err != nil {
				t.Fatal(err)
			}
			r := restclient.NewRetry(next, restclient.RetryConfig{Rand: half, Latency: lat, Sleep: func(context.Context, time.Duration) error { return nil }})
			resp, err := r.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if next.attempts() != tt.attempts {
				t.Errorf("attempts = %d, want %d", next.attempts(), tt.attempts)
			}
		})
	}
}
