// Package loader is frontdesk's dataloader glue: per-request loaders
// (graph-gophers/dataloader v7) that turn the keys a query level asks for into
// one upstream call per service, map the answers back to the keys in order,
// and report a missing entity as a typed per-key *NotFoundError.
//
// Rules every loader here follows:
//   - loaders live for one request (Middleware), so nothing cached in them
//     outlives the request or crosses users;
//   - the batch runs on the request's context, not on whichever resolver's
//     context happened to load first;
//   - a transient failure (timeout, unavailable, bad response) is evicted from
//     the loader's cache so a later load in the same request tries again;
//     NotFound stays cached;
//   - the batch wait and capacity are explicit (Config), never the library's
//     16 ms default;
//   - entities read through the shared cache (NewCachedBatch, NewCachedPerKey)
//     ask it once per batch and fetch only its misses (package cache).
package loader

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"
	"golang.org/x/sync/errgroup"

	"github.com/frontdesk/frontdesk/shared/budget"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// Config tunes batching. The zero value is not useful; use the env defaults.
type Config struct {
	// Wait is how long a batch collects keys after the first one arrives.
	Wait time.Duration `env:"LOADER_WAIT" envDefault:"1ms" json:"wait"`
	// BatchCapacity is the most keys one upstream call carries; more keys make
	// more calls. The default is the demo services' batch limit (200 ids). Keep
	// it at the upstreams' limit: a split batch also splits the batches of
	// sibling fields, because gqlgen resolves an object's concurrent fields
	// after its inline ones (docs/decisions.md).
	BatchCapacity int `env:"LOADER_BATCH_CAPACITY" envDefault:"200" json:"batchCapacity"`
	// Parallelism bounds the concurrent single GETs of a service without a batch endpoint.
	Parallelism int `env:"LOADER_PARALLELISM" envDefault:"8" json:"parallelism"`
	// Disabled turns batching and per-request caching off: every load is its own
	// upstream call (the N+1 baseline). For benchmarks only.
	Disabled bool `env:"LOADER_DISABLED" envDefault:"false" json:"disabled"`
}

// NotFoundError reports that the entity of one key does not exist.
type NotFoundError struct {
	Kind string // entity kind, e.g. "product"
	Key  string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %s not found", e.Kind, e.Key) }

// Is makes errors.Is(err, restclient.ErrNotFound) hold for a NotFoundError.
func (e *NotFoundError) Is(target error) bool { return target == restclient.ErrNotFound }

// Loader loads values of type V by key of type K for one request.
//
// It has two ways in. Load is dataloader's: a lone field's key waits up to
// Config.Wait for other keys and goes out with them in one batch. LoadMany
// and Prefetch are breadth-first: a batch resolver or a list resolver already
// holds every key of its level, so they fetch at once, in as few calls as
// BatchCapacity allows, with no wait window and no goroutine per key (as
// dataloader's own LoadMany would start). Both ways share one per-request
// memo, so a key is fetched once per request whichever way asks first, and
// a key being fetched is waited for, not fetched again.
type Loader[K comparable, V any] struct {
	dl       *dataloader.Loader[K, V]
	batch    dataloader.BatchFunc[K, V]
	capacity int
	disabled bool

	mu   sync.Mutex
	memo map[K]*result[V]
}

// result is one key's load: done is closed once v and err are set.
type result[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// closed is the done channel of results recorded after the fact.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Prefetch loads keys now (LoadMany without the answers): a list resolver
// calls it with the keys its descendants will load, so they find them in the
// request's memo. It returns when the values are in; it does nothing when
// batching is disabled.
func (l *Loader[K, V]) Prefetch(ctx context.Context, keys []K) {
	if l.disabled || len(keys) == 0 {
		return
	}
	l.LoadMany(ctx, keys)
}

// Load returns the value of key, batched with the other loads of its tick.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	if !l.disabled {
		l.mu.Lock()
		r, ok := l.memo[key]
		l.mu.Unlock()
		if ok {
			<-r.done
			return r.v, r.err
		}
	}
	v, err := l.dl.Load(ctx, key)()
	if err != nil && !errors.Is(err, restclient.ErrNotFound) {
		l.dl.Clear(ctx, key)
		return v, err
	}
	if !l.disabled {
		l.mu.Lock()
		if _, ok := l.memo[key]; !ok {
			l.memo[key] = &result[V]{done: closed, v: v, err: err}
		}
		l.mu.Unlock()
	}
	return v, err
}

