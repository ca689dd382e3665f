package ratelimit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// stub is a Limiter answering res, err and counting its calls.
type stub struct {
	res   ratelimit.Result
	err   error
	calls atomic.Int64
}

func (s *stub) Allow(context.Context, string, ratelimit.Limit, int) (ratelimit.Result, error) {
	s.calls.Add(1)
	return s.res, s.err
}

// logLines is a concurrency-safe log sink.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logLines) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.FieldsFunc(l.buf.String(), func(r rune) bool { return r == '\n' })
}

var (
	fromPrimary   = ratelimit.Result{Allowed: true, Limit: 1, Remaining: 1}
	fromSecondary = ratelimit.Result{Allowed: true, Limit: 2, Remaining: 2}
	errRedisDown  = fmt.Errorf("rate limit \"k\": %w: %w", ratelimit.ErrUnavailable, errors.New("dial tcp: connection refused"))
)

func TestFallback(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		mode          ratelimit.FailMode
		primaryErr    error
		want          ratelimit.Result
		wantErr       error
		wantSecondary int64
		wantFailures  uint64
	}{
		{name: "primary answers", want: fromPrimary},
		{name: "primary down, fail open", primaryErr: errRedisDown, want: fromSecondary, wantSecondary: 1, wantFailures: 1},
		{name: "primary down, fail closed", mode: ratelimit.FailClosed, primaryErr: errRedisDown, wantErr: ratelimit.ErrUnavailable, wantFailures: 1},
		{name: "cost above burst is not an outage", primaryErr: fmt.Errorf("x: %w", ratelimit.ErrCostExceedsBurst), wantErr: ratelimit.ErrCostExceedsBurst},
		{name: "invalid limit is not an outage", primaryErr: fmt.Errorf("x: %w", ratelimit.ErrInvalidLimit), wantErr: ratelimit.ErrInvalidLimit},
		{name: "caller gone is not an outage", primaryErr: fmt.Errorf("x: %w", context.Canceled), wantErr: context.Canceled},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			primary := &stub{res: fromPrimary, err: tc.primaryErr}
			secondary := &stub{res: fromSecondary}
			var hooked []ratelimit.FailMode
			fb := ratelimit.NewFallback(primary, secondary, ratelimit.FallbackConfig{
				Mode:          tc.mode,
				OnUnavailable: func(m ratelimit.FailMode) { hooked = append(hooked, m) },
			})
			if tc.primaryErr != nil {
				primary.res = ratelimit.Result{}
			}
			got, err := fb.Allow(t.Context(), "k", ratelimit.PerMinute(1), 1)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Allow error = %v, want %v", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Allow = %+v, want %+v", got, tc.want)
			}
			if n := secondary.calls.Load(); n != tc.wantSecondary {
				t.Errorf("secondary asked %d times, want %d", n, tc.wantSecondary)
			}
			if n := fb.PrimaryFailures(); n != tc.wantFailures {
				t.Errorf("PrimaryFailures() = %d, want %d", n, tc.wantFailures)
			}
			if uint64(len(hooked)) != tc.wantFailures || (len(hooked) == 1 && hooked[0] != tc.mode) {
				t.Errorf("OnUnavailable calls = %v, want %d with mode %v", hooked, tc.wantFailures, tc.mode)
			}
		})
	}
}

func TestFallbackRecovers(t *testing.T) {
	t.Parallel()
	primary := &stub{err: errRedisDown}
	fb := ratelimit.NewFallback(primary, &stub{res: fromSecondary}, ratelimit.FallbackConfig{})
	steps := []struct {
		name string
		err  error
		want ratelimit.Result
	}{
		{"down", errRedisDown, fromSecondary},
		{"back", nil, fromPrimary},
		{"down again", errRedisDown, fromSecondary},
	}
	for _, s := range steps {
		primary.err = s.err
		primary.res = fromPrimary
		got, err := fb.Allow(t.Context(), "k", ratelimit.PerMinute(1), 1)
		if err != nil || got != s.want {
			t.Errorf("%s: Allow = %+v, %v; want %+v", s.name, got, err, s.want)
		}
	}
	if n := fb.PrimaryFailures(); n != 2 {
		t.Errorf("PrimaryFailures() = %d, want 2", n)
	}
}

