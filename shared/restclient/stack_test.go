package restclient_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

// stackConfig configures the whole decorator stack of one upstream.
type stackConfig struct {
	client  restclient.Config
	retry   restclient.RetryConfig
	breaker restclient.BreakerConfig
}

// stack is a client of "catalog" over the full stack, as shared/upstream
// composes it: Retry → Breaker → Attempt → http.Transport.
type stack struct {
	client  *restclient.Client
	breaker *restclient.Breaker
	sleeps  *sleeper
}

func newStack(t *testing.T, bases []string, tweak func(*stackConfig)) stack {
	t.Helper()
	var sl sleeper
	cfg := stackConfig{retry: restclient.RetryConfig{Rand: half, Sleep: sl.Sleep}}
	if tweak != nil {
		tweak(&cfg)
	}
	targets, err := restclient.NewTargets("catalog", bases, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.retry.Targets = targets
	hc := restclient.NewHTTPClient(cfg.client)
	t.Cleanup(hc.CloseIdleConnections)
	breaker := restclient.NewBreaker("catalog", hc.Transport, cfg.breaker)
	hc.Transport = restclient.NewRetry(breaker, cfg.retry)
	c, err := restclient.New("catalog", targets.Primary(), hc, cfg.client)
	if err != nil {
		t.Fatal(err)
	}
	return stack{client: c, breaker: breaker, sleeps: &sl}
}

// TestStackFaults drives every fault through the composed stack and counts
// the attempts the upstream saw.
func TestStackFaults(t *testing.T) {
	const product = `{"id":"prd_0001","name":"Lamp"}`
	fast := func(c *stackConfig) { c.client.Timeout = 20 * time.Millisecond }
	tests := []struct {
		name   string
		method string
		faults func(t *testing.T) []fault // nil: nothing listens (connection refused)
		tweak  func(*stackConfig)
		// ctx returns the call's context; nil: the test's.
		ctx func(t *testing.T) context.Context
		// wantKind is 0 for success.
		wantKind     restclient.Kind
		wantStatus   int
		wantHits     int32 // requests the upstream received
		wantAttempts int   // Error.Attempts
		wantWaits    []time.Duration
	}{
		{name: "service down, GET: retried", method: "GET",
			wantKind: restclient.KindUnavailable, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "service down, POST: once", method: "POST",
			wantKind: restclient.KindUnavailable, wantAttempts: 1},
		{name: "slow beyond the timeout, GET: not retried on the same target", method: "GET", tweak: fast,
			faults:   func(*testing.T) []fault { return []fault{stall} },
			wantKind: restclient.KindTimeout, wantHits: 1, wantAttempts: 1},
		{name: "slow beyond the timeout, GET with RetryTimeouts: retried", method: "GET",
			tweak:    func(c *stackConfig) { fast(c); c.retry.RetryTimeouts = true },
			faults:   func(*testing.T) []fault { return []fault{stall} },
			wantKind: restclient.KindTimeout, wantHits: 3, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "slow beyond the timeout, PATCH: once", method: "PATCH", tweak: fast,
			faults:   func(*testing.T) []fault { return []fault{stall} },
			wantKind: restclient.KindTimeout, wantHits: 1, wantAttempts: 1},
		{name: "500s, GET: retried", method: "GET",
			faults:   func(*testing.T) []fault { return []fault{status(500, `{"error":{"code":"internal"}}`)} },
			wantKind: restclient.KindUnavailable, wantStatus: 500, wantHits: 3, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "500s, POST: once", method: "POST",
			faults:   func(*testing.T) []fault { return []fault{status(500, `{"error":{"code":"internal"}}`)} },
			wantKind: restclient.KindUnavailable, wantStatus: 500, wantHits: 1, wantAttempts: 1},
		{name: "503 then success", method: "GET",
			faults:   func(*testing.T) []fault { return []fault{status(503, `{}`), ok(product)} },
			wantHits: 2, wantWaits: ms(25)},
		{name: "429 with Retry-After: 1 waits, then succeeds", method: "GET",
			faults:   func(*testing.T) []fault { return []fault{status(429, ``, "Retry-After", "1"), ok(product)} },
			wantHits: 2, wantWaits: ms(1000)},
		{name: "Retry-After beyond the deadline: no wait, fail", method: "GET",
			faults: func(*testing.T) []fault { return []fault{status(503, ``, "Retry-After", "1"), ok(product)} },
			ctx: func(t *testing.T) context.Context {
				ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
				t.Cleanup(cancel)
				return ctx
			},
			wantKind: restclient.KindUnavailable, wantStatus: 503, wantHits: 1, wantAttempts: 1},
		{name: "malformed JSON: not retried", method: "GET",
			faults:   func(*testing.T) []fault { return []fault{ok(`{"id":"prd_0001",`), ok(product)} },
			wantKind: restclient.KindBadResponse, wantStatus: 200, wantHits: 1, wantAttempts: 1},
		{name: "truncated body, GET: retried", method: "GET",
			faults:   func(t *testing.T) []fault { return []fault{truncated(t)} },
			wantKind: restclient.KindUnavailable, wantHits: 3, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "truncated body, then success", method: "GET",
			faults:   func(t *testing.T) []fault { return []fault{truncated(t), ok(product)} },
			wantHits: 2, wantWaits: ms(25)},
		{name: "truncated body, POST: once", method: "POST",
			faults:   func(t *testing.T) []fault { return []fault{truncated(t)} },
			wantKind: restclient.KindUnavailable, wantHits: 1, wantAttempts: 1},
		{name: "oversized body: not retried", method: "GET",
			tweak:    func(c *stackConfig) { c.client.MaxResponseBytes = 16 },
			faults:   func(*testing.T) []fault { return []fault{ok(product)} },
			wantKind: restclient.KindBadResponse, wantStatus: 200, wantHits: 1, wantAttempts: 1},
		{name: "oversized once decompressed: not retried", method: "GET",
			tweak:    func(c *stackConfig) { c.client.MaxResponseBytes = 1024 },
			faults:   func(*testing.T) []fault { return []fault{gzipped(strings.Repeat(" ", 1<<20) + product)} },
			wantKind: restclient.KindBadResponse, wantStatus: 200, wantHits: 1, wantAttempts: 1},
		{name: "connection reset, GET: retried", method: "GET",
			faults:   func(t *testing.T) []fault { return []fault{reset(t)} },
			wantKind: restclient.KindUnavailable, wantHits: 3, wantAttempts: 3, wantWaits: ms(25, 50)},
		{name: "connection reset, then success", method: "GET",
			faults:   func(t *testing.T) []fault { return []fault{reset(t), ok(product)} },
			wantHits: 2, wantWaits: ms(25)},
		{name: "connection reset, DELETE: once", method: "DELETE",
			faults:   func(t *testing.T) []fault { return []fault{reset(t)} },
			wantKind: restclient.KindUnavailable, wantHits: 1, wantAttempts: 1},
		{name: "hang after headers: timeout, not retried on the same target", method: "GET", tweak: fast,
			faults:   func(*testing.T) []fault { return []fault{hangAfterHeaders} },
			wantKind: restclient.KindTimeout, wantHits: 1, wantAttempts: 1},
		{name: "retry budget exhausted: no retry", method: "GET",
			tweak: func(c *stackConfig) {
				c.retry.Budget = restclient.NewRetryBudget(restclient.RetryBudgetConfig{Ratio: 0.2})
			},
			faults:   func(*testing.T) []fault { return []fault{status(503, ``), ok(product)} },
			wantKind: restclient.KindUnavailable, wantStatus: 503, wantHits: 1, wantAttempts: 1},
		{name: "breaker opens during the retries", method: "GET",
			tweak:    func(c *stackConfig) { c.breaker.Failures = 2 },
			faults:   func(*testing.T) []fault { return []fault{status(503, ``)} },
			wantKind: restclient.KindCircuitOpen, wantHits: 2, wantAttempts: 3, wantWaits: ms(25, 50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := downURL(t)
			var u *upstream
			if tt.faults != nil {
				u = newUpstream(t, tt.faults(t)...)
				base = u.URL
			}
			s := newStack(t, []string{base}, tt.tweak)
			ctx := t.Context()
			if tt.ctx != nil {
				ctx = tt.ctx(t)
			}
			var body any
			if tt.method == http.MethodPost || tt.method == http.MethodPatch {
				body = map[string]string{"name": "Lamp"}
			}
			var out thing
			err := s.client.Do(ctx, tt.method, "/products/prd_0001", nil, body, &out)

			if u != nil {
				if got := u.hits.Load(); got != tt.wantHits {
					t.Errorf("upstream hits = %d, want %d", got, tt.wantHits)
				}
			}
			if got := s.sleeps.got(); !slices.Equal(got, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", got, tt.wantWaits)
			}
			if tt.wantKind == 0 {
				if err != nil {
					t.Fatalf("Do: %v", err)
				}
				if out.ID != "prd_0001" {
					t.Errorf("out = %+v", out)
				}
				return
			}
			e := asError(t, err)
			if e.Kind != tt.wantKind || e.Status != tt.wantStatus || e.Attempts != tt.wantAttempts {
				t.Errorf("Kind, Status, Attempts = %v, %d, %d; want %v, %d, %d (err %v)",
					e.Kind, e.Status, e.Attempts, tt.wantKind, tt.wantStatus, tt.wantAttempts, e)
			}
			if e.Service != "catalog" {
				t.Errorf("Service = %q", e.Service)
			}
		})
	}
}

// TestStackDeadline: with 50ms left and an upstream that would take a
// second, the call ends with the caller's deadline, once, and does not wait
// for the upstream.
func TestStackDeadline(t *testing.T) {
	u := newUpstream(t, stall)
	s := newStack(t, []string{u.URL}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()

	err := s.client.Get(ctx, "/products/prd_0001", nil, &thing{})

	e := asError(t, err)
	if e.Kind != restclient.KindTimeout || e.Attempts != 1 {
		t.Errorf("Kind, Attempts = %v, %d; want timeout, 1 (err %v)", e.Kind, e.Attempts, e)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Errorf("the call returned before its deadline: ctx.Err() = %v", ctx.Err())
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want it to wrap the caller's deadline", err)
	}
	if got := s.sleeps.got(); len(got) != 0 {
		t.Errorf("waited %v for a retry past the deadline", got)
	}
	if got := s.breaker.State(); got != restclient.BreakerClosed {
		t.Errorf("breaker %s: a caller's deadline must not count against the upstream", got)
	}
	if got := u.hits.Load(); got != 1 {
		t.Errorf("upstream hits = %d, want 1", got)
	}
}

// TestStackBreaker: an upstream that keeps failing opens the breaker; the
// next call fails fast as KindCircuitOpen without a network call.
func TestStackBreaker(t *testing.T) {
	u := newUpstream(t, status(503, ``))
	s := newStack(t, []string{u.URL}, func(c *stackConfig) { c.breaker.Failures = 3 })

	e := asError(t, s.client.Get(t.Context(), "/products", nil, &thing{}))
	if e.Kind != restclient.KindUnavailable || e.Attempts != 3 || s.breaker.State() != restclient.BreakerOpen {
		t.Fatalf("first call: %v, %d attempts, breaker %s; want unavailable, 3, open", e.Kind, e.Attempts, s.breaker.State())
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		e := asError(t, s.client.Do(t.Context(), method, "/products", nil, nil, nil))
		if e.Kind != restclient.KindCircuitOpen || e.Status != 0 || !errors.Is(e, restclient.ErrCircuitOpen) {
			t.Errorf("%s while open: %v, status %d; want circuit open", method, e.Kind, e.Status)
		}
		if !e.Kind.Transient() {
			t.Errorf("circuit open must be transient")
		}
	}
	if got := u.hits.Load(); got != 3 {
		t.Errorf("upstream hits = %d, want 3: an open breaker sends nothing", got)
	}
}

// TestStackBackup: with the primary down, a GET is served by the backup and
// a POST fails on the primary without trying the backup.
func TestStackBackup(t *testing.T) {
	backup := newUpstream(t, ok(`{"id":"prd_0001","name":"Lamp"}`))
	s := newStack(t, []string{downURL(t), backup.URL}, nil)

	var out thing
	if err := s.client.Get(t.Context(), "/products/prd_0001", nil, &out); err != nil {
		t.Fatalf("GET: %v", err)
	}
	if out.ID != "prd_0001" || backup.hits.Load() != 1 {
		t.Errorf("GET = %+v with %d backup hits; want the product from one backup call", out, backup.hits.Load())
	}
	// The primary is in its cool-down: the next GET goes to the backup at once.
	if err := s.client.Get(t.Context(), "/products/prd_0001", nil, &out); err != nil {
		t.Fatalf("second GET: %v", err)
	}
	if got := s.sleeps.got(); len(got) != 1 {
		t.Errorf("waits = %v, want one (the first GET's retry)", got)
	}

	e := asError(t, s.client.Do(t.Context(), http.MethodPost, "/products", nil, map[string]string{"name": "Desk"}, nil))
	if e.Kind != restclient.KindUnavailable || e.Attempts != 1 {
		t.Errorf("POST: %v after %d attempts; want unavailable after 1", e.Kind, e.Attempts)
	}
	if got := backup.hits.Load(); got != 2 {
		t.Errorf("backup hits = %d, want 2 (the GETs only)", got)
	}
}

// TestStackBudgetDeadline: a Config.Deadline earlier than the caller's
// (a latency budget) ends the call by it, once, as a timeout that neither
// the retries nor the breaker count against the upstream.
func TestStackBudgetDeadline(t *testing.T) {
	u := newUpstream(t, stall)
	var asked int
	s := newStack(t, []string{u.URL}, func(c *stackConfig) {
		c.client.Timeout = time.Minute
		c.retry.RetryTimeouts = true
		c.client.Deadline = func(context.Context) (time.Time, bool) {
			asked++
			return time.Now().Add(50 * time.Millisecond), true
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	err := s.client.Get(ctx, "/products/prd_0001", nil, &thing{})

	e := asError(t, err)
	if e.Kind != restclient.KindTimeout || e.Attempts != 1 || asked != 1 {
		t.Errorf("Kind, Attempts, Deadline asked = %v, %d, %d; want timeout, 1, 1 (err %v)", e.Kind, e.Attempts, asked, e)
	}
	if ctx.Err() != nil {
		t.Errorf("the call waited for the caller's deadline: %v", ctx.Err())
	}
	if got := s.breaker.State(); got != restclient.BreakerClosed {
		t.Errorf("breaker %v after a call cut by its budget, want closed", got)
	}
}
