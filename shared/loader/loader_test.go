package loader_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log" //nolint:depguard // the test proves nothing reaches the standard logger
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

type item struct {
	ID   string
	Name string
}

func itemID(i item) string { return i.ID }

var cfg = loader.Config{Wait: 10 * time.Millisecond, BatchCapacity: 200, Parallelism: 4}

// recorder is a batch fetch over a fixed set of items that records its calls.
type recorder struct {
	mu    sync.Mutex
	calls [][]string
	items map[string]item
	// errs, when not empty, are returned by successive calls (nil: answer).
	errs []error
	// before, when set, runs at the start of every call (outside the lock).
	before func()
}

func newRecorder(ids ...string) *recorder {
	r := &recorder{items: map[string]item{}}
	for _, id := range ids {
		r.items[id] = item{ID: id, Name: "name of " + id}
	}
	return r
}

func (r *recorder) fetch(_ context.Context, keys []string) ([]item, error) {
	if r.before != nil {
		r.before()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, slices.Clone(keys))
	if len(r.errs) > 0 {
		err := r.errs[0]
		r.errs = r.errs[1:]
		if err != nil {
			return nil, err
		}
	}
	var out []item
	for _, k := range slices.Backward(keys) { // upstream order differs from key order
		if it, ok := r.items[k]; ok {
			out = append(out, it)
		}
	}
	return out, nil
}

func (r *recorder) Calls() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// loadAll loads every key concurrently and returns the results in key order.
func loadAll[V any](ctx context.Context, l *loader.Loader[string, V], keys []string) ([]V, []error) {
	vals := make([]V, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { vals[i], errs[i] = l.Load(ctx, k) })
	}
	wg.Wait()
	return vals, errs
}

func TestMapResults(t *testing.T) {
	a, b, c := item{ID: "a", Name: "A"}, item{ID: "b", Name: "B"}, item{ID: "c", Name: "C"}
	tests := []struct {
		name     string
		keys     []string
		vals     []item
		want     []item
		notFound []string // per key: "" when found, else the key of the expected *NotFoundError
	}{
		{"same order", []string{"a", "b"}, []item{a, b}, []item{a, b}, []string{"", ""}},
		{"upstream order differs", []string{"a", "b", "c"}, []item{c, a, b}, []item{a, b, c}, []string{"", "", ""}},
		{"missing keys", []string{"a", "x", "c", "y"}, []item{c, a}, []item{a, {}, c, {}}, []string{"", "x", "", "y"}},
		{"extra values ignored", []string{"b"}, []item{a, b, c}, []item{b}, []string{""}},
		{"duplicate values", []string{"a", "b"}, []item{a, a, b, b}, []item{a, b}, []string{"", ""}},
		{"duplicate keys", []string{"a", "a", "b"}, []item{b, a}, []item{a, a, b}, []string{"", "", ""}},
		{"nothing found", []string{"a", "b"}, nil, []item{{}, {}}, []string{"a", "b"}},
		{"no keys", nil, []item{a}, []item{}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := loader.MapResults("product", tt.keys, tt.vals, itemID)
			if len(res) != len(tt.keys) {
				t.Fatalf("len(results) = %d, want %d", len(res), len(tt.keys))
			}
			for i, r := range res {
				if r.Data != tt.want[i] {
					t.Errorf("results[%d].Data = %+v, want %+v", i, r.Data, tt.want[i])
				}
				if tt.notFound[i] == "" {
					if r.Error != nil {
						t.Errorf("results[%d].Error = %v, want nil", i, r.Error)
					}
					continue
				}
				nf, ok := errors.AsType[*loader.NotFoundError](r.Error)
				if !ok {
					t.Fatalf("results[%d].Error = %v, want *NotFoundError", i, r.Error)
				}
				if nf.Kind != "product" || nf.Key != tt.notFound[i] {
					t.Errorf("results[%d] NotFoundError = %+v, want Kind product, Key %s", i, nf, tt.notFound[i])
				}
				if got, want := nf.Error(), "product "+tt.notFound[i]+" not found"; got != want {
					t.Errorf("Error() = %q, want %q", got, want)
				}
				if !errors.Is(r.Error, restclient.ErrNotFound) {
					t.Errorf("errors.Is(NotFoundError, restclient.ErrNotFound) = false")
				}
			}
		})
	}
}

func TestBatchLoadsConcurrentKeysInOneCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder("a", "b", "c", "d")
		l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)
		keys := []string{"d", "a", "zz", "c", "b"}

		vals, errs := loadAll(t.Context(), l, keys)

		calls := rec.Calls()
		if len(calls) != 1 {
			t.Fatalf("fetch calls = %d (%q), want 1", len(calls), calls)
		}
		got := slices.Sorted(slices.Values(calls[0]))
		if want := []string{"a", "b", "c", "d", "zz"}; !slices.Equal(got, want) {
			t.Errorf("fetched keys = %q, want %q", got, want)
		}
		for i, k := range keys {
			if k == "zz" {
				if nf, ok := errors.AsType[*loader.NotFoundError](errs[i]); !ok || nf.Key != "zz" || nf.Kind != "product" {
					t.Errorf("Load(zz) error = %v, want product zz not found", errs[i])
				}
				continue
			}
			if errs[i] != nil || vals[i] != (item{ID: k, Name: "name of " + k}) {
				t.Errorf("Load(%s) = %+v, %v", k, vals[i], errs[i])
			}
		}
	})
}

func TestBatchCapacitySplitsCalls(t *testing.T) {
	tests := []struct {
		name      string
		keys      int
		capacity  int
		wantCalls int
	}{
		{"under capacity", 3, 5, 1},
		{"exactly capacity", 4, 4, 1},
		{"two full batches", 4, 2, 2},
		{"remainder batch", 5, 2, 3},
		{"capacity one", 3, 1, 3},
		{"zero capacity means one", 2, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var keys []string
				for i := range tt.keys {
					keys = append(keys, fmt.Sprintf("k%02d", i))
				}
				rec := newRecorder(keys...)
				c := cfg
				c.BatchCapacity = tt.capacity
				l := loader.NewBatch(t.Context(), c, "product", rec.fetch, itemID)

				vals, errs := loadAll(t.Context(), l, keys)

				calls := rec.Calls()
				if len(calls) != tt.wantCalls {
					t.Errorf("fetch calls = %d (%q), want %d", len(calls), calls, tt.wantCalls)
				}
				var fetched []string
				for _, call := range calls {
					if len(call) > max(tt.capacity, 1) {
						t.Errorf("call with %d keys exceeds capacity %d", len(call), tt.capacity)
					}
					fetched = append(fetched, call...)
				}
				slices.Sort(fetched)
				if !slices.Equal(fetched, keys) {
					t.Errorf("fetched keys = %q, want each of %q once", fetched, keys)
				}
				for i, k := range keys {
					if errs[i] != nil || vals[i].ID != k {
						t.Errorf("Load(%s) = %+v, %v", k, vals[i], errs[i])
					}
				}
			})
		})
	}
}

func TestLoadCaching(t *testing.T) {
	unavailable := &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindUnavailable, Status: 503}
	timeout := &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindTimeout}
	badRequest := &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindBadRequest, Status: 400}
	tests := []struct {
		name      string
		known     []string
		errs      []error
		key       string
		wantFirst error // nil: the item; *NotFoundError checked by type
		wantCalls int   // fetch calls after two sequential loads of key
		wantNF    bool
	}{
		{"value cached", []string{"a"}, nil, "a", nil, 1, false},
		{"not found cached", nil, nil, "a", nil, 1, true},
		{"unavailable not cached", []string{"a"}, []error{unavailable}, "a", unavailable, 2, false},
		{"timeout not cached", []string{"a"}, []error{timeout}, "a", timeout, 2, false},
		{"bare deadline not cached", []string{"a"}, []error{context.DeadlineExceeded}, "a", context.DeadlineExceeded, 2, false},
		{"bad request not cached", []string{"a"}, []error{badRequest}, "a", badRequest, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := newRecorder(tt.known...)
				rec.errs = tt.errs
				l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)

				v1, err1 := l.Load(t.Context(), tt.key)
				v2, err2 := l.Load(t.Context(), tt.key)

				switch {
				case tt.wantNF:
					for _, err := range []error{err1, err2} {
						if nf, ok := errors.AsType[*loader.NotFoundError](err); !ok || nf.Key != tt.key {
							t.Errorf("Load error = %v, want *NotFoundError for %s", err, tt.key)
						}
					}
				case tt.wantFirst != nil:
					if !errors.Is(err1, tt.wantFirst) {
						t.Errorf("first Load error = %v, want %v", err1, tt.wantFirst)
					}
					if err2 != nil || v2.ID != tt.key {
						t.Errorf("second Load = %+v, %v; want the item after a retry", v2, err2)
					}
				default:
					if err1 != nil || err2 != nil || v1.ID != tt.key || v2 != v1 {
						t.Errorf("Loads = (%+v, %v), (%+v, %v)", v1, err1, v2, err2)
					}
				}
				if n := len(rec.Calls()); n != tt.wantCalls {
					t.Errorf("fetch calls = %d, want %d", n, tt.wantCalls)
				}
			})
		})
	}
}

func TestLoadManyEvictsTransientErrorsOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder("a")
		rec.errs = []error{nil, &restclient.Error{Service: "catalog", Kind: restclient.KindUnavailable}}
		l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)

		vals, errs := l.LoadMany(t.Context(), []string{"a", "missing"})
		if errs[0] != nil || vals[0].ID != "a" {
			t.Errorf("LoadMany[a] = %+v, %v", vals[0], errs[0])
		}
		if _, ok := errors.AsType[*loader.NotFoundError](errs[1]); !ok {
			t.Errorf("LoadMany[missing] error = %v, want *NotFoundError", errs[1])
		}
		// Both cached: no second call.
		_, errs = l.LoadMany(t.Context(), []string{"a", "missing"})
		if n := len(rec.Calls()); n != 1 {
			t.Errorf("fetch calls after cached LoadMany = %d, want 1", n)
		}
		if _, ok := errors.AsType[*loader.NotFoundError](errs[1]); !ok {
			t.Errorf("cached LoadMany[missing] error = %v, want *NotFoundError", errs[1])
		}

		// A transient failure of a new key is evicted; the next load retries.
		_, errs = l.LoadMany(t.Context(), []string{"b"})
		if k, _ := restclient.KindOf(errs[0]); k != restclient.KindUnavailable {
			t.Errorf("LoadMany[b] error = %v, want unavailable", errs[0])
		}
		_, errs = l.LoadMany(t.Context(), []string{"b"})
		if _, ok := errors.AsType[*loader.NotFoundError](errs[0]); !ok {
			t.Errorf("retried LoadMany[b] error = %v, want *NotFoundError", errs[0])
		}
		if n := len(rec.Calls()); n != 3 {
			t.Errorf("fetch calls = %d, want 3", n)
		}
	})
}

type ctxMarker struct{}

func TestBatchRunsOnRequestContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reqCtx := context.WithValue(t.Context(), ctxMarker{}, "request")
		type seen struct {
			marker any
			err    error
		}
		seenc := make(chan seen, 1)
		fetch := func(ctx context.Context, keys []string) ([]item, error) {
			seenc <- seen{ctx.Value(ctxMarker{}), ctx.Err()}
			out := make([]item, 0, len(keys))
			for _, k := range keys {
				out = append(out, item{ID: k})
			}
			return out, nil
		}
		l := loader.NewBatch(reqCtx, cfg, "product", fetch, itemID)

		firstCtx, cancel := context.WithCancel(context.WithValue(t.Context(), ctxMarker{}, "first caller"))
		type result struct {
			v   item
			err error
		}
		first := make(chan result, 1)
		go func() {
			v, err := l.Load(firstCtx, "a")
			first <- result{v, err}
		}()
		synctest.Wait() // the first load opened the batch
		cancel()
		second, err := l.Load(t.Context(), "b")

		if err != nil || second.ID != "b" {
			t.Errorf("second Load = %+v, %v; want b", second, err)
		}
		if r := <-first; r.err != nil || r.v.ID != "a" {
			t.Errorf("first (canceled) caller's Load = %+v, %v; want a", r.v, r.err)
		}
		s := <-seenc
		if s.marker != "request" || s.err != nil {
			t.Errorf("fetch ran on context marker %v with err %v; want the live request context", s.marker, s.err)
		}
	})
}

func TestPanickingFetchFailsEveryKey(t *testing.T) {
	var logged bytes.Buffer
	defer log.SetOutput(log.Writer())
	log.SetOutput(&logged)

	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		fetch := func(context.Context, []string) ([]item, error) {
			calls.Add(1)
			panic("boom")
		}
		l := loader.NewBatch(t.Context(), cfg, "product", fetch, itemID)

		_, errs := loadAll(t.Context(), l, []string{"a", "b", "c"})
		for i, err := range errs {
			if err == nil || err.Error() != "loader batch panicked: boom" {
				t.Errorf("errs[%d] = %v, want loader batch panicked: boom", i, err)
			}
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("fetch calls = %d, want 1", n)
		}
		// The failure is not cached.
		if _, err := l.Load(t.Context(), "a"); err == nil {
			t.Errorf("second Load succeeded, want the panic error again")
		}
		if n := calls.Load(); n != 2 {
			t.Errorf("fetch calls after a retry = %d, want 2", n)
		}
	})
	if logged.Len() != 0 {
		t.Errorf("standard logger printed %q, want nothing", logged.String())
	}
}

