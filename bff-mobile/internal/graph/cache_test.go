package graph_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/app"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/services/users"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/cache/cachetest"
	"github.com/frontdesk/frontdesk/shared/cache/responsecache"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// The cache tests run bff-mobile with the shared cache as bff.NewHandler
// wires it (docs/caching.md): the entity cache through the upstream
// clients and loaders, the response cache as the last gqlgen extension. The
// store is the Redis at REDIS_ADDR when set (CI), else in memory; the
// cache's clock is the test's.

// cacheKit is bff-mobile over a cache the test can look into.
type cacheKit struct {
	*bfftest.Kit
	clock *cachetest.Clock
	store *cachetest.Counting
	obs   *cachetest.Observer
}

type cacheKitOptions struct {
	noResponseCache bool        // the entity cache alone
	store           cache.Store // default cachetest.NewStore
	services        []servicestest.Option
	upstream        func(*upstream.Config) // adjusts the upstream settings last
}

func newCacheKit(t *testing.T, o cacheKitOptions) *cacheKit {
	t.Helper()
	k := &cacheKit{clock: cachetest.NewClock(), obs: &cachetest.Observer{}}
	if o.store == nil {
		o.store = cachetest.NewStore(t, k.clock.Now)
	}
	k.store = cachetest.NewCounting(o.store)
	build := func(up upstream.Config, oidc auth.Config) (http.Handler, error) {
		cfg, err := config.Load(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		up.Timeout, up.MaxResponseBytes = cfg.Upstream.Timeout, cfg.Upstream.MaxResponseBytes
		cfg.Upstream = up
		cfg.Upstream.Retries = 1 // a failing upstream fails at once
		if o.upstream != nil {
			o.upstream(&cfg.Upstream)
		}
		cfg.OIDC.Issuer, cfg.OIDC.Audience = oidc.Issuer, oidc.Audience
		cfg.PlaygroundTokenURL = ""
		cfg.Cache = cachetest.Config()
		cfg.Cache.Response = !o.noResponseCache
		logger := slog.New(slog.DiscardHandler)

		c := cache.New(k.store, cachetest.Config(), cache.WithClock(k.clock.Now), cache.WithObserver(k.obs.Observe),
			cache.WithDeadline(cfg.Upstream.Budgets().Deadline))
		clients, err := upstream.New(cfg.Upstream, append(bff.UpstreamOptions(logger, nil), upstream.WithCache(c))...)
		if err != nil {
			return nil, err
		}
		schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{
			CatalogAPI: clients.Catalog,
			OrdersAPI:  clients.Orders,
			ReviewsAPI: clients.Reviews,
		}})
		h, err := bff.NewHandler(context.Background(), bff.Options{
			Name:    app.Name,
			Schema:  schema,
			Policy:  app.Policy,
			Config:  cfg.Config,
			Clients: clients,
			Logger:  logger,
			Ready:   &gqlserver.Readiness{},
		})
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = h.Close() })
		return h, nil
	}
	k.Kit = bfftest.Start(t, bfftest.Target{
		Build:    build,
		Audience: config.Defaults.Audience,
		ClientID: app.ClientID,
		Caller:   auth.Principal{Subject: graphtest.DefaultCustomer, Roles: []string{"customer"}},
	}, o.services...)
	return k
}

// cachedAnswer is an answer as the cache tests read it.
type cachedAnswer struct {
	Data       json.RawMessage `json:"data"`
	Errors     []any           `json:"errors"`
	Extensions map[string]any  `json:"extensions"`
	header     http.Header
}

// post sends query and returns the answer with the upstream calls it made.
func (k *cacheKit) post(t *testing.T, query string) (cachedAnswer, map[string]int64) {
	t.Helper()
	k.ResetCalls()
	resp := k.Post(t, query, nil)
	var a cachedAnswer
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, resp.Body)
	}
	a.header = resp.Header
	return a, k.CallsByService()
}

// mustPost is post failing the test on errors in the answer.
func (k *cacheKit) mustPost(t *testing.T, query string) (cachedAnswer, map[string]int64) {
	t.Helper()
	a, calls := k.post(t, query)
	if len(a.Errors) > 0 {
		t.Fatalf("%s: errors %v", query, a.Errors)
	}
	return a, calls
}

