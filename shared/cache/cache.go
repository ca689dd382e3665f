// Package cache is frontdesk's shared cache: upstream entities cached per
// entity (Load), whole GraphQL answers (package responsecache builds on
// Cache), and the generations that invalidate both when a mutation changes
// an entity (Evict).
//
// Everything is kept in a Store: Redis (shared by every instance, through
// go-redis's UniversalClient: single node, Sentinel or Cluster) or Memory
// (one instance, bounded). The cache never fails a request: a store that
// errs or times out is a miss, a failed write is logged at most once per
// interval (Tolerant), and the store is tried again on its own.
//
// Rules every entry follows (docs/caching.md):
//   - keys carry FormatVersion, and entity keys a hash of the Go type's
//     shape, so a change of either never reads an old entry;
//   - public entries are shared by every caller; private ones are keyed by
//     the caller's subject (auth.FromContext) and never read for anyone
//     else; a private kind is not cached for anonymous callers;
//   - an entry is fresh for the TTL the upstream's Cache-Control gave it
//     (or the service's default), then kept MaxStale longer, only to be
//     served, marked as stale, when the upstream fails;
//   - an entry records the generation of what it was read from; Evict
//     changes the generation, so every copy (every subject's) is dropped.
package cache

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// FormatVersion is part of every key: raise it when the envelope or the key
// layout changes, and old entries are never read.
const FormatVersion = 1

// Store keeps byte values under string keys for a time. Implementations
// are safe for concurrent use and must not modify the values they are given
// or return (callers share them).
type Store interface {
	// MGet returns the value of each key in key order, nil where it has none.
	MGet(ctx context.Context, keys []string) ([][]byte, error)
	// Set stores items, each for its TTL.
	Set(ctx context.Context, items ...Item) error
	// Delete removes keys.
	Delete(ctx context.Context, keys ...string) error
}

// Item is a value to store.
type Item struct {
	Key   string
	Value []byte
	TTL   time.Duration
}

// Get returns the value of one key, nil when there is none.
func Get(ctx context.Context, s Store, key string) ([]byte, error) {
	vals, err := s.MGet(ctx, []string{key})
	if err != nil || len(vals) == 0 {
		return nil, err
	}
	return vals[0], nil
}

// The layers that report lookups to an Observer.
const (
	LayerEntity   = "entity"
	LayerResponse = "response"
)

// The results an Observer is told (the values of metrics.CacheResult).
const (
	Hit   = "hit"
	Miss  = "miss"
	Stale = "stale" // an expired entry served because the upstream failed
)

// Observer is told the result of every lookup: per entity for LayerEntity,
// per operation for LayerResponse. It must be quick and safe for
// concurrent use; ctx is the request's.
type Observer func(ctx context.Context, layer, result string)

// Config is the cache's configuration, from the environment.
type Config struct {
	// Enabled turns the entity and response caches on.
	Enabled bool `env:"CACHE_ENABLED" envDefault:"true" json:"enabled"`
	// MaxEntries bounds the in-memory store (used without REDIS_ADDR).
	MaxEntries int `env:"CACHE_MAX_ENTRIES" envDefault:"10000" json:"maxEntries"`
	// MaxTTL caps how long an entry is fresh, whatever an upstream's
	// max-age or a schema hint says.
	MaxTTL time.Duration `env:"CACHE_MAX_TTL" envDefault:"5m" json:"maxTTL"`
	// MaxStale is how long an entry is kept after it stops being fresh, to
	// be served (marked stale) when its upstream fails; 0 turns
	// stale-if-error off.
	MaxStale time.Duration `env:"CACHE_MAX_STALE" envDefault:"10m" json:"maxStale"`
	// FailureLogInterval: store failures are logged at most once per interval.
	FailureLogInterval time.Duration `env:"CACHE_FAILURE_LOG_INTERVAL" envDefault:"1m" json:"failureLogInterval"`
	// Backoff is how long the store is left alone after it failed; the
	// cache is a miss meanwhile, then the store is tried again.
	Backoff time.Duration `env:"CACHE_BACKOFF" envDefault:"1s" json:"backoff"`
	// DefaultTTL is each service's freshness when its answer has no
	// Cache-Control max-age.
	DefaultTTL DefaultTTLs `json:"defaultTTL"`
	// Response turns the response cache on (schema @cacheControl hints).
	Response bool `env:"RESPONSE_CACHE_ENABLED" envDefault:"true" json:"response"`
}

// DefaultTTLs are the per-service freshness of answers without max-age.
// 0 keeps such answers only as a stale-if-error fallback.
type DefaultTTLs struct {
	Users     time.Duration `env:"CACHE_DEFAULT_TTL_USERS" envDefault:"0s" json:"users"`
	Catalog   time.Duration `env:"CACHE_DEFAULT_TTL_CATALOG" envDefault:"60s" json:"catalog"`
	Inventory time.Duration `env:"CACHE_DEFAULT_TTL_INVENTORY" envDefault:"5s" json:"inventory"`
	Orders    time.Duration `env:"CACHE_DEFAULT_TTL_ORDERS" envDefault:"0s" json:"orders"`
	Reviews   time.Duration `env:"CACHE_DEFAULT_TTL_REVIEWS" envDefault:"30s" json:"reviews"`
	Payments  time.Duration `env:"CACHE_DEFAULT_TTL_PAYMENTS" envDefault:"0s" json:"payments"`
}

