package cache

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// TolerantConfig configures NewTolerant. Zero durations take the defaults.
type TolerantConfig struct {
	// Logger is told of failures, at most once per LogInterval. Required.
	Logger *slog.Logger
	// LogInterval is the least time between two failure logs. Default 1m.
	LogInterval time.Duration
	// Backoff is how long the store is skipped after a failure. Default 1s.
	Backoff time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// Tolerant is a Store that never fails: a read of a failing store is all
// misses, a failed write is dropped. It logs a failure at most once per
// LogInterval (with how many it did not log), skips the store for Backoff
// after each one (so a Redis that hangs costs one timeout per Backoff, not
// one per request) and then tries it again: recovery needs nobody. A call
// whose own context ended is not a failure of the store.
type Tolerant struct {
	next Store
	cfg  TolerantConfig

	mu         sync.Mutex
	skipUntil  time.Time
	lastLog    time.Time
	suppressed int
}

var _ Store = (*Tolerant)(nil)

// NewTolerant wraps next.
func NewTolerant(next Store, cfg TolerantConfig) *Tolerant {
	if cfg.LogInterval <= 0 {
		cfg.LogInterval = time.Minute
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Tolerant{next: next, cfg: cfg}
}

// MGet implements Store: all misses while the store fails.
func (t *Tolerant) MGet(ctx context.Context, keys []string) ([][]byte, error) {
	if t.skipping() {
		return make([][]byte, len(keys)), nil
	}
	vals, err := t.next.MGet(ctx, keys)
	if err != nil || len(vals) != len(keys) {
		t.failed(ctx, "read", err)
		return make([][]byte, len(keys)), nil
	}
	return vals, nil
}

// Set implements Store: the write is dropped while the store fails.
func (t *Tolerant) Set(ctx context.Context, items ...Item) error {
	if len(items) == 0 || t.skipping() {
		return nil
	}
	if err := t.next.Set(ctx, items...); err != nil {
		t.failed(ctx, "write", err)
	}
	return nil
}

// Delete implements Store: the delete is dropped while the store fails.
func (t *Tolerant) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 || t.skipping() {
		return nil
	}
	if err := t.next.Delete(ctx, keys...); err != nil {
		t.failed(ctx, "delete", err)
	}
	return nil
}

func (t *Tolerant) skipping() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cfg.Now().Before(t.skipUntil)
}

// failed records a failure of the store, unless ctx itself has ended.
func (t *Tolerant) failed(ctx context.Context, op string, err error) {
	if ctx.Err() != nil {
		return
	}
	now := t.cfg.Now()
	t.mu.Lock()
	t.skipUntil = now.Add(t.cfg.Backoff)
	if !t.lastLog.IsZero() && now.Sub(t.lastLog) < t.cfg.LogInterval {
		t.suppressed++
		t.mu.Unlock()
		return
	}
	suppressed := t.suppressed
	t.lastLog, t.suppressed = now, 0
	t.mu.Unlock()
	t.cfg.Logger.WarnContext(ctx, "cache store failing; serving without it",
		slog.String("op", op), slog.Any("err", err),
		slog.Int("failures_not_logged", suppressed), slog.Duration("retry_in", t.cfg.Backoff))
}