func TestCacheRepeatedQuery(t *testing.T) {
	const query = `{ product(id: "prd_0001") { id name price inStock rating { average count } } }`
	for _, c := range []struct {
		name string
		o    cacheKitOptions
		want []string // observed on the second query
	}{
		{"response cache", cacheKitOptions{}, []string{"response:hit"}},
		{"entity cache alone", cacheKitOptions{noResponseCache: true}, []string{"entity:hit", "entity:hit", "entity:hit"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			k := newCacheKit(t, c.o)
			first, calls := k.mustPost(t, query)
			if len(calls) != 3 {
				t.Fatalf("first query calls = %v, want catalog, inventory and reviews", calls)
			}
			k.obs.Take()
			second, calls := k.mustPost(t, query)
			if len(calls) != 0 {
				t.Errorf("second query calls = %v, want none", calls)
			}
			bfftest.AssertJSON(t, second.Data, string(first.Data))
			got := k.obs.Take()
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("observed %v, want %v", got, c.want)
			}
		})
	}
}

func TestCacheControlHeader(t *testing.T) {
	k := newCacheKit(t, cacheKitOptions{})
	cases := []struct {
		name, query, want string
		anonymous         bool
	}{
		{"public, lowest maxAge", `{ product(id: "prd_0001") { name inStock } }`, "public, max-age=5", false},
		{"public", `{ products(first: 2) { totalCount edges { node { name } } } }`, "public, max-age=60", false},
		{"private", `{ me { name } }`, "private, max-age=30", false},
		{"private, anonymous", `{ me { name } }`, "no-store", true},
		{"public, anonymous", `{ product(id: "prd_0002") { name } }`, "public, max-age=60", true},
		{"mutation", `mutation { addReview(input: {productId: "prd_0001", rating: 5, title: "ok", body: ""}) { review { id } } }`, "no-store", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.anonymous {
				k.Anonymous()
				defer k.As(graphtest.DefaultCustomer, "customer")
			}
			a, _ := k.mustPost(t, c.query)
			if got := a.header.Get("Cache-Control"); got != c.want {
				t.Errorf("Cache-Control = %q, want %q", got, c.want)
			}
		})
	}
	// A hit says how much of its freshness is left.
	k.clock.Advance(20 * time.Second)
	if a, _ := k.mustPost(t, `{ products(first: 2) { totalCount edges { node { name } } } }`); a.header.Get("Cache-Control") != "public, max-age=40" {
		t.Errorf("hit after 20s: Cache-Control = %q, want public, max-age=40", a.header.Get("Cache-Control"))
	}
}

