package restclient_test

import (
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

// paced is a fake next transport whose nth call answers status after
// delays[n] (the last delay repeats; a negative one never answers), unless
// its request's context ends first. Run it in a synctest bubble.
type paced struct {
	delays []time.Duration
	status int

	mu    sync.Mutex
	calls []pacedCall
}

type pacedCall struct {
	host     string
	at       time.Time
	canceled bool
}

func (p *paced) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	n := len(p.calls)
	p.calls = append(p.calls, pacedCall{host: req.URL.Host, at: time.Now()})
	d := p.delays[min(n, len(p.delays)-1)]
	p.mu.Unlock()

	var after <-chan time.Time
	if d >= 0 {
		after = time.After(d)
	}
	select {
	case <-after:
		status := p.status
		if status == 0 {
			status = http.StatusOK
		}
		return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(req.URL.Host)), Request: req}, nil
	case <-req.Context().Done():
		p.mu.Lock()
		p.calls[n].canceled = true
		p.mu.Unlock()
		return nil, req.Context().Err()
	}
}

func (p *paced) sent() []pacedCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

// hedgeEvents records OnHedge's calls.
type hedgeEvents struct {
	mu     sync.Mutex
	events []string
}

func (h *hedgeEvents) record(won bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if won {
		h.events = append(h.events, "won")
	} else {
		h.events = append(h.events, "sent")
	}
}

func (h *hedgeEvents) get() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.events)
}

// roundTrip sends method to http://primary.internal/products through r and
// returns the answer's body (the host that answered) or the error.
func roundTrip(t *testing.T, r http.RoundTripper, method string) (string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://primary.internal/products", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.RoundTrip(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), nil
}

func TestHedge(t *testing.T) {
	never := time.Duration(-1)
	tests := []struct {
		name   string
		method string
		delays []time.Duration // of the first call, then of the hedge
		budget *restclient.RetryBudget

		wantFrom    string        // host whose answer came back
		wantAfter   time.Duration // from the start
		wantCalls   int
		wantHedgeAt time.Duration // start of the second call
		wantEvents  []string
		wantCancel  []bool // per call: its context was cancelled
	}{
		{
			name: "hedge wins against a slow primary", method: http.MethodGet,
			delays:   []time.Duration{never, 5 * time.Millisecond},
			wantFrom: "backup.internal", wantAfter: 55 * time.Millisecond,
			wantCalls: 2, wantHedgeAt: 50 * time.Millisecond,
			wantEvents: []string{"sent", "won"}, wantCancel: []bool{true, false},
		},
		{
			name: "primary answers first", method: http.MethodGet,
			delays:   []time.Duration{80 * time.Millisecond, never},
			wantFrom: "primary.internal", wantAfter: 80 * time.Millisecond,
			wantCalls: 2, wantHedgeAt: 50 * time.Millisecond,
			wantEvents: []string{"sent"}, wantCancel: []bool{false, true},
		},
		{
			name: "answer within the delay: no hedge", method: http.MethodGet,
			delays:   []time.Duration{20 * time.Millisecond},
			wantFrom: "primary.internal", wantAfter: 20 * time.Millisecond,
			wantCalls: 1, wantCancel: []bool{false},
		},
		{
			name: "no hedge for a mutation", method: http.MethodPost,
			delays:   []time.Duration{300 * time.Millisecond},
			wantFrom: "primary.internal", wantAfter: 300 * time.Millisecond,
			wantCalls: 1, wantCancel: []bool{false},
		},
		{
			name: "no hedge without retry budget", method: http.MethodGet,
			delays:   []time.Duration{300 * time.Millisecond},
			budget:   restclient.NewRetryBudget(restclient.RetryBudgetConfig{Ratio: 0, MinPerSecond: 0}),
			wantFrom: "primary.internal", wantAfter: 300 * time.Millisecond,
			wantCalls: 1, wantCancel: []bool{false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				next := &paced{delays: tt.delays}
				targets, err := restclient.NewTargets("catalog", []string{"http://primary.internal", "http://backup.internal"}, 0, nil)
				if err != nil {
					t.Fatal(err)
				}
				var events hedgeEvents
				r := restclient.NewRetry(next, restclient.RetryConfig{
					Targets: targets,
					Budget:  tt.budget,
					Hedge:   &restclient.HedgeConfig{Delay: 50 * time.Millisecond, OnHedge: events.record},
				})
				start := time.Now()
				from, err := roundTrip(t, r, tt.method)
				if err != nil {
					t.Fatalf("RoundTrip: %v", err)
				}
				if took := time.Since(start); from != tt.wantFrom || took != tt.wantAfter {
					t.Errorf("answer from %s after %v, want %s after %v", from, took, tt.wantFrom, tt.wantAfter)
				}
				synctest.Wait() // the losing attempt has ended
				calls := next.sent()
				if len(calls) != tt.wantCalls {
					t.Fatalf("calls = %+v, want %d", calls, tt.wantCalls)
				}
				if tt.wantCalls == 2 {
					if at := calls[1].at.Sub(start); at != tt.wantHedgeAt || calls[1].host != "backup.internal" {
						t.Errorf("hedge to %s at %v, want backup.internal at %v", calls[1].host, at, tt.wantHedgeAt)
					}
				}
				for i, c := range calls {
					if c.canceled != tt.wantCancel[i] {
						t.Errorf("call %d canceled = %v, want %v", i, c.canceled, tt.wantCancel[i])
					}
				}
				if got := events.get(); !slices.Equal(got, tt.wantEvents) {
					t.Errorf("OnHedge events = %v, want %v", got, tt.wantEvents)
				}
			})
		})
	}
}

