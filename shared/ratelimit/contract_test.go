package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

func TestMain(m *testing.M) {
	redis.SetLogger(quietRedis{}) // go-redis logs every failed dial, and these tests fail many
	m.Run()
}

type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// env is one limiter under test with the means to move its clock.
type env struct {
	lim     ratelimit.Limiter
	advance func(time.Duration)
	// exact is false when the clock runs on its own (a real Redis): time
	// then passes between calls, so durations may be a little shorter and
	// budgets a little fuller than at one frozen instant.
	exact bool
}

// backends are the Limiter implementations the contract holds for.
var backends = []struct {
	name string
	new  func(t *testing.T) env
}{
	{"memory", func(t *testing.T) env {
		clock := ratelimittest.NewClock()
		return env{lim: ratelimit.NewMemory(ratelimit.WithClock(clock.Now)), advance: clock.Advance, exact: true}
	}},
	{"redis", func(t *testing.T) env {
		r := ratelimittest.NewRedis(t)
		lim := ratelimit.NewRedis(r.Client(t), ratelimit.WithKeyPrefix(ratelimittest.KeyPrefix(t)), ratelimit.WithTimeout(5*time.Second))
		return env{lim: lim, advance: func(d time.Duration) { r.Advance(t, d) }, exact: !r.Real()}
	}},
}

type step struct {
	advance time.Duration // before the call
	key     string        // default "k"
	cost    int
	want    ratelimit.Result
	wantErr error
}

// allowed and refused build expected Results.
func allowed(limit, remaining int, resetAfter time.Duration) ratelimit.Result {
	return ratelimit.Result{Allowed: true, Limit: limit, Remaining: remaining, ResetAfter: resetAfter}
}

func refused(limit int, resetAfter, retryAfter time.Duration) ratelimit.Result {
	return ratelimit.Result{Limit: limit, ResetAfter: resetAfter, RetryAfter: retryAfter}
}

