package ratelimit_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

func TestMemoryRefill(t *testing.T) {
	t.Parallel()
	limit := ratelimit.Limit{Rate: 10, Period: 10 * time.Second, Burst: 10} // a point a second
	steps := []struct {
		name    string
		advance time.Duration
		cost    int
		want    ratelimit.Result
	}{
		{"spend the burst", 0, 10, allowed(10, 0, 10*time.Second)},
		{"three points back after 3s", 3 * time.Second, 0, allowed(10, 3, 7*time.Second)},
		{"four are one too many", 0, 4, refused(10, 7*time.Second, time.Second)},
		{"a nanosecond early", time.Second - time.Nanosecond, 4, refused(10, 6*time.Second+time.Nanosecond, time.Nanosecond)},
		{"on time", time.Nanosecond, 4, allowed(10, 0, 10*time.Second)},
		{"full after the reset", 10 * time.Second, 0, allowed(10, 10, 0)},
		{"idle for long stays full", time.Hour, 1, allowed(10, 9, time.Second)},
	}
	clock := ratelimittest.NewClock()
	lim := ratelimit.NewMemory(ratelimit.WithClock(clock.Now))
	for _, s := range steps {
		clock.Advance(s.advance)
		got, err := lim.Allow(t.Context(), "k", limit, s.cost)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got != s.want {
			t.Errorf("%s: Allow(cost %d) = %+v, want %+v", s.name, s.cost, got, s.want)
		}
	}
}

func TestMemoryBounded(t *testing.T) {
	t.Parallel()
	const maxKeys = 100
	limit := ratelimit.Limit{Rate: 1, Period: time.Hour, Burst: 2}
	clock := ratelimittest.NewClock()
	lim := ratelimit.NewMemory(ratelimit.WithClock(clock.Now), ratelimit.WithMaxKeys(maxKeys))

	spend := func(key string) ratelimit.Result {
		t.Helper()
		res, err := lim.Allow(t.Context(), key, limit, 1)
		if err != nil {
			t.Fatalf("Allow(%s): %v", key, err)
		}
		return res
	}
	spend("kept")
	for i := range 10 * maxKeys {
		spend(strconv.Itoa(i))
		if i%10 == 0 {
			spend("kept") // recently used: stays
		}
	}
	if n := lim.Len(); n != maxKeys {
		t.Errorf("Len() = %d after %d keys, want the bound %d", n, 10*maxKeys+1, maxKeys)
	}
	if res := spend("0"); res.Remaining != 1 {
		t.Errorf("evicted key: Remaining = %d, want a full bucket again (1 left)", res.Remaining)
	}
	if res := spend("kept"); res.Allowed {
		t.Errorf("recently used key: %+v, want refused (its state kept)", res)
	}
}

func TestMemoryConcurrent(t *testing.T) {
	t.Parallel()
	limit := ratelimit.Limit{Rate: 100, Period: time.Minute, Burst: 100}
	clock := ratelimittest.NewClock() // frozen: nothing refills
	lim := ratelimit.NewMemory(ratelimit.WithClock(clock.Now))
	var ok atomic.Int64
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range 10 {
				res, err := lim.Allow(t.Context(), "k", limit, 1)
				if err != nil {
					t.Error(err)
					return
				}
				if res.Allowed {
					ok.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := ok.Load(); got != int64(limit.Burst) {
		t.Errorf("allowed %d of 320 concurrent calls, want exactly the burst %d", got, limit.Burst)
	}
}

func TestMemoryDefaults(t *testing.T) {
	t.Parallel()
	lim := ratelimit.NewMemory(ratelimit.WithClock(nil), ratelimit.WithMaxKeys(0)) // both keep their defaults
	res, err := lim.Allow(t.Context(), "k", ratelimit.PerMinute(60), 1)
	if err != nil || !res.Allowed || res.Remaining != 59 {
		t.Errorf("Allow = %+v, %v; want allowed with 59 remaining", res, err)
	}
}

func BenchmarkMemoryAllow(b *testing.B) {
	lim := ratelimit.NewMemory()
	limit := ratelimit.PerMinute(1_000_000)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "user:" + strconv.Itoa(i)
	}
	ctx := b.Context()
	i := 0
	for b.Loop() {
		if _, err := lim.Allow(ctx, keys[i%len(keys)], limit, 1); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