// TestFallbackLogThrottle has many goroutines fail at one instant: one log
// line; after the interval, the next failure logs again with the count of
// those not logged.
func TestFallbackLogThrottle(t *testing.T) {
	t.Parallel()
	clock := ratelimittest.NewClock()
	var sink logLines
	fb := ratelimit.NewFallback(&stub{err: errRedisDown}, &stub{res: fromSecondary}, ratelimit.FallbackConfig{
		Logger:      slog.New(slog.NewTextHandler(&sink, nil)),
		LogInterval: time.Minute,
		Now:         clock.Now,
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 5 {
				if _, err := fb.Allow(t.Context(), "k", ratelimit.PerMinute(1), 1); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if lines := sink.lines(); len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "fail_mode=open") || !strings.Contains(lines[0], "suppressed=0") {
		t.Fatalf("log after 100 failures within the interval = %q, want one WARN line", lines)
	}

	clock.Advance(time.Minute - time.Nanosecond)
	_, _ = fb.Allow(t.Context(), "k", ratelimit.PerMinute(1), 1)
	if n := len(sink.lines()); n != 1 {
		t.Fatalf("%d log lines before the interval ended, want 1", n)
	}
	clock.Advance(time.Nanosecond)
	_, _ = fb.WithMode(ratelimit.FailClosed).Allow(t.Context(), "k", ratelimit.PerMinute(1), 1)
	lines := sink.lines()
	if len(lines) != 2 || !strings.Contains(lines[1], "level=ERROR") || !strings.Contains(lines[1], "fail_mode=closed") ||
		!strings.Contains(lines[1], "suppressed=100") || !strings.Contains(lines[1], "connection refused") {
		t.Errorf("log after the interval = %q, want a second ERROR line counting 100 suppressed", lines)
	}
	if n := fb.PrimaryFailures(); n != 102 {
		t.Errorf("PrimaryFailures() = %d, want 102", n)
	}
}

// TestFallbackRedisDown runs the real stack against a Redis that is down or
// hung: fail open answers from memory with its budget, fail closed refuses,
// the shared counter and hook move, and no call outlives the caller's
// context.
func TestFallbackRedisDown(t *testing.T) {
	t.Parallel()
	for _, addr := range []struct{ name, addr string }{
		{"refused", ratelimittest.ClosedAddr(t)},
		{"hung", ratelimittest.SilentAddr(t)},
	} {
		t.Run(addr.name, func(t *testing.T) {
			t.Parallel()
			clock := ratelimittest.NewClock()
			var sink logLines
			var opened, closed atomic.Int64
			open := ratelimit.NewFallback(
				ratelimit.NewRedis(ratelimittest.NewClient(t, addr.addr), ratelimit.WithTimeout(20*time.Millisecond)),
				ratelimit.NewMemory(ratelimit.WithClock(clock.Now)),
				ratelimit.FallbackConfig{
					Logger: slog.New(slog.NewTextHandler(&sink, nil)),
					Now:    clock.Now,
					OnUnavailable: func(m ratelimit.FailMode) {
						if m == ratelimit.FailClosed {
							closed.Add(1)
						} else {
							opened.Add(1)
						}
					},
				})
			closedFB := open.WithMode(ratelimit.FailClosed)
			limit := ratelimit.Limit{Rate: 3, Period: 3 * time.Second, Burst: 3}
			ctx := ctxWithin(t, 30*time.Second)

			want := []ratelimit.Result{
				allowed(3, 2, time.Second), allowed(3, 1, 2*time.Second), allowed(3, 0, 3*time.Second),
				refused(3, 3*time.Second, time.Second),
			}
			for i, w := range want {
				got, err := open.Allow(ctx, "k", limit, 1)
				if err != nil || got != w {
					t.Errorf("fail open call %d = %+v, %v; want %+v from memory", i, got, err, w)
				}
			}
			if _, err := closedFB.Allow(ctx, "k", limit, 1); !errors.Is(err, ratelimit.ErrUnavailable) {
				t.Errorf("fail closed error = %v, want ErrUnavailable", err)
			}
			if ctx.Err() != nil {
				t.Fatalf("calls outlived the caller's context: %v", ctx.Err())
			}
			if opened.Load() != 4 || closed.Load() != 1 || open.PrimaryFailures() != 5 || closedFB.PrimaryFailures() != 5 {
				t.Errorf("hook open %d closed %d, PrimaryFailures %d; want 4, 1, 5", opened.Load(), closed.Load(), open.PrimaryFailures())
			}
			if n := len(sink.lines()); n != 1 {
				t.Errorf("%d log lines for 5 failures within the interval, want 1: %q", n, sink.lines())
			}
		})
	}
}

func TestFailModeText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text    string
		want    ratelimit.FailMode
		wantErr bool
	}{
		{"open", ratelimit.FailOpen, false},
		{"closed", ratelimit.FailClosed, false},
		{"Closed", 0, true},
		{"", 0, true},
	}
	for _, tc := range cases {
		var m ratelimit.FailMode
		err := m.UnmarshalText([]byte(tc.text))
		if (err != nil) != tc.wantErr || m != tc.want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v, error %v", tc.text, m, err, tc.want, tc.wantErr)
			continue
		}
		if !tc.wantErr {
			if b, _ := m.MarshalText(); string(b) != tc.text {
				t.Errorf("MarshalText(%v) = %q, want %q", m, b, tc.text)
			}
		}
	}
}