// TestCachePrivateDataStaysWithItsUser: private data of A is never served
// to B, through the response cache or the entity cache, fresh or stale.
func TestCachePrivateDataStaysWithItsUser(t *testing.T) {
	const a, b = graphtest.DefaultCustomer, "usr_0002"

	t.Run("response cache", func(t *testing.T) {
		k := newCacheKit(t, cacheKitOptions{})
		k.As(a, "customer")
		ma, _ := k.mustPost(t, `{ me { id email } }`)
		k.As(b, "customer")
		mb, calls := k.mustPost(t, `{ me { id email } }`)
		if string(ma.Data) == string(mb.Data) || calls["users"] != 1 {
			t.Errorf("B got %s (users calls %d), A had %s", mb.Data, calls["users"], ma.Data)
		}
		k.As(a, "customer")
		again, calls := k.mustPost(t, `{ me { id email } }`)
		if string(again.Data) != string(ma.Data) || len(calls) != 0 {
			t.Errorf("A again got %s with calls %v, want A's cached answer", again.Data, calls)
		}
	})

	t.Run("entity cache", func(t *testing.T) {
		// The users service answered `private, max-age=60`: cached per caller.
		k := newCacheKit(t, cacheKitOptions{noResponseCache: true, services: []servicestest.Option{
			servicestest.WithHandler("users", cachetest.WithCacheControl(users.NewHandler(users.NewStore(seed.New().Users)), "private, max-age=60")),
		}})
		k.As(a, "customer")
		ma, _ := k.mustPost(t, `{ me { id email } }`)
		if _, calls := k.mustPost(t, `{ me { id email } }`); len(calls) != 0 {
			t.Fatalf("A's second read made calls %v, want none", calls)
		}
		k.As(b, "customer")
		mb, calls := k.mustPost(t, `{ me { id email } }`)
		if string(ma.Data) == string(mb.Data) || calls["users"] != 1 {
			t.Errorf("B got %s (users calls %d), A had %s", mb.Data, calls["users"], ma.Data)
		}
	})

	t.Run("stale entity while the upstream is down", func(t *testing.T) {
		k := newCacheKit(t, cacheKitOptions{noResponseCache: true})
		k.As(a, "customer")
		list, _ := k.mustPost(t, `{ orders(first: 1) { edges { node { id } } } }`)
		var page struct {
			Orders struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		if err := json.Unmarshal(list.Data, &page); err != nil || len(page.Orders.Edges) == 0 {
			t.Fatalf("A has no order: %s", list.Data)
		}
		query := `{ order(id: "` + page.Orders.Edges[0].Node.ID + `") { id status total } }`
		own, _ := k.mustPost(t, query) // orders answers `private, max-age=0`: kept only as A's fallback
		k.Upstreams.SetFaults("orders", ops.Faults{Down: true})
		k.clock.Advance(3 * time.Second)

		stale, _ := k.post(t, query)
		if string(stale.Data) != string(own.Data) || stale.Extensions[responsecache.ExtensionStale] != true {
			t.Errorf("A with orders down got %s %v, want its own order, marked stale", stale.Data, stale.Extensions)
		}
		k.As(b, "customer")
		other, _ := k.post(t, query)
		if strings.Contains(string(other.Data), `"status"`) || len(other.Errors) == 0 || other.Extensions != nil {
			t.Errorf("B with orders down got %s %v %v, want an error and no data of A", other.Data, other.Errors, other.Extensions)
		}
	})
}

func TestCacheStaleIfError(t *testing.T) {
	t.Run("whole answer", func(t *testing.T) {
		k := newCacheKit(t, cacheKitOptions{})
		const query = `{ products(first: 2) { edges { node { id name } } } }`
		fresh, _ := k.mustPost(t, query)
		k.clock.Advance(61 * time.Second) // past the answer's maxAge of 60s
		k.Upstreams.SetFaults("catalog", ops.Faults{Down: true})
		k.obs.Take()

		stale, calls := k.post(t, query)
		if calls["catalog"] != 1 {
			t.Errorf("catalog calls = %d, want 1 (tried before falling back)", calls["catalog"])
		}
		if len(stale.Errors) != 0 || string(stale.Data) != string(fresh.Data) {
			t.Errorf("answer = %s %v, want the cached data without errors", stale.Data, stale.Errors)
		}
		if stale.Extensions["stale"] != true || stale.Extensions["cacheAge"] != float64(61) {
			t.Errorf("extensions = %v, want stale: true, cacheAge: 61", stale.Extensions)
		}
		if got := stale.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
		if got := k.obs.Take(); len(got) != 1 || got[0] != "response:stale" {
			t.Errorf("observed %v, want response:stale", got)
		}

		k.clock.Advance(cachetest.Config().MaxStale)
		if late, _ := k.post(t, query); len(late.Errors) == 0 || late.Extensions != nil {
			t.Errorf("past CACHE_MAX_STALE: %s %v, want the failure", late.Data, late.Extensions)
		}
	})

	t.Run("entities", func(t *testing.T) {
		k := newCacheKit(t, cacheKitOptions{noResponseCache: true})
		const query = `{ product(id: "prd_0001") { id name price } }`
		fresh, _ := k.mustPost(t, query)
		k.clock.Advance(90 * time.Second) // catalog's max-age is 60s
		k.Upstreams.SetFaults("catalog", ops.Faults{Down: true})

		stale, _ := k.post(t, query)
		if len(stale.Errors) != 0 || string(stale.Data) != string(fresh.Data) {
			t.Errorf("answer = %s %v, want the cached product without errors", stale.Data, stale.Errors)
		}
		if stale.Extensions["stale"] != true || stale.Extensions["cacheAge"] != float64(90) {
			t.Errorf("extensions = %v, want stale: true, cacheAge: 90", stale.Extensions)
		}
		if got := stale.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", got)
		}
	})

	t.Run("optional entity over its latency budget", func(t *testing.T) {
		// The reviews service answers after 300ms and the budget of
		// optional data is 100ms: the cached rating stands in at once
		// (stale-if-slow), and the call goes on in the background to
		// refresh it for the next query.
		k := newCacheKit(t, cacheKitOptions{noResponseCache: true, upstream: func(c *upstream.Config) {
			c.Timeout = time.Minute
			c.OptionalBudgets = map[string]time.Duration{"reviews": 100 * time.Millisecond}
		}})
		const query = `{ product(id: "prd_0001") { id rating { average count } } }`
		fresh, _ := k.mustPost(t, query)
		k.clock.Advance(5 * time.Minute) // past the summary's freshness, within CACHE_MAX_STALE
		k.Upstreams.SetFaults("reviews", ops.Faults{LatencyMs: 300})
		// Two writes: the product (catalog is healthy, its entry expired
		// too) and the rating refreshed in the background.
		refreshed := k.store.AwaitSets(k.store.Counts().Sets + 2)

		stale, calls := k.post(t, query)
		if calls["reviews"] != 1 {
			t.Errorf("reviews calls = %d, want 1 (tried before falling back)", calls["reviews"])
		}
		if len(stale.Errors) != 0 || string(stale.Data) != string(fresh.Data) {
			t.Errorf("answer = %s %v, want the cached rating without errors", stale.Data, stale.Errors)
		}
		if stale.Extensions["stale"] != true {
			t.Errorf("extensions = %v, want stale: true", stale.Extensions)
		}

		select {
		case <-refreshed:
		case <-time.After(time.Minute): // a guard, not a wait: the refresh ends 300ms after the call
			t.Fatal("the slow call never refreshed the cached rating in the background")
		}
		k.Upstreams.SetFaults("reviews", ops.Faults{Down: true})
		again, calls := k.post(t, query)
		if calls["reviews"] != 0 || len(again.Errors) != 0 || again.Extensions["stale"] != nil || string(again.Data) != string(fresh.Data) {
			t.Errorf("after the refresh: %s %v %v with %d reviews calls, want the fresh rating from the cache", again.Data, again.Errors, again.Extensions, calls["reviews"])
		}
	})
}

