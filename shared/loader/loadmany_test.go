package loader_test

import (
	"runtime/metrics"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/frontdesk/frontdesk/shared/loader"
)

// TestLoadManyIsBreadthFirst: a batch resolver's LoadMany fetches its keys at
// once (no wait window, however long Wait is), in one call, and shares the
// request's memo with Load both ways.
func TestLoadManyIsBreadthFirst(t *testing.T) {
	slow := cfg
	slow.Wait = 16 * time.Millisecond
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder("a", "b", "c", "d")
		l := loader.NewBatch(t.Context(), slow, "product", rec.fetch, itemID)

		start := time.Now()
		vals, errs := l.LoadMany(t.Context(), []string{"b", "a", "b"})
		if waited := time.Since(start); waited != 0 {
			t.Errorf("LoadMany waited %v, want no batch window", waited)
		}
		if errs != nil || vals[0].ID != "b" || vals[1].ID != "a" || vals[2].ID != "b" {
			t.Errorf("LoadMany = %+v, %v; want b, a, b in key order", vals, errs)
		}
		if _, err := l.Load(t.Context(), "a"); err != nil {
			t.Errorf("Load(a) after LoadMany: %v", err)
		}
		if _, err := l.Load(t.Context(), "c"); err != nil { // fetched through the window
			t.Errorf("Load(c): %v", err)
		}
		if _, errs := l.LoadMany(t.Context(), []string{"a", "c", "d"}); errs != nil {
			t.Errorf("LoadMany(a, c, d): %v", errs)
		}
		want := [][]string{{"b", "a"}, {"c"}, {"d"}}
		if calls := rec.Calls(); !slices.EqualFunc(calls, want, slices.Equal) {
			t.Errorf("fetch calls = %q, want %q (each key once)", calls, want)
		}
	})
}

// TestLoadManyWaitsForKeysInFlight: concurrent batch resolvers asking for
// overlapping keys share one fetch of the keys they have in common.
func TestLoadManyWaitsForKeysInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder("a", "b", "c")
		gate := make(chan struct{})
		rec.before = func() { <-gate }
		l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)

		first := make(chan []string)
		go func() {
			vals, _ := l.LoadMany(t.Context(), []string{"a", "b"})
			first <- []string{vals[0].ID, vals[1].ID}
		}()
		synctest.Wait() // the first fetch is in flight, held at the gate
		second := make(chan []string)
		go func() {
			vals, _ := l.LoadMany(t.Context(), []string{"b", "c"})
			second <- []string{vals[0].ID, vals[1].ID}
		}()
		synctest.Wait()
		close(gate)
		if got := <-first; !slices.Equal(got, []string{"a", "b"}) {
			t.Errorf("first LoadMany = %q", got)
		}
		if got := <-second; !slices.Equal(got, []string{"b", "c"}) {
			t.Errorf("second LoadMany = %q", got)
		}
		want := [][]string{{"a", "b"}, {"c"}}
		calls := rec.Calls() // both calls pass the gate together, in either order
		slices.SortFunc(calls, func(a, b []string) int { return len(b) - len(a) })
		if !slices.EqualFunc(calls, want, slices.Equal) {
			t.Errorf("fetch calls = %q, want %q (b fetched once)", calls, want)
		}
	})
}

// TestLoadManyStartsNoGoroutinePerKey: dataloader's own LoadMany starts a
// goroutine per key; ours fetches a chunk on the calling goroutine.
func TestLoadManyStartsNoGoroutinePerKey(t *testing.T) {
	keys := make([]string, 150)
	for i := range keys {
		keys[i] = "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	rec := newRecorder(keys...)
	l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)
	before := goroutinesCreated()
	if _, errs := l.LoadMany(t.Context(), keys); errs != nil {
		t.Fatalf("LoadMany: %v", errs)
	}
	if started := goroutinesCreated() - before; started > 2 {
		t.Errorf("LoadMany of %d keys started %d goroutines, want none per key", len(keys), started)
	}
}

func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
