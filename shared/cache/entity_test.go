package cache_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/cache/cachetest"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// item is the entity of these tests.
type item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

var (
	publicKind  = cache.Kind{Name: "item", Service: "catalog", Scope: cache.Public}
	privateKind = cache.Kind{Name: "secret", Service: "orders", Scope: cache.Private}
)

// upstream is a batch endpoint GET /items?ids=a,b&as=subject answering the
// items that exist with the Cache-Control it is set to; each item's name
// says for whom it was read.
type upstream struct {
	mu           sync.Mutex
	exists       map[string]bool
	cacheControl string
	status       int
	asked        [][]string
}

func newUpstream(t *testing.T, ids ...string) (*upstream, *restclient.Client) {
	t.Helper()
	u := &upstream{exists: map[string]bool{}, cacheControl: "max-age=60"}
	for _, id := range ids {
		u.exists[id] = true
	}
	srv := httptest.NewServer(u)
	t.Cleanup(srv.Close)
	hc := restclient.NewHTTPClient(restclient.Config{Timeout: 5 * time.Second})
	hc.Transport = cache.Transport("catalog", hc.Transport)
	rc, err := restclient.New("catalog", srv.URL, hc, restclient.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return u, rc
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ids := strings.Split(r.URL.Query().Get("ids"), ",")
	u.mu.Lock()
	u.asked = append(u.asked, ids)
	status, cc := u.status, u.cacheControl
	var found []item
	for _, id := range ids {
		if u.exists[id] {
			found = append(found, item{ID: id, Name: id + " for " + r.URL.Query().Get("as")})
		}
	}
	u.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	if cc != "" {
		w.Header().Set("Cache-Control", cc)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"items": found})
}

func (u *upstream) set(f func(u *upstream)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	f(u)
}

// calls returns the ids of each call so far and forgets them.
func (u *upstream) calls() [][]string {
	u.mu.Lock()
	defer u.mu.Unlock()
	out := u.asked
	u.asked = nil
	return out
}

var errNotFound = errors.New("not found")

// fetcher reads items through rc as the caller of ctx.
func fetcher(rc *restclient.Client) cache.FetchFunc[item] {
	return func(ctx context.Context, ids []string) ([]item, []error) {
		p, _ := auth.FromContext(ctx)
		var out struct {
			Items []item `json:"items"`
		}
		err := rc.Get(ctx, "/items", url.Values{"ids": {strings.Join(ids, ",")}, "as": {p.Subject}}, &out)
		vals, errs := make([]item, len(ids)), make([]error, len(ids))
		for i, id := range ids {
			switch j := slices.IndexFunc(out.Items, func(it item) bool { return it.ID == id }); {
			case err != nil:
				errs[i] = err
			case j < 0:
				errs[i] = errNotFound
			default:
				vals[i] = out.Items[j]
			}
		}
		return vals, errs
	}
}

type fixture struct {
	clock *cachetest.Clock
	store *cachetest.Counting
	obs   *cachetest.Observer
	cache *cache.Cache
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{clock: cachetest.NewClock(), obs: &cachetest.Observer{}}
	f.store = cachetest.NewCounting(cachetest.NewStore(t, f.clock.Now))
	f.cache = cache.New(f.store, cachetest.Config(), cache.WithClock(f.clock.Now), cache.WithObserver(f.obs.Observe))
	return f
}

func as(ctx context.Context, subject string) context.Context {
	return auth.NewContext(ctx, auth.Principal{Subject: subject, Roles: []string{"customer"}})
}

func names(vals []item) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v.Name
	}
	return out
}

