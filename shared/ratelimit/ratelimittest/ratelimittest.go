// Package ratelimittest helps test code that rate limits: a manual clock for
// the in-memory limiter, a Redis to run against (the real one at REDIS_ADDR
// when set, else an in-process miniredis), Redis addresses that are down or
// never answer, and unique key prefixes so parallel tests do not share
// budgets.
package ratelimittest

import (
	"crypto/rand"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/frontdesk/frontdesk/shared/ratelimit"
)

// Start is the instant NewClock and a miniredis start at: a whole second,
// so that GCRA instants with binary-exact intervals stay exact.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Clock is a manual clock for ratelimit.WithClock and
// FallbackConfig.Now. Safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock standing at Start.
func NewClock() *Clock { return &Clock{now: Start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// MaxRealWait is the longest Redis.Advance waits for on a real Redis.
const MaxRealWait = 100 * time.Millisecond

// Redis is a Redis server for a test: the one at REDIS_ADDR when that is set
// (CI), else a miniredis whose clock stands still at Start until Advance.
type Redis struct {
	// Addr is the server's host:port.
	Addr string
	mini *miniredis.Miniredis
	now  time.Time
}

// NewRedis returns the Redis of t; a miniredis is closed when t ends.
func NewRedis(t testing.TB) *Redis {
	t.Helper()
	if addr := os.Getenv("REDIS_ADDR"); addr != "" {
		return &Redis{Addr: addr}
	}
	m := miniredis.RunT(t)
	m.SetTime(Start)
	return &Redis{Addr: m.Addr(), mini: m, now: Start}
}

// Real reports whether r is a real Redis, whose clock cannot be moved.
func (r *Redis) Real() bool { return r.mini == nil }

// Client returns a new client of r made by ratelimit.NewRedisClient with
// timeouts suited to tests, closed when t ends. Several clients stand for
// several instances.
func (r *Redis) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	return NewClient(t, r.Addr)
}

// Advance moves the Redis clock forward by d: a miniredis's TIME and TTLs
// at once; a real Redis by waiting d, which must then be at most
// MaxRealWait (time.Sleep here is the only way to let a real server's clock
// move; keep such tests few). Not safe for concurrent use.
func (r *Redis) Advance(t testing.TB, d time.Duration) {
	t.Helper()
	if r.mini == nil {
		if d > MaxRealWait {
			t.Fatalf("ratelimittest: cannot wait %s on a real Redis (at most %s)", d, MaxRealWait)
		}
		time.Sleep(d)
		return
	}
	r.now = r.now.Add(d)
	r.mini.SetTime(r.now)
	r.mini.FastForward(d)
}

// NewClient returns a client of addr made by ratelimit.NewRedisClient with
// a 1s dial, read and write timeout (a loaded CI machine running -race must
// not fail a test by a timeout meant for production), closed when t ends.
func NewClient(t testing.TB, addr string) redis.UniversalClient {
	t.Helper()
	c, err := ratelimit.NewRedisClient(ratelimit.RedisConfig{
		Addrs:        []string{addr},
		DialTimeout:  time.Second,
		ReadTimeout:  time.Second,
		WriteTimeout: time.Second,
		PoolTimeout:  time.Second,
	})
	if err != nil {
		t.Fatalf("ratelimittest: redis client: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// ClosedAddr returns a local address where nothing listens: a Redis that is
// down (connections are refused at once).
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ratelimittest: listen: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatalf("ratelimittest: close listener: %v", err)
	}
	return addr
}

// SilentAddr returns a local address that accepts connections and never
// answers: a hung Redis. It stops when t ends.
func SilentAddr(t testing.TB) string {
	t.Helper()
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ratelimittest: listen: %v", err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return // closed at cleanup
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return l.Addr().String()
}

// KeyPrefix returns a prefix unique to this run of t, for
// ratelimit.WithKeyPrefix or limiter keys, so that parallel tests and
// repeated runs on one real Redis never share a budget.
func KeyPrefix(t testing.TB) string {
	name := strings.NewReplacer(" ", "_", "/", ".").Replace(t.Name())
	return "test:" + name + ":" + rand.Text()[:10] + ":"
}
