package persisted

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/redis/go-redis/v9"
)

// Defaults of NewRedis.
const (
	DefaultKeyPrefix = "frontdesk:apq:"
	DefaultTTL       = 24 * time.Hour
	DefaultTimeout   = 100 * time.Millisecond
	DefaultMaxBytes  = 64 << 10
)

// Redis is an APQ store in Redis, shared by every instance on it (single
// node, Sentinel or Cluster): one key per document, prefix + id, expiring
// TTL after its last use (GETEX refreshes it). Each call is bounded by a
// timeout; when Redis fails, Get reports a miss (the client then sends
// the text) and Add stores nothing, so APQ degrades to plain requests.
// Safe for concurrent use.
type Redis struct {
	client   redis.UniversalClient
	prefix   string
	ttl      time.Duration
	timeout  time.Duration
	maxBytes int
	onError  func(ctx context.Context, err error)
}

var _ graphql.Cache[string] = (*Redis)(nil)

// RedisOption configures NewRedis.
type RedisOption func(*Redis)

// WithKeyPrefix puts prefix before every id (DefaultKeyPrefix).
func WithKeyPrefix(prefix string) RedisOption { return func(r *Redis) { r.prefix = prefix } }

// WithTTL sets how long a document is kept after its last use
// (DefaultTTL); values below 1s keep the default.
func WithTTL(ttl time.Duration) RedisOption {
	return func(r *Redis) {
		if ttl >= time.Second {
			r.ttl = ttl
		}
	}
}

// WithTimeout bounds each call (DefaultTimeout); values below 1 keep the
// default.
func WithTimeout(d time.Duration) RedisOption {
	return func(r *Redis) {
		if d > 0 {
			r.timeout = d
		}
	}
}

// WithMaxBytes caps the documents stored (DefaultMaxBytes); values below 1
// keep the default.
func WithMaxBytes(n int) RedisOption {
	return func(r *Redis) {
		if n > 0 {
			r.maxBytes = n
		}
	}
}

// WithErrorHandler reports each Redis failure (a log line, a metric); by
// default they are dropped, as the store degrades to misses.
func WithErrorHandler(f func(ctx context.Context, err error)) RedisOption {
	return func(r *Redis) { r.onError = f }
}

// NewRedis returns a store over client, which the caller owns and closes;
// ratelimit.NewRedisClient makes one fit for the hot path.
func NewRedis(client redis.UniversalClient, opts ...RedisOption) *Redis {
	r := &Redis{client: client, prefix: DefaultKeyPrefix, ttl: DefaultTTL, timeout: DefaultTimeout,
		maxBytes: DefaultMaxBytes, onError: func(context.Context, error) {}}
	for _, opt := range opts {
		opt(r)
	}
	return r
}

// Get implements graphql.Cache.
func (r *Redis) Get(ctx context.Context, id string) (string, bool) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	doc, err := r.client.GetEx(ctx, r.prefix+id, r.ttl).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return "", false
	case err != nil:
		r.onError(ctx, fmt.Errorf("apq: reading %s: %w", id, err))
		return "", false
	}
	return doc, true
}

// Add implements graphql.Cache; a document over the size cap is not kept.
func (r *Redis) Add(ctx context.Context, id, document string) {
	if len(document) > r.maxBytes {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if err := r.client.Set(ctx, r.prefix+id, document, r.ttl).Err(); err != nil {
		r.onError(ctx, fmt.Errorf("apq: storing %s: %w", id, err))
	}
}