func TestLoadHitsAndFetchesOnlyMisses(t *testing.T) {
	f := newFixture(t)
	up, rc := newUpstream(t, "a", "b", "c")
	ctx := t.Context()

	vals, errs := cache.Load(ctx, f.cache, publicKind, []string{"a", "b"}, fetcher(rc))
	if errs[0] != nil || errs[1] != nil || !slices.Equal(names(vals), []string{"a for ", "b for "}) {
		t.Fatalf("first load = %q, %v", names(vals), errs)
	}
	if got := up.calls(); len(got) != 1 {
		t.Fatalf("first load: upstream calls %v, want one", got)
	}
	if got := f.obs.Take(); !slices.Equal(got, []string{"entity:miss", "entity:miss"}) {
		t.Errorf("observed %v", got)
	}

	f.store.Reset()
	vals, errs = cache.Load(ctx, f.cache, publicKind, []string{"c", "a", "missing", "b"}, fetcher(rc))
	if !slices.Equal(names(vals), []string{"c for ", "a for ", "", "b for "}) || !errors.Is(errs[2], errNotFound) {
		t.Fatalf("second load = %q, %v", names(vals), errs)
	}
	if got := up.calls(); len(got) != 1 || !slices.Equal(got[0], []string{"c", "missing"}) {
		t.Errorf("second load: upstream asked for %v, want only the misses [c missing]", got)
	}
	if c := f.store.Counts(); c.MGets != 1 {
		t.Errorf("second load read the cache %d times, want one MGet for the batch", c.MGets)
	}
	if got := f.obs.Take(); !slices.Equal(got, []string{"entity:miss", "entity:hit", "entity:miss", "entity:hit"}) {
		t.Errorf("observed %v", got)
	}
	// Not found is never cached.
	cache.Load(ctx, f.cache, publicKind, []string{"missing"}, fetcher(rc))
	if got := up.calls(); len(got) != 1 {
		t.Errorf("a missing entity was cached: calls %v", got)
	}
}

func TestLoadHonoursCacheControl(t *testing.T) {
	cases := []struct {
		name         string
		cacheControl string
		after        time.Duration // since the first load
		wantRefetch  bool
	}{
		{"within max-age", "max-age=10", 9 * time.Second, false},
		{"at max-age", "max-age=10", 10 * time.Second, true},
		{"no header: catalog's default 60s", "", 59 * time.Second, false},
		{"no header: past the default", "", 60 * time.Second, true},
		{"no-store", "no-store", 0, true},
		{"no-cache", "no-cache", 0, true},
		{"private answer of a public kind", "private, max-age=60", 0, true},
		{"max-age above CACHE_MAX_TTL is cut", "max-age=86400", 5 * time.Minute, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			up, rc := newUpstream(t, "a")
			up.set(func(u *upstream) { u.cacheControl = c.cacheControl })
			cache.Load(t.Context(), f.cache, publicKind, []string{"a"}, fetcher(rc))
			f.clock.Advance(c.after)
			up.calls()
			if _, errs := cache.Load(t.Context(), f.cache, publicKind, []string{"a"}, fetcher(rc)); errs[0] != nil {
				t.Fatal(errs[0])
			}
			if refetched := len(up.calls()) == 1; refetched != c.wantRefetch {
				t.Errorf("refetched = %v, want %v", refetched, c.wantRefetch)
			}
		})
	}
}

func TestLoadPrivateIsPerCaller(t *testing.T) {
	f := newFixture(t)
	up, rc := newUpstream(t, "x")
	up.set(func(u *upstream) { u.cacheControl = "private, max-age=60" })
	load := func(ctx context.Context) string {
		t.Helper()
		vals, errs := cache.Load(ctx, f.cache, privateKind, []string{"x"}, fetcher(rc))
		if errs[0] != nil {
			t.Fatal(errs[0])
		}
		return vals[0].Name
	}
	a, b := as(t.Context(), "usr_a"), as(t.Context(), "usr_b")
	if got := load(a); got != "x for usr_a" {
		t.Fatalf("A got %q", got)
	}
	if got := load(a); got != "x for usr_a" || len(up.calls()) != 1 {
		t.Fatalf("A again got %q; want it from the cache (one upstream call in all)", got)
	}
	if got := load(b); got != "x for usr_b" {
		t.Errorf("B got %q: another caller's private entity", got)
	}
	if n := len(up.calls()); n != 1 {
		t.Errorf("B made %d upstream calls, want 1 (A's copy is not B's)", n)
	}
	// Same subject, other roles: another partition.
	if got := load(auth.NewContext(t.Context(), auth.Principal{Subject: "usr_a", Roles: []string{"admin"}})); got != "x for usr_a" || len(up.calls()) != 1 {
		t.Errorf("usr_a with other roles was served the cached copy")
	}
	// Anonymous callers never read nor write private entries.
	load(t.Context())
	load(t.Context())
	if n := len(up.calls()); n != 2 {
		t.Errorf("anonymous loads made %d upstream calls, want 2 (not cached)", n)
	}
}

