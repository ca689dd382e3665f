package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// DefaultKeyPrefix is put before every key by a Redis limiter unless
// WithKeyPrefix says otherwise (redis_rate adds its own "rate:" before it).
const DefaultKeyPrefix = "frontdesk:"

// DefaultTimeout bounds each Redis limiter call unless WithTimeout says
// otherwise.
const DefaultTimeout = 100 * time.Millisecond

// Redis is a Limiter that keeps the budgets in Redis, so every instance on
// the same Redis (single node, Sentinel or Cluster) shares one budget per
// key. It runs github.com/go-redis/redis_rate's GCRA script: one round trip,
// atomic in Redis, the time taken from the Redis server's clock.
//
// Each call is bounded by its timeout (DefaultTimeout), which the client
// honours when built with ContextTimeoutEnabled, as NewRedisClient does.
type Redis struct {
	limiter *redis_rate.Limiter
	prefix  string
	timeout time.Duration
}

var _ Limiter = (*Redis)(nil)

// RedisOption configures NewRedis.
type RedisOption func(*Redis)

// WithKeyPrefix puts prefix before every key, e.g. "bff-mobile:" so that two
// BFFs on one Redis keep separate budgets.
func WithKeyPrefix(prefix string) RedisOption {
	return func(r *Redis) { r.prefix = prefix }
}

// WithTimeout bounds each call; values below 1 keep DefaultTimeout.
func WithTimeout(d time.Duration) RedisOption {
	return func(r *Redis) {
		if d > 0 {
			r.timeout = d
		}
	}
}

// NewRedis returns a limiter over client, which the caller owns and closes.
func NewRedis(client redis.UniversalClient, opts ...RedisOption) *Redis {
	r := &Redis{limiter: redis_rate.NewLimiter(client), prefix: DefaultKeyPrefix, timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// Allow implements Limiter. When Redis fails or does not answer within the
// timeout the error wraps ErrUnavailable and the Redis error; when ctx ends
// first it wraps ctx's error instead.
func (r *Redis) Allow(ctx context.Context, key string, l Limit, cost int) (Result, error) {
	if err := l.check(cost); err != nil {
		return Result{}, fmt.Errorf("rate limit %q: %w", key, err)
	}
	callCtx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	res, err := r.limiter.AllowN(callCtx, r.prefix+key, redis_rate.Limit{Rate: l.Rate, Period: l.Period, Burst: l.Burst}, cost)
	if err != nil {
		return Result{}, fmt.Errorf("rate limit %q: %w", key, r.classify(ctx, callCtx, err))
	}
	switch {
	case res == nil:
		return Result{}, fmt.Errorf("rate limit %q: %w: no result", key, ErrUnavailable)
	case res.RetryAfter >= 0: // redis_rate's RetryAfter is -1 when allowed
		return refused(l, float64(res.ResetAfter), float64(res.RetryAfter)), nil
	}
	return Result{
		Allowed:    true,
		Limit:      l.Rate,
		Remaining:  max(res.Remaining, 0),
		ResetAfter: max(res.ResetAfter, 0),
	}, nil
}

// classify tells apart the caller's context ending (its error is returned),
// the limiter's timeout (go-redis reports a deadline as an i/o timeout) and
// Redis failing, both wrapped in ErrUnavailable.
func (r *Redis) classify(ctx, callCtx context.Context, err error) error {
	if gone := callerGone(ctx); gone != nil {
		return gone
	}
	if timedOut(callCtx) {
		return fmt.Errorf("%w: no answer within %s: %w (%w)", ErrUnavailable, r.timeout, context.DeadlineExceeded, err)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// callerGone returns the error of ctx when it has ended, or is at its
// deadline (a socket deadline taken from it can fire before ctx's own timer).
func callerGone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if timedOut(ctx) {
		return context.DeadlineExceeded
	}
	return nil
}

// timedOut reports whether ctx's deadline has come.
func timedOut(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// RedisConfig configures NewRedisClient. Durations below 1 take their
// default: short, because a rate limit check sits on every request's path.
type RedisConfig struct {
	// Addrs is one host:port for a single node, several for a Cluster, or
	// the Sentinels when MasterName is set. Required.
	Addrs []string
	// MasterName is the Sentinel master name; empty for no Sentinel.
	MasterName string
	// Password authenticates to the Redis nodes (not the Sentinels).
	Password string
	// DB is the database of a single node or Sentinel master. Default 0.
	DB int
	// DialTimeout bounds connecting. Default 100ms.
	DialTimeout time.Duration
	// ReadTimeout bounds reading a reply. Default 100ms.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a command. Default 100ms.
	WriteTimeout time.Duration
	// PoolTimeout bounds waiting for a free connection. Default 100ms.
	PoolTimeout time.Duration
}

const defaultRedisTimeout = 100 * time.Millisecond

// NewRedisClient returns a go-redis client for cfg, made for a hot path:
// short timeouts, the context's deadline honoured (ContextTimeoutEnabled),
// no command retries and a single dial attempt (a Redis that is down fails
// the call at once and the caller falls back), and no maintenance
// notification handshake. The caller closes it.
func NewRedisClient(cfg RedisConfig) (redis.UniversalClient, error) {
	if len(cfg.Addrs) == 0 {
		return nil, errors.New("redis config: no address")
	}
	orDefault := func(d time.Duration) time.Duration {
		if d <= 0 {
			return defaultRedisTimeout
		}
		return d
	}
	return redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 cfg.Addrs,
		MasterName:            cfg.MasterName,
		Password:              cfg.Password,
		DB:                    cfg.DB,
		DialTimeout:           orDefault(cfg.DialTimeout),
		ReadTimeout:           orDefault(cfg.ReadTimeout),
		WriteTimeout:          orDefault(cfg.WriteTimeout),
		PoolTimeout:           orDefault(cfg.PoolTimeout),
		ContextTimeoutEnabled: true,
		MaxRetries:            -1, // -1 disables retries; 0 would mean the default 3
		DialerRetries:         1,  // one attempt; 0 would mean the default 5, 100ms apart
		MaintNotificationsConfig: &maintnotifications.Config{
			Mode: maintnotifications.ModeDisabled,
		},
	}), nil
}
