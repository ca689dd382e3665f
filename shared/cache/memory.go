package cache

import (
	"context"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Memory is a Store in this process: at most maxEntries values (the least
// recently used go first, hashicorp/golang-lru), each until its TTL. It is
// the store without REDIS_ADDR; every instance then has its own cache, and
// Evict reaches only the instance that ran the mutation.
type Memory struct {
	lru *lru.Cache[string, memoryEntry]
	now func() time.Time
}

var _ Store = (*Memory)(nil)

type memoryEntry struct {
	value   []byte
	expires time.Time
}

// NewMemory returns an empty Memory of at most maxEntries (at least 1)
// values whose TTLs run on now.
func NewMemory(maxEntries int, now func() time.Time) *Memory {
	// New fails only for a size below 1, excluded here.
	c, _ := lru.New[string, memoryEntry](max(maxEntries, 1))
	return &Memory{lru: c, now: now}
}

// MGet implements Store; an expired value is dropped and reported missing.
func (m *Memory) MGet(_ context.Context, keys []string) ([][]byte, error) {
	now := m.now()
	out := make([][]byte, len(keys))
	for i, k := range keys {
		e, ok := m.lru.Get(k)
		if !ok {
			continue
		}
		if !now.Before(e.expires) {
			m.lru.Remove(k)
			continue
		}
		out[i] = e.value
	}
	return out, nil
}

// Set implements Store; an item whose TTL is not positive is not stored
// (and removes an older value of its key).
func (m *Memory) Set(_ context.Context, items ...Item) error {
	now := m.now()
	for _, it := range items {
		if it.TTL <= 0 {
			m.lru.Remove(it.Key)
			continue
		}
		m.lru.Add(it.Key, memoryEntry{value: it.Value, expires: now.Add(it.TTL)})
	}
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, keys ...string) error {
	for _, k := range keys {
		m.lru.Remove(k)
	}
	return nil
}

// Len returns how many values Memory holds, expired ones included.
func (m *Memory) Len() int { return m.lru.Len() }
