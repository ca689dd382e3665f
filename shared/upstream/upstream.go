// Package upstream builds the typed clients of every REST service a BFF
// fans out to, each on its own *http.Client.
package upstream

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/shared/budget"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// Config locates the upstream services and sets how calls to them are
// bounded, retried and cut off. The URL defaults are the demo services'
// fixed local ports (services/cmd/demo-services). Each *_URL may list
// several comma-separated base URLs: the primary first, then backups that
// idempotent calls fail over to (docs/resilience.md). Zero numbers and
// durations take the documented defaults.
type Config struct {
	UsersURL     string `env:"USERS_URL" envDefault:"http://127.0.0.1:3001" json:"usersURL"`
	CatalogURL   string `env:"CATALOG_URL" envDefault:"http://127.0.0.1:3002" json:"catalogURL"`
	InventoryURL string `env:"INVENTORY_URL" envDefault:"http://127.0.0.1:3003" json:"inventoryURL"`
	OrdersURL    string `env:"ORDERS_URL" envDefault:"http://127.0.0.1:3004" json:"ordersURL"`
	ReviewsURL   string `env:"REVIEWS_URL" envDefault:"http://127.0.0.1:3005" json:"reviewsURL"`
	PaymentsURL  string `env:"PAYMENTS_URL" envDefault:"http://127.0.0.1:3006" json:"paymentsURL"`
	// Timeout bounds one attempt of an upstream call (dial to last byte);
	// each retry gets its own, and none outlives the request's deadline.
	Timeout time.Duration `env:"UPSTREAM_TIMEOUT" envDefault:"2s" json:"timeout"`
	// MaxResponseBytes caps one upstream response body (decompressed).
	MaxResponseBytes int64 `env:"UPSTREAM_MAX_RESPONSE_BYTES" envDefault:"8388608" json:"maxResponseBytes"`
	// Retries is the attempts of an idempotent (GET, HEAD) call, the first
	// included, 1 to 10; 1 turns retries off. Other methods are sent once.
	Retries int `env:"UPSTREAM_RETRIES" envDefault:"3" json:"retries"`
	// RetryBackoff is the backoff ceiling before the first retry; it doubles
	// per retry and the wait is random below it (full jitter).
	RetryBackoff time.Duration `env:"UPSTREAM_RETRY_BACKOFF" envDefault:"50ms" json:"retryBackoff"`
	// RetryMaxWait caps the backoff and the Retry-After an upstream may ask
	// for; an answer asking for longer is not retried.
	RetryMaxWait time.Duration `env:"UPSTREAM_RETRY_MAX_WAIT" envDefault:"2s" json:"retryMaxWait"`
	// RetryBudget is the retries allowed per call to one upstream over a
	// sliding 10s window, 0 to 1, on top of one retry per second.
	RetryBudget float64 `env:"UPSTREAM_RETRY_BUDGET" envDefault:"0.2" json:"retryBudget"`
	// RetryTimeouts retries an attempt that timed out (UPSTREAM_TIMEOUT) on
	// the same URL. Off by default: a timed-out call is retried only on a
	// backup URL, so a slow service costs one timeout, not one per attempt.
	RetryTimeouts bool `env:"UPSTREAM_RETRY_TIMEOUTS" envDefault:"false" json:"retryTimeouts"`
	// OptionalBudget is how long, from the start of a GraphQL operation, an
	// upstream call for optional data (everything below a screen's root
	// field, docs/resilience.md) may take, retries included; then the field
	// degrades with UPSTREAM_TIMEOUT and the rest of the answer goes out.
	// 0 turns budgets off: optional data then waits as long as essential.
	OptionalBudget time.Duration `env:"UPSTREAM_OPTIONAL_BUDGET" envDefault:"1s" json:"optionalBudget"`
	// OptionalBudgets overrides OptionalBudget per upstream, e.g.
	// "reviews=300ms,inventory=200ms" (0 turns one off).
	OptionalBudgets map[string]time.Duration `env:"UPSTREAM_OPTIONAL_BUDGETS" envKeyValSeparator:"=" json:"optionalBudgets"`
	// HedgeDelay hedges idempotent calls (docs/resilience.md): a second
	// attempt, to a backup URL if there is one, when the first has gone
	// unanswered this long; the first good answer wins. "off" (the
	// default), "p95" (the upstream's p95 over the last 10s, at least
	// 10ms, once it has 20 answers) or a duration. Hedges are retries for
	// UPSTREAM_RETRIES and UPSTREAM_RETRY_BUDGET.
	HedgeDelay string `env:"UPSTREAM_HEDGE_DELAY" envDefault:"off" json:"hedgeDelay"`
	// HedgeDelays overrides HedgeDelay per upstream, e.g.
	// "reviews=p95,catalog=150ms,users=off".
	HedgeDelays map[string]string `env:"UPSTREAM_HEDGE_DELAYS" envKeyValSeparator:"=" json:"hedgeDelays"`
	// BreakerFailures is the consecutive failed attempts (transport error,
	// timeout, 5xx) that open an upstream's circuit breaker, 1 to 1000. Half
	// or more of at least 20 attempts failing within 10s opens it too.
	BreakerFailures int `env:"UPSTREAM_BREAKER_FAILURES" envDefault:"5" json:"breakerFailures"`
	// BreakerCooldown is how long an open breaker fails calls fast before it
	// lets one probe through; also how long a failed backup URL is skipped.
	BreakerCooldown time.Duration `env:"UPSTREAM_BREAKER_COOLDOWN" envDefault:"10s" json:"breakerCooldown"`
}

