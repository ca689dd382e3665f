package restclient

import (
	"errors"
	"net/http"
	"time"

	"github.com/sony/gobreaker/v2"
)

// ErrCircuitOpen is the error of a call the circuit breaker refused without
// sending it: the upstream failed too often lately. Client.Do reports it as
// KindCircuitOpen.
var ErrCircuitOpen = errors.New("restclient: circuit breaker is open")

// The states a breaker reports (Breaker.State).
const (
	BreakerClosed   = "closed"
	BreakerHalfOpen = "half-open"
	BreakerOpen     = "open"
)

// BreakerConfig configures the circuit breaker of one upstream. Zero fields
// take their defaults.
type BreakerConfig struct {
	// Failures is the consecutive failed attempts that open the breaker. Default 5.
	Failures int
	// FailureRatio opens the breaker too when at least this share of the
	// attempts in the last Window failed, once there were MinRequests of
	// them. Default 0.5; above 1 never trips.
	FailureRatio float64
	// MinRequests is the attempts in Window before FailureRatio applies. Default 20.
	MinRequests int
	// Window is the rolling window (1s buckets) of FailureRatio. Default 10s.
	Window time.Duration
	// Cooldown is how long the breaker stays open before it lets one probe
	// through (half-open): a probe that succeeds closes it, one that fails
	// opens it again. Default 10s.
	Cooldown time.Duration
	// OnStateChange, when set, is called with the upstream's name and the
	// old and new state (BreakerClosed, BreakerHalfOpen, BreakerOpen) under
	// the breaker's lock: it must be quick and must not call the breaker.
	OnStateChange func(name, from, to string)
}

func (c BreakerConfig) withDefaults() BreakerConfig {
	if c.Failures <= 0 {
		c.Failures = 5
	}
	if c.FailureRatio <= 0 {
		c.FailureRatio = 0.5
	}
	if c.MinRequests <= 0 {
		c.MinRequests = 20
	}
	if c.Window <= 0 {
		c.Window = 10 * time.Second
	}
	if c.Cooldown <= 0 {
		c.Cooldown = 10 * time.Second
	}
	return c
}

// Breaker is the circuit breaker decorator of one upstream (sony/gobreaker).
// It counts each attempt that passes through it: a transport error (refused,
// reset, timed out, truncated) or a 5xx answer is a failure; any other
// answer, 4xx included, is a success. Attempts that ended because the
// caller went away or its deadline passed, that were not started for lack
// of time (ErrDeadline), or whose body was too large are not counted: they
// say nothing about the upstream's health. While open, and while its one
// half-open probe is in flight, it fails every attempt with ErrCircuitOpen
// without calling next.
type Breaker struct {
	next http.RoundTripper
	cb   *gobreaker.TwoStepCircuitBreaker[struct{}]
}

var _ http.RoundTripper = (*Breaker)(nil)

// errFailed and errExcluded report an attempt's outcome to gobreaker.
var (
	errFailed   = errors.New("upstream attempt failed")
	errExcluded = errors.New("upstream attempt not counted")
)

// NewBreaker returns next (http.DefaultTransport when nil) behind a circuit
// breaker named for the upstream.
func NewBreaker(name string, next http.RoundTripper, cfg BreakerConfig) *Breaker {
	if next == nil {
		next = http.DefaultTransport
	}
	cfg = cfg.withDefaults()
	st := gobreaker.Settings{
		Name:         name,
		MaxRequests:  1,
		Interval:     cfg.Window,
		BucketPeriod: time.Second,
		Timeout:      cfg.Cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return int64(c.ConsecutiveFailures) >= int64(cfg.Failures) ||
				int64(c.Requests) >= int64(cfg.MinRequests) && float64(c.TotalFailures) >= cfg.FailureRatio*float64(c.Requests)
		},
		IsSuccessful: func(err error) bool { return err == nil },
		IsExcluded:   func(err error) bool { return errors.Is(err, errExcluded) },
	}
	if cfg.Window < time.Second {
		st.BucketPeriod = cfg.Window
	}
	if f := cfg.OnStateChange; f != nil {
		st.OnStateChange = func(name string, from, to gobreaker.State) { f(name, from.String(), to.String()) }
	}
	return &Breaker{next: next, cb: gobreaker.NewTwoStepCircuitBreaker[struct{}](st)}
}

// State returns BreakerClosed, BreakerHalfOpen or BreakerOpen.
func (b *Breaker) State() string { return b.cb.State().String() }

// RoundTrip sends req unless the breaker is open, and counts the outcome.
func (b *Breaker) RoundTrip(req *http.Request) (*http.Response, error) {
	done, err := b.cb.Allow()
	if err != nil {
		closeRequestBody(req)
		return nil, ErrCircuitOpen
	}
	resp, err := b.next.RoundTrip(req)
	switch attemptOutcome(req, resp, err) {
	case outcomeFailed:
		done(errFailed)
	case outcomeIgnored:
		done(errExcluded)
	default:
		done(nil)
	}
	return resp, err
}

type outcome int

const (
	outcomeOK      outcome = iota // the upstream answered, below 500
	outcomeFailed                 // the upstream failed: transport error or 5xx
	outcomeIgnored                // the attempt says nothing about the upstream
)

// attemptOutcome classifies one attempt of req for health accounting.
func attemptOutcome(req *http.Request, resp *http.Response, err error) outcome {
	if err == nil {
		if resp.StatusCode >= 500 {
			return outcomeFailed
		}
		return outcomeOK
	}
	if req.Context().Err() != nil || errors.Is(err, ErrDeadline) || errors.Is(err, ErrCircuitOpen) {
		return outcomeIgnored
	}
	if _, tooLarge := errors.AsType[*ResponseTooLargeError](err); tooLarge {
		return outcomeIgnored
	}
	return outcomeFailed
}
