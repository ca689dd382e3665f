package restclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryConfig configures Retry. Zero fields take their defaults.
type RetryConfig struct {
	// MaxAttempts is the attempts of an idempotent request, the first
	// included. Default 3; 1 sends every request once.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry; it doubles for each
	// further retry, and the actual wait is uniformly random below it (full
	// jitter). Default 50ms.
	BaseDelay time.Duration
	// MaxDelay caps the backoff and the Retry-After an upstream may ask for:
	// an answer asking for a longer wait is not retried. Default 2s.
	MaxDelay time.Duration
	// MinAttemptTime is the least time that must be left before the
	// request's deadline after a wait for a retry to be sent. Default 10ms.
	MinAttemptTime time.Duration
	// Budget, when set, bounds the retries (shared by all calls of the upstream).
	Budget *RetryBudget
	// Targets, when set, are the upstream's base URLs: a retry goes to the
	// next one. Requests must be built on Targets.Primary.
	Targets *Targets
	// RetryTimeouts retries an attempt that timed out (ErrAttemptTimeout)
	// on the target that was too slow. By default such an attempt is
	// retried only when the retry goes to another target: a service that
	// did not answer within the attempt timeout is unlikely to answer the
	// next attempt faster, and each retry would hold the caller for another
	// full timeout.
	RetryTimeouts bool

	// Hedge, when set, hedges idempotent requests (see HedgeConfig).
	Hedge *HedgeConfig
	// Latency, when set, is the upstream's latency tracker (the one its
	// Attempt records in): a retry is not waited for when less than the
	// median answer time would be left after the wait.
	Latency *Latency

	// Rand returns a uniform random number in [0, 1). Default math/rand/v2.
	Rand func() float64
	// Sleep waits d or until ctx is done, returning ctx's error then.
	// Default a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for Retry-After dates and the deadline. Default time.Now.
	Now func() time.Time
}

func (c RetryConfig) withDefaults() RetryConfig {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = 50 * time.Millisecond
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = 2 * time.Second
	}
	if c.MinAttemptTime <= 0 {
		c.MinAttemptTime = defaultMinAttemptTime
	}
	if c.Rand == nil {
		c.Rand = rand.Float64
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Hedge = c.Hedge.withDefaults()
	return c
}

// Retry is the decorator that retries idempotent requests (GET and HEAD)
// and never any other: a POST, PUT, PATCH or DELETE is sent once, to the
// primary target.
//
// An attempt is retried when it failed in transport (refused, reset, timed
// out, truncated: any error other than the caller's context ending,
// ErrDeadline, ErrCircuitOpen or *ResponseTooLargeError) or answered 500,
// 502, 503, 504 or 429, as long as
//   - fewer than MaxAttempts were made,
//   - the wait fits before the request's deadline with MinAttemptTime to spare,
//   - a Retry-After the answer carries (seconds or an HTTP date) is at most
//     MaxDelay; it then replaces the backoff,
//   - the budget, if any, allows one more retry,
//   - an attempt that timed out (ErrAttemptTimeout) is retried on another
//     target, or on the same one only with RetryTimeouts.
//
// The body of a retried answer is drained and closed. When the retries end,
// the last answer or error is returned, annotated with the number of
// attempts (Error.Attempts). With Targets, the first attempt goes to the
// first target that has not failed within its cool-down, each retry to the
// next target round-robin. With Hedge, an attempt left unanswered for the
// hedging delay is sent again while it is still out (see HedgeConfig).
type Retry struct {
	next http.RoundTripper
	cfg  RetryConfig
}

var _ http.RoundTripper = (*Retry)(nil)

// NewRetry returns next (http.DefaultTransport when nil) with retries as
// cfg says.
func NewRetry(next http.RoundTripper, cfg RetryConfig) *Retry {
	if next == nil {
		next = http.DefaultTransport
	}
	return &Retry{next: next, cfg: cfg.withDefaults()}
}

