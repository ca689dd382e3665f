// Package ratelimit decides whether a client may spend some points now, with
// GCRA (the generic cell rate algorithm: a token bucket kept as one
// timestamp per key), and says how much budget is left for the RateLimit-*
// and Retry-After headers.
//
// One interface, Limiter, has three implementations:
//
//   - Redis: the budget lives in Redis (github.com/go-redis/redis_rate), so N
//     instances on one Redis share one budget. Every call is bounded by a
//     short timeout.
//   - Memory: the budget lives in this process, bounded in keys; the embedded
//     default when no Redis is configured, and the fallback when it is down.
//   - Fallback: Redis first; when Redis cannot answer, either the in-memory
//     limiter answers (FailOpen, the default) or the call fails with
//     ErrUnavailable (FailClosed), with a throttled log line and a hook for
//     a metric.
//
// Redis and Memory give the same Result for the same calls at the same
// instants (one contract test runs against both).
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Limit is a GCRA limit: Rate points per Period on average, at most Burst at
// once. A key that has been idle for Period*Burst/Rate holds Burst points;
// each point comes back after Period/Rate. E.g. {Rate: 100, Period:
// time.Minute, Burst: 100}: 100 calls at once, then one every 600ms.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// PerMinute returns the limit of n points a minute, all of them at once.
func PerMinute(n int) Limit { return Limit{Rate: n, Period: time.Minute, Burst: n} }

// String formats l as "100/1m0s burst 100".
func (l Limit) String() string { return fmt.Sprintf("%d/%s burst %d", l.Rate, l.Period, l.Burst) }

// emissionInterval is how long one point takes to come back, in
// nanoseconds (fractional: 1m/7 is not a whole number of them).
func (l Limit) emissionInterval() float64 { return float64(l.Period) / float64(l.Rate) }

// maxWindow bounds Period*Burst/Rate so that instants computed from it stay
// far inside time.Duration (~292 years).
const maxWindow = 100 * 365 * 24 * time.Hour

// check reports why l cannot be applied to a call of the given cost, if so.
func (l Limit) check(cost int) error {
	switch {
	case l.Rate <= 0 || l.Period <= 0 || l.Burst <= 0:
		return fmt.Errorf("%w: %s: rate, period and burst must be positive", ErrInvalidLimit, l)
	case l.emissionInterval()*float64(l.Burst) > float64(maxWindow):
		return fmt.Errorf("%w: %s: period*burst/rate exceeds %s", ErrInvalidLimit, l, maxWindow)
	case cost < 0:
		return fmt.Errorf("%w: negative cost %d", ErrInvalidLimit, cost)
	case cost > l.Burst:
		return fmt.Errorf("%w: cost %d, burst %d", ErrCostExceedsBurst, cost, l.Burst)
	}
	return nil
}

// Result is the answer to one Allow call.
type Result struct {
	// Allowed reports whether the cost was spent. A refused call spends nothing.
	Allowed bool
	// Limit is Limit.Rate, for RateLimit-Limit.
	Limit int
	// Remaining is the points that could be spent right now after this
	// call, rounded down; 0 when refused. For RateLimit-Remaining.
	Remaining int
	// ResetAfter is how long until the key holds Burst points again (0 when
	// it does). For RateLimit-Reset (in whole seconds, rounded up).
	ResetAfter time.Duration
	// RetryAfter is, when refused, how long until the same cost would be
	// allowed; 0 when allowed. For Retry-After (whole seconds, rounded up).
	RetryAfter time.Duration
}

// Limiter decides whether key may spend cost points under l now.
//
// Cost is usually 1, or an operation's computed complexity for cost-based
// limits; cost 0 spends nothing and only reports the budget. The bucket of a
// key is shared by every Limit it is used with, so callers put the policy
// into the key (e.g. "user:42:mutation").
//
// Errors: ErrInvalidLimit and ErrCostExceedsBurst for calls that can never
// succeed; ErrUnavailable when the store (Redis) could not answer in time;
// the context's error when ctx ended first.
type Limiter interface {
	Allow(ctx context.Context, key string, l Limit, cost int) (Result, error)
}

var (
	// ErrUnavailable is wrapped by the error of a call the store could not
	// answer (Redis down, slow or replying nonsense). Callers answer 503.
	ErrUnavailable = errors.New("rate limit store unavailable")
	// ErrCostExceedsBurst is wrapped by the error of a call whose cost is
	// above the limit's Burst: it would never be allowed, so no Retry-After
	// can be given. Callers refuse the request (e.g. 429 without
	// Retry-After, or "query too expensive").
	ErrCostExceedsBurst = errors.New("cost exceeds the burst of the limit")
	// ErrInvalidLimit is wrapped by the error of a call with a non-positive
	// rate, period or burst, a window too long to compute, or a negative
	// cost: a configuration mistake.
	ErrInvalidLimit = errors.New("invalid rate limit")
)

// durationOf converts nanoseconds computed in float64 to a Duration,
// clamped to [0, maxWindow] (rounding can leave a tiny negative).
func durationOf(ns float64) time.Duration {
	return time.Duration(math.Max(0, math.Min(ns, float64(maxWindow))))
}
