package cache_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/cache/cachetest"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// stores returns every Store implementation over fresh state: Memory on
// clock, and Redis (the real one at REDIS_ADDR, else a miniredis) under a
// key prefix of this test.
func stores(t *testing.T, clock *cachetest.Clock) map[string]cache.Store {
	t.Helper()
	r := ratelimittest.NewRedis(t)
	return map[string]cache.Store{
		"memory": cache.NewMemory(100, clock.Now),
		"redis":  cache.NewRedis(r.Client(t), ratelimittest.KeyPrefix(t), time.Second),
	}
}

func TestStoreContract(t *testing.T) {
	for name, s := range stores(t, cachetest.NewClock()) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			got, err := s.MGet(ctx, []string{"a", "b"})
			if err != nil || len(got) != 2 || got[0] != nil || got[1] != nil {
				t.Fatalf("MGet of nothing = %q, %v; want two nils", got, err)
			}
			if err := s.Set(ctx, cache.Item{Key: "a", Value: []byte("1"), TTL: time.Minute},
				cache.Item{Key: "b", Value: []byte("2"), TTL: time.Minute}); err != nil {
				t.Fatalf("Set: %v", err)
			}
			got, err = s.MGet(ctx, []string{"b", "missing", "a"})
			if err != nil || string(got[0]) != "2" || got[1] != nil || string(got[2]) != "1" {
				t.Fatalf("MGet = %q, %v; want [2 nil 1] in key order", got, err)
			}
			if err := s.Delete(ctx, "a"); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			if v, err := cache.Get(ctx, s, "a"); err != nil || v != nil {
				t.Errorf("Get after Delete = %q, %v; want nil", v, err)
			}
			// A TTL that is not positive removes the key.
			if err := s.Set(ctx, cache.Item{Key: "b", Value: []byte("x"), TTL: 0}); err != nil {
				t.Fatalf("Set: %v", err)
			}
			if v, _ := cache.Get(ctx, s, "b"); v != nil {
				t.Errorf("Get after a zero TTL = %q, want nil", v)
			}
			if got, err := s.MGet(ctx, nil); err != nil || len(got) != 0 {
				t.Errorf("MGet(nil) = %q, %v", got, err)
			}
		})
	}
}

func TestMemoryExpiresAndIsBounded(t *testing.T) {
	clock := cachetest.NewClock()
	m := cache.NewMemory(2, clock.Now)
	ctx := t.Context()
	_ = m.Set(ctx, cache.Item{Key: "a", Value: []byte("1"), TTL: 10 * time.Second})
	clock.Advance(9 * time.Second)
	if v, _ := cache.Get(ctx, m, "a"); string(v) != "1" {
		t.Fatalf("before its TTL: %q", v)
	}
	clock.Advance(time.Second)
	if v, _ := cache.Get(ctx, m, "a"); v != nil {
		t.Fatalf("at its TTL: %q, want nil", v)
	}
	for _, k := range []string{"x", "y", "z"} {
		_ = m.Set(ctx, cache.Item{Key: k, Value: []byte(k), TTL: time.Hour})
	}
	if m.Len() != 2 {
		t.Errorf("Len = %d, want the bound 2", m.Len())
	}
	if v, _ := cache.Get(ctx, m, "x"); v != nil {
		t.Errorf("the least recently used key survived: %q", v)
	}
}

func TestRedisKeysHavePrefixAndTTL(t *testing.T) {
	r := ratelimittest.NewRedis(t)
	client := r.Client(t)
	prefix := ratelimittest.KeyPrefix(t)
	s := cache.NewRedis(client, prefix, time.Second)
	if err := s.Set(t.Context(), cache.Item{Key: "k", Value: []byte("v"), TTL: 30 * time.Second}); err != nil {
		t.Fatal(err)
	}
	ttl, err := client.PTTL(t.Context(), prefix+"k").Result()
	if err != nil || ttl <= 0 || ttl > 30*time.Second {
		t.Errorf("PTTL of %sk = %v, %v; want (0, 30s]", prefix, ttl, err)
	}
}

