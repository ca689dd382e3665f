package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

// Guard applies a BFF's Config at its GraphQL endpoint, in two places:
//
//   - Middleware, right after authentication, keys the caller (token
//     subject, else client IP) and, unless Config.Cost, spends one point of
//     the caller's tier budget. A refusal is answered there, before the
//     document is even parsed: HTTP 429, Retry-After, RATE_LIMITED.
//   - The gqlgen extension (Guard itself: Use it on the server) runs after
//     validation and before any resolver: it spends the operation's
//     complexity from the tier budget when Config.Cost, and one point of
//     each mutation field's budget. A refusal there is the same 429.
//
// Every answer carries RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset
// and RateLimit-Policy of the tier budget (or of the budget that refused).
// A refused request makes no upstream call.
type Guard struct {
	cfg       Config
	name      string
	tiers     Limiter
	mutations Limiter
	trusted   []netip.Prefix
	logger    *slog.Logger
	schema    graphql.ExecutableSchema
	observe   func(ctx context.Context, policy string, allowed bool)
}

// GuardOption adjusts NewGuard.
type GuardOption func(*Guard)

// WithDecisionObserver reports every decision, by policy ("tiers" or
// "mutations"), to observe (metrics, the access log).
func WithDecisionObserver(observe func(ctx context.Context, policy string, allowed bool)) GuardOption {
	return func(g *Guard) { g.observe = observe }
}

var (
	_ graphql.HandlerExtension    = (*Guard)(nil)
	_ graphql.ResponseInterceptor = (*Guard)(nil)
)

// NewGuard returns the Guard of the BFF called name over limiter. When
// limiter is a *Fallback, each policy gets its configured fail mode.
func NewGuard(cfg Config, name string, limiter Limiter, logger *slog.Logger, opts ...GuardOption) (*Guard, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	trusted, _ := cfg.trusted()
	g := &Guard{cfg: cfg, name: name, tiers: limiter, mutations: limiter, trusted: trusted, logger: logger,
		observe: func(context.Context, string, bool) {}}
	for _, opt := range opts {
		opt(g)
	}
	if fb, ok := limiter.(*Fallback); ok {
		g.tiers = fb.WithMode(cfg.failMode(PolicyTiers))
		g.mutations = fb.WithMode(cfg.failMode(PolicyMutations))
	}
	return g, nil
}

// caller is who a request spends for, set by Middleware for the extension.
type caller struct {
	key  string // "sub:usr_0001" or "ip:203.0.113.7"
	tier string
}

type callerKey struct{}