// TestHedgeSameTarget: an upstream without backups is hedged on its only
// URL.
func TestHedgeSameTarget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		next := &paced{delays: []time.Duration{-1, time.Millisecond}}
		r := restclient.NewRetry(next, restclient.RetryConfig{Hedge: &restclient.HedgeConfig{Delay: 50 * time.Millisecond}})
		if _, err := roundTrip(t, r, http.MethodGet); err != nil {
			t.Fatalf("RoundTrip: %v", err)
		}
		calls := next.sent()
		if len(calls) != 2 || calls[1].host != "primary.internal" {
			t.Errorf("calls = %+v, want a hedge to primary.internal", calls)
		}
	})
}

// TestHedgeFailedBoth: when the hedge fails too, the request goes on as
// after any failed attempt, and the hedge counted as one: with three
// attempts, one retry is left.
func TestHedgeFailedBoth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		next := &paced{delays: []time.Duration{100 * time.Millisecond}, status: http.StatusServiceUnavailable}
		r := restclient.NewRetry(next, restclient.RetryConfig{
			MaxAttempts: 3, Rand: half,
			Hedge: &restclient.HedgeConfig{Delay: 50 * time.Millisecond},
		})
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://primary.internal/products", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := r.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("RoundTrip = %v, %v; want the last 503", resp, err)
		}
		_ = resp.Body.Close()
		if n := len(next.sent()); n != 3 {
			t.Errorf("calls = %d, want 3 (first, hedge, one retry)", n)
		}
	})
}

// TestHedgeDelayFromLatency: without a fixed delay the hedge waits for the
// upstream's recent p95, and none is sent before the tracker has enough
// answers.
func TestHedgeDelayFromLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lat := restclient.NewLatency(restclient.LatencyConfig{MinSamples: 20})
		delays := make([]time.Duration, 0, 22)
		for range 19 {
			delays = append(delays, 40*time.Millisecond)
		}
		delays = append(delays, 80*time.Millisecond, -1, time.Millisecond)
		next := &paced{delays: delays}
		attempt := restclient.NewAttempt(next, restclient.Config{Latency: lat}) // records the answers
		r := restclient.NewRetry(attempt, restclient.RetryConfig{Hedge: &restclient.HedgeConfig{Latency: lat}})

		for range 20 { // 19 answers in 40ms, one in 80ms: too few to hedge the slow one
			if _, err := roundTrip(t, r, http.MethodGet); err != nil {
				t.Fatal(err)
			}
		}
		if n := len(next.sent()); n != 20 {
			t.Fatalf("calls = %d before the tracker was full, want 20 (no hedge)", n)
		}
		if p95, ok := lat.P95(); !ok || p95 < 39*time.Millisecond || p95 > 41*time.Millisecond {
			t.Fatalf("P95 = %v, %v; want 40ms (19 of 20 answers), true", p95, ok)
		}
		start := time.Now()
		if _, err := roundTrip(t, r, http.MethodGet); err != nil {
			t.Fatal(err)
		}
		calls := next.sent()
		if len(calls) != 22 {
			t.Fatalf("calls = %d, want 22 (a hedged call)", len(calls))
		}
		if at := calls[21].at.Sub(start); at < 39*time.Millisecond || at > 41*time.Millisecond {
			t.Errorf("hedge sent after %v, want after the p95 (40ms)", at)
		}
	})
}

// TestLatencyWindow: answers older than the window are forgotten, and the
// tracker reports nothing below MinSamples.
func TestLatencyWindow(t *testing.T) {
	now := time.Unix(0, 0)
	lat := restclient.NewLatency(restclient.LatencyConfig{Window: 10 * time.Second, MinSamples: 10, Now: func() time.Time { return now }})
	if _, ok := lat.P95(); ok {
		t.Fatal("an empty tracker reported a percentile")
	}
	for range 100 {
		lat.Observe(time.Second)
	}
	if p95, ok := lat.P95(); !ok || p95 < 990*time.Millisecond || p95 > 1010*time.Millisecond {
		t.Fatalf("P95 = %v, %v; want 1s", p95, ok)
	}
	now = now.Add(5 * time.Second)
	for range 100 {
		lat.Observe(10 * time.Millisecond)
	}
	if p95, _ := lat.P95(); p95 < 990*time.Millisecond {
		t.Errorf("P95 = %v with half the window at 1s, want 1s", p95)
	}
	now = now.Add(6 * time.Second) // the 1s answers are 11s old
	if p95, ok := lat.P95(); !ok || p95 > 11*time.Millisecond {
		t.Errorf("P95 = %v, %v after the slow answers left the window, want 10ms", p95, ok)
	}
	now = now.Add(time.Minute)
	if _, ok := lat.P95(); ok {
		t.Error("a tracker whose answers all left the window reported a percentile")
	}
}
