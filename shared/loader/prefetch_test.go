package loader_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// barrier lets n goroutines proceed only once all n have arrived, so a test
// deadlocks (and synctest fails it) unless they run concurrently.
type barrier struct {
	n       int32
	arrived atomic.Int32
	allIn   chan struct{}
}

func newBarrier(n int) *barrier {
	return &barrier{n: int32(n), allIn: make(chan struct{})}
}

// await blocks until all n goroutines called await.
func (b *barrier) await() {
	if b.arrived.Add(1) == b.n {
		close(b.allIn)
	}
	<-b.allIn
}

func TestPrefetchDeduplicatesKeys(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want []string // the keys of the one fetch call, in first-seen order
	}{
		{"distinct keys", []string{"a", "b", "c"}, []string{"a", "b", "c"}},
		{"duplicates", []string{"b", "a", "b", "c", "a", "b"}, []string{"b", "a", "c"}},
		{"one key many times", []string{"a", "a", "a"}, []string{"a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := newRecorder("a", "b", "c")
				l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)

				l.Prefetch(t.Context(), tt.keys)

				calls := rec.Calls()
				if len(calls) != 1 || !slices.Equal(calls[0], tt.want) {
					t.Errorf("fetch calls = %q, want one call with %q", calls, tt.want)
				}
			})
		})
	}
}

func TestPrefetchSplitsByCapacityConcurrently(t *testing.T) {
	tests := []struct {
		name      string
		keys      int
		capacity  int
		wantCalls int
	}{
		{"under capacity", 3, 5, 1},
		{"exactly capacity", 4, 4, 1},
		{"two full chunks", 4, 2, 2},
		{"remainder chunk", 5, 2, 3},
		{"capacity one", 4, 1, 4},
		{"zero capacity means one", 3, 0, 3},
		{"duplicates do not count", 7, 3, 3}, // 7 distinct keys, each given twice
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var keys []string
				for i := range tt.keys {
					keys = append(keys, fmt.Sprintf("k%02d", i))
				}
				asked := keys
				if strings.HasPrefix(tt.name, "duplicates") {
					asked = slices.Concat(keys, keys)
				}
				// Every call waits for all wantCalls calls to have started: a
				// Prefetch that ran its chunks one after the other would
				// deadlock here.
				b := newBarrier(tt.wantCalls)
				var (
					mu    sync.Mutex
					calls [][]string
				)
				fetch := func(_ context.Context, ks []string) ([]item, error) {
					mu.Lock()
					calls = append(calls, slices.Clone(ks))
					mu.Unlock()
					b.await()
					out := make([]item, 0, len(ks))
					for _, k := range ks {
						out = append(out, item{ID: k, Name: "name of " + k})
					}
					return out, nil
				}
				c := cfg
				c.BatchCapacity = tt.capacity
				l := loader.NewBatch(t.Context(), c, "product", fetch, itemID)

				l.Prefetch(t.Context(), asked)

				mu.Lock()
				got := slices.Clone(calls)
				mu.Unlock()
				if len(got) != tt.wantCalls {
					t.Fatalf("fetch calls = %d (%q), want %d", len(got), got, tt.wantCalls)
				}
				// The calls are the capacity-sized chunks of the distinct keys.
				slices.SortFunc(got, func(x, y []string) int { return strings.Compare(x[0], y[0]) })
				want := slices.Collect(slices.Chunk(keys, max(tt.capacity, 1)))
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("fetched chunks = %q, want %q", got, want)
				}
			})
		})
	}
}

