package ratelimit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// DefaultMaxKeys is the number of keys a Memory limiter holds unless
// WithMaxKeys says otherwise: about 20 MB with short keys.
const DefaultMaxKeys = 100_000

// Memory is a Limiter that keeps the budget of each key in this process, so
// each instance has its own budget. It is the embedded default and the
// fallback when Redis is down.
//
// It runs the same GCRA arithmetic as redis_rate's Lua script, so it answers
// as the Redis limiter does. Keys are held in a least-recently-used map of
// at most MaxKeys entries (hashicorp/golang-lru, already in the module graph
// through gqlgen and kept by HashiCorp for Consul, Nomad and Vault): an
// evicted key starts again with a full bucket, and the least recently used
// keys are the idle ones, whose buckets are the likeliest to be full
// already. github.com/throttled/throttled/v2 (a GCRA library with an LRU
// store) was not used: its MaxBurst allows Burst+1 requests, its limiters are
// built per quota rather than per call, and its results differ from
// redis_rate's, so one contract could not hold for both.
//
// Safe for concurrent use.
type Memory struct {
	now func() time.Time

	mu   sync.Mutex
	tats *simplelru.LRU[string, time.Time] // key → theoretical arrival time
}

var _ Limiter = (*Memory)(nil)

// MemoryOption configures NewMemory.
type MemoryOption func(*memoryOptions)

type memoryOptions struct {
	now     func() time.Time
	maxKeys int
}

// WithClock makes the limiter read the time from now instead of time.Now
// (tests advance a fake clock instead of sleeping).
func WithClock(now func() time.Time) MemoryOption {
	return func(o *memoryOptions) { o.now = now }
}

// WithMaxKeys bounds the keys held; values below 1 keep DefaultMaxKeys.
func WithMaxKeys(n int) MemoryOption {
	return func(o *memoryOptions) { o.maxKeys = n }
}

// NewMemory returns an in-memory limiter.
func NewMemory(opts ...MemoryOption) *Memory {
	o := memoryOptions{now: time.Now, maxKeys: DefaultMaxKeys}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now == nil {
		o.now = time.Now
	}
	if o.maxKeys < 1 {
		o.maxKeys = DefaultMaxKeys
	}
	// NewLRU fails only for a size below 1, excluded above.
	tats, _ := simplelru.NewLRU[string, time.Time](o.maxKeys, nil)
	return &Memory{now: o.now, tats: tats}
}

// Allow implements Limiter. It never returns ErrUnavailable.
func (m *Memory) Allow(_ context.Context, key string, l Limit, cost int) (Result, error) {
	if err := l.check(cost); err != nil {
		return Result{}, fmt.Errorf("rate limit %q: %w", key, err)
	}
	ei := l.emissionInterval()

	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	// All instants are kept relative to now, in float64 nanoseconds, as
	// the Lua script does in seconds: tat is when the bucket would be full.
	var tat float64
	if stored, ok := m.tats.Get(key); ok && stored.After(now) {
		tat = float64(stored.Sub(now))
	}
	newTAT := tat + ei*float64(cost)
	// diff is how far now is past the instant cost would be allowed at.
	diff := ei*float64(l.Burst) - newTAT
	if diff < 0 {
		return refused(l, tat, -diff), nil
	}
	if newTAT > 0 {
		m.tats.Add(key, now.Add(time.Duration(newTAT)))
	}
	return Result{
		Allowed:    true,
		Limit:      l.Rate,
		Remaining:  int(diff / ei),
		ResetAfter: durationOf(newTAT),
	}, nil
}

// refused is the Result of a refused call; resetAfter and retryAfter are in
// nanoseconds. RetryAfter is at least 1ns so that it always says "later".
func refused(l Limit, resetAfter, retryAfter float64) Result {
	return Result{
		Limit:      l.Rate,
		ResetAfter: durationOf(resetAfter),
		RetryAfter: max(durationOf(retryAfter), time.Nanosecond),
	}
}

// Len reports the number of keys held, at most the WithMaxKeys bound.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tats.Len()
}