// Defaults of the zero Config numbers (see Config).
const (
	DefaultRetries         = 3
	DefaultRetryBackoff    = 50 * time.Millisecond
	DefaultRetryMaxWait    = 2 * time.Second
	DefaultRetryBudget     = 0.2
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 10 * time.Second
)

// retryBudgetMinPerSecond is the retries per second every upstream's
// budget allows however few its calls.
const retryBudgetMinPerSecond = 1

// upstreamURLs returns each upstream's logical name, variable and value.
func (c Config) upstreamURLs() []struct{ name, env, value string } {
	return []struct{ name, env, value string }{
		{users.Service, "USERS_URL", c.UsersURL},
		{catalog.Service, "CATALOG_URL", c.CatalogURL},
		{inventory.Service, "INVENTORY_URL", c.InventoryURL},
		{orders.Service, "ORDERS_URL", c.OrdersURL},
		{reviews.Service, "REVIEWS_URL", c.ReviewsURL},
		{payments.Service, "PAYMENTS_URL", c.PaymentsURL},
	}
}

// URLs returns the base URL setting of each upstream by logical name (as
// configured: possibly a comma-separated list).
func (c Config) URLs() map[string]string {
	out := make(map[string]string, 6)
	for _, u := range c.upstreamURLs() {
		out[u.name] = u.value
	}
	return out
}

// Validate reports the first setting out of range, naming its variable.
// Base URLs are checked by New.
func (c Config) Validate() error {
	switch {
	case c.Timeout < 0:
		return errors.New("UPSTREAM_TIMEOUT must not be negative")
	case c.MaxResponseBytes < 0:
		return errors.New("UPSTREAM_MAX_RESPONSE_BYTES must not be negative")
	case c.Retries < 0 || c.Retries > 10:
		return fmt.Errorf("UPSTREAM_RETRIES must be between 1 and 10, got %d", c.Retries)
	case c.RetryBackoff < 0:
		return errors.New("UPSTREAM_RETRY_BACKOFF must not be negative")
	case c.RetryMaxWait < 0:
		return errors.New("UPSTREAM_RETRY_MAX_WAIT must not be negative")
	case !(c.RetryBudget >= 0 && c.RetryBudget <= 1): // also rejects NaN
		return fmt.Errorf("UPSTREAM_RETRY_BUDGET must be between 0 and 1, got %v", c.RetryBudget)
	case c.BreakerFailures < 0 || c.BreakerFailures > 1000:
		return fmt.Errorf("UPSTREAM_BREAKER_FAILURES must be between 1 and 1000, got %d", c.BreakerFailures)
	case c.BreakerCooldown < 0:
		return errors.New("UPSTREAM_BREAKER_COOLDOWN must not be negative")
	case c.OptionalBudget < 0:
		return errors.New("UPSTREAM_OPTIONAL_BUDGET must not be negative")
	}
	if _, err := parseHedgeDelay(c.HedgeDelay); err != nil {
		return fmt.Errorf("UPSTREAM_HEDGE_DELAY: %w", err)
	}
	for name, v := range c.HedgeDelays {
		if !slices.Contains(Services, name) {
			return fmt.Errorf("UPSTREAM_HEDGE_DELAYS: unknown upstream %q (one of %s)", name, strings.Join(Services, ", "))
		}
		if _, err := parseHedgeDelay(v); err != nil {
			return fmt.Errorf("UPSTREAM_HEDGE_DELAYS: %s: %w", name, err)
		}
	}
	for name, d := range c.OptionalBudgets {
		if !slices.Contains(Services, name) {
			return fmt.Errorf("UPSTREAM_OPTIONAL_BUDGETS: unknown upstream %q (one of %s)", name, strings.Join(Services, ", "))
		}
		if d < 0 {
			return fmt.Errorf("UPSTREAM_OPTIONAL_BUDGETS: the budget of %s must not be negative", name)
		}
	}
	return nil
}