func TestLoadAfterPrefetch(t *testing.T) {
	unavailable := &restclient.Error{Service: "catalog", Op: "GET /products", Kind: restclient.KindUnavailable, Status: 503}
	tests := []struct {
		name     string
		known    []string
		errs     []error // successive fetch results, see recorder
		prefetch []string
		load     string
		// wantCalls is the fetch calls after Prefetch and then after Load.
		wantCalls [2]int
		// wantLoadCall is the keys of the call Load made, if it made one.
		wantLoadCall []string
		wantErr      error // nil: the item; *NotFoundError is checked by type
		wantNF       bool
	}{
		{
			name: "prefetched key served from cache", known: []string{"a", "b"},
			prefetch: []string{"a", "b"}, load: "b", wantCalls: [2]int{1, 1},
		},
		{
			name: "not found key is kept", known: []string{"a"},
			prefetch: []string{"a", "zz"}, load: "zz", wantCalls: [2]int{1, 1},
			wantNF: true,
		},
		{
			name: "failed key is fetched again and fails", known: []string{"a"}, errs: []error{unavailable, unavailable},
			prefetch: []string{"a"}, load: "a", wantCalls: [2]int{1, 2},
			wantLoadCall: []string{"a"}, wantErr: unavailable,
		},
		{
			name: "failed key is fetched again and loads", known: []string{"a"}, errs: []error{unavailable},
			prefetch: []string{"a"}, load: "a", wantCalls: [2]int{1, 2},
			wantLoadCall: []string{"a"},
		},
		{
			name: "key not prefetched is fetched", known: []string{"a", "b"},
			prefetch: []string{"a"}, load: "b", wantCalls: [2]int{1, 2},
			wantLoadCall: []string{"b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := newRecorder(tt.known...)
				rec.errs = tt.errs
				l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)

				l.Prefetch(t.Context(), tt.prefetch)
				if n := len(rec.Calls()); n != tt.wantCalls[0] {
					t.Fatalf("fetch calls after Prefetch = %d, want %d", n, tt.wantCalls[0])
				}
				v, err := l.Load(t.Context(), tt.load)

				calls := rec.Calls()
				if len(calls) != tt.wantCalls[1] {
					t.Fatalf("fetch calls after Load = %d (%q), want %d", len(calls), calls, tt.wantCalls[1])
				}
				if tt.wantLoadCall != nil && !slices.Equal(calls[len(calls)-1], tt.wantLoadCall) {
					t.Errorf("Load fetched %q, want %q", calls[len(calls)-1], tt.wantLoadCall)
				}
				switch {
				case tt.wantNF:
					nf, ok := errors.AsType[*loader.NotFoundError](err)
					if !ok || nf.Kind != "product" || nf.Key != tt.load {
						t.Errorf("Load(%s) error = %v, want product %s not found", tt.load, err, tt.load)
					}
				case tt.wantErr != nil:
					if !errors.Is(err, tt.wantErr) {
						t.Errorf("Load(%s) error = %v, want %v", tt.load, err, tt.wantErr)
					}
				default:
					if want := (item{ID: tt.load, Name: "name of " + tt.load}); err != nil || v != want {
						t.Errorf("Load(%s) = %+v, %v; want %+v", tt.load, v, err, want)
					}
				}
			})
		})
	}
}

func TestLoadManyAfterPrefetchMakesNoCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rec := newRecorder("a", "b", "c")
		l := loader.NewBatch(t.Context(), cfg, "product", rec.fetch, itemID)

		l.Prefetch(t.Context(), []string{"c", "a", "b"})
		vals, errs := l.LoadMany(t.Context(), []string{"a", "b", "c"})

		if n := len(rec.Calls()); n != 1 {
			t.Errorf("fetch calls = %d, want 1 (the prefetch)", n)
		}
		if errs != nil {
			t.Errorf("LoadMany errors = %v, want nil", errs)
		}
		want := []item{{"a", "name of a"}, {"b", "name of b"}, {"c", "name of c"}}
		if !slices.Equal(vals, want) {
			t.Errorf("LoadMany = %+v, want %+v", vals, want)
		}
	})
}

func TestPrefetchDoesNothing(t *testing.T) {
	tests := []struct {
		name     string
		disabled bool
		keys     []string
	}{
		{"disabled", true, []string{"a", "b"}},
		{"nil keys", false, nil},
		{"empty keys", false, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rec := newRecorder("a", "b")
				c := cfg
				c.Disabled = tt.disabled
				l := loader.NewBatch(t.Context(), c, "product", rec.fetch, itemID)

				l.Prefetch(t.Context(), tt.keys)

				if calls := rec.Calls(); len(calls) != 0 {
					t.Errorf("fetch calls = %q, want none", calls)
				}
				// Nothing was primed: a load still fetches.
				if v, err := l.Load(t.Context(), "a"); err != nil || v.ID != "a" {
					t.Errorf("Load(a) = %+v, %v", v, err)
				}
				if calls := rec.Calls(); len(calls) != 1 || !slices.Equal(calls[0], []string{"a"}) {
					t.Errorf("fetch calls after Load = %q, want one call with [a]", calls)
				}
			})
		})
	}
}

