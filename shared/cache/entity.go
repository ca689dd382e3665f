package cache

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/budget"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// FetchFunc fetches the entities of ids from their upstream: one value and
// one error per id, in id order; a nil error means the value was found.
// Its ctx records the upstream's Cache-Control (Transport): pass it on.
type FetchFunc[V any] func(ctx context.Context, ids []string) ([]V, []error)

// genMargin is how much longer a generation is kept than the entries it
// invalidates live, covering a read that began before an eviction and
// stores after it.
const genMargin = 5 * time.Minute

// errLeaderFailed is a follower's error when the fetch it waited for ended
// without a result (the leader's fetch panicked).
var errLeaderFailed = errors.New("cache: the shared fetch of this entity failed")

// Load returns the entities of ids (one value and one error per id, in id
// order) from the cache where it holds them fresh and from fetch for the
// others, which it then caches:
//
//   - one MGet reads every id's entry and generation;
//   - misses another request is fetching already are waited for, not
//     fetched again (per instance, per partition);
//   - what fetch returns is stored for the freshness the upstream's
//     Cache-Control gives it (or the service's default) plus MaxStale;
//   - an id whose fetch failed as unavailable, timed out or behind an open
//     circuit breaker gets its stale entry, if one is within MaxStale, and
//     the request's Record notes its age; other failures (not found,
//     rejected) are returned as they are and never cached;
//   - stale-if-slow: with a latency budget for the call (WithDeadline) and
//     a stale entry for at least one miss, the misses are fetched in the
//     background, on a context the caller's leaving does not cancel and no
//     budget cuts (bounded by RefreshTimeout). If the fetch ends by the
//     deadline, Load returns its result; if not, Load returns at the
//     deadline, each stale entry standing in as after a timeout and every
//     other miss failing as an upstream timeout, and the fetch goes on to
//     store fresh entries for the next reader.
//
// A private kind is read and stored in the caller's partition (subject and
// roles), and not cached at all for an anonymous caller. With a nil c, Load
// is fetch.
func Load[V any](ctx context.Context, c *Cache, kind Kind, ids []string, fetch FetchFunc[V]) ([]V, []error) {
	if c == nil || len(ids) == 0 {
		return fetch(ctx, ids)
	}
	part, ok := partition(ctx, kind.Scope)
	if !ok {
		return fetch(ctx, ids)
	}
	rec, _ := FromContext(ctx)
	rec.read(kind.Service)

	b := &batch[V]{c: c, kind: kind, ids: ids, vals: make([]V, len(ids)), errs: make([]error, len(ids)),
		results: make([]string, len(ids)), stale: map[int]envelope{}}
	b.lookup(ctx, typeVersion(reflect.TypeFor[V]()), part)
	if len(b.misses) > 0 {
		if deadline, ok := b.staleIfSlow(ctx); ok {
			b.fetchInBackground(ctx, deadline, fetch)
		} else {
			b.fetchMisses(ctx, fetch)
		}
		b.fallBackToStale(rec)
	}
	for _, r := range b.results {
		c.Observe(ctx, LayerEntity, r)
	}
	return b.vals, b.errs
}

// batch is one Load in progress.
type batch[V any] struct {
	c       *Cache
	kind    Kind
	ids     []string
	keys    []string // entry keys, by id index
	genKeys []string
	gens    []string // current generations
	vals    []V
	errs    []error
	results []string         // Hit, Miss or Stale, by id index
	misses  []int            // id indexes to fetch
	stale   map[int]envelope // stale entries of misses
	now     time.Time
}

func (b *batch[V]) lookup(ctx context.Context, typeVer, part string) {
	n := len(b.ids)
	keys := make([]string, 2*n)
	for i, id := range b.ids {
		keys[i] = entityKey(b.kind, typeVer, part, id)
		keys[n+i] = entityGenKey(b.kind, id)
	}
	b.keys, b.genKeys = keys[:n], keys[n:]
	raw, err := b.c.store.MGet(ctx, keys)
	if err != nil || len(raw) != len(keys) {
		raw = make([][]byte, len(keys)) // a miss; Tolerant logs store failures
	}
	b.now = b.c.now()
	b.gens = make([]string, n)
	for i := range b.ids {
		b.gens[i] = string(raw[n+i])
		env, ok := decodeEnvelope(raw[i])
		if ok {
			switch env.stateAt(b.now, map[string]string{b.genKeys[i]: b.gens[i]}, b.c.cfg.MaxStale) {
			case fresh:
				var v V
				if json.Unmarshal(env.Data, &v) == nil {
					b.vals[i], b.results[i] = v, Hit
					continue
				}
			case stale:
				b.stale[i] = env
			case missing:
			}
		}
		b.misses = append(b.misses, i)
	}
}

