// Package responsecache is the gqlgen extension that caches whole answers
// of queries whose every selected field carries a @cacheControl hint
// (schema/base), and marks answers served with stale data.
//
// An answer is cached when the operation is a query, the hints allow it
// (policyOf: Apollo's rules, the lowest maxAge wins, any PRIVATE makes it
// private), and it completed without a single error and without stale
// entities. Its key hashes the BFF's name, the schema, the normalized
// document, the operation name, the variables, the configured Vary headers,
// the caller's roles (anonymous or not), and for a private answer the
// caller's subject; a private answer is never cached for an anonymous
// caller. A hit runs no resolver and calls no upstream. Concurrent misses
// of one key on one instance compute the answer once.
//
// Entries record the generations of the services the answer read from
// (cache.Record); cache.Evict, run by the upstream clients' writes, changes
// them, so a mutation makes the answers that read what it changed
// unreachable at once, on every instance sharing the store.
//
// Every answer gets a Cache-Control header: "public, max-age=N" or
// "private, max-age=N" for a cacheable one (N what is left of its
// freshness), else "no-store". When computing a cacheable answer fails with
// an unavailable upstream, a timeout or an open circuit breaker, a stale
// entry (within CACHE_MAX_STALE) is served instead. An answer holding stale
// data, whole or per entity, says so: `extensions.stale` is true and
// `extensions.cacheAge` is the age in seconds of its oldest data.
package responsecache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/singleflight"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

// The keys of `extensions` on an answer holding stale data.
const (
	ExtensionStale    = "stale"
	ExtensionCacheAge = "cacheAge"
)

// Config configures an Extension.
type Config struct {
	// Name is the BFF's name; answers of two BFFs never share an entry.
	Name string
	// Enabled caches answers; without it the Extension only marks stale
	// answers and sends Cache-Control: no-store.
	Enabled bool
	// Services are the logical names of every upstream an answer may read
	// from (shared/upstream); an answer that read from another is not cached.
	Services []string
	// Vary names request headers whose values are part of the key: those
	// forwarded upstream (FORWARD_HEADERS) may change the answer.
	Vary []string
}

// Extension is the gqlgen extension of the response cache. Add it with
// handler.Server.Use after the authorization and rate-limit extensions (a
// cached answer must not skip them); it is safe for concurrent use.
type Extension struct {
	cache  *cache.Cache
	cfg    Config
	hints  hints
	schema string // hash of the printed schema
	group  singleflight.Group
}

var (
	_ graphql.HandlerExtension    = (*Extension)(nil)
	_ graphql.ResponseInterceptor = (*Extension)(nil)
)

// New returns the extension over c (nil: nothing is cached, stale answers
// are still marked). The schema's hints are read when the server validates
// its extensions (handler.Server.Use).
func New(c *cache.Cache, cfg Config) *Extension {
	if c == nil {
		cfg.Enabled = false
	}
	return &Extension{cache: c, cfg: cfg}
}

// ExtensionName implements graphql.HandlerExtension.
func (*Extension) ExtensionName() string { return "ResponseCache" }

// Validate implements graphql.HandlerExtension: it reads and checks the
// schema's @cacheControl hints.
func (e *Extension) Validate(es graphql.ExecutableSchema) error {
	s := es.Schema()
	h, err := readHints(s)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatSchema(s)
	e.hints, e.schema = h, hashOf(b.Bytes())
	return nil
}

// InterceptResponse implements graphql.ResponseInterceptor.
func (e *Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	pol := policy{}
	if e.cfg.Enabled && oc.Operation != nil && oc.Operation.Operation == ast.Query && e.hints.schema != nil {
		pol = e.hints.policyOf(oc.Operation)
	}
	key, ok := "", pol.cacheable
	if ok {
		key, ok = e.key(ctx, oc, pol)
	}
	if !ok {
		return e.uncached(ctx, next(ctx))
	}

	found, gens := e.cache.LookupResponse(ctx, key, e.cfg.Services)
	if found.Fresh {
		e.cache.Observe(ctx, cache.LayerResponse, cache.Hit)
		setCacheControl(ctx, pol, found.FreshFor)
		return &graphql.Response{Data: found.Data}
	}
	res := e.compute(ctx, key, pol, gens, next)
	switch {
	case res.hit:
		e.cache.Observe(ctx, cache.LayerResponse, cache.Hit)
		setCacheControl(ctx, pol, res.freshFor)
		return res.resp
	case res.complete:
		e.cache.Observe(ctx, cache.LayerResponse, cache.Miss)
		setCacheControl(ctx, pol, pol.maxAge)
		return res.resp
	case found.Data != nil && upstreamFailed(ctx, res.resp):
		e.cache.Observe(ctx, cache.LayerResponse, cache.Stale)
		gqlserver.OutcomeFrom(ctx).SetHeader("Cache-Control", "no-store")
		return markStale(&graphql.Response{Data: found.Data}, found.Age)
	}
	e.cache.Observe(ctx, cache.LayerResponse, cache.Miss)
	return e.uncached(ctx, res.resp)
}

// result is one computation of an answer, shared by concurrent misses.
type result struct {
	resp     *graphql.Response // the computing request's own
	shared   *graphql.Response // a copy of resp for the others, never changed
	complete bool              // stored, or good to store: no error, no stale data
	hit      bool              // found in the cache after all
	freshFor time.Duration     // of a hit
}