func TestPrefetchRunsOnRequestContext(t *testing.T) {
	tests := []struct {
		name      string
		callerCtx func(t *testing.T) context.Context
	}{
		{"caller context without the value", func(t *testing.T) context.Context { return t.Context() }},
		{"caller context with another value", func(t *testing.T) context.Context {
			return context.WithValue(t.Context(), ctxMarker{}, "caller")
		}},
		{"canceled caller context", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(context.WithValue(t.Context(), ctxMarker{}, "caller"))
			cancel()
			return ctx
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				reqCtx := context.WithValue(t.Context(), ctxMarker{}, "request")
				var (
					mu     sync.Mutex
					marker []any
					ctxErr []error
				)
				fetch := func(ctx context.Context, keys []string) ([]item, error) {
					mu.Lock()
					marker = append(marker, ctx.Value(ctxMarker{}))
					ctxErr = append(ctxErr, ctx.Err())
					mu.Unlock()
					return []item{{ID: keys[0]}}, nil
				}
				l := loader.NewBatch(reqCtx, cfg, "product", fetch, itemID)

				l.Prefetch(tt.callerCtx(t), []string{"a"})

				mu.Lock()
				defer mu.Unlock()
				if !slices.Equal(marker, []any{"request"}) || !slices.Equal(ctxErr, []error{nil}) {
					t.Errorf("fetch ran on contexts with markers %v and errors %v; want one call on the live request context", marker, ctxErr)
				}
			})
		})
	}
}

func TestPrefetchPerKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var (
			mu      sync.Mutex
			fetched []string
		)
		fetch := func(_ context.Context, key string) (item, error) {
			mu.Lock()
			fetched = append(fetched, key)
			mu.Unlock()
			if key == "zz" {
				return item{}, &restclient.Error{Service: "reviews", Kind: restclient.KindNotFound, Status: 404}
			}
			return item{ID: key, Name: "one " + key}, nil
		}
		l := loader.NewPerKey(t.Context(), cfg, "review summary", fetch)

		l.Prefetch(t.Context(), []string{"b", "a", "zz", "b"})
		v, err := l.Load(t.Context(), "a")
		if want := (item{ID: "a", Name: "one a"}); err != nil || v != want {
			t.Errorf("Load(a) = %+v, %v; want %+v", v, err, want)
		}
		if _, err := l.Load(t.Context(), "zz"); !errors.Is(err, restclient.ErrNotFound) {
			t.Errorf("Load(zz) error = %v, want not found", err)
		}

		mu.Lock()
		defer mu.Unlock()
		slices.Sort(fetched)
		if want := []string{"a", "b", "zz"}; !slices.Equal(fetched, want) {
			t.Errorf("fetched = %q, want %q (each once: not found is kept)", fetched, want)
		}
	})
}

func TestTogether(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5, 16} {
		t.Run(fmt.Sprintf("%d funcs", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Each func waits for all the others to start (run one after
				// the other, the first would wait forever), then for release.
				b := newBarrier(n)
				release := make(chan struct{})
				var finished atomic.Int32
				fetches := make([]func(), n)
				for i := range fetches {
					fetches[i] = func() {
						b.await()
						<-release
						finished.Add(1)
					}
				}
				done := make(chan struct{})
				go func() {
					loader.Together(fetches...)
					close(done)
				}()

				synctest.Wait() // every func started and is blocked on release
				if n > 0 {
					select {
					case <-done:
						t.Fatal("Together returned before its funcs finished")
					default:
					}
				}
				if got := b.arrived.Load(); got != int32(n) {
					t.Errorf("funcs started = %d, want %d", got, n)
				}
				close(release)
				<-done
				if got := finished.Load(); got != int32(n) {
					t.Errorf("funcs finished when Together returned = %d, want %d", got, n)
				}
			})
		})
	}
}

// TestTogetherRunsFirstOnCaller: the first fetch runs on the calling
// goroutine, whose stack already holds an upstream call; only the others
// start goroutines.
func TestTogetherRunsFirstOnCaller(t *testing.T) {
	caller := goroutineID()
	var first, second string
	loader.Together(func() { first = goroutineID() }, func() { second = goroutineID() })
	if first != caller {
		t.Errorf("first fetch ran on goroutine %s, want the caller's %s", first, caller)
	}
	if second == caller || second == "" {
		t.Errorf("second fetch ran on goroutine %q, want a goroutine of its own", second)
	}
}

// goroutineID is the id of the calling goroutine, from its stack header.
func goroutineID() string {
	buf := make([]byte, 64)
	fields := strings.Fields(string(buf[:runtime.Stack(buf, false)]))
	if len(fields) < 2 {
		return ""
	}
	return fields[1]
}