// fetchMisses fetches the misses this instance is not fetching already,
// stores what it got, and waits for the others.
func (b *batch[V]) fetchMisses(ctx context.Context, fetch FetchFunc[V]) {
	// A flight is per entry and generation: a read that starts after an
	// eviction never joins a fetch that began before it.
	fkeys := make([]string, len(b.misses))
	for j, i := range b.misses {
		fkeys[j] = b.keys[i] + "@" + b.gens[i]
	}
	lead, follow := b.c.flight.claim(fkeys)
	if len(lead) > 0 {
		b.lead(ctx, fetch, fkeys, lead)
	}
	var again []int
	for j, cl := range follow {
		i := b.misses[j]
		select {
		case <-cl.done:
		case <-ctx.Done():
			b.errs[i] = ctx.Err()
			continue
		}
		switch {
		case cl.err == nil:
			var v V
			if err := json.Unmarshal(cl.value, &v); err != nil {
				b.errs[i] = err
				continue
			}
			b.vals[i] = v
		case canceled(cl.err) && ctx.Err() == nil:
			again = append(again, i) // the leader's caller went away; this one has not
		default:
			b.errs[i] = cl.err
		}
	}
	if len(again) > 0 {
		ids := make([]string, len(again))
		for x, i := range again {
			ids[x] = b.ids[i]
		}
		vals, errs := fetch(ctx, ids)
		for x, i := range again {
			b.vals[i], b.errs[i] = at(vals, x), at(errs, x)
		}
	}
}

// RefreshTimeout bounds a fetch that goes on in the background after its
// caller was answered with stale entries (stale-if-slow).
const RefreshTimeout = 10 * time.Second

// errOverBudget is the cause of a miss whose fetch ran past its latency
// budget while it refreshed in the background.
var errOverBudget = errors.New("cache: the fetch ran past the call's latency budget; it goes on in the background")

// staleIfSlow returns the latency budget's deadline of this batch's fetch
// when a stale entry could stand in for a miss that outlives it.
func (b *batch[V]) staleIfSlow(ctx context.Context) (time.Time, bool) {
	if len(b.stale) == 0 || b.c.deadline == nil || b.c.refreshes.Load() >= b.c.refreshLimit {
		return time.Time{}, false
	}
	return b.c.deadline(ctx, b.kind.Service)
}

// fetchInBackground fetches the misses as fetchMisses does, but on a
// goroutine and a context of their own, and waits for them only until
// deadline or the caller's leaving; then the misses fail as timed out (or
// canceled) and the fetch goes on, storing what it gets.
func (b *batch[V]) fetchInBackground(ctx context.Context, deadline time.Time, fetch FetchFunc[V]) {
	bg := *b // its own results; the rest is read only from here on
	bg.vals, bg.errs = make([]V, len(b.ids)), make([]error, len(b.ids))
	done := make(chan struct{})
	b.c.refreshes.Add(1)
	go func() {
		defer close(done)
		defer b.c.refreshes.Add(-1)
		rctx, cancel := context.WithTimeout(budget.Without(context.WithoutCancel(ctx)), RefreshTimeout)
		defer cancel()
		bg.fetchMisses(rctx, fetch)
	}()
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	kind, cause := restclient.KindTimeout, errOverBudget
	select {
	case <-done:
		for _, i := range b.misses {
			b.vals[i], b.errs[i] = bg.vals[i], bg.errs[i]
		}
		return
	case <-timer.C:
	case <-ctx.Done():
		if cause = ctx.Err(); errors.Is(cause, context.Canceled) {
			kind = restclient.KindCanceled
		}
	}
	for _, i := range b.misses {
		b.errs[i] = &restclient.Error{Service: b.kind.Service, Op: "load " + b.kind.Name, Kind: kind, Err: cause}
	}
}