// TestCacheConcurrentMisses: 50 identical queries at once make one
// upstream call.
func TestCacheConcurrentMisses(t *testing.T) {
	release := make(chan struct{})
	var releaseOnce sync.Once
	open := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(open) // a failed test must not leave requests held
	catalogHandler := catalog.NewHandler(catalog.NewStore(seed.New().Products))
	held := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		catalogHandler.ServeHTTP(w, r)
	})
	k := newCacheKit(t, cacheKitOptions{services: []servicestest.Option{servicestest.WithHandler("catalog", held)}})
	const n = 50
	// Every request looks the answer up once; the one computing it once more.
	looked := k.store.AwaitMGets(n + 1)
	answers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp := k.Post(t, `{ products(first: 3) { edges { node { id name } } } }`, nil)
			answers[i] = string(resp.Body)
		})
	}
	select {
	case <-looked:
	case <-time.After(time.Minute): // a guard, not a wait: the lookups come at once
		open()
		wg.Wait()
		t.Fatalf("the %d requests never looked the answer up %d times: %+v", n, n+1, k.store.Counts())
	}
	open()
	wg.Wait()
	if got := k.Calls("catalog"); got != 1 {
		t.Errorf("catalog calls = %d for %d concurrent identical misses, want 1", got, n)
	}
	for i, a := range answers {
		if a != answers[0] || !strings.Contains(a, `"edges"`) {
			t.Errorf("answer %d = %s, want %s", i, a, answers[0])
		}
	}
}

