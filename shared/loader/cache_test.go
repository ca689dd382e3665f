package loader_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/cache/cachetest"
	"github.com/frontdesk/frontdesk/shared/loader"
)

var itemKind = cache.Kind{Name: "item", Service: "catalog", Scope: cache.Public}

// viaUpstream makes fetch pass through an upstream transport answering
// `Cache-Control: max-age=60`, as the typed clients' calls do, so the cache
// learns the answer's freshness.
func viaUpstream[K, V any](fetch func(context.Context, K) (V, error)) func(context.Context, K) (V, error) {
	hc := &http.Client{Transport: cache.Transport("catalog", roundTrip(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Cache-Control": {"max-age=60"}}, Body: http.NoBody}, nil
	}))}
	return func(ctx context.Context, k K) (V, error) {
		req := (&http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: "http", Host: "upstream", Path: "/"}, Header: http.Header{}}).WithContext(ctx)
		if resp, err := hc.Do(req); err == nil {
			_ = resp.Body.Close()
		}
		return fetch(ctx, k)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func newCache(t *testing.T) (*cache.Cache, *cachetest.Counting) {
	t.Helper()
	clock := cachetest.NewClock()
	store := cachetest.NewCounting(cachetest.NewStore(t, clock.Now))
	return cache.New(store, cachetest.Config(), cache.WithClock(clock.Now)), store
}

func TestCachedBatchReadsTheCacheOncePerBatch(t *testing.T) {
	c, store := newCache(t)
	rec := newRecorder("a", "b", "c")
	fetch := viaUpstream(rec.fetch)

	first := loader.NewCachedBatch(t.Context(), cfg, c, itemKind, fetch, itemID)
	if _, errs := loadAll(t.Context(), first, []string{"a", "b"}); errs[0] != nil || errs[1] != nil {
		t.Fatalf("first request: %v", errs)
	}

	store.Reset()
	second := loader.NewCachedBatch(t.Context(), cfg, c, itemKind, fetch, itemID) // the next request
	vals, errs := loadAll(t.Context(), second, []string{"a", "b", "c", "zz"})
	if vals[0].Name != "name of a" || vals[2].Name != "name of c" || errs[0] != nil || errs[2] != nil {
		t.Fatalf("second request: %+v %v", vals, errs)
	}
	if nf, ok := errors.AsType[*loader.NotFoundError](errs[3]); !ok || nf.Kind != "item" || nf.Key != "zz" {
		t.Errorf("zz: %v, want a *NotFoundError of kind item", errs[3])
	}
	calls := rec.Calls()
	if len(calls) != 2 || !sameKeys(calls[1], []string{"c", "zz"}) {
		t.Errorf("upstream calls %v; want the second request to fetch only its misses [c zz]", calls)
	}
	if n := store.Counts().MGets; n != 1 {
		t.Errorf("the second request's batch read the cache %d times, want 1", n)
	}

	// Prefetch goes through the cache too.
	third := loader.NewCachedBatch(t.Context(), cfg, c, itemKind, fetch, itemID)
	third.Prefetch(t.Context(), []string{"a", "b", "c"})
	if n := len(rec.Calls()); n != 2 {
		t.Errorf("a prefetch of cached items fetched: %d calls", n)
	}
}

func TestCachedPerKeyReadsTheCacheOncePerBatch(t *testing.T) {
	c, store := newCache(t)
	var fetched atomic.Int64
	one := viaUpstream(func(_ context.Context, id string) (item, error) {
		fetched.Add(1)
		return item{ID: id, Name: "summary of " + id}, nil
	})
	loadAll(t.Context(), loader.NewCachedPerKey(t.Context(), cfg, c, itemKind, one), []string{"a", "b"})
	store.Reset()
	fetched.Store(0)
	vals, _ := loadAll(t.Context(), loader.NewCachedPerKey(t.Context(), cfg, c, itemKind, one), []string{"a", "b", "c"})
	if vals[2].Name != "summary of c" || fetched.Load() != 1 || store.Counts().MGets != 1 {
		t.Errorf("got %+v with %d fetches and %d cache reads; want one of each, for c", vals, fetched.Load(), store.Counts().MGets)
	}
}

func TestCachedLoaderWithoutCacheIsPlain(t *testing.T) {
	rec := newRecorder("a")
	for range 2 { // two requests
		l := loader.NewCachedBatch(t.Context(), cfg, nil, itemKind, viaUpstream(rec.fetch), itemID)
		if _, err := l.Load(t.Context(), "a"); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rec.Calls()); n != 2 {
		t.Errorf("%d calls for two requests without a cache, want 2", n)
	}
}

func TestMiddlewareGivesACacheRecord(t *testing.T) {
	var got bool
	h := loader.Middleware(cfg, (&fakeSources{}).sources())(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, got = cache.FromContext(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
	if !got {
		t.Error("the request has no cache.Record")
	}
}

func sameKeys(got, want []string) bool {
	got = slices.Clone(got)
	slices.Sort(got)
	return slices.Equal(got, want)
}