func TestLoadStaleIfError(t *testing.T) {
	f := newFixture(t)
	up, rc := newUpstream(t, "a", "b")
	up.set(func(u *upstream) { u.cacheControl = "max-age=10" })
	ctx, rec := cache.NewContext(t.Context())
	cache.Load(ctx, f.cache, publicKind, []string{"a"}, fetcher(rc))
	f.obs.Take()

	f.clock.Advance(42 * time.Second)
	up.set(func(u *upstream) { u.status = http.StatusServiceUnavailable })
	vals, errs := cache.Load(ctx, f.cache, publicKind, []string{"a", "b"}, fetcher(rc))
	if errs[0] != nil || vals[0].Name != "a for " {
		t.Errorf("a = %q, %v; want its stale entry", vals[0].Name, errs[0])
	}
	if k, _ := restclient.KindOf(errs[1]); k != restclient.KindUnavailable {
		t.Errorf("b (never cached) = %v, want the upstream's failure", errs[1])
	}
	if age, ok := rec.Stale(); !ok || age != 42*time.Second {
		t.Errorf("Record.Stale = %s, %v; want 42s, true", age, ok)
	}
	if got := f.obs.Take(); !slices.Equal(got, []string{"entity:stale", "entity:miss"}) {
		t.Errorf("observed %v", got)
	}

	// A failure that says the entity is gone is not hidden by a stale copy.
	up.set(func(u *upstream) { u.status, u.exists = 0, map[string]bool{} })
	if _, errs := cache.Load(t.Context(), f.cache, publicKind, []string{"a"}, fetcher(rc)); !errors.Is(errs[0], errNotFound) {
		t.Errorf("a deleted upstream = %v, want not found", errs[0])
	}

	// Past CACHE_MAX_STALE, the failure shows.
	up.set(func(u *upstream) { u.status = http.StatusServiceUnavailable })
	f.clock.Advance(cachetest.Config().MaxStale)
	if _, errs := cache.Load(t.Context(), f.cache, publicKind, []string{"a"}, fetcher(rc)); errs[0] == nil {
		t.Error("an entry older than CACHE_MAX_STALE was served")
	}
}

func TestEvictReachesEveryPartition(t *testing.T) {
	f := newFixture(t)
	up, rc := newUpstream(t, "x", "y")
	up.set(func(u *upstream) { u.cacheControl = "private, max-age=60" })
	a, b := as(t.Context(), "usr_a"), as(t.Context(), "usr_b")
	for _, ctx := range []context.Context{a, b, a, b} {
		cache.Load(ctx, f.cache, privateKind, []string{"x", "y"}, fetcher(rc))
	}
	if n := len(up.calls()); n != 2 {
		t.Fatalf("setup: %d calls, want 2", n)
	}
	f.cache.Evict(t.Context(), privateKind, "x")
	for _, ctx := range []context.Context{a, b} {
		cache.Load(ctx, f.cache, privateKind, []string{"x", "y"}, fetcher(rc))
	}
	if got := up.calls(); len(got) != 2 || !slices.Equal(got[0], []string{"x"}) || !slices.Equal(got[1], []string{"x"}) {
		t.Errorf("after Evict(x) calls = %v, want x refetched for A and B, y still cached", got)
	}
	var nilCache *cache.Cache
	nilCache.Evict(t.Context(), privateKind, "x") // a nil cache evicts nothing, without panicking
}

// TestLoadTypeChangeIsAMiss: an entity's cached JSON is never decoded into
// a changed Go type.
func TestLoadTypeChangeIsAMiss(t *testing.T) {
	f := newFixture(t)
	up, rc := newUpstream(t, "a")
	cache.Load(t.Context(), f.cache, publicKind, []string{"a"}, fetcher(rc))
	type itemV2 struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Price int    `json:"price"`
	}
	fetched := 0
	vals, _ := cache.Load(t.Context(), f.cache, publicKind, []string{"a"}, func(_ context.Context, ids []string) ([]itemV2, []error) {
		fetched++
		return []itemV2{{ID: "a", Price: 7}}, make([]error, len(ids))
	})
	if fetched != 1 || vals[0].Price != 7 {
		t.Errorf("an entry of the old type was read as the new one (fetched %d, %+v)", fetched, vals[0])
	}
	up.calls()
}

func TestLoadWithoutAStoreFetches(t *testing.T) {
	clock := cachetest.NewClock()
	down := cache.NewTolerant(cache.NewRedis(redisDown(t), "p:", 50*time.Millisecond), cache.TolerantConfig{Now: clock.Now})
	c := cache.New(down, cachetest.Config(), cache.WithClock(clock.Now))
	up, rc := newUpstream(t, "a")
	for range 3 {
		vals, errs := cache.Load(t.Context(), c, publicKind, []string{"a"}, fetcher(rc))
		if errs[0] != nil || vals[0].ID != "a" {
			t.Fatalf("Load with Redis down = %+v, %v", vals[0], errs[0])
		}
	}
	if n := len(up.calls()); n != 3 {
		t.Errorf("%d upstream calls, want 3: every load fetches", n)
	}
	if c := cache.New(down, cache.Config{}); c != nil {
		t.Error("a disabled cache is not nil")
	}
}