// LoadMany returns the values of keys in key order and a per-key error slice
// (nil when every key loaded). Keys this request has not asked for yet are
// fetched at once, BatchCapacity distinct keys per upstream call (the calls
// in parallel); keys already loaded or being loaded are read from the memo.
// A transient failure is reported to every caller waiting for it and then
// forgotten, so a later load tries again; NotFound is kept.
func (l *Loader[K, V]) LoadMany(ctx context.Context, keys []K) ([]V, []error) {
	if l.disabled {
		return l.loadEach(ctx, keys)
	}
	rs := make([]*result[V], len(keys))
	var fresh []K
	var freshRs []*result[V]
	l.mu.Lock()
	for i, k := range keys {
		r, ok := l.memo[k]
		if !ok {
			r = &result[V]{done: make(chan struct{})}
			l.memo[k] = r
			fresh = append(fresh, k)
			freshRs = append(freshRs, r)
		}
		rs[i] = r
	}
	l.mu.Unlock()

	if len(fresh) > 0 {
		l.fetch(ctx, fresh, freshRs)
	}

	vals := make([]V, len(keys))
	var errs []error
	for i, r := range rs {
		<-r.done
		vals[i] = r.v
		if r.err != nil {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = r.err
		}
	}
	return vals, errs
}

// fetch runs the batch function over keys, one call per chunk of capacity
// keys (chunks in parallel), and completes their results.
func (l *Loader[K, V]) fetch(ctx context.Context, keys []K, rs []*result[V]) {
	if len(keys) <= l.capacity {
		l.complete(ctx, keys, rs)
		return
	}
	var wg sync.WaitGroup
	for start := l.capacity; start < len(keys); start += l.capacity {
		end := min(start+l.capacity, len(keys))
		wg.Go(func() { l.complete(ctx, keys[start:end], rs[start:end]) })
	}
	l.complete(ctx, keys[:l.capacity], rs[:l.capacity]) // the first chunk here, as Together
	wg.Wait()
}

func (l *Loader[K, V]) complete(ctx context.Context, keys []K, rs []*result[V]) {
	answers := l.batch(ctx, keys)
	var transient []K
	for i, r := range rs {
		if i < len(answers) && answers[i] != nil {
			r.v, r.err = answers[i].Data, answers[i].Error
		} else {
			r.err = fmt.Errorf("loader batch returned %d results for %d keys", len(answers), len(keys))
		}
		if r.err != nil && !errors.Is(r.err, restclient.ErrNotFound) {
			transient = append(transient, keys[i])
		}
		close(r.done)
	}
	if len(transient) > 0 {
		l.mu.Lock()
		for _, k := range transient {
			delete(l.memo, k)
		}
		l.mu.Unlock()
	}
}

// loadEach is LoadMany with batching disabled: one upstream call per key,
// concurrently, as the N+1 baseline makes them.
func (l *Loader[K, V]) loadEach(ctx context.Context, keys []K) ([]V, []error) {
	thunks := make([]dataloader.Thunk[V], len(keys))
	for i, k := range keys {
		thunks[i] = l.dl.Load(ctx, k)
	}
	vals := make([]V, len(keys))
	var errs []error
	for i, th := range thunks {
		v, err := th()
		vals[i] = v
		if err != nil {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = err
		}
	}
	return vals, errs
}

// BatchFunc fetches the entities of keys that exist, in any order, in one call.
type BatchFunc[K comparable, V any] func(ctx context.Context, keys []K) ([]V, error)

type observerKey struct{}