// RoundTrip sends req, retrying it as the type's documentation says.
func (r *Retry) RoundTrip(req *http.Request) (*http.Response, error) {
	if r.cfg.Budget != nil {
		r.cfg.Budget.Request()
	}
	maxAttempts := r.cfg.MaxAttempts
	if !idempotent(req.Method) || !rewindable(req) {
		maxAttempts = 1
	}
	ctx := req.Context()
	first := 0
	if r.cfg.Targets != nil && idempotent(req.Method) && rewindable(req) {
		first = r.cfg.Targets.start()
	}
	for attempt := 1; ; attempt++ {
		target := first
		if r.cfg.Targets != nil {
			target = (first + attempt - 1) % r.cfg.Targets.Len()
		}
		res, n, err := r.send(req, first, target, attempt, maxAttempts)
		if err != nil {
			return nil, &attemptsError{attempts: attempt - 1, err: err}
		}
		attempt += n - 1 // a hedge was an attempt too
		resp, err := res.resp, res.err
		if attempt >= maxAttempts || !retryable(ctx, resp, err) {
			return finish(resp, err, attempt)
		}
		if errors.Is(err, ErrAttemptTimeout) && !r.cfg.RetryTimeouts && r.nextTarget(first, attempt) == res.target {
			return finish(resp, err, attempt) // the same slow target again: no
		}
		wait, ok := r.wait(resp, attempt)
		if !ok || !r.fits(ctx, wait) || r.cfg.Budget != nil && !r.cfg.Budget.TryRetry() {
			return finish(resp, err, attempt)
		}
		res.discard()
		if err := r.cfg.Sleep(ctx, wait); err != nil {
			return nil, &attemptsError{attempts: attempt, err: fmt.Errorf("waiting to retry: %w", err)}
		}
	}
}

// nextTarget is the target of the attempt after attempt.
func (r *Retry) nextTarget(first, attempt int) int {
	if r.cfg.Targets == nil {
		return first
	}
	return (first + attempt) % r.cfg.Targets.Len()
}

// prepare returns the request of one attempt on target.
func (r *Retry) prepare(req *http.Request, target, attempt int) (*http.Request, error) {
	switch {
	case r.cfg.Targets != nil:
		out := r.cfg.Targets.route(req, target)
		return out, rewind(req, out, attempt)
	case attempt > 1:
		out := req.Clone(req.Context())
		return out, rewind(req, out, attempt)
	}
	return req, nil
}

// rewind gives out, an attempt of req after the first, a fresh copy of
// req's body.
func rewind(req, out *http.Request, attempt int) error {
	if attempt == 1 || req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	body, err := req.GetBody()
	if err != nil {
		return fmt.Errorf("rewinding the request body: %w", err)
	}
	out.Body = body
	return nil
}

// wait returns the wait before retry number attempt, and false when the
// answer asks for a longer wait than MaxDelay.
func (r *Retry) wait(resp *http.Response, attempt int) (time.Duration, bool) {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), r.cfg.Now()); ok {
			if d > r.cfg.MaxDelay {
				return 0, false
			}
			if d > 0 {
				return d, true
			}
		}
	}
	ceiling := float64(r.cfg.BaseDelay) * math.Pow(2, float64(attempt-1))
	ceiling = min(ceiling, float64(r.cfg.MaxDelay))
	return time.Duration(r.cfg.Rand() * ceiling), true
}

// fits reports whether a retry after wait still leaves MinAttemptTime (or
// the upstream's median answer time, when longer) before ctx's deadline.
func (r *Retry) fits(ctx context.Context, wait time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || !r.cfg.Now().Add(wait+minAttemptTime(r.cfg.MinAttemptTime, r.cfg.Latency)).After(deadline)
}

// retryable reports whether an attempt's answer or error may be retried.
func retryable(ctx context.Context, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		if errors.Is(err, ErrDeadline) || errors.Is(err, ErrCircuitOpen) {
			return false
		}
		_, tooLarge := errors.AsType[*ResponseTooLargeError](err)
		return !tooLarge
	}
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return false
}

func idempotent(method string) bool { return method == http.MethodGet || method == http.MethodHead }

// rewindable reports whether req's body can be sent again.
func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date
// (relative to now; a past date is 0).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return math.MaxInt64, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// finish returns the final answer or error of a request, annotated with
// its number of attempts.
func finish(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err != nil {
		return nil, &attemptsError{attempts: attempts, err: err}
	}
	resp.Body = &attemptsBody{ReadCloser: resp.Body, attempts: attempts}
	return resp, nil
}

// attemptsError is a failed request's last error with its attempt count.
type attemptsError struct {
	attempts int
	err      error
}

// Error is the last error's: Client.Do reports the count as Error.Attempts.
func (e *attemptsError) Error() string { return e.err.Error() }

func (e *attemptsError) Unwrap() error { return e.err }

// attemptsBody is a final answer's body with its request's attempt count.
type attemptsBody struct {
	io.ReadCloser
	attempts int
}

// attemptsOf returns the attempt count Retry recorded on a request's error
// or answer body, 0 when none.
func attemptsOf(err error, body io.ReadCloser) int {
	if e, ok := errors.AsType[*attemptsError](err); ok {
		return e.attempts
	}
	if b, ok := body.(*attemptsBody); ok {
		return b.attempts
	}
	return 0
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