// TestRedisDownFailsFast: a Redis that refuses connections or never answers
// fails each call within the store's timeout, whatever the caller's
// deadline.
func TestRedisDownFailsFast(t *testing.T) {
	for name, addr := range map[string]string{
		"refused": ratelimittest.ClosedAddr(t),
		"silent":  ratelimittest.SilentAddr(t),
	} {
		t.Run(name, func(t *testing.T) {
			s := cache.NewRedis(ratelimittest.NewClient(t, addr), "p:", 50*time.Millisecond)
			start := time.Now()
			if _, err := s.MGet(t.Context(), []string{"a"}); err == nil {
				t.Error("MGet on a Redis that is down succeeded")
			}
			if err := s.Set(t.Context(), cache.Item{Key: "a", Value: []byte("1"), TTL: time.Second}); err == nil {
				t.Error("Set on a Redis that is down succeeded")
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("two calls took %s; each is bounded by 50ms", d)
			}
		})
	}
}

// failing is a store whose calls fail while down is set.
type failing struct {
	cache.Store
	down  bool
	calls int
}

func (f *failing) MGet(ctx context.Context, keys []string) ([][]byte, error) {
	f.calls++
	if f.down {
		return nil, errors.New("connection refused")
	}
	return f.Store.MGet(ctx, keys)
}

func (f *failing) Set(ctx context.Context, items ...cache.Item) error {
	f.calls++
	if f.down {
		return errors.New("connection refused")
	}
	return f.Store.Set(ctx, items...)
}

func TestTolerant(t *testing.T) {
	clock := cachetest.NewClock()
	inner := &failing{Store: cache.NewMemory(10, clock.Now), down: true}
	var logs bytes.Buffer
	s := cache.NewTolerant(inner, cache.TolerantConfig{
		Logger:      slog.New(slog.NewTextHandler(&logs, nil)),
		LogInterval: time.Minute,
		Backoff:     time.Second,
		Now:         clock.Now,
	})
	ctx := t.Context()

	got, err := s.MGet(ctx, []string{"a", "b"})
	if err != nil || len(got) != 2 || got[0] != nil {
		t.Fatalf("MGet of a failing store = %q, %v; want two misses, no error", got, err)
	}
	if err := s.Set(ctx, cache.Item{Key: "a", Value: []byte("1"), TTL: time.Hour}); err != nil {
		t.Fatalf("Set of a failing store = %v, want nil", err)
	}
	if inner.calls != 1 {
		t.Errorf("store called %d times; after a failure it is skipped for the backoff", inner.calls)
	}
	clock.Advance(time.Second)
	_, _ = s.MGet(ctx, []string{"a"}) // tried again, fails again: not logged (same interval)
	if inner.calls != 2 {
		t.Errorf("store called %d times, want 2: tried again after the backoff", inner.calls)
	}
	if n := strings.Count(logs.String(), "cache store failing"); n != 1 {
		t.Errorf("logged %d failures within one interval, want 1:\n%s", n, logs.String())
	}
	clock.Advance(time.Minute)
	_, _ = s.MGet(ctx, []string{"a"})
	if n := strings.Count(logs.String(), "cache store failing"); n != 2 {
		t.Errorf("logged %d failures after the interval, want 2", n)
	}
	if !strings.Contains(logs.String(), "failures_not_logged=1") {
		t.Errorf("the second log does not count the failure it did not log:\n%s", logs.String())
	}

	// Recovery needs nobody: once the store answers, it is used again.
	inner.down = false
	clock.Advance(time.Second)
	if err := s.Set(ctx, cache.Item{Key: "a", Value: []byte("1"), TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if v, _ := cache.Get(ctx, s, "a"); string(v) != "1" {
		t.Errorf("after recovery Get = %q, want 1", v)
	}

	// A caller that went away is not a failure of the store.
	inner.down = true
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	before := logs.Len()
	_, _ = s.MGet(canceled, []string{"a"})
	inner.down = false
	if v, _ := cache.Get(ctx, s, "a"); string(v) != "1" || logs.Len() != before {
		t.Errorf("a canceled call made the store skipped or logged: Get = %q, log %q", v, logs.String()[before:])
	}
}

// redisDown returns a client of a Redis that refuses connections.
func redisDown(t *testing.T) redis.UniversalClient {
	t.Helper()
	return ratelimittest.NewClient(t, ratelimittest.ClosedAddr(t))
}
