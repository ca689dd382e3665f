package restclient_test

import (
	"context"
	"errors"
	"fmt"
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

// call is one call through a breaker in a scenario.
type call struct {
	wait     time.Duration // virtual time passed before the call
	status   int           // what the upstream answers, when err is nil
	err      error         // the upstream's transport error
	canceled bool          // the caller's context is canceled
	// wantFastFail: the breaker refuses the call with ErrCircuitOpen
	// without reaching the upstream.
	wantFastFail bool
	wantState    string // after the call
}

func (c call) String() string {
	if c.err != nil {
		return c.err.Error()
	}
	return fmt.Sprint(c.status)
}

var errReset = errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer")

func TestBreaker(t *testing.T) {
	const (
		closed   = restclient.BreakerClosed
		open     = restclient.BreakerOpen
		halfOpen = restclient.BreakerHalfOpen
	)
	cooldown := 5 * time.Second
	tests := []struct {
		name  string
		cfg   restclient.BreakerConfig
		calls []call
	}{
		{
			name: "failures open it; after the cool-down a probe that succeeds closes it",
			cfg:  restclient.BreakerConfig{Failures: 3, Cooldown: cooldown},
			calls: []call{
				{status: 503, wantState: closed},
				{err: errReset, wantState: closed},
				{err: restclient.ErrAttemptTimeout, wantState: open},
				{status: 200, wantFastFail: true, wantState: open},
				{wait: cooldown, status: 200, wantFastFail: true, wantState: open}, // exactly the cool-down: still open
				{wait: time.Nanosecond, status: 200, wantState: closed},
				{status: 200, wantState: closed},
			},
		},
		{
			name: "a failed probe opens it again for another cool-down",
			cfg:  restclient.BreakerConfig{Failures: 1, Cooldown: cooldown},
			calls: []call{
				{status: 500, wantState: open},
				{wait: cooldown + time.Nanosecond, status: 502, wantState: open},
				{status: 200, wantFastFail: true, wantState: open},
				{wait: cooldown + time.Nanosecond, status: 200, wantState: closed},
			},
		},
		{
			name: "4xx answers are successes",
			cfg:  restclient.BreakerConfig{Failures: 2},
			calls: []call{
				{status: 404, wantState: closed}, {status: 400, wantState: closed}, {status: 403, wantState: closed},
				{status: 409, wantState: closed}, {status: 429, wantState: closed}, {status: 422, wantState: closed},
			},
		},
		{
			name: "a success resets the consecutive failures",
			cfg:  restclient.BreakerConfig{Failures: 3},
			calls: []call{
				{status: 503, wantState: closed}, {status: 503, wantState: closed}, {status: 200, wantState: closed},
				{status: 503, wantState: closed}, {status: 503, wantState: closed}, {status: 503, wantState: open},
			},
		},
		{
			name: "calls the caller ended, or that were not started, are not counted",
			cfg:  restclient.BreakerConfig{Failures: 1},
			calls: []call{
				{err: context.Canceled, canceled: true, wantState: closed},
				{err: restclient.ErrDeadline, wantState: closed},
				{err: &restclient.ResponseTooLargeError{Status: 200, Limit: 1}, wantState: closed},
				{err: errReset, wantState: open},
			},
		},
		{
			name: "the failure ratio opens it once there are enough attempts",
			cfg:  restclient.BreakerConfig{Failures: 100, FailureRatio: 0.5, MinRequests: 4},
			calls: []call{
				{status: 503, wantState: closed}, {status: 200, wantState: closed},
				{status: 503, wantState: closed}, {status: 200, wantState: closed},
				{status: 503, wantState: open},
			},
		},
		{
			name: "failures that left the window do not count for the ratio",
			cfg:  restclient.BreakerConfig{Failures: 100, FailureRatio: 0.5, MinRequests: 4, Window: 2 * time.Second},
			calls: []call{
				{status: 503, wantState: closed}, {status: 503, wantState: closed},
				{wait: 3 * time.Second, status: 200, wantState: closed}, {status: 200, wantState: closed},
				{status: 200, wantState: closed}, {status: 503, wantState: closed},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var (
					mu          sync.Mutex
					transitions []string
				)
				cfg := tt.cfg
				cfg.OnStateChange = func(name, from, to string) {
					mu.Lock()
					defer mu.Unlock()
					if name != "catalog" {
						t.Errorf("OnStateChange name = %q", name)
					}
					transitions = append(transitions, from+">"+to)
				}
				var upstreamCalls int
				var current call
				next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
					upstreamCalls++
					if current.err != nil {
						return nil, current.err
					}
					return &http.Response{StatusCode: current.status, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
				})
				b := restclient.NewBreaker("catalog", next, cfg)
				if b.State() != closed {
					t.Fatalf("new breaker is %s", b.State())
				}
				var wantTransitions []string
				state := closed
				for i, c := range tt.calls {
					time.Sleep(c.wait)
					current = c
					ctx, cancel := context.WithCancel(t.Context())
					if c.canceled {
						cancel()
					}
					req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://catalog.internal/x", nil)
					before := upstreamCalls
					resp, err := b.RoundTrip(req)
					cancel()
					if resp != nil {
						_ = resp.Body.Close()
					}
					if c.wantFastFail {
						if !errors.Is(err, restclient.ErrCircuitOpen) || resp != nil || upstreamCalls != before {
							t.Errorf("call %d (%v): %v, %v, %d upstream calls; want ErrCircuitOpen and none", i+1, c, resp, err, upstreamCalls-before)
						}
					} else if upstreamCalls != before+1 {
						t.Errorf("call %d (%v): %d upstream calls, want 1 (err %v)", i+1, c, upstreamCalls-before, err)
					}
					if got := b.State(); got != c.wantState {
						t.Errorf("after call %d (%v): state %s, want %s", i+1, c, got, c.wantState)
					}
					// A call after the cool-down goes through half-open first.
					if state == open && c.wait > 0 && !c.wantFastFail {
						wantTransitions = append(wantTransitions, open+">"+halfOpen)
						state = halfOpen
					}
					if c.wantState != state {
						wantTransitions = append(wantTransitions, state+">"+c.wantState)
						state = c.wantState
					}
				}
				mu.Lock()
				defer mu.Unlock()
				if !slices.Equal(transitions, wantTransitions) {
					t.Errorf("transitions = %v, want %v", transitions, wantTransitions)
				}
			})
		})
	}
}