// compute runs next once for concurrent misses of key and stores a
// complete answer. The request that runs it looks the key up once more
// first: a request whose lookup missed just before another stored the
// answer finds it there instead of computing it again. A request that
// waited for another's answer gets a copy when it was complete, else
// computes its own: an answer with errors is specific to the request that
// ran it. The wait is bounded by the first request's own deadline.
func (e *Extension) compute(ctx context.Context, key string, pol policy, gens cache.Generations, next graphql.ResponseHandler) result {
	// A computation is shared only under the generations it started with: a
	// request that looked up after an eviction never gets an answer begun
	// before it.
	flight := key
	for _, s := range e.cfg.Services {
		flight += ":" + gens[cache.ServiceGenKey(s)]
	}
	mine := false
	v, _, _ := e.group.Do(flight, func() (any, error) {
		mine = true
		if found, _ := e.cache.LookupResponse(ctx, key, e.cfg.Services); found.Fresh {
			resp := &graphql.Response{Data: found.Data}
			return result{resp: resp, shared: copyOf(resp), complete: true, hit: true, freshFor: found.FreshFor}, nil
		}
		res := e.computeOnce(ctx, key, pol, gens, next)
		if res.complete {
			res.shared = copyOf(res.resp) // before the computing request's extensions amend resp
		}
		return res, nil
	})
	res, _ := v.(result)
	switch {
	case mine:
		return res
	case res.complete:
		res.resp = copyOf(res.shared)
		return res
	}
	return e.computeOnce(ctx, key, pol, gens, next)
}

func (e *Extension) computeOnce(ctx context.Context, key string, pol policy, gens cache.Generations, next graphql.ResponseHandler) result {
	resp := next(ctx)
	rec, hasRecord := cache.FromContext(ctx)
	_, stale := rec.Stale()
	complete := resp != nil && resp.Data != nil && resp.HasNext == nil && !stale && hasRecord &&
		len(resp.Errors) == 0 && len(graphql.GetErrors(ctx)) == 0
	if complete {
		complete = e.cache.StoreResponse(ctx, key, resp.Data, pol.maxAge, gens, rec.Services())
	}
	return result{resp: resp, complete: complete}
}

// uncached finishes an answer not served from or stored in the cache.
func (e *Extension) uncached(ctx context.Context, resp *graphql.Response) *graphql.Response {
	gqlserver.OutcomeFrom(ctx).SetHeader("Cache-Control", "no-store")
	rec, _ := cache.FromContext(ctx)
	if age, stale := rec.Stale(); stale && resp != nil {
		return markStale(resp, age)
	}
	return resp
}

// markStale records on resp that it holds data age old.
func markStale(resp *graphql.Response, age time.Duration) *graphql.Response {
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions[ExtensionStale] = true
	resp.Extensions[ExtensionCacheAge] = int64(age / time.Second)
	return resp
}

// copyOf returns a copy of resp another request may return and amend.
func copyOf(resp *graphql.Response) *graphql.Response {
	c := *resp
	c.Errors = slices.Clone(resp.Errors)
	c.Extensions = maps.Clone(resp.Extensions)
	return &c
}

// upstreamFailed reports whether the answer failed because an upstream is
// unavailable, timed out or behind an open breaker (a stale entry may then
// stand in for it).
func upstreamFailed(ctx context.Context, resp *graphql.Response) bool {
	var errs gqlerror.List
	if resp != nil {
		errs = append(errs, resp.Errors...)
	}
	errs = append(errs, graphql.GetErrors(ctx)...)
	for _, err := range errs {
		if err == nil {
			continue
		}
		switch code, _ := err.Extensions["code"].(string); gqlerr.Code(code) {
		case gqlerr.UpstreamUnavailable, gqlerr.UpstreamTimeout, gqlerr.CircuitOpen:
			return true
		}
	}
	return false
}

func setCacheControl(ctx context.Context, pol policy, left time.Duration) {
	scope := "public"
	if pol.private {
		scope = "private"
	}
	gqlserver.OutcomeFrom(ctx).SetHeader("Cache-Control", fmt.Sprintf("%s, max-age=%d", scope, max(int64(left/time.Second), 0)))
}

// key returns the hash identifying the answer of oc for the caller; ok is
// false for a private answer and an anonymous caller.
func (e *Extension) key(ctx context.Context, oc *graphql.OperationContext, pol policy) (string, bool) {
	p, signedIn := auth.FromContext(ctx)
	if pol.private && (!signedIn || p.Subject == "") {
		return "", false
	}
	vars, err := json.Marshal(oc.Variables) // map keys sorted
	if err != nil {
		return "", false
	}
	var doc bytes.Buffer
	formatter.NewFormatter(&doc).FormatQueryDocument(oc.Doc)

	h := sha256.New()
	part := func(s string) {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	part(e.cfg.Name)
	part(e.schema)
	part(oc.OperationName)
	part(doc.String())
	part(string(vars))
	for _, name := range e.cfg.Vary {
		part(strings.Join(oc.Headers.Values(http.CanonicalHeaderKey(name)), "\x00"))
	}
	switch {
	case pol.private:
		part("private")
		part(cache.PrincipalHash(p))
	case signedIn:
		roles := slices.Clone(p.Roles)
		slices.Sort(roles)
		part("public:roles")
		part(strings.Join(roles, ","))
	default:
		part("public:anonymous")
	}
	return hex.EncodeToString(h.Sum(nil)), true
}

func hashOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