// Services are the upstreams' names, as errors, metrics and
// UPSTREAM_OPTIONAL_BUDGETS name them.
var Services = func() []string {
	var names []string
	for _, u := range (Config{}).upstreamURLs() {
		names = append(names, u.name)
	}
	return names
}()

// Budgets returns the latency budgets of optional data.
func (c Config) Budgets() budget.Budgets {
	return budget.Budgets{Default: c.OptionalBudget, Services: c.OptionalBudgets}
}

// hedgeDelay is a parsed hedging setting.
type hedgeDelay struct {
	on    bool
	fixed time.Duration // 0: the upstream's p95
}

// parseHedgeDelay reads "off", "p95" or a positive duration.
func parseHedgeDelay(v string) (hedgeDelay, error) {
	switch v = strings.TrimSpace(v); v {
	case "", "off":
		return hedgeDelay{}, nil
	case "p95":
		return hedgeDelay{on: true}, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return hedgeDelay{}, fmt.Errorf(`want "off", "p95" or a positive duration, got %q`, v)
	}
	return hedgeDelay{on: true, fixed: d}, nil
}

// hedge returns the hedging of service's calls, timed by lat when at its
// p95, nil for none. Validate has checked the settings.
func (c Config) hedge(service string, lat *restclient.Latency, onHedge func(service string, won bool)) *restclient.HedgeConfig {
	v := c.HedgeDelay
	if o, ok := c.HedgeDelays[service]; ok {
		v = o
	}
	h, _ := parseHedgeDelay(v)
	if !h.on {
		return nil
	}
	cfg := &restclient.HedgeConfig{Delay: h.fixed, Latency: lat}
	if onHedge != nil {
		cfg.OnHedge = func(won bool) { onHedge(service, won) }
	}
	return cfg
}

// Clients holds one typed client per upstream service.
type Clients struct {
	Users     *users.Client
	Catalog   *catalog.Client
	Inventory *inventory.Client
	Orders    *orders.Client
	Reviews   *reviews.Client
	Payments  *payments.Client

	breakers map[string]*restclient.Breaker
	cache    *cache.Cache
}

// Cache returns the cache the clients' writes evict from and the loaders
// read entities through (WithCache); nil when there is none.
func (c *Clients) Cache() *cache.Cache { return c.cache }

// ServiceNames returns the logical name of every upstream.
func ServiceNames() []string {
	return []string{users.Service, catalog.Service, inventory.Service, orders.Service, reviews.Service, payments.Service}
}

// BreakerStates returns the circuit breaker state of each upstream by
// logical name: restclient.BreakerClosed, BreakerHalfOpen or BreakerOpen.
func (c *Clients) BreakerStates() map[string]string {
	out := make(map[string]string, len(c.breakers))
	for name, b := range c.breakers {
		out[name] = b.State()
	}
	return out
}

// New returns the clients of cfg, each upstream on its own *http.Client
// whose transport is, outermost first:
//
//   - forward.Transport: every call carries the verified identity, request
//     id and configured headers its context holds (see package forward),
//     never the client's credentials;
//   - cache.Transport: what the answer's Cache-Control says, for the
//     entity cache, and which upstream the request read from;
//   - restclient.Retry: idempotent calls retried (UPSTREAM_RETRIES,
//     backoff, Retry-After, UPSTREAM_RETRY_BUDGET) and hedged
//     (UPSTREAM_HEDGE_DELAY) over the upstream's base URLs;
//   - restclient.Breaker: the upstream's circuit breaker;
//   - restclient.Attempt: UPSTREAM_TIMEOUT per attempt, the request's
//     deadline, UPSTREAM_MAX_RESPONSE_BYTES.
//
// Options add instrumentation: WithAttemptTransport wraps each attempt's
// transport (below the breaker, so calls an open breaker refuses are not
// upstream calls), WithBreakerStateChange reports breaker transitions,
// WithHedgeObserver hedges sent and won;
// WithCache gives the clients a cache to evict from.
func New(cfg Config, opts ...Option) (*Clients, error) {
	clk := clock{}
	for _, opt := range opts {
		opt(&clk)
	}
	return newClients(cfg, clk)
}

// Option adjusts New.
type Option func(*clock)

// WithAttemptTransport wraps every upstream's per-attempt transport with
// wrap (metrics, access-log counts, client spans), by logical service name.
func WithAttemptTransport(wrap func(service string, next http.RoundTripper) http.RoundTripper) Option {
	return func(c *clock) { c.wrapAttempt = wrap }
}

// WithCache makes the clients' writes evict the entities they change (and
// the cached answers that read them) from c, and hands c to the loaders
// (loader.SourcesFrom).
func WithCache(c *cache.Cache) Option {
	return func(clk *clock) { clk.cache = c }
}

