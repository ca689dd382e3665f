package bff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authz"
	"github.com/frontdesk/frontdesk/shared/cache/responsecache"
	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/persisted"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/requestid"
	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/telemetry/tracing"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Options assemble one BFF's handler.
type Options struct {
	Name         string                   // e.g. "bff-mobile"; also the realm of its 401 challenges
	Schema       graphql.ExecutableSchema // the BFF's generated schema with its resolvers
	Policy       authz.Policy             // the roles its root fields need
	Config       Config                   //
	Clients      *upstream.Clients        // behind the loaders
	Logger       *slog.Logger             //
	Ready        *gqlserver.Readiness     // flips to false on shutdown
	ExampleQuery string                   // the playground's starting document
	// ClientID and DemoUsers feed the playground's login helper (development
	// with PlaygroundTokenURL set): the token's client and the users offered.
	ClientID  string
	DemoUsers []playground.LoginUser
	// Metrics records the BFF's metrics; nil records none (tests).
	Metrics *metrics.Metrics
	// TrustedDocuments holds the BFF's trusted documents (*.graphql at its
	// root), nil for none; with TRUSTED_DOCUMENTS_ONLY only they are served.
	TrustedDocuments fs.FS
}

// UpstreamOptions instrument the upstream clients of a BFF: every attempt
// is counted in the access log and metrics and gets a client span with a
// propagated traceparent; breaker transitions set the breaker gauge;
// hedges are counted. m may be nil.
func UpstreamOptions(logger *slog.Logger, m *metrics.Metrics) []upstream.Option {
	return []upstream.Option{
		upstream.WithAttemptTransport(func(service string, next http.RoundTripper) http.RoundTripper {
			return m.UpstreamTransport(service, accesslog.Transport(logger, service, tracing.Transport(service, next)))
		}),
		upstream.WithBreakerStateChange(func(service, _, to string) {
			m.SetBreakerState(service, metrics.BreakerState(to))
		}),
		upstream.WithHedgeObserver(m.ObserveHedge),
	}
}

// Handler is a BFF's HTTP handler with the resources it holds.
type Handler struct {
	http.Handler
	closers []func() error
	redis   redis.UniversalClient // shared by the rate limiter and the APQ store
}

// redisClient returns the handler's one Redis client for cfg, made on first
// use and closed by Close.
func (h *Handler) redisClient(cfg RedisConfig) (redis.UniversalClient, error) {
	if h.redis == nil {
		client, err := ratelimit.NewRedisClient(redisConfig(cfg))
		if err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		h.redis = client
		h.closers = append(h.closers, client.Close)
	}
	return h.redis, nil
}

// Close releases the handler's resources (the Redis client); call it after
// the server has drained.
func (h *Handler) Close() error {
	var errs []error
	for _, c := range h.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// NewHandler returns a BFF's routes (gqlserver.NewMux): the GraphQL endpoint
// behind request ids, token verification, rate limits and the per-request
// loaders, with the authorization rules of o.Policy and the schema's
// directives; the playground when enabled; and the health endpoints. It
// discovers the OIDC issuer first (bounded by ctx and OIDC_HTTP_TIMEOUT)
// and fails when it cannot.
func NewHandler(ctx context.Context, o Options) (*Handler, error) {
	verifier, err := auth.NewVerifier(ctx, o.Config.OIDC)
	if err != nil {
		return nil, err
	}
	h := &Handler{}
	limiter, err := newLimiter(o.Config, o.Logger, o.Metrics, h)
	if err != nil {
		return nil, err
	}
	guard, err := ratelimit.NewGuard(o.Config.RateLimit, o.Name, limiter, o.Logger,
		ratelimit.WithDecisionObserver(func(ctx context.Context, policy string, allowed bool) {
			o.Metrics.ObserveRateLimit(policy, allowed)
			if rec, ok := accesslog.FromContext(ctx); ok {
				rec.SetRateLimit(map[bool]string{true: "allowed", false: "rejected"}[allowed])
			}
		}))
	if err != nil {
		return nil, errors.Join(err, h.Close())
	}

	// Page sizes are clamped in complexity, so cost-based limits and the
	// complexity cap count what a list may really return.
	schema := doclimit.ClampPages(o.Schema, o.Config.Limits.MaxPageSize)
	gql := gqlserver.NewGraphQL(schema, o.Logger, o.Config.Server)
	gql.SetParserTokenLimit(o.Config.Limits.MaxTokens)
	if err := usePersistedAndLimits(gql, o, h); err != nil {
		return nil, errors.Join(err, h.Close())
	}
	policy := authz.New(o.Policy)
	if err := policy.Validate(schema); err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", o.Name, err), h.Close())
	}
	// Outermost first: the access log and traces see every answer, then a
	// 401 for an anonymous protected operation spends no mutation budget.
	gql.Use(accesslog.Extension{})
	if _, off := otel.GetTracerProvider().(noop.TracerProvider); !off {
		// Resolver spans only when traces are exported: the per-field hook
		// costs ~7% of a large query's CPU even with a no-op provider.
		gql.Use(tracing.NewExtension())
	}
	gql.Use(policy)
	gql.Use(guard)
	// Nothing usable left after upstream failures: 503/504/502 per docs/errors.md.
	gql.Use(gqlserver.StatusMapper{CircuitRetryAfter: cmp.Or(o.Config.Upstream.BreakerCooldown, upstream.DefaultBreakerCooldown)})
	respCache := responsecache.New(o.Clients.Cache(), responsecache.Config{
		Name: o.Name, Enabled: o.Config.Cache.Response,
		Services: upstream.ServiceNames(), Vary: o.Config.Forward.Headers,
	})
	if err := respCache.Validate(schema); err != nil {
		return nil, errors.Join(fmt.Errorf("%s: %w", o.Name, err), h.Close())
	}
	gql.Use(respCache) // last: a cached answer is still authorized, rate limited and status-mapped

	var pg http.Handler
	if o.Config.Server.Playground {
		cfg := playground.Config{Title: o.Name, Endpoint: "/graphql", DefaultQuery: o.ExampleQuery}
		if o.Config.PlaygroundTokenURL != "" {
			cfg.Login = &playground.Login{TokenURL: o.Config.PlaygroundTokenURL, ClientID: o.ClientID, Users: o.DemoUsers}
		}
		if pg, err = playground.New(cfg); err != nil {
			return nil, errors.Join(fmt.Errorf("%s: playground: %w", o.Name, err), h.Close())
		}
	}
	h.Handler = gqlserver.NewMux(gqlserver.Options{
		Name:    o.Name,
		GraphQL: gql,
		Edge: []func(http.Handler) http.Handler{
			tracing.Middleware(),
			requestid.Middleware,
			accesslog.Middleware(o.Logger, o.Name),
			o.Metrics.Middleware,
		},
		Middleware: []func(http.Handler) http.Handler{
			authz.Authenticate(verifier, o.Name, o.Logger),
			accesslog.Caller,
			guard.Middleware,
			forward.Middleware(o.Config.Forward),
			observeBatches(o.Metrics),
			loader.Middleware(o.Config.Loader, loader.SourcesFrom(o.Clients)),
		},
		Playground: pg,
		Ready:      o.Ready.Ready,
		Config:     o.Config.Server,
	})
	return h, nil
}

