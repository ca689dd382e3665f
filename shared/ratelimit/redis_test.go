package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// TestRedisSharedBudget stands for three instances: three limiters, each
// with its own client, on one Redis, calling at once.
func TestRedisSharedBudget(t *testing.T) {
	t.Parallel()
	r := ratelimittest.NewRedis(t)
	prefix := ratelimittest.KeyPrefix(t)
	limit := ratelimit.Limit{Rate: 10, Period: time.Minute, Burst: 10}

	var ok, calls atomic.Int64
	var wg sync.WaitGroup
	for range 3 {
		lim := ratelimit.NewRedis(r.Client(t), ratelimit.WithKeyPrefix(prefix), ratelimit.WithTimeout(5*time.Second))
		wg.Go(func() {
			for range 3 * limit.Burst {
				res, err := lim.Allow(t.Context(), "client-1", limit, 1)
				if err != nil {
					t.Error(err)
					return
				}
				calls.Add(1)
				if res.Allowed {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := ok.Load(); got != int64(limit.Burst) || calls.Load() != int64(9*limit.Burst) {
		t.Errorf("three instances allowed %d of %d calls, want the one budget %d", got, calls.Load(), limit.Burst)
	}
}

func TestRedisKeyPrefix(t *testing.T) {
	t.Parallel()
	r := ratelimittest.NewRedis(t)
	client := r.Client(t)
	prefix := ratelimittest.KeyPrefix(t)
	mobile := ratelimit.NewRedis(client, ratelimit.WithKeyPrefix(prefix+"mobile:"), ratelimit.WithTimeout(5*time.Second))
	mobile2 := ratelimit.NewRedis(client, ratelimit.WithKeyPrefix(prefix+"mobile:"), ratelimit.WithTimeout(5*time.Second))
	web := ratelimit.NewRedis(client, ratelimit.WithKeyPrefix(prefix+"web:"), ratelimit.WithTimeout(5*time.Second))
	limit := ratelimit.Limit{Rate: 1, Period: time.Minute, Burst: 1}

	cases := []struct {
		name  string
		lim   *ratelimit.Redis
		allow bool
	}{
		{"first call", mobile, true},
		{"same prefix shares the budget", mobile2, false},
		{"another prefix has its own", web, true},
	}
	for _, tc := range cases {
		res, err := tc.lim.Allow(t.Context(), "k", limit, 1)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Allowed != tc.allow {
			t.Errorf("%s: Allowed = %v, want %v", tc.name, res.Allowed, tc.allow)
		}
	}
}

// TestRedisUnavailable checks that a Redis that is down or hung fails the
// call with ErrUnavailable within the limiter's timeout: the caller's
// context, which ends much later, is still live when the call returns.
func TestRedisUnavailable(t *testing.T) {
	t.Parallel()
	// Clients whose own timeouts are long: the limiter's timeout must be
	// what bounds the call.
	slowClient := func(addr string) redis.UniversalClient {
		c, err := ratelimit.NewRedisClient(ratelimit.RedisConfig{
			Addrs: []string{addr}, DialTimeout: time.Minute, ReadTimeout: time.Minute,
			WriteTimeout: time.Minute, PoolTimeout: time.Minute,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	cases := []struct {
		name      string
		addr      string
		wantCause error // besides ErrUnavailable; nil for any
	}{
		{"connection refused", ratelimittest.ClosedAddr(t), nil},
		{"never answers", ratelimittest.SilentAddr(t), context.DeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lim := ratelimit.NewRedis(slowClient(tc.addr), ratelimit.WithTimeout(50*time.Millisecond))
			ctx := ctxWithin(t, 30*time.Second)
			res, err := lim.Allow(ctx, "k", ratelimit.PerMinute(10), 1)
			if !errors.Is(err, ratelimit.ErrUnavailable) {
				t.Fatalf("Allow = %+v, %v; want ErrUnavailable", res, err)
			}
			if tc.wantCause != nil && !errors.Is(err, tc.wantCause) {
				t.Errorf("Allow error = %v, want it to wrap %v", err, tc.wantCause)
			}
			if ctx.Err() != nil {
				t.Errorf("the call outlived the caller's context: %v", ctx.Err())
			}
			if res != (ratelimit.Result{}) {
				t.Errorf("Result = %+v with an error, want zero", res)
			}
		})
	}
}

// TestRedisCallerGone checks that when the caller's context ends first the
// error is the context's, not ErrUnavailable: Redis is not to blame.
func TestRedisCallerGone(t *testing.T) {
	t.Parallel()
	lim := ratelimit.NewRedis(ratelimittest.NewClient(t, ratelimittest.SilentAddr(t)), ratelimit.WithTimeout(time.Minute))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, err := lim.Allow(ctx, "k", ratelimit.PerMinute(10), 1)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ratelimit.ErrUnavailable) {
		t.Errorf("Allow error = %v, want the caller's context.DeadlineExceeded and not ErrUnavailable", err)
	}
}

func TestNewRedisClient(t *testing.T) {
	t.Parallel()
	const ms100 = 100 * time.Millisecond
	cases := []struct {
		name    string
		cfg     ratelimit.RedisConfig
		wantErr bool
		check   func(t *testing.T, c redis.UniversalClient)
	}{
		{
			name: "single node with defaults",
			cfg:  ratelimit.RedisConfig{Addrs: []string{"127.0.0.1:1"}, DB: 2},
			check: func(t *testing.T, c redis.UniversalClient) {
				rc, ok := c.(*redis.Client)
				if !ok {
					t.Fatalf("client is %T, want *redis.Client", c)
				}
				o := rc.Options()
				if o.Addr != "127.0.0.1:1" || o.DB != 2 || o.DialTimeout != ms100 || o.ReadTimeout != ms100 ||
					o.WriteTimeout != ms100 || o.PoolTimeout != ms100 || !o.ContextTimeoutEnabled ||
					o.MaxRetries != 0 || o.DialerRetries != 1 {
					t.Errorf("options = %+v", o)
				}
			},
		},
		{
			name: "explicit timeouts",
			cfg:  ratelimit.RedisConfig{Addrs: []string{"127.0.0.1:1"}, DialTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 3 * time.Second, PoolTimeout: 4 * time.Second},
			check: func(t *testing.T, c redis.UniversalClient) {
				rc, ok := c.(*redis.Client)
				if !ok {
					t.Fatalf("client is %T, want *redis.Client", c)
				}
				o := rc.Options()
				if o.DialTimeout != time.Second || o.ReadTimeout != 2*time.Second || o.WriteTimeout != 3*time.Second || o.PoolTimeout != 4*time.Second {
					t.Errorf("options = %+v", o)
				}
			},
		},
		{
			name: "cluster",
			cfg:  ratelimit.RedisConfig{Addrs: []string{"127.0.0.1:1", "127.0.0.1:2"}},
			check: func(t *testing.T, c redis.UniversalClient) {
				cc, ok := c.(*redis.ClusterClient)
				if !ok {
					t.Fatalf("client is %T, want *redis.ClusterClient", c)
				}
				if o := cc.Options(); !o.ContextTimeoutEnabled || o.MaxRetries > 0 || o.DialerRetries != 1 || o.ReadTimeout != ms100 {
					t.Errorf("options = %+v", o)
				}
			},
		},
		{
			name: "sentinel",
			cfg:  ratelimit.RedisConfig{Addrs: []string{"127.0.0.1:1"}, MasterName: "mymaster"},
			check: func(t *testing.T, c redis.UniversalClient) {
				if _, ok := c.(*redis.Client); !ok { // go-redis's failover client
					t.Fatalf("client is %T, want *redis.Client", c)
				}
			},
		},
		{name: "no address", cfg: ratelimit.RedisConfig{}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ratelimit.NewRedisClient(tc.cfg)
			if tc.wantErr {
				if err == nil {
					t.Fatal("NewRedisClient: no error, want one")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = c.Close() })
			tc.check(t, c)
		})
	}
}