// WithHedgeObserver calls fn with a service's name when a hedge is sent to
// it (won false) and when one answered first (won true).
func WithHedgeObserver(fn func(service string, won bool)) Option {
	return func(c *clock) { c.onHedge = fn }
}

// WithBreakerStateChange calls fn with a service's name and the old and new
// state ("closed", "half-open", "open") of its circuit breaker. fn must be
// quick: it runs under the breaker's lock.
func WithBreakerStateChange(fn func(service, from, to string)) Option {
	return func(c *clock) { c.onBreaker = fn }
}

// clock holds the time and randomness New's retries use; zero fields are
// the real ones. Tests replace them (export_test.go).
type clock struct {
	sleep func(ctx context.Context, d time.Duration) error
	rand  func() float64
	now   func() time.Time

	wrapAttempt func(service string, next http.RoundTripper) http.RoundTripper
	onBreaker   func(service, from, to string)
	onHedge     func(service string, won bool)
	cache       *cache.Cache
}

func newClients(cfg Config, clk clock) (*Clients, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuring upstreams: %w", err)
	}
	if clk.rand == nil {
		clk.rand = rand.Float64
	}
	if clk.now == nil {
		clk.now = time.Now
	}
	budgets := cfg.Budgets()
	cooldown := orDefault(cfg.BreakerCooldown, DefaultBreakerCooldown)
	rcs := make(map[string]*restclient.Client, 6)
	breakers := make(map[string]*restclient.Breaker, 6)
	for _, u := range cfg.upstreamURLs() {
		targets, err := restclient.NewTargets(u.name, splitURLs(u.value), cooldown, clk.now)
		if err != nil {
			return nil, fmt.Errorf("configuring upstreams: %s: %w", u.env, err)
		}
		// The upstream's recent answer times: no attempt starts with less
		// time left than the median needed, and hedges wait for the p95.
		lat := restclient.NewLatency(restclient.LatencyConfig{Now: clk.now})
		rcCfg := restclient.Config{
			Timeout:          cfg.Timeout,
			MaxResponseBytes: cfg.MaxResponseBytes,
			Latency:          lat,
			Deadline:         func(ctx context.Context) (time.Time, bool) { return budgets.Deadline(ctx, u.name) },
		}
		hc := restclient.NewHTTPClient(rcCfg)
		attempt := hc.Transport
		if clk.wrapAttempt != nil {
			attempt = clk.wrapAttempt(u.name, attempt)
		}
		breaker := restclient.NewBreaker(u.name, attempt, restclient.BreakerConfig{
			Failures:      orDefault(cfg.BreakerFailures, DefaultBreakerFailures),
			Cooldown:      cooldown,
			OnStateChange: clk.onBreaker,
		})
		retry := restclient.NewRetry(breaker, restclient.RetryConfig{
			MaxAttempts: orDefault(cfg.Retries, DefaultRetries),
			BaseDelay:   orDefault(cfg.RetryBackoff, DefaultRetryBackoff),
			MaxDelay:    orDefault(cfg.RetryMaxWait, DefaultRetryMaxWait),
			Budget: restclient.NewRetryBudget(restclient.RetryBudgetConfig{
				Ratio:        orDefault(cfg.RetryBudget, DefaultRetryBudget),
				MinPerSecond: retryBudgetMinPerSecond,
				Now:          clk.now,
			}),
			Targets:       targets,
			RetryTimeouts: cfg.RetryTimeouts,
			Hedge:         cfg.hedge(u.name, lat, clk.onHedge),
			Latency:       lat,
			Rand:          clk.rand,
			Sleep:         clk.sleep,
			Now:           clk.now,
		})
		hc.Transport = forward.Transport(cache.Transport(u.name, retry))
		rc, err := restclient.New(u.name, targets.Primary(), hc, rcCfg)
		if err != nil {
			return nil, fmt.Errorf("configuring upstreams: %s: %w", u.env, err)
		}
		rcs[u.name] = rc
		breakers[u.name] = breaker
	}
	return &Clients{
		Users:     users.New(rcs[users.Service]),
		Catalog:   catalog.New(rcs[catalog.Service]),
		Inventory: inventory.New(rcs[inventory.Service], clk.cache),
		Orders:    orders.New(rcs[orders.Service], clk.cache),
		Reviews:   reviews.New(rcs[reviews.Service], clk.cache),
		Payments:  payments.New(rcs[payments.Service], clk.cache),
		breakers:  breakers,
		cache:     clk.cache,
	}, nil
}

// splitURLs splits a comma-separated list of base URLs, trimming spaces.
// An empty entry is kept, for NewTargets to reject.
func splitURLs(v string) []string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

func orDefault[T int | float64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}