// WithBatchObserver returns ctx whose loaders report the size of every batch
// they run to observe (a metric), by entity kind.
func WithBatchObserver(ctx context.Context, observe func(kind string, size int)) context.Context {
	return context.WithValue(ctx, observerKey{}, observe)
}

func observeBatch(ctx context.Context, kind string, size int) {
	if observe, ok := ctx.Value(observerKey{}).(func(string, int)); ok {
		observe(kind, size)
	}
}

// OneFunc fetches the entity of one key.
type OneFunc[K comparable, V any] func(ctx context.Context, key K) (V, error)

// NewBatch returns a loader over a batch endpoint. keyOf extracts an entity's
// key so answers are mapped back to keys whatever order the upstream used.
func NewBatch[K comparable, V any](reqCtx context.Context, cfg Config, kind string, fetch BatchFunc[K, V], keyOf func(V) K) *Loader[K, V] {
	return newLoader(cfg, onRequest(reqCtx, kind, batchResults(kind, fetch, keyOf)))
}

// NewPerKey returns a loader over an endpoint without batch reads: one batch
// becomes single GETs, at most cfg.Parallelism at a time.
func NewPerKey[K comparable, V any](reqCtx context.Context, cfg Config, kind string, fetch OneFunc[K, V]) *Loader[K, V] {
	return newLoader(cfg, onRequest(reqCtx, kind, perKeyResults(kind, cfg.Parallelism, fetch)))
}

// NewCachedBatch is NewBatch with the entities of kind read through c (one
// cache read per batch; only the misses are fetched) and cached; see
// cache.Load. With a nil c it is NewBatch.
func NewCachedBatch[V any](reqCtx context.Context, cfg Config, c *cache.Cache, kind cache.Kind, fetch BatchFunc[string, V], keyOf func(V) string) *Loader[string, V] {
	return newLoader(cfg, onRequest(reqCtx, kind.Name, cached(c, kind, batchResults(kind.Name, fetch, keyOf))))
}

// NewCachedPerKey is NewPerKey with the entities of kind read through c (one
// cache read per batch; only the misses are fetched, in bounded parallel)
// and cached; see cache.Load. With a nil c it is NewPerKey.
func NewCachedPerKey[V any](reqCtx context.Context, cfg Config, c *cache.Cache, kind cache.Kind, fetch OneFunc[string, V]) *Loader[string, V] {
	return newLoader(cfg, onRequest(reqCtx, kind.Name, cached(c, kind, perKeyResults(kind.Name, cfg.Parallelism, fetch))))
}

// results fetches the values of keys and returns one result per key, in
// key order, running on ctx.
type results[K comparable, V any] func(ctx context.Context, keys []K) []*dataloader.Result[V]

// onRequest makes a batch function of fetch that runs on the request's
// context, not on whichever resolver's context happened to load first, and
// reports the batch's size. What the latency budget of optional data needs
// of the loading context (shared/budget) is carried over: a batch for
// optional fields ends by their budget.
func onRequest[K comparable, V any](reqCtx context.Context, kind string, fetch results[K, V]) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		observeBatch(reqCtx, kind, len(keys))
		return fetch(budget.Carry(reqCtx, ctx), keys)
	}
}

func batchResults[K comparable, V any](kind string, fetch BatchFunc[K, V], keyOf func(V) K) results[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		vals, err := fetch(ctx, keys)
		if err != nil {
			return failAll[V](len(keys), err)
		}
		return MapResults(kind, keys, vals, keyOf)
	}
}

func perKeyResults[K comparable, V any](kind string, parallelism int, fetch OneFunc[K, V]) results[K, V] {
	return func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		results := make([]*dataloader.Result[V], len(keys))
		var g errgroup.Group
		g.SetLimit(max(parallelism, 1))
		for i, key := range keys {
			g.Go(func() error {
				v, err := fetch(ctx, key)
				if errors.Is(err, restclient.ErrNotFound) {
					err = &NotFoundError{Kind: kind, Key: fmt.Sprint(key)}
				}
				results[i] = &dataloader.Result[V]{Data: v, Error: err}
				return nil
			})
		}
		_ = g.Wait() // the goroutines report through results, never through Wait
		return results
	}
}