// TestContract runs the same calls against every Limiter implementation and
// expects the same Results. Emission intervals are binary fractions of a
// second so that the Redis script's float arithmetic is exact.
func TestContract(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		limit ratelimit.Limit
		// slack is how much real time may pass during the case on a real
		// Redis without changing a budget (below the emission interval).
		slack time.Duration
		steps []step
	}{
		{
			name:  "burst then refused",
			limit: ratelimit.Limit{Rate: 5, Period: 10 * time.Second, Burst: 5}, // a point every 2s
			slack: time.Second,
			steps: []step{
				{cost: 1, want: allowed(5, 4, 2*time.Second)},
				{cost: 1, want: allowed(5, 3, 4*time.Second)},
				{cost: 1, want: allowed(5, 2, 6*time.Second)},
				{cost: 1, want: allowed(5, 1, 8*time.Second)},
				{cost: 1, want: allowed(5, 0, 10*time.Second)},
				{cost: 1, want: refused(5, 10*time.Second, 2*time.Second)},
				{cost: 1, want: refused(5, 10*time.Second, 2*time.Second)},
			},
		},
		{
			name:  "cost spends points",
			limit: ratelimit.Limit{Rate: 10, Period: 20 * time.Second, Burst: 10},
			slack: time.Second,
			steps: []step{
				{cost: 5, want: allowed(10, 5, 10*time.Second)},
				{cost: 0, want: allowed(10, 5, 10*time.Second)}, // a peek spends nothing
				{cost: 5, want: allowed(10, 0, 20*time.Second)},
				{cost: 1, want: refused(10, 20*time.Second, 2*time.Second)},
				{cost: 0, want: allowed(10, 0, 20*time.Second)},
			},
		},
		{
			name:  "refused call spends nothing",
			limit: ratelimit.Limit{Rate: 10, Period: 20 * time.Second, Burst: 4},
			slack: time.Second,
			steps: []step{
				{cost: 3, want: allowed(10, 1, 6*time.Second)},
				{cost: 3, want: refused(10, 6*time.Second, 4*time.Second)},
				{cost: 1, want: allowed(10, 0, 8*time.Second)},
			},
		},
		{
			name:  "cost above burst is refused",
			limit: ratelimit.Limit{Rate: 10, Period: 20 * time.Second, Burst: 10},
			slack: time.Second,
			steps: []step{
				{cost: 11, wantErr: ratelimit.ErrCostExceedsBurst},
				{cost: 10, want: allowed(10, 0, 20*time.Second)},
				{cost: 11, wantErr: ratelimit.ErrCostExceedsBurst},
			},
		},
		{
			name:  "keys are independent",
			limit: ratelimit.Limit{Rate: 1, Period: 2 * time.Second, Burst: 1},
			slack: time.Second,
			steps: []step{
				{key: "a", cost: 1, want: allowed(1, 0, 2*time.Second)},
				{key: "a", cost: 1, want: refused(1, 2*time.Second, 2*time.Second)},
				{key: "b", cost: 1, want: allowed(1, 0, 2*time.Second)},
			},
		},
		{
			name:  "burst above rate",
			limit: ratelimit.Limit{Rate: 2, Period: 4 * time.Second, Burst: 3},
			slack: time.Second,
			steps: []step{
				{cost: 3, want: allowed(2, 0, 6*time.Second)},
				{cost: 1, want: refused(2, 6*time.Second, 2*time.Second)},
			},
		},
		{
			// On a real Redis, advancing waits 62.5ms: the one real wait.
			name:  "refill after time passes",
			limit: ratelimit.Limit{Rate: 16, Period: time.Second, Burst: 1}, // a point every 62.5ms
			slack: 50 * time.Millisecond,
			steps: []step{
				{cost: 1, want: allowed(16, 0, 62500*time.Microsecond)},
				{cost: 1, want: refused(16, 62500*time.Microsecond, 62500*time.Microsecond)},
				{advance: 62500 * time.Microsecond, cost: 1, want: allowed(16, 0, 62500*time.Microsecond)},
			},
		},
		{
			name:  "invalid limits",
			limit: ratelimit.Limit{Rate: 10, Period: time.Minute, Burst: 10},
			steps: []step{
				{cost: -1, wantErr: ratelimit.ErrInvalidLimit},
			},
		},
	}
	for _, b := range backends {
		for _, tc := range cases {
			t.Run(b.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				e := b.new(t)
				for i, s := range tc.steps {
					if s.advance > 0 {
						e.advance(s.advance)
					}
					key := s.key
					if key == "" {
						key = "k"
					}
					got, err := e.lim.Allow(t.Context(), key, tc.limit, s.cost)
					if s.wantErr != nil {
						if !errors.Is(err, s.wantErr) {
							t.Fatalf("step %d: Allow(cost %d) error = %v, want %v", i, s.cost, err, s.wantErr)
						}
						continue
					}
					if err != nil {
						t.Fatalf("step %d: Allow(cost %d): %v", i, s.cost, err)
					}
					if !matches(got, s.want, e.exact, tc.slack) {
						t.Errorf("step %d: Allow(cost %d) = %+v, want %+v (exact %v)", i, s.cost, got, s.want, e.exact)
					}
				}
			})
		}
	}
}

func TestContractInvalidLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		limit ratelimit.Limit
	}{
		{"zero", ratelimit.Limit{}},
		{"zero rate", ratelimit.Limit{Period: time.Second, Burst: 1}},
		{"negative period", ratelimit.Limit{Rate: 1, Period: -time.Second, Burst: 1}},
		{"zero burst", ratelimit.Limit{Rate: 1, Period: time.Second}},
		{"window beyond a century", ratelimit.Limit{Rate: 1, Period: 24 * time.Hour, Burst: 1_000_000}},
	}
	for _, b := range backends {
		e := b.new(t)
		for _, tc := range cases {
			t.Run(b.name+"/"+tc.name, func(t *testing.T) {
				_, err := e.lim.Allow(t.Context(), "k", tc.limit, 0)
				if !errors.Is(err, ratelimit.ErrInvalidLimit) {
					t.Errorf("Allow(%v) error = %v, want ErrInvalidLimit", tc.limit, err)
				}
			})
		}
	}
}

// matches compares got with want: exactly at a frozen instant, else allowing
// for up to slack of real time having passed (durations shorter by at most
// slack, never longer but for float rounding).
func matches(got, want ratelimit.Result, exact bool, slack time.Duration) bool {
	if exact {
		return got == want
	}
	within := func(g, w time.Duration) bool { return g <= w+time.Microsecond && g >= w-slack }
	return got.Allowed == want.Allowed && got.Limit == want.Limit && got.Remaining == want.Remaining &&
		within(got.ResetAfter, want.ResetAfter) && within(got.RetryAfter, want.RetryAfter)
}

// ctxWithin returns a context that ends after d, for asserting that a call
// returned before it (its Err is still nil) without measuring wall time.
func ctxWithin(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), d)
	t.Cleanup(cancel)
	return ctx
}
