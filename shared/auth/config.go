package auth

import (
	"errors"
	"fmt"
	"time"
)

// Defaults for the zero values of Config's limits.
const (
	DefaultMaxTokenBytes       = 8192
	DefaultHTTPTimeout         = 5 * time.Second
	DefaultJWKSRefetchInterval = 30 * time.Second
	DefaultRolesClaim          = "roles"

	// MaxClockSkew bounds Config.ClockSkew.
	MaxClockSkew = 5 * time.Minute
)

// DefaultTokenCacheSize is the default of OIDC_TOKEN_CACHE_SIZE. Unlike the
// limits above, a zero Config.TokenCacheSize does not select it: it disables
// the verified-token cache.
const DefaultTokenCacheSize = 10_000

// Config configures a Verifier. It is read from the environment with the env
// tags (package envconfig).
type Config struct {
	// Issuer is the OIDC issuer URL; tokens' iss must equal it exactly and
	// discovery fetches Issuer + "/.well-known/openid-configuration".
	// Required; no default.
	Issuer string `env:"OIDC_ISSUER" json:"issuer"`
	// Audience is this API's identifier; tokens' aud must contain it, e.g.
	// frontdesk-web. Required; no default.
	Audience string `env:"OIDC_AUDIENCE" json:"audience"`
	// RolesClaim names the claim holding the caller's roles: a top-level
	// claim, or a dotted path such as realm_access.roles (Keycloak).
	// Default roles.
	RolesClaim string `env:"OIDC_ROLES_CLAIM" envDefault:"roles" json:"roles_claim"`
	// ClockSkew is how far exp, nbf and iat may be off the verifier's clock.
	// Default 30s; zero means no leeway; at most MaxClockSkew (5m).
	ClockSkew time.Duration `env:"OIDC_CLOCK_SKEW" envDefault:"30s" json:"clock_skew"`
	// MaxTokenBytes rejects longer tokens before they are parsed.
	// Default 8192; zero selects the default.
	MaxTokenBytes int `env:"OIDC_MAX_TOKEN_BYTES" envDefault:"8192" json:"max_token_bytes"`
	// HTTPTimeout bounds each request to the issuer (discovery, JWKS).
	// Default 5s; zero selects the default.
	HTTPTimeout time.Duration `env:"OIDC_HTTP_TIMEOUT" envDefault:"5s" json:"http_timeout"`
	// JWKSRefetchInterval is the least time between two JWKS fetches: a token
	// whose kid is unknown triggers at most one refetch per interval, so a
	// flood of made-up kids cannot flood the issuer. Default 30s; zero
	// selects the default.
	JWKSRefetchInterval time.Duration `env:"OIDC_JWKS_MIN_REFETCH" envDefault:"30s" json:"jwks_refetch_interval"`
	// TokenCacheSize is how many verified tokens the Verifier remembers, so
	// that a repeated token skips the signature check (docs/auth.md). Default
	// 10000 (from the environment); zero disables the cache.
	TokenCacheSize int `env:"OIDC_TOKEN_CACHE_SIZE" envDefault:"10000" json:"token_cache_size"`
}

// withDefaults validates c and fills the zero limits with their defaults.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("OIDC_ISSUER is empty"))
	}
	if c.Audience == "" {
		errs = append(errs, errors.New("OIDC_AUDIENCE is empty"))
	}
	if c.ClockSkew < 0 || c.ClockSkew > MaxClockSkew {
		errs = append(errs, fmt.Errorf("OIDC_CLOCK_SKEW %s is outside [0, %s]", c.ClockSkew, MaxClockSkew))
	}
	if c.MaxTokenBytes < 0 {
		errs = append(errs, fmt.Errorf("OIDC_MAX_TOKEN_BYTES %d is negative", c.MaxTokenBytes))
	}
	if c.HTTPTimeout < 0 {
		errs = append(errs, fmt.Errorf("OIDC_HTTP_TIMEOUT %s is negative", c.HTTPTimeout))
	}
	if c.JWKSRefetchInterval < 0 {
		errs = append(errs, fmt.Errorf("OIDC_JWKS_MIN_REFETCH %s is negative", c.JWKSRefetchInterval))
	}
	if c.TokenCacheSize < 0 {
		errs = append(errs, fmt.Errorf("OIDC_TOKEN_CACHE_SIZE %d is negative", c.TokenCacheSize))
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("invalid OIDC config: %w", err)
	}
	if c.MaxTokenBytes == 0 {
		c.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if c.HTTPTimeout == 0 {
		c.HTTPTimeout = DefaultHTTPTimeout
	}
	if c.RolesClaim == "" {
		c.RolesClaim = DefaultRolesClaim
	}
	if c.JWKSRefetchInterval == 0 {
		c.JWKSRefetchInterval = DefaultJWKSRefetchInterval
	}
	return c, nil
}
