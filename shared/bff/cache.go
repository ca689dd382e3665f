package bff

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
)

// NewCache returns the BFF's cache (nil when CACHE_ENABLED is false): in
// Redis when REDIS_ADDR is set (its own client, closed by the returned
// func), else in memory. Lookups are counted in m and in the request's
// access log. The latency budgets of optional data (UPSTREAM_OPTIONAL_BUDGET)
// let a stale entry stand in for a fetch that outlives its budget.
func NewCache(cfg Config, logger *slog.Logger, m *metrics.Metrics) (*cache.Cache, func() error, error) {
	closeFn := func() error { return nil }
	if !cfg.Cache.Enabled {
		return nil, closeFn, nil
	}
	var client redis.UniversalClient
	if len(cfg.Redis.Addr) > 0 {
		c, err := ratelimit.NewRedisClient(redisConfig(cfg.Redis))
		if err != nil {
			return nil, nil, fmt.Errorf("redis: %w", err)
		}
		client, closeFn = c, c.Close
	}
	store := cache.NewStore(cfg.Cache, client, cfg.Redis.KeyPrefix+"cache:", cfg.Redis.Timeout, logger)
	return cache.New(store, cfg.Cache,
		cache.WithObserver(CacheObserver(m)),
		cache.WithDeadline(cfg.Upstream.Budgets().Deadline), // stale-if-slow
	), closeFn, nil
}

// CacheObserver counts lookups in m and in the access log (a stale entry
// served counts as a hit there).
func CacheObserver(m *metrics.Metrics) cache.Observer {
	return func(ctx context.Context, layer, result string) {
		m.ObserveCache(layer, metrics.CacheResult(result))
		rec, _ := accesslog.FromContext(ctx)
		if result == cache.Miss {
			rec.AddCacheMiss()
		} else {
			rec.AddCacheHit()
		}
	}
}
