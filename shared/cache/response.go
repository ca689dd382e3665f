package cache

import (
	"context"
	"time"
)

// Cached is a whole response found in the cache.
type Cached struct {
	// Data is the response's data; nil when no usable entry was found.
	Data []byte
	// Fresh is true for an entry to serve; false for one only to serve,
	// marked stale, when computing the answer fails.
	Fresh bool
	// Age is how long ago the data was computed.
	Age time.Duration
	// FreshFor is how long a fresh entry stays fresh.
	FreshFor time.Duration
}

// Generations are the current generations of the services a response
// lookup named, by key (see ServiceGenKey); "" for one never changed.
type Generations map[string]string

// LookupResponse returns the response entry of the identity hash and the
// current generations of services (every service a response may read
// from), in one store read. An entry that read from a service evicted
// since is not returned.
func (c *Cache) LookupResponse(ctx context.Context, hash string, services []string) (Cached, Generations) {
	keys := make([]string, 0, len(services)+1)
	keys = append(keys, responseKey(hash))
	for _, s := range services {
		keys = append(keys, ServiceGenKey(s))
	}
	raw, err := c.store.MGet(ctx, keys)
	if err != nil || len(raw) != len(keys) {
		raw = make([][]byte, len(keys))
	}
	gens := make(Generations, len(services))
	for i, k := range keys[1:] {
		gens[k] = string(raw[i+1])
	}
	env, ok := decodeEnvelope(raw[0])
	if !ok {
		return Cached{}, gens
	}
	now := c.now()
	switch env.stateAt(now, gens, c.cfg.MaxStale) {
	case fresh:
		return Cached{Data: env.Data, Fresh: true, Age: env.age(now), FreshFor: time.UnixMilli(env.FreshUntil).Sub(now)}, gens
	case stale:
		return Cached{Data: env.Data, Age: env.age(now)}, gens
	case missing:
	}
	return Cached{}, gens
}

// StoreResponse stores data as the response of the identity hash, fresh for
// maxAge (at most MaxTTL) and kept MaxStale longer, valid until one of the
// services it read from (readFrom) is evicted; gens are those
// LookupResponse returned before the response was computed. It stores
// nothing and returns false when maxAge is not positive or readFrom names
// a service gens does not hold.
func (c *Cache) StoreResponse(ctx context.Context, hash string, data []byte, maxAge time.Duration, gens Generations, readFrom []string) bool {
	ttl := min(maxAge, c.cfg.MaxTTL)
	if ttl <= 0 {
		return false
	}
	recorded := make(map[string]string, len(readFrom))
	for _, s := range readFrom {
		k := ServiceGenKey(s)
		g, ok := gens[k]
		if !ok {
			return false
		}
		recorded[k] = g
	}
	env, err := encodeEnvelope(data, c.now(), ttl, recorded)
	if err != nil {
		return false
	}
	_ = c.store.Set(ctx, Item{Key: responseKey(hash), Value: env, TTL: ttl + c.cfg.MaxStale}) // a Tolerant store never fails
	return true
}