// TestBreakerHalfOpenLetsOneProbeThrough: while the probe is in flight,
// other calls fail fast; its success closes the breaker.
func TestBreakerHalfOpenLetsOneProbeThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var calls int
		var mu sync.Mutex
		fail := true
		next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			calls++
			failing := fail
			mu.Unlock()
			if failing {
				return nil, errReset
			}
			<-release
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
		})
		b := restclient.NewBreaker("catalog", next, restclient.BreakerConfig{Failures: 1, Cooldown: time.Second})
		get := func() error {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://catalog.internal/x", nil)
			resp, err := b.RoundTrip(req)
			if resp != nil {
				_ = resp.Body.Close()
			}
			return err
		}
		if err := get(); !errors.Is(err, errReset) || b.State() != restclient.BreakerOpen {
			t.Fatalf("first call: %v, state %s; want the reset and open", err, b.State())
		}
		time.Sleep(time.Second + time.Nanosecond)
		if b.State() != restclient.BreakerHalfOpen {
			t.Fatalf("after the cool-down: %s, want half-open", b.State())
		}
		mu.Lock()
		fail = false
		mu.Unlock()
		probe := make(chan error, 1)
		go func() { probe <- get() }()
		synctest.Wait() // the probe is blocked in the upstream
		if err := get(); !errors.Is(err, restclient.ErrCircuitOpen) {
			t.Errorf("call during the probe: %v, want ErrCircuitOpen", err)
		}
		close(release)
		if err := <-probe; err != nil {
			t.Fatalf("probe: %v", err)
		}
		if b.State() != restclient.BreakerClosed {
			t.Errorf("after the probe: %s, want closed", b.State())
		}
		if calls != 2 {
			t.Errorf("upstream calls = %d, want 2 (the failure and the probe)", calls)
		}
	})
}