// lead fetches the misses this batch leads (by index into b.misses), stores
// them and finishes their flights, also when fetch panics.
func (b *batch[V]) lead(ctx context.Context, fetch FetchFunc[V], fkeys []string, lead map[int]*call) {
	order := make([]int, 0, len(lead))
	for j := range lead {
		order = append(order, j)
	}
	sort.Ints(order)
	ids := make([]string, len(order))
	for x, j := range order {
		ids[x] = b.ids[b.misses[j]]
	}
	finished := false
	defer func() {
		if !finished {
			for _, j := range order {
				b.c.flight.finish(fkeys[j], lead[j], nil, errLeaderFailed)
			}
		}
	}()

	fctx, captured := withCapture(ctx)
	vals, errs := fetch(fctx, ids)
	ttl, storable := captured.freshness(b.kind.Scope, b.c.cfg.DefaultTTL.forService(b.kind.Service), b.c.cfg.MaxTTL)
	storable = storable && ttl+b.c.cfg.MaxStale > 0
	var items []Item
	for x, j := range order {
		i := b.misses[j]
		var data []byte
		err := at(errs, x)
		if err == nil {
			b.vals[i] = at(vals, x)
			data, err = json.Marshal(b.vals[i])
		}
		if err != nil {
			b.errs[i] = err
		} else if storable {
			env, encErr := encodeEnvelope(data, b.now, ttl, map[string]string{b.genKeys[i]: b.gens[i]})
			if encErr == nil {
				items = append(items, Item{Key: b.keys[i], Value: env, TTL: ttl + b.c.cfg.MaxStale})
			}
		}
		b.c.flight.finish(fkeys[j], lead[j], data, err)
	}
	finished = true
	_ = b.c.store.Set(ctx, items...) // a Tolerant store never fails; a failed write is only a later miss
}

// fallBackToStale serves stale entries for the misses whose upstream failed.
func (b *batch[V]) fallBackToStale(rec *Record) {
	for _, i := range b.misses {
		b.results[i] = Miss
		env, ok := b.stale[i]
		if b.errs[i] == nil || !ok || !StaleIfError(b.errs[i]) {
			continue
		}
		var v V
		if json.Unmarshal(env.Data, &v) != nil {
			continue
		}
		b.vals[i], b.errs[i], b.results[i] = v, nil, Stale
		rec.servedStale(env.age(b.now))
	}
}

// StaleIfError reports whether err is a failure a stale entry may stand in
// for: the upstream is unavailable, timed out, or its circuit breaker is open.
func StaleIfError(err error) bool {
	switch k, _ := restclient.KindOf(err); k {
	case restclient.KindUnavailable, restclient.KindTimeout, restclient.KindCircuitOpen:
		return true
	}
	return false
}

func canceled(err error) bool {
	k, ok := restclient.KindOf(err)
	return ok && k == restclient.KindCanceled
}

// at returns s[i], or the zero value when s is too short (a fetch that
// broke its contract).
func at[T any](s []T, i int) T {
	if i < len(s) {
		return s[i]
	}
	var zero T
	return zero
}

// partition returns the part of an entity key that says who may read it:
// "p" for a public kind, else a hash of the caller's subject and roles
// (what a private upstream answer may depend on); ok is false for a
// private kind and an anonymous caller.
func partition(ctx context.Context, scope Scope) (string, bool) {
	if scope == Public {
		return "p", true
	}
	p, ok := auth.FromContext(ctx)
	if !ok || p.Subject == "" {
		return "", false
	}
	return "s" + PrincipalHash(p), true
}

// PrincipalHash returns a hash of p's subject and roles, for keys of
// private entries (no subject is written to the store in clear).
func PrincipalHash(p auth.Principal) string {
	roles := slices.Clone(p.Roles)
	slices.Sort(roles)
	return hashHex(p.Subject + "\x00" + strings.Join(roles, ","))
}

// Evict invalidates the cached copies of the entities of kind with ids, in
// every partition, and every cached response that read from kind's
// service. Call it after a write to the upstream (also one that failed in
// a way that may have applied it). It changes generations, so it is one
// store write; when the store fails the entries stay until their TTL.
func (c *Cache) Evict(ctx context.Context, kind Kind, ids ...string) {
	if c == nil {
		return
	}
	ttl := c.cfg.MaxTTL + c.cfg.MaxStale + genMargin
	items := make([]Item, 0, len(ids)+1)
	for _, id := range ids {
		items = append(items, Item{Key: entityGenKey(kind, id), Value: newGeneration(), TTL: ttl})
	}
	items = append(items, Item{Key: ServiceGenKey(kind.Service), Value: newGeneration(), TTL: ttl})
	_ = c.store.Set(ctx, items...) // a Tolerant store never fails
}

// WriteMayHaveApplied reports whether an upstream write that returned err
// may have changed the upstream, so its entities must be evicted: it
// succeeded, or failed without a definite refusal (a timeout, an
// unavailable upstream or a lost answer may hide a write that happened). A
// write refused (not found, rejected, conflict, forbidden), failed fast by
// an open breaker, or never built, changed nothing.
func WriteMayHaveApplied(err error) bool {
	if err == nil {
		return true
	}
	k, ok := restclient.KindOf(err)
	if !ok {
		return false
	}
	switch k {
	case restclient.KindUnavailable, restclient.KindTimeout, restclient.KindBadResponse, restclient.KindCanceled:
		return true
	}
	return false
}