// TestLoadSharesConcurrentMisses: 50 concurrent loads of one missing entity
// make one upstream fetch; the others wait for it.
func TestLoadSharesConcurrentMisses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := cache.New(cache.NewMemory(100, time.Now), cachetest.Config())
		var fetches atomic.Int64
		release := make(chan struct{})
		fetch := func(_ context.Context, ids []string) ([]item, []error) {
			fetches.Add(1)
			<-release
			return []item{{ID: ids[0], Name: "shared"}}, make([]error, len(ids))
		}
		var wg sync.WaitGroup
		got := make([]string, 50)
		for i := range got {
			wg.Go(func() {
				vals, errs := cache.Load(t.Context(), c, publicKind, []string{"a"}, fetch)
				got[i] = fmt.Sprint(vals[0].Name, errs[0])
			})
		}
		synctest.Wait() // all 50 are waiting: one in fetch, 49 for its result
		close(release)
		wg.Wait()
		if n := fetches.Load(); n != 1 {
			t.Errorf("%d fetches for 50 concurrent misses, want 1", n)
		}
		for i, g := range got {
			if g != "shared<nil>" {
				t.Errorf("load %d got %q", i, g)
			}
		}
	})
}

// TestLoadRefetchesWhenTheSharedFetchWasCanceled: a request waiting for
// another's fetch is not failed by that request going away.
func TestLoadRefetchesWhenTheSharedFetchWasCanceled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := cache.New(cache.NewMemory(100, time.Now), cachetest.Config())
		var fetches atomic.Int64
		fetch := func(ctx context.Context, ids []string) ([]item, []error) {
			if fetches.Add(1) == 1 {
				<-ctx.Done() // the first caller leaves while its fetch runs
				return nil, []error{&restclient.Error{Kind: restclient.KindCanceled, Err: ctx.Err()}}
			}
			return []item{{ID: ids[0], Name: "own"}}, make([]error, len(ids))
		}
		leaderCtx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() {
			defer close(done)
			cache.Load(leaderCtx, c, publicKind, []string{"a"}, fetch)
		}()
		synctest.Wait()
		var vals []item
		var errs []error
		followerDone := make(chan struct{})
		go func() {
			defer close(followerDone)
			vals, errs = cache.Load(t.Context(), c, publicKind, []string{"a"}, fetch)
		}()
		synctest.Wait()
		cancel()
		<-done
		<-followerDone
		if errs[0] != nil || vals[0].Name != "own" || fetches.Load() != 2 {
			t.Errorf("follower got %+v, %v after %d fetches; want its own fetch", vals[0], errs[0], fetches.Load())
		}
	})
}