func TestPerKeyBoundedParallelism(t *testing.T) {
	const parallelism = 3
	synctest.Test(t, func(t *testing.T) {
		var (
			inflight, peak atomic.Int32
			mu             sync.Mutex
			fetched        []string
		)
		entered := make(chan struct{}, 16)
		gate := make(chan struct{})
		fetch := func(_ context.Context, key string) (item, error) {
			n := inflight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			mu.Lock()
			fetched = append(fetched, key)
			mu.Unlock()
			entered <- struct{}{}
			<-gate
			inflight.Add(-1)
			if key == "k09" {
				return item{}, fmt.Errorf("fetching %s: %w", key, &restclient.Error{Service: "reviews", Kind: restclient.KindNotFound, Status: 404})
			}
			return item{ID: key, Name: "one " + key}, nil
		}
		c := cfg
		c.Parallelism = parallelism
		l := loader.NewPerKey(t.Context(), c, "review summary", fetch)

		var keys []string
		for i := range 10 {
			keys = append(keys, fmt.Sprintf("k%02d", i))
		}
		done := make(chan struct{})
		var vals []item
		var errs []error
		go func() {
			vals, errs = loadAll(t.Context(), l, keys)
			close(done)
		}()
		<-entered // the batch started
		for i := range keys {
			synctest.Wait()
			if got, want := inflight.Load(), int32(min(parallelism, len(keys)-i)); got != want {
				t.Fatalf("before release %d: %d fetches in flight, want %d", i, got, want)
			}
			gate <- struct{}{}
		}
		<-done

		if p := peak.Load(); p != parallelism {
			t.Errorf("peak concurrency = %d, want %d", p, parallelism)
		}
		slices.Sort(fetched)
		if !slices.Equal(fetched, keys) {
			t.Errorf("fetched = %q, want each key once", fetched)
		}
		for i, k := range keys {
			if k == "k09" {
				nf, ok := errors.AsType[*loader.NotFoundError](errs[i])
				if !ok || nf.Kind != "review summary" || nf.Key != "k09" {
					t.Errorf("Load(k09) error = %v, want *NotFoundError{review summary, k09}", errs[i])
				}
				continue
			}
			if errs[i] != nil || vals[i] != (item{ID: k, Name: "one " + k}) {
				t.Errorf("Load(%s) = %+v, %v", k, vals[i], errs[i])
			}
		}
	})
}

func TestPerKeyPassesOtherErrorsThrough(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		want := &restclient.Error{Service: "reviews", Kind: restclient.KindTimeout}
		var calls atomic.Int32
		l := loader.NewPerKey(t.Context(), cfg, "review summary", func(context.Context, string) (item, error) {
			calls.Add(1)
			return item{}, want
		})
		for range 2 {
			if _, err := l.Load(t.Context(), "a"); !errors.Is(err, want) {
				t.Errorf("Load error = %v, want %v", err, want)
			}
		}
		if n := calls.Load(); n != 2 {
			t.Errorf("fetch calls = %d, want 2 (timeouts are not cached)", n)
		}
	})
}

func TestDisabledLoadsOneKeyPerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder("a", "b", "c")
		c := cfg
		c.Disabled = true
		l := loader.NewBatch(t.Context(), c, "product", rec.fetch, itemID)

		keys := []string{"a", "b", "a", "c", "a"}
		vals, errs := loadAll(t.Context(), l, keys)
		for i, k := range keys {
			if errs[i] != nil || vals[i].ID != k {
				t.Errorf("Load(%s) = %+v, %v", k, vals[i], errs[i])
			}
		}
		if _, err := l.Load(t.Context(), "a"); err != nil {
			t.Errorf("sequential Load(a): %v", err)
		}
		calls := rec.Calls()
		if len(calls) != len(keys)+1 {
			t.Errorf("fetch calls = %d, want %d (one per load)", len(calls), len(keys)+1)
		}
		for _, call := range calls {
			if len(call) != 1 {
				t.Errorf("call with keys %q, want exactly one", call)
			}
		}
	})
}

func TestBatchObserverSeesEachBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		seen := map[string][]int{}
		ctx := loader.WithBatchObserver(t.Context(), func(kind string, n int) {
			mu.Lock()
			defer mu.Unlock()
			seen[kind] = append(seen[kind], n)
		})
		batch := loader.NewBatch(ctx, cfg, "product", newRecorder("a", "b", "c").fetch, itemID)
		loadAll(ctx, batch, []string{"a", "b", "c"})
		perKey := loader.NewPerKey(ctx, cfg, "summary", func(_ context.Context, k string) (string, error) { return k, nil })
		_, _ = perKey.LoadMany(ctx, []string{"x", "y"})
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(seen["product"], []int{3}) || !slices.Equal(seen["summary"], []int{2}) {
			t.Fatalf("observed batches = %v, want product [3] and summary [2]", seen)
		}
	})
}
