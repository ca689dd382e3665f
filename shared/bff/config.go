// Package bff is what every BFF binary shares: the base of its
// configuration and the assembly of its HTTP handler. A BFF embeds Config in
// its own configuration and calls NewHandler with its executable schema.
package bff

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/persisted"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// DemoIssuer is the demo OIDC issuer `make run` starts (services/issuer);
// development uses it when OIDC_ISSUER is not set.
const DemoIssuer = "http://127.0.0.1:3000"

// Config is the configuration every BFF has. Fields documented with "per
// BFF" take their default from Defaults.
type Config struct {
	// Env is "development" or "production"; production refuses dev-only settings.
	Env string `env:"FRONTDESK_ENV" envDefault:"development" json:"env"`
	// Addr is the listen address; per BFF.
	Addr string `env:"ADDR" json:"addr"`
	// MetricsAddr is the listen address of the Prometheus /metrics
	// endpoint, apart from the API; "off" serves none. Per BFF.
	MetricsAddr string `env:"METRICS_ADDR" json:"metricsAddr"`
	// LogLevel is debug, info, warn or error.
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info" json:"logLevel"`
	// PlaygroundTokenURL is the demo issuer's token endpoint the
	// playground's login helper asks for tokens (server-side); development
	// only. Default: DemoIssuer + "/token" when OIDC_ISSUER is the demo
	// issuer, else none (no login helper).
	PlaygroundTokenURL string `env:"PLAYGROUND_TOKEN_URL" json:"playgroundTokenURL"`

	// OIDC configures token verification: OIDC_ISSUER (development default
	// DemoIssuer, required in production) and OIDC_AUDIENCE (per BFF).
	OIDC auth.Config `json:"oidc"`
	// Forward names the client request headers copied upstream (FORWARD_HEADERS).
	Forward forward.Config `json:"forward"`
	// Limits cap documents and variables before validation; per BFF.
	Limits doclimit.Config `json:"limits"`
	// Persisted configures APQ and trusted documents.
	Persisted persisted.Config `json:"persisted"`
	// RateLimit is the policy table; Tiers and Mutations default per BFF.
	RateLimit ratelimit.Config `json:"rateLimit"`
	// Cache configures the entity and response caches (CACHE_*, RESPONSE_CACHE_ENABLED).
	Cache cache.Config `json:"cache"`
	// Redis holds state shared by instances (rate limits, caches, APQ); none: in memory.
	Redis    RedisConfig      `json:"redis"`
	Upstream upstream.Config  `json:"upstream"`
	Loader   loader.Config    `json:"loader"`
	Server   gqlserver.Config `json:"server"`
}

// RedisConfig says where the Redis of shared state is. Without REDIS_ADDR
// every instance keeps its state in memory.
type RedisConfig struct {
	// Addr is host:port of one node, several comma-separated for a Cluster,
	// or the Sentinels when MasterName is set.
	Addr []string `env:"REDIS_ADDR" json:"addr"`
	// MasterName is the Sentinel master name.
	MasterName string `env:"REDIS_MASTER_NAME" json:"masterName"`
	// Password authenticates to the nodes.
	Password string `env:"REDIS_PASSWORD" secret:"true" json:"-"`
	// DB is the database number (single node, Sentinel).
	DB int `env:"REDIS_DB" envDefault:"0" json:"db"`
	// Timeout bounds dialing and each command; Redis is on the hot path.
	Timeout time.Duration `env:"REDIS_TIMEOUT" envDefault:"100ms" json:"timeout"`
	// KeyPrefix starts every key frontdesk writes.
	KeyPrefix string `env:"REDIS_KEY_PREFIX" envDefault:"frontdesk:" json:"keyPrefix"`
}