// Middleware keys the caller and, unless budgets are cost-based, spends one
// point of its tier budget.
func (g *Guard) Middleware(next http.Handler) http.Handler {
	if !g.cfg.Enabled {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := g.caller(r)
		ctx := context.WithValue(r.Context(), callerKey{}, c)
		if !g.cfg.Cost {
			l := g.tierLimit(c.tier)
			res, err := g.tiers.Allow(ctx, g.name+":tier:"+c.key, l, 1)
			refusal := g.refusal(ctx, res, err, l)
			g.observe(ctx, PolicyTiers, refusal == nil)
			setHeaders(w.Header(), res, l)
			if refusal != nil {
				refusal.write(w)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// ExtensionName implements graphql.HandlerExtension.
func (*Guard) ExtensionName() string { return "RateLimit" }

// Validate implements graphql.HandlerExtension; it keeps the schema for
// complexity.
func (g *Guard) Validate(es graphql.ExecutableSchema) error {
	g.schema = es
	return nil
}

// InterceptResponse spends the operation's cost and its mutations' points
// before anything executes.
func (g *Guard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	c, ok := ctx.Value(callerKey{}).(caller)
	if !ok || !g.cfg.Enabled || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return next(ctx)
	}
	out := gqlserver.OutcomeFrom(ctx)
	if g.cfg.Cost {
		l := g.tierLimit(c.tier)
		cost := max(1, complexity.Calculate(ctx, g.schema, oc.Operation, oc.Variables))
		res, err := g.tiers.Allow(ctx, g.name+":tier:"+c.key, l, cost)
		refusal := g.refusal(ctx, res, err, l)
		g.observe(ctx, PolicyTiers, refusal == nil)
		if refusal != nil {
			return refusal.respond(ctx, out, res, l)
		}
		setOutcomeHeaders(out, res, l)
	}
	if oc.Operation.Operation == ast.Mutation {
		for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{"Mutation"}) {
			l, ok := g.cfg.Mutations[f.Name]
			if !ok {
				if l, ok = g.cfg.Mutations["*"]; !ok {
					continue
				}
			}
			res, err := g.mutations.Allow(ctx, g.name+":mutation:"+f.Name+":"+c.key, l, 1)
			refusal := g.refusal(ctx, res, err, l)
			g.observe(ctx, PolicyMutations, refusal == nil)
			if refusal != nil {
				return refusal.respond(ctx, out, res, l)
			}
		}
	}
	return next(ctx)
}

// refusal is why a request is not served, with its HTTP face.
type refusal struct {
	status     int
	err        *gqlerr.Error
	retryAfter time.Duration // 0: no Retry-After
}

// refusal returns nil when res allows the request, else how to refuse it:
// 429 when the budget is spent or the cost can never fit, 503 when the
// limiter is unavailable and the policy fails closed.
func (g *Guard) refusal(ctx context.Context, res Result, err error, l Limit) *refusal {
	switch {
	case errors.Is(err, ErrCostExceedsBurst):
		return &refusal{status: http.StatusTooManyRequests, err: gqlerr.New(gqlerr.RateLimited,
			fmt.Sprintf("this operation costs more than your plan allows at once (%d points)", l.Burst))}
	case errors.Is(err, ErrUnavailable):
		// Fallback has logged the outage.
		return &refusal{status: http.StatusServiceUnavailable, err: gqlerr.New(gqlerr.UpstreamUnavailable,
			"rate limiting is unavailable; try again shortly"), retryAfter: time.Second}
	case err != nil:
		// A canceled request or a configuration mistake: refuse, never pass unlimited.
		g.logger.LogAttrs(ctx, slog.LevelError, "rate limit check failed", slog.String("error", err.Error()))
		return &refusal{status: http.StatusServiceUnavailable, err: gqlerr.New(gqlerr.UpstreamUnavailable, "rate limiting is unavailable; try again shortly"), retryAfter: time.Second}
	case !res.Allowed:
		secs := ceilSeconds(res.RetryAfter)
		e := gqlerr.New(gqlerr.RateLimited, fmt.Sprintf("rate limit exceeded; retry in %d s", secs))
		e.Extensions = map[string]any{"retryAfter": secs}
		return &refusal{status: http.StatusTooManyRequests, err: e, retryAfter: res.RetryAfter}
	}
	return nil
}

func (r *refusal) write(w http.ResponseWriter) {
	if r.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(ceilSeconds(r.retryAfter)))
	}
	gqlerr.WriteHTTP(w, r.status, r.err)
}

func (r *refusal) respond(ctx context.Context, out *gqlserver.Outcome, res Result, l Limit) *graphql.Response {
	setOutcomeHeaders(out, res, l)
	if r.retryAfter > 0 {
		out.SetStatus(r.status, "Retry-After", strconv.Itoa(ceilSeconds(r.retryAfter)))
	} else {
		out.SetStatus(r.status)
	}
	graphql.AddError(ctx, r.err)
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}

func (g *Guard) tierLimit(tier string) Limit {
	if l, ok := g.cfg.Tiers[tier]; ok {
		return l
	}
	return g.cfg.Tiers[DefaultTier]
}

// caller keys r: the verified subject, else the client's IP address.
func (g *Guard) caller(r *http.Request) caller {
	if p, ok := auth.FromContext(r.Context()); ok {
		tier := p.Tier
		if tier == "" || tier == AnonymousTier {
			tier = DefaultTier
		}
		return caller{key: "sub:" + p.Subject, tier: tier}
	}
	return caller{key: "ip:" + g.clientIP(r), tier: AnonymousTier}
}

// clientIP is the peer's address, or, when the peer is a trusted proxy, the
// right-most address of X-Forwarded-For that is not a trusted proxy.
func (g *Guard) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !g.isTrusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed entry: trust nothing to its left
		}
		if hop = hop.Unmap(); !g.isTrusted(hop) {
			return hop.String()
		}
	}
	return peer.String()
}

func (g *Guard) isTrusted(a netip.Addr) bool {
	for _, p := range g.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func setHeaders(h http.Header, res Result, l Limit) {
	h.Set("RateLimit-Limit", strconv.Itoa(l.Burst))
	h.Set("RateLimit-Remaining", strconv.Itoa(res.Remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(res.ResetAfter)))
	h.Set("RateLimit-Policy", policy(l))
}

func setOutcomeHeaders(o *gqlserver.Outcome, res Result, l Limit) {
	h := http.Header{}
	setHeaders(h, res, l)
	for k := range h {
		o.SetHeader(k, h.Get(k))
	}
}

// policy writes l as a RateLimit-Policy value: the quota and its window in
// seconds, e.g. "100;w=60".
func policy(l Limit) string {
	window := ceilSeconds(time.Duration(float64(l.Period) * float64(l.Burst) / float64(l.Rate)))
	return strconv.Itoa(l.Burst) + ";w=" + strconv.Itoa(window)
}

func ceilSeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds()))
}