// newLimiter returns the rate limiter of cfg: in memory without REDIS_ADDR,
// else Redis with the in-memory limiter as its fallback (per-policy fail
// mode in the Guard), on h's Redis client.
func newLimiter(cfg Config, logger *slog.Logger, m *metrics.Metrics, h *Handler) (ratelimit.Limiter, error) {
	memory := ratelimit.NewMemory()
	if len(cfg.Redis.Addr) == 0 {
		return memory, nil
	}
	client, err := h.redisClient(cfg.Redis)
	if err != nil {
		return nil, err
	}
	redisLimiter := ratelimit.NewRedis(client, ratelimit.WithKeyPrefix(cfg.Redis.KeyPrefix+"ratelimit:"), ratelimit.WithTimeout(cfg.Redis.Timeout))
	return ratelimit.NewFallback(redisLimiter, memory, ratelimit.FallbackConfig{
		Logger:        logger,
		OnUnavailable: func(mode ratelimit.FailMode) { m.ObserveRateLimitStoreFailure(mode.String()) },
	}), nil
}

// usePersistedAndLimits adds, in this order (mutators run in Use order):
// trusted documents (when the BFF has them), APQ (unless trusted only),
// the document and variable limits, and the complexity cap — all before
// gqlgen validates, plans or runs anything.
func usePersistedAndLimits(gql *handler.Server, o Options, h *Handler) error {
	if o.TrustedDocuments != nil {
		list, err := persisted.LoadList(o.TrustedDocuments)
		if err != nil {
			return fmt.Errorf("%s: trusted documents: %w", o.Name, err)
		}
		if err := list.Check(o.Schema.Schema()); err != nil {
			return fmt.Errorf("%s: trusted documents: %w", o.Name, err)
		}
		gql.Use(persisted.NewTrusted(list, o.Config.Persisted.TrustedOnly))
	} else if o.Config.Persisted.TrustedOnly {
		return fmt.Errorf("%s: TRUSTED_DOCUMENTS_ONLY needs trusted documents, and this BFF has none", o.Name)
	}
	if o.Config.Persisted.APQ && !o.Config.Persisted.TrustedOnly {
		store, err := apqStore(o.Config, h)
		if err != nil {
			return err
		}
		gql.Use(persisted.NewAPQ(store))
	}
	limits, err := doclimit.New(o.Config.Limits)
	if err != nil {
		return err
	}
	gql.Use(limits)
	complexity, err := doclimit.NewComplexityLimit(o.Config.Limits)
	if err != nil {
		return err
	}
	gql.Use(complexity)
	return nil
}

// apqStore keeps APQ documents in Redis when REDIS_ADDR is set (shared by
// instances), else in memory.
func apqStore(cfg Config, h *Handler) (graphql.Cache[string], error) {
	if len(cfg.Redis.Addr) == 0 {
		return persisted.NewMemory(cfg.Persisted.CacheSize, cfg.Persisted.MaxBytes)
	}
	client, err := h.redisClient(cfg.Redis)
	if err != nil {
		return nil, err
	}
	return persisted.NewRedis(client, persisted.WithKeyPrefix(cfg.Redis.KeyPrefix+"apq:"), persisted.WithTTL(cfg.Persisted.TTL),
		persisted.WithTimeout(cfg.Redis.Timeout), persisted.WithMaxBytes(cfg.Persisted.MaxBytes)), nil
}

func redisConfig(c RedisConfig) ratelimit.RedisConfig {
	return ratelimit.RedisConfig{
		Addrs: c.Addr, MasterName: c.MasterName, Password: c.Password, DB: c.DB,
		DialTimeout: c.Timeout, ReadTimeout: c.Timeout, WriteTimeout: c.Timeout, PoolTimeout: c.Timeout,
	}
}

// observeBatches makes the request's loaders report their batch sizes.
func observeBatches(m *metrics.Metrics) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if m == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(loader.WithBatchObserver(r.Context(), m.ObserveBatch)))
		})
	}
}