// Defaults are the settings whose default differs between BFFs.
type Defaults struct {
	Addr      string          // e.g. 127.0.0.1:8081
	Metrics   string          // METRICS_ADDR, e.g. 127.0.0.1:9081
	Audience  string          // OIDC_AUDIENCE, e.g. frontdesk-mobile
	Tiers     ratelimit.Rules // RATE_LIMIT_TIERS
	Mutations ratelimit.Rules // RATE_LIMIT_MUTATIONS
	Limits    doclimit.Config // QUERY_MAX_* and VARIABLES_MAX_*
	// TrustedInProduction makes production accept trusted documents only
	// (TRUSTED_DOCUMENTS_ONLY forced on).
	TrustedInProduction bool
}

// Finish applies defaults and the production rules to a freshly loaded
// Config and checks it: production turns the playground and introspection
// off whatever their variables say, and has no default issuer.
func (c *Config) Finish(d Defaults) error {
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	if c.MetricsAddr == "" {
		c.MetricsAddr = d.Metrics
	}
	if c.OIDC.Audience == "" {
		c.OIDC.Audience = d.Audience
	}
	if c.RateLimit.Tiers == nil {
		c.RateLimit.Tiers = d.Tiers
	}
	if c.RateLimit.Mutations == nil {
		c.RateLimit.Mutations = d.Mutations
	}
	c.Limits = c.Limits.WithDefaults(d.Limits)
	if c.Production() && d.TrustedInProduction {
		c.Persisted.TrustedOnly = true
	}
	if c.Production() {
		c.Server.Playground, c.Server.Introspection = false, false
	} else {
		if c.OIDC.Issuer == "" {
			c.OIDC.Issuer = DemoIssuer
		}
		if c.PlaygroundTokenURL == "" && c.OIDC.Issuer == DemoIssuer {
			c.PlaygroundTokenURL = DemoIssuer + "/token"
		}
	}
	return c.Validate()
}

// Production reports whether Env is production.
func (c Config) Production() bool { return c.Env == "production" }

// Validate rejects inconsistent settings.
func (c Config) Validate() error {
	switch {
	case c.Env != "development" && c.Env != "production":
		return errors.New("FRONTDESK_ENV must be development or production")
	case c.Production() && (c.Server.Playground || c.Server.Introspection):
		return errors.New("the playground and introspection are development features")
	case c.Production() && c.PlaygroundTokenURL != "":
		return errors.New("PLAYGROUND_TOKEN_URL hands out demo tokens; unset it in production")
	case c.Production() && !strings.HasPrefix(c.OIDC.Issuer, "https://"):
		return errors.New("OIDC_ISSUER must be set to an https:// issuer URL in production")
	case c.Loader.Wait < 0 || c.Loader.BatchCapacity < 1 || c.Loader.Parallelism < 1:
		return errors.New("LOADER_WAIT must be >= 0, LOADER_BATCH_CAPACITY and LOADER_PARALLELISM >= 1")
	}
	if u, err := url.Parse(c.OIDC.Issuer); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("OIDC_ISSUER %q is not an http(s) URL", c.OIDC.Issuer)
	}
	if c.OIDC.Audience == "" {
		return errors.New("OIDC_AUDIENCE is empty")
	}
	if err := c.Forward.Validate(); err != nil {
		return err
	}
	if err := c.RateLimit.Validate(); err != nil {
		return err
	}
	if err := c.Upstream.Validate(); err != nil {
		return err
	}
	if err := c.Limits.Validate(); err != nil {
		return err
	}
	if err := c.Persisted.Validate(); err != nil {
		return err
	}
	if err := c.Server.Validate(); err != nil {
		return err
	}
	if err := c.Cache.Validate(); err != nil {
		return err
	}
	if c.Redis.Timeout <= 0 {
		return errors.New("REDIS_TIMEOUT must be positive")
	}
	if c.PlaygroundTokenURL != "" {
		if u, err := url.Parse(c.PlaygroundTokenURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("PLAYGROUND_TOKEN_URL is not an http(s) URL")
		}
	}
	return nil
}