// forService returns the default TTL of the service with the logical name
// service (shared/upstream's names); 0 for an unknown one.
func (d DefaultTTLs) forService(service string) time.Duration {
	switch service {
	case "users":
		return d.Users
	case "catalog":
		return d.Catalog
	case "inventory":
		return d.Inventory
	case "orders":
		return d.Orders
	case "reviews":
		return d.Reviews
	case "payments":
		return d.Payments
	}
	return 0
}

// Validate reports the first setting out of range, naming its variable.
func (c Config) Validate() error {
	switch {
	case c.MaxEntries < 1:
		return errors.New("CACHE_MAX_ENTRIES must be at least 1")
	case c.MaxTTL < 0, c.MaxStale < 0, c.FailureLogInterval < 0, c.Backoff < 0:
		return errors.New("CACHE_MAX_TTL, CACHE_MAX_STALE, CACHE_FAILURE_LOG_INTERVAL and CACHE_BACKOFF must not be negative")
	}
	for _, d := range []time.Duration{c.DefaultTTL.Users, c.DefaultTTL.Catalog, c.DefaultTTL.Inventory,
		c.DefaultTTL.Orders, c.DefaultTTL.Reviews, c.DefaultTTL.Payments} {
		if d < 0 {
			return errors.New("CACHE_DEFAULT_TTL_* must not be negative")
		}
	}
	return nil
}

// Scope says who may read an entity's cached copy.
type Scope int

// The scopes of a Kind.
const (
	// Public entities are the same for every caller and shared by all.
	Public Scope = iota + 1
	// Private entities are cached per caller (subject).
	Private
)

// Kind describes one kind of upstream entity.
type Kind struct {
	// Name is the entity's name, e.g. "product"; part of its keys.
	Name string
	// Service is the upstream's logical name, e.g. "catalog": its default
	// TTL applies, and evicting the kind invalidates the answers that read it.
	Service string
	Scope   Scope
}

// Cache is a BFF's cache over a Store. A nil *Cache caches nothing: Load
// fetches, Evict does nothing.
type Cache struct {
	store   Store
	cfg     Config
	now     func() time.Time
	observe Observer
	flight  flight
	// deadline is the latency budget of a call to a service (WithDeadline).
	deadline func(ctx context.Context, service string) (time.Time, bool)
	// refreshes counts the fetches running in the background (stale-if-
	// slow); at refreshLimit a batch fetches as if it had no stale entry.
	refreshes    atomic.Int64
	refreshLimit int64
}

// DefaultRefreshLimit is how many fetches may run in the background after
// their callers were answered with stale entries (stale-if-slow), per
// cache: a slow upstream must not pile up work the requests no longer
// bound. Past it a caller waits for its own fetch, cut by its budget.
const DefaultRefreshLimit = 256

// WithRefreshLimit sets how many fetches may run in the background at once
// (default DefaultRefreshLimit).
func WithRefreshLimit(n int) Option { return func(c *Cache) { c.refreshLimit = int64(n) } }

// Option adjusts New.
type Option func(*Cache)

// WithObserver reports every lookup to observe (metrics, access log).
func WithObserver(observe Observer) Option { return func(c *Cache) { c.observe = observe } }

// WithDeadline gives the cache the latency budget of a call to a service
// (budget.Budgets.Deadline): a missing entity with a stale copy within
// MaxStale is answered with that copy once its fetch runs past the
// deadline, and the fetch goes on in the background to refresh the entry
// (stale-if-slow, see Load).
func WithDeadline(fn func(ctx context.Context, service string) (time.Time, bool)) Option {
	return func(c *Cache) { c.deadline = fn }
}

// WithClock makes the cache read the time from now (tests).
func WithClock(now func() time.Time) Option { return func(c *Cache) { c.now = now } }

// New returns a cache over store; store should be Tolerant so a failing
// Redis is a miss. New returns nil, a cache of nothing, when cfg is not
// Enabled.
func New(store Store, cfg Config, opts ...Option) *Cache {
	if !cfg.Enabled {
		return nil
	}
	c := &Cache{store: store, cfg: cfg, now: time.Now, refreshLimit: DefaultRefreshLimit}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// Observe reports a lookup's result to the Observer, if any.
func (c *Cache) Observe(ctx context.Context, layer, result string) {
	if c != nil && c.observe != nil {
		c.observe(ctx, layer, result)
	}
}

// NewStore returns the store of cfg: Redis over client (with keyPrefix
// before every key and timeout bounding each call) when client is not nil,
// else Memory; either way wrapped in Tolerant, logging to logger.
func NewStore(cfg Config, client redis.UniversalClient, keyPrefix string, timeout time.Duration, logger *slog.Logger) Store {
	var s Store
	if client != nil {
		s = NewRedis(client, keyPrefix, timeout)
	} else {
		s = NewMemory(cfg.MaxEntries, time.Now)
	}
	return NewTolerant(s, TolerantConfig{Logger: logger, LogInterval: cfg.FailureLogInterval, Backoff: cfg.Backoff})
}