// cached reads the entities of a batch through c and fetches only the misses.
func cached[V any](c *cache.Cache, kind cache.Kind, fetch results[string, V]) results[string, V] {
	if c == nil {
		return fetch
	}
	return func(ctx context.Context, keys []string) []*dataloader.Result[V] {
		vals, errs := cache.Load(ctx, c, kind, keys, func(ctx context.Context, ids []string) ([]V, []error) {
			rs := fetch(ctx, ids)
			vals, errs := make([]V, len(ids)), make([]error, len(ids))
			for i, r := range rs {
				vals[i], errs[i] = r.Data, r.Error
			}
			return vals, errs
		})
		out := make([]*dataloader.Result[V], len(keys))
		for i := range keys {
			out[i] = &dataloader.Result[V]{Data: vals[i], Error: errs[i]}
		}
		return out
	}
}

func newLoader[K comparable, V any](cfg Config, batch dataloader.BatchFunc[K, V]) *Loader[K, V] {
	opts := []dataloader.Option[K, V]{
		dataloader.WithWait[K, V](cfg.Wait),
		dataloader.WithBatchCapacity[K, V](max(cfg.BatchCapacity, 1)),
	}
	if cfg.Disabled {
		opts = []dataloader.Option[K, V]{
			dataloader.WithWait[K, V](0),
			dataloader.WithBatchCapacity[K, V](1),
			dataloader.WithCache[K, V](&dataloader.NoCache[K, V]{}),
		}
	}
	batch = safe(batch)
	return &Loader[K, V]{
		dl:       dataloader.NewBatchedLoader(batch, opts...),
		batch:    batch,
		capacity: max(cfg.BatchCapacity, 1),
		disabled: cfg.Disabled,
		memo:     make(map[K]*result[V]),
	}
}

// safe keeps a panic in a batch function from reaching dataloader's own
// recovery, which logs a stack trace with the standard logger; it becomes an
// error for every key instead.
func safe[K comparable, V any](batch dataloader.BatchFunc[K, V]) dataloader.BatchFunc[K, V] {
	return func(ctx context.Context, keys []K) (results []*dataloader.Result[V]) {
		defer func() {
			if r := recover(); r != nil {
				results = failAll[V](len(keys), fmt.Errorf("loader batch panicked: %v", r))
			}
		}()
		return batch(ctx, keys)
	}
}

// MapResults returns one result per key, in key order: the value whose key
// keyOf yields, or a *NotFoundError for a key no value has. Values for keys
// not asked for are ignored, so an upstream that answers in its own order,
// drops unknown ids or repeats a row cannot shift results onto the wrong key.
func MapResults[K comparable, V any](kind string, keys []K, vals []V, keyOf func(V) K) []*dataloader.Result[V] {
	byKey := make(map[K]V, len(vals))
	for _, v := range vals {
		byKey[keyOf(v)] = v
	}
	results := make([]*dataloader.Result[V], len(keys))
	for i, k := range keys {
		if v, ok := byKey[k]; ok {
			results[i] = &dataloader.Result[V]{Data: v}
		} else {
			results[i] = &dataloader.Result[V]{Error: &NotFoundError{Kind: kind, Key: fmt.Sprint(k)}}
		}
	}
	return results
}

func failAll[V any](n int, err error) []*dataloader.Result[V] {
	results := make([]*dataloader.Result[V], n)
	for i := range results {
		results[i] = &dataloader.Result[V]{Error: err}
	}
	return results
}

// Together runs fetches (Prefetch calls) concurrently and returns when all
// are done, so a list resolver's prefetches cost one round trip, not one per
// service. The first runs on the calling goroutine, whose stack has already
// grown to hold an upstream call; a new goroutine's would grow again, copy
// by copy (docs/decisions.md, decision 23).
func Together(fetches ...func()) {
	if len(fetches) == 0 {
		return
	}
	var wg sync.WaitGroup
	for _, f := range fetches[1:] {
		wg.Go(f)
	}
	fetches[0]()
	wg.Wait()
}
