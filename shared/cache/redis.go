package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRedisTimeout bounds each Redis call unless NewRedis is told otherwise.
const DefaultRedisTimeout = 100 * time.Millisecond

// Redis is a Store in Redis, shared by every instance on it. Build its
// client with ratelimit.NewRedisClient (short timeouts, the context's
// deadline honoured, no retries): each call is bounded by the store's
// timeout through the context. A Cluster's keys spread over its nodes, so
// there MGet is one pipeline of GETs (one round trip per node) instead of
// one MGET, which would fail across hash slots.
type Redis struct {
	client  redis.UniversalClient
	prefix  string
	timeout time.Duration
	cluster bool
}

var _ Store = (*Redis)(nil)

// NewRedis returns a store over client, which the caller owns and closes,
// putting prefix before every key and bounding each call by timeout
// (DefaultRedisTimeout when not positive).
func NewRedis(client redis.UniversalClient, prefix string, timeout time.Duration) *Redis {
	if timeout <= 0 {
		timeout = DefaultRedisTimeout
	}
	_, cluster := client.(*redis.ClusterClient)
	return &Redis{client: client, prefix: prefix, timeout: timeout, cluster: cluster}
}

// MGet implements Store.
func (r *Redis) MGet(ctx context.Context, keys []string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	out := make([][]byte, len(keys))
	if r.cluster {
		cmds := make([]*redis.StringCmd, len(keys))
		_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			for i, k := range keys {
				cmds[i] = p.Get(ctx, r.prefix+k)
			}
			return nil
		})
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, fmt.Errorf("cache: redis GET: %w", err)
		}
		for i, c := range cmds {
			if b, err := c.Bytes(); err == nil {
				out[i] = b
			}
		}
		return out, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	vals, err := r.client.MGet(ctx, full...).Result()
	if err != nil {
		return nil, fmt.Errorf("cache: redis MGET: %w", err)
	}
	if len(vals) != len(keys) {
		return nil, fmt.Errorf("cache: redis MGET: %d values for %d keys", len(vals), len(keys))
	}
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[i] = []byte(s)
		}
	}
	return out, nil
}

// Set implements Store: one pipeline of SET … PX; items whose TTL is not
// positive are deleted instead.
func (r *Redis) Set(ctx context.Context, items ...Item) error {
	if len(items) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, it := range items {
			if it.TTL <= 0 {
				p.Del(ctx, r.prefix+it.Key)
				continue
			}
			p.Set(ctx, r.prefix+it.Key, it.Value, it.TTL)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: redis SET: %w", err)
	}
	return nil
}

// Delete implements Store: one pipeline of DELs (a multi-key DEL would
// fail across a Cluster's hash slots).
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, err := r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, k := range keys {
			p.Del(ctx, r.prefix+k)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: redis DEL: %w", err)
	}
	return nil
}
