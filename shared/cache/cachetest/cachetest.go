// Package cachetest helps test code that caches: a manual clock, a store to
// run against (the real Redis at REDIS_ADDR when set, as in CI, else an
// in-memory one), a store that counts its calls, and the cache settings of
// tests.
package cachetest

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/alicebob/miniredis/v2"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// Clock is a manual clock, safe for concurrent use: ratelimittest's.
type Clock = ratelimittest.Clock

// NewClock returns a clock standing at ratelimittest.Start.
func NewClock() *Clock { return ratelimittest.NewClock() }

// Config returns the cache settings of tests: the defaults of the
// environment (docs/caching.md).
func Config() cache.Config {
	return cache.Config{
		Enabled:            true,
		MaxEntries:         10000,
		MaxTTL:             5 * time.Minute,
		MaxStale:           10 * time.Minute,
		FailureLogInterval: time.Minute,
		Backoff:            time.Second,
		DefaultTTL: cache.DefaultTTLs{
			Catalog: 60 * time.Second, Inventory: 5 * time.Second, Reviews: 30 * time.Second,
		},
		Response: true,
	}
}

// NewStore returns the store of a test: Redis at REDIS_ADDR under a key
// prefix of its own when that is set, else a Memory on now. Freshness is
// judged on the cache's clock either way; only Redis's own expiry runs on
// real time.
func NewStore(t testing.TB, now func() time.Time) cache.Store {
	t.Helper()
	if addr := os.Getenv("REDIS_ADDR"); addr != "" {
		return cache.NewRedis(ratelimittest.NewClient(t, addr), ratelimittest.KeyPrefix(t), time.Second)
	}
	return cache.NewMemory(10000, now)
}

// Counting is a Store that counts the calls to the one it wraps.
type Counting struct {
	cache.Store
	mu                sync.Mutex
	mgets, sets, dels int
	keysRead, keysSet int
	waiters           []waiter
}

type waiter struct {
	mgets, sets int // the counts it waits for; one of them is zero
	ready       chan struct{}
}

// AwaitMGets returns a channel closed once the store has served n MGets.
func (c *Counting) AwaitMGets(n int) <-chan struct{} { return c.await(waiter{mgets: n}) }

// AwaitSets returns a channel closed once the store has done n Sets (each
// readable by then).
func (c *Counting) AwaitSets(n int) <-chan struct{} { return c.await(waiter{sets: n}) }

func (c *Counting) await(w waiter) <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.ready = make(chan struct{})
	c.waiters = append(c.waiters, w)
	c.wake()
	return w.ready
}

// wake closes the channels of the waiters whose counts are reached. Called
// with mu held.
func (c *Counting) wake() {
	waiting := c.waiters[:0]
	for _, w := range c.waiters {
		if c.mgets >= w.mgets && c.sets >= w.sets {
			close(w.ready)
		} else {
			waiting = append(waiting, w)
		}
	}
	c.waiters = waiting
}

// NewCounting wraps s.
func NewCounting(s cache.Store) *Counting { return &Counting{Store: s} }

// MGet implements cache.Store.
func (c *Counting) MGet(ctx context.Context, keys []string) ([][]byte, error) {
	vals, err := c.Store.MGet(ctx, keys)
	c.mu.Lock()
	c.mgets++
	c.keysRead += len(keys)
	c.wake()
	c.mu.Unlock()
	return vals, err
}

// Set implements cache.Store.
func (c *Counting) Set(ctx context.Context, items ...cache.Item) error {
	err := c.Store.Set(ctx, items...)
	c.mu.Lock()
	c.sets++
	c.keysSet += len(items)
	c.wake()
	c.mu.Unlock()
	return err
}

// Delete implements cache.Store.
func (c *Counting) Delete(ctx context.Context, keys ...string) error {
	c.mu.Lock()
	c.dels++
	c.mu.Unlock()
	return c.Store.Delete(ctx, keys...)
}

// Counts are the calls a Counting store has seen.
type Counts struct {
	MGets, Sets, Deletes int
	KeysRead, KeysSet    int
}

// Counts returns the calls so far.
func (c *Counting) Counts() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Counts{MGets: c.mgets, Sets: c.sets, Deletes: c.dels, KeysRead: c.keysRead, KeysSet: c.keysSet}
}

// Reset zeroes the counts.
func (c *Counting) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.mgets, c.sets, c.dels, c.keysRead, c.keysSet = 0, 0, 0, 0, 0
}

// Observer records what a cache.Observer is told, as "layer:result".
type Observer struct {
	mu      sync.Mutex
	results []string
}

// Observe is the cache.Observer.
func (o *Observer) Observe(_ context.Context, layer, result string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.results = append(o.results, layer+":"+result)
}

// Take returns what was observed since the last Take.
func (o *Observer) Take() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := o.results
	o.results = nil
	return out
}

// Count returns how often "layer:result" was observed since the last Take.
func (o *Observer) Count(layerResult string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, r := range o.results {
		if r == layerResult {
			n++
		}
	}
	return n
}

// WithExtension returns es with ext around its execution, as
// handler.Server.Use(ext) puts it around in a BFF: for tests of a BFF's
// handler before it adds ext itself. ext runs on a response context of its
// own (errors presented by gqlerr's presenter), exactly like an extension
// of gqlgen's executor, so the executor's merging of errors and extensions
// after Exec changes nothing of ext's answer.
func WithExtension(es graphql.ExecutableSchema, ext graphql.ResponseInterceptor, logger *slog.Logger) graphql.ExecutableSchema {
	return extended{ExecutableSchema: es, ext: ext, logger: logger}
}

type extended struct {
	graphql.ExecutableSchema
	ext    graphql.ResponseInterceptor
	logger *slog.Logger
}

func (s extended) Exec(ctx context.Context) graphql.ResponseHandler {
	responses := s.ExecutableSchema.Exec(ctx)
	return func(ctx context.Context) *graphql.Response {
		inner := graphql.WithResponseContext(ctx, gqlerr.Presenter(s.logger), gqlerr.Recover(s.logger))
		resp := s.ext.InterceptResponse(inner, func(ctx context.Context) *graphql.Response {
			resp := responses(ctx)
			if resp == nil {
				return nil
			}
			resp.Errors = append(resp.Errors, graphql.GetErrors(ctx)...)
			resp.Extensions = graphql.GetExtensions(ctx)
			return resp
		})
		if resp != nil {
			for k, v := range resp.Extensions {
				graphql.RegisterExtension(ctx, k, v)
			}
		}
		return resp
	}
}

// WithCacheControl serves h with the Cache-Control of its successful
// answers replaced by value: an upstream that says what a test needs.
func WithCacheControl(h http.Handler, value string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&cacheControlWriter{ResponseWriter: w, value: value}, r)
	})
}

type cacheControlWriter struct {
	http.ResponseWriter
	value string
	wrote bool
}

func (w *cacheControlWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 && code <= 299 {
		w.Header().Set("Cache-Control", w.value)
	}
	w.wrote = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *cacheControlWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// StoppableRedis starts an in-process Redis (miniredis) for a test that
// stops Redis midway, which it cannot do to the shared one at REDIS_ADDR:
// it returns the address and the function that stops it (also run when t
// ends).
func StoppableRedis(t testing.TB) (addr string, stop func()) {
	t.Helper()
	m := miniredis.RunT(t)
	return m.Addr(), m.Close
}
