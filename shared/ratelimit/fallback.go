package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// FailMode says what a Fallback does when its primary cannot answer.
type FailMode int

const (
	// FailOpen answers from the secondary (in-memory) limiter: each
	// instance then enforces the budget on its own, so N instances allow up
	// to N times the budget until Redis is back. The default.
	FailOpen FailMode = iota
	// FailClosed fails the call with an error wrapping ErrUnavailable; the
	// caller answers 503.
	FailClosed
)

// String returns "open" or "closed".
func (m FailMode) String() string {
	if m == FailClosed {
		return "closed"
	}
	return "open"
}

// MarshalText implements encoding.TextMarshaler ("open" or "closed").
func (m FailMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler for configuration:
// "open" or "closed".
func (m *FailMode) UnmarshalText(text []byte) error {
	switch string(text) {
	case "open":
		*m = FailOpen
	case "closed":
		*m = FailClosed
	default:
		return fmt.Errorf("fail mode %q: want open or closed", text)
	}
	return nil
}

// DefaultLogInterval is the least time between two log lines of a Fallback
// about its primary failing, unless FallbackConfig.LogInterval says otherwise.
const DefaultLogInterval = time.Minute

// FallbackConfig configures NewFallback.
type FallbackConfig struct {
	// Mode is what a Fallback does when the primary fails, unless WithMode
	// says otherwise. Default FailOpen.
	Mode FailMode
	// Logger gets one line per LogInterval while the primary fails (with
	// the number of failures not logged). Default: no logging.
	Logger *slog.Logger
	// LogInterval is the least time between two such lines. Default
	// DefaultLogInterval.
	LogInterval time.Duration
	// Now is the clock of the log interval. Default time.Now.
	Now func() time.Time
	// OnUnavailable, when set, is called on every call the primary could
	// not answer, with the mode that then applied: a hook for a metric.
	// It must be cheap and safe for concurrent use.
	OnUnavailable func(FailMode)
}

// Fallback is a Limiter that asks its primary (Redis) and, when the primary
// cannot answer (its error wraps ErrUnavailable), either asks its secondary
// (in-memory) limiter or fails, as its FailMode says. Every call tries the
// primary first, so recovery needs nothing.
//
// A Fallback logs the primary's failures itself, at most once per
// LogInterval, in both modes: callers map ErrUnavailable to 503 without
// logging it again. Other errors (invalid limits, ctx ended) are returned as
// they are, without falling back.
//
// Safe for concurrent use.
type Fallback struct {
	mode  FailMode
	state *fallbackState // shared by the values WithMode returns
}

var _ Limiter = (*Fallback)(nil)

type fallbackState struct {
	primary, secondary Limiter
	logger             *slog.Logger
	interval           time.Duration
	now                func() time.Time
	onUnavailable      func(FailMode)

	failures atomic.Uint64

	mu         sync.Mutex // guards the two below; only failing calls take it
	nextLog    time.Time  // from when the next line may be logged
	suppressed uint64     // failures not logged since the last line
}

// NewFallback returns a Fallback asking primary first, then secondary.
func NewFallback(primary, secondary Limiter, cfg FallbackConfig) *Fallback {
	s := &fallbackState{
		primary:       primary,
		secondary:     secondary,
		logger:        cfg.Logger,
		interval:      cfg.LogInterval,
		now:           cfg.Now,
		onUnavailable: cfg.OnUnavailable,
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.interval <= 0 {
		s.interval = DefaultLogInterval
	}
	if s.now == nil {
		s.now = time.Now
	}
	return &Fallback{mode: cfg.Mode, state: s}
}

// WithMode returns a Fallback over the same limiters, log throttle and
// counter with another FailMode, e.g. one per policy.
func (f *Fallback) WithMode(mode FailMode) *Fallback {
	return &Fallback{mode: mode, state: f.state}
}

// Mode returns the FailMode of f.
func (f *Fallback) Mode() FailMode { return f.mode }

// PrimaryFailures returns how many calls the primary could not answer, in
// every mode, since NewFallback.
func (f *Fallback) PrimaryFailures() uint64 { return f.state.failures.Load() }

// Allow implements Limiter.
func (f *Fallback) Allow(ctx context.Context, key string, l Limit, cost int) (Result, error) {
	s := f.state
	res, err := s.primary.Allow(ctx, key, l, cost)
	if err == nil || !errors.Is(err, ErrUnavailable) {
		return res, err
	}
	s.failures.Add(1)
	if s.onUnavailable != nil {
		s.onUnavailable(f.mode)
	}
	s.log(ctx, f.mode, err)
	if f.mode == FailClosed {
		return Result{}, err
	}
	res, err2 := s.secondary.Allow(ctx, key, l, cost)
	if err2 != nil {
		return Result{}, fmt.Errorf("rate limit fallback: %w", err2)
	}
	return res, nil
}

// log writes one line for err unless one was written less than the
// interval ago; it then counts err as suppressed, for the next line.
func (s *fallbackState) log(ctx context.Context, mode FailMode, err error) {
	now := s.now()
	s.mu.Lock()
	if now.Before(s.nextLog) {
		s.suppressed++
		s.mu.Unlock()
		return
	}
	s.nextLog = now.Add(s.interval)
	suppressed := s.suppressed
	s.suppressed = 0
	s.mu.Unlock()

	level := slog.LevelWarn // failing open: answered, with a per-instance budget
	if mode == FailClosed {
		level = slog.LevelError // failing closed: refused
	}
	s.logger.LogAttrs(ctx, level, "rate limit store unavailable",
		slog.String("fail_mode", mode.String()),
		slog.Uint64("suppressed", suppressed),
		slog.String("error", err.Error()),
	)
}