// TestCacheInvalidation: placeOrder and addReview make the answers and
// entities they change unreachable at once.
func TestCacheInvalidation(t *testing.T) {
	k := newCacheKit(t, cacheKitOptions{})

	const orders = `{ orders(first: 1) { totalCount } }`
	before, _ := k.mustPost(t, orders)
	if _, calls := k.mustPost(t, orders); len(calls) != 0 {
		t.Fatalf("the orders answer is not cached: calls %v", calls)
	}
	k.mustPost(t, `mutation { placeOrder(input: {items: [{productId: "prd_0001", quantity: 1}]}) { order { id } } }`)
	after, calls := k.mustPost(t, orders)
	if string(after.Data) == string(before.Data) || calls["orders"] != 1 {
		t.Errorf("after placeOrder: %s (orders calls %d), before %s", after.Data, calls["orders"], before.Data)
	}

	const product = `{ product(id: "prd_0001") { name rating { count } topReviews { id } } }`
	k.mustPost(t, product)
	if _, calls := k.mustPost(t, product); len(calls) != 0 {
		t.Fatalf("the product answer is not cached: calls %v", calls)
	}
	k.mustPost(t, `mutation { addReview(input: {productId: "prd_0001", rating: 4, title: "fine", body: ""}) { review { id } } }`)
	if _, calls := k.mustPost(t, product); calls["reviews"] == 0 || calls["catalog"] != 0 {
		t.Errorf("after addReview calls = %v; want reviews read again, the product still cached", calls)
	}
}

// TestCacheTTLFromUpstream: inventory answers max-age=5, reviews' lists
// no-store.
func TestCacheTTLFromUpstream(t *testing.T) {
	k := newCacheKit(t, cacheKitOptions{noResponseCache: true})
	const stock = `{ product(id: "prd_0001") { inStock } }`
	k.mustPost(t, stock)
	k.clock.Advance(4 * time.Second)
	if _, calls := k.mustPost(t, stock); calls["inventory"] != 0 {
		t.Errorf("within max-age=5: inventory calls %d, want 0", calls["inventory"])
	}
	k.clock.Advance(time.Second)
	if _, calls := k.mustPost(t, stock); calls["inventory"] != 1 {
		t.Errorf("at max-age=5: inventory calls %d, want 1", calls["inventory"])
	}

	const reviews = `{ product(id: "prd_0001") { topReviews { id } } }`
	k.mustPost(t, reviews)
	if _, calls := k.mustPost(t, reviews); calls["reviews"] != 1 {
		t.Errorf("a no-store list was cached: reviews calls %d, want 1", calls["reviews"])
	}
}

// TestCacheRedisStops: with Redis gone, queries are answered from the
// upstreams, without errors and without waiting for Redis.
func TestCacheRedisStops(t *testing.T) {
	addr, stopRedis := cachetest.StoppableRedis(t)
	clock := cachetest.NewClock()
	store := cache.NewTolerant(cache.NewRedis(ratelimittest.NewClient(t, addr), "test:", 100*time.Millisecond),
		cache.TolerantConfig{Now: clock.Now, Backoff: time.Second})
	k := newCacheKit(t, cacheKitOptions{store: store})
	k.clock = clock

	const query = `{ product(id: "prd_0001") { name } }`
	k.mustPost(t, query)
	if _, calls := k.mustPost(t, query); len(calls) != 0 {
		t.Fatalf("not cached while Redis runs: calls %v", calls)
	}
	stopRedis()
	start := time.Now()
	for range 3 {
		clock.Advance(time.Second) // past the store's backoff: every query tries Redis again
		a, calls := k.mustPost(t, query)
		if calls["catalog"] != 1 || !strings.Contains(string(a.Data), `"name"`) {
			t.Errorf("with Redis stopped: %s, calls %v; want the answer from catalog", a.Data, calls)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("three queries with Redis stopped took %s", d)
	}
}

func TestCacheRedisDownFromTheStart(t *testing.T) {
	store := cache.NewTolerant(cache.NewRedis(ratelimittest.NewClient(t, ratelimittest.ClosedAddr(t)), "test:", 100*time.Millisecond),
		cache.TolerantConfig{})
	k := newCacheKit(t, cacheKitOptions{store: store})
	for range 2 {
		if _, calls := k.mustPost(t, `{ me { name } product(id: "prd_0001") { name inStock } }`); len(calls) != 3 {
			t.Errorf("calls = %v, want users, catalog and inventory each time", calls)
		}
	}
}