// TestLoadStaleIfSlow: with a latency budget for the call, a miss that has
// a stale entry is answered with it once its fetch outlives the budget; the
// fetch goes on in the background, past the caller's leaving, and refreshes
// the entry.
func TestLoadStaleIfSlow(t *testing.T) {
	const budget = 300 * time.Millisecond
	newCache := func() *cache.Cache {
		return cache.New(cache.NewMemory(100, time.Now), cachetest.Config(),
			cache.WithDeadline(func(context.Context, string) (time.Time, bool) { return time.Now().Add(budget), true }))
	}
	// An upstream answering with the catalog's freshness, through the
	// cache's transport (which records it for the fetch).
	upstream := cache.Transport("catalog", roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Cache-Control": {"max-age=60"}}, Body: http.NoBody, Request: r}, nil
	}))
	// fetchIn answers name for every id after d, unless its context ends.
	fetchIn := func(d time.Duration, name string) cache.FetchFunc[item] {
		return func(ctx context.Context, ids []string) ([]item, []error) {
			vals, errs := make([]item, len(ids)), make([]error, len(ids))
			select {
			case <-time.After(d):
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://catalog.internal/items", nil)
				if err != nil {
					t.Fatal(err)
				}
				resp, err := upstream.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				for i, id := range ids {
					vals[i] = item{ID: id, Name: name}
				}
			case <-ctx.Done():
				for i := range ids {
					errs[i] = &restclient.Error{Kind: restclient.KindCanceled, Err: ctx.Err()}
				}
			}
			return vals, errs
		}
	}
	mustNotFetch := func(ctx context.Context, ids []string) ([]item, []error) {
		t.Errorf("fetched %v, want them from the cache", ids)
		return make([]item, len(ids)), make([]error, len(ids))
	}

	t.Run("slower than the budget: stale now, fresh next time", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := newCache()
			cache.Load(t.Context(), c, publicKind, []string{"a"}, fetchIn(0, "v1"))
			time.Sleep(61 * time.Second) // past the catalog's 60s default TTL, within CACHE_MAX_STALE

			ctx, cancel := context.WithCancel(t.Context())
			ctx, rec := cache.NewContext(ctx)
			start := time.Now()
			vals, errs := cache.Load(ctx, c, publicKind, []string{"a", "b"}, fetchIn(3*time.Second, "v2"))
			if took := time.Since(start); took != budget {
				t.Errorf("Load took %v, want the budget (%v)", took, budget)
			}
			if errs[0] != nil || vals[0].Name != "v1" {
				t.Errorf("a = %+v, %v; want its stale entry", vals[0], errs[0])
			}
			if e, ok := errors.AsType[*restclient.Error](errs[1]); !ok || e.Kind != restclient.KindTimeout || e.Service != "catalog" {
				t.Errorf("b (never cached) = %v, want a catalog timeout", errs[1])
			}
			if age, ok := rec.Stale(); !ok || age != 61*time.Second {
				t.Errorf("Record.Stale = %v, %v; want 61s, true", age, ok)
			}
			cancel() // the caller has its answer and goes away; the refresh goes on

			time.Sleep(3 * time.Second)
			synctest.Wait() // the background fetch has stored its answer
			vals, errs = cache.Load(t.Context(), c, publicKind, []string{"a", "b"}, mustNotFetch)
			if errs[0] != nil || errs[1] != nil || vals[0].Name != "v2" || vals[1].Name != "v2" {
				t.Errorf("after the refresh = %+v, %v; want both fresh (v2) from the cache", vals, errs)
			}
		})
	})
	t.Run("within the budget: the fresh answer", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := newCache()
			cache.Load(t.Context(), c, publicKind, []string{"a"}, fetchIn(0, "v1"))
			time.Sleep(61 * time.Second)
			ctx, rec := cache.NewContext(t.Context())
			vals, errs := cache.Load(ctx, c, publicKind, []string{"a"}, fetchIn(100*time.Millisecond, "v2"))
			if errs[0] != nil || vals[0].Name != "v2" {
				t.Errorf("a = %+v, %v; want the fresh answer", vals[0], errs[0])
			}
			if _, ok := rec.Stale(); ok {
				t.Error("Record.Stale set for a fresh answer")
			}
		})
	})
	t.Run("past the refresh limit: the caller waits for its own fetch", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := cache.New(cache.NewMemory(100, time.Now), cachetest.Config(), cache.WithRefreshLimit(1),
				cache.WithDeadline(func(context.Context, string) (time.Time, bool) { return time.Now().Add(budget), true }))
			cache.Load(t.Context(), c, publicKind, []string{"a", "b"}, fetchIn(0, "v1"))
			time.Sleep(61 * time.Second)

			start := time.Now()
			if vals, _ := cache.Load(t.Context(), c, publicKind, []string{"a"}, fetchIn(3*time.Second, "v2")); vals[0].Name != "v1" || time.Since(start) != budget {
				t.Fatalf("a = %+v after %v, want its stale entry at the budget", vals[0], time.Since(start))
			}
			start = time.Now() // a's refresh is still running: the limit is reached
			vals, errs := cache.Load(t.Context(), c, publicKind, []string{"b"}, fetchIn(time.Second, "v2"))
			if errs[0] != nil || vals[0].Name != "v2" || time.Since(start) != time.Second {
				t.Errorf("b = %+v, %v after %v; want v2 from its own fetch after 1s", vals[0], errs[0], time.Since(start))
			}
			time.Sleep(2 * time.Second) // a's refresh ends
		})
	})
	t.Run("no stale entry: the fetch is the caller's", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			c := newCache()
			start := time.Now()
			vals, errs := cache.Load(t.Context(), c, publicKind, []string{"a"}, fetchIn(3*time.Second, "v1"))
			if errs[0] != nil || vals[0].Name != "v1" || time.Since(start) != 3*time.Second {
				t.Errorf("a = %+v, %v after %v; want v1 after the fetch's 3s (its budget is the upstream client's)", vals[0], errs[0], time.Since(start))
			}
		})
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
