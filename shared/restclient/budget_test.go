package restclient_test

import (
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

// fakeClock is a settable clock.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time          { return c.now }
func (c *fakeClock) Advance(d time.Duration) { c.now = c.now.Add(d) }

func TestRetryBudget(t *testing.T) {
	// op is one step of a scenario: requests made, then the clock advanced,
	// then retries tried; wantAllowed is how many of those were allowed.
	type op struct {
		requests    int
		advance     time.Duration
		retries     int
		wantAllowed int
	}
	tests := []struct {
		name string
		cfg  restclient.RetryBudgetConfig
		ops  []op
	}{
		{
			name: "a fifth of the requests",
			cfg:  restclient.RetryBudgetConfig{Ratio: 0.2},
			ops:  []op{{requests: 10, retries: 5, wantAllowed: 2}, {requests: 5, retries: 5, wantAllowed: 1}},
		},
		{
			name: "no requests, no ratio retries",
			cfg:  restclient.RetryBudgetConfig{Ratio: 0.2},
			ops:  []op{{retries: 3, wantAllowed: 0}},
		},
		{
			name: "the minimum per second holds without requests",
			cfg:  restclient.RetryBudgetConfig{Ratio: 0.2, MinPerSecond: 1, Window: 10 * time.Second},
			ops:  []op{{retries: 12, wantAllowed: 10}},
		},
		{
			name: "minimum plus ratio",
			cfg:  restclient.RetryBudgetConfig{Ratio: 0.5, MinPerSecond: 0.2, Window: 10 * time.Second},
			ops:  []op{{requests: 4, retries: 10, wantAllowed: 4}},
		},
		{
			name: "requests leave the window",
			cfg:  restclient.RetryBudgetConfig{Ratio: 0.2, Window: 10 * time.Second},
			ops: []op{
				{requests: 10, retries: 1, wantAllowed: 1},
				// 9s on, the requests still count: one retry left.
				{advance: 9 * time.Second, retries: 2, wantAllowed: 1},
				// 11s on, they and the first retry have left the window.
				{advance: 2 * time.Second, retries: 1, wantAllowed: 0},
				// New requests allow two, less the one spent at 9s.
				{requests: 10, retries: 2, wantAllowed: 1},
			},
		},
		{
			name: "retries leave the window too",
			cfg:  restclient.RetryBudgetConfig{MinPerSecond: 0.1, Window: 10 * time.Second},
			ops: []op{
				{retries: 2, wantAllowed: 1},
				{advance: 5 * time.Second, retries: 1, wantAllowed: 0},
				{advance: 6 * time.Second, retries: 2, wantAllowed: 1},
			},
		},
		{
			name: "negative settings allow nothing",
			cfg:  restclient.RetryBudgetConfig{Ratio: -1, MinPerSecond: -1},
			ops:  []op{{requests: 100, retries: 1, wantAllowed: 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
			cfg := tt.cfg
			cfg.Now = clk.Now
			b := restclient.NewRetryBudget(cfg)
			for i, o := range tt.ops {
				for range o.requests {
					b.Request()
				}
				clk.Advance(o.advance)
				allowed := 0
				for range o.retries {
					if b.TryRetry() {
						allowed++
					}
				}
				if allowed != o.wantAllowed {
					t.Errorf("step %d: %d of %d retries allowed, want %d", i+1, allowed, o.retries, o.wantAllowed)
				}
			}
		})
	}
}
