package cache

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"
)

// Record is what the caches learn about one request while it is served:
// which services its data came from (upstream reads and cached entities),
// so a response entry can be invalidated with them, and the age of the
// oldest stale entity served, so the answer says it is stale. Its methods
// are safe for concurrent use and do nothing on a nil *Record.
type Record struct {
	mu       sync.Mutex
	services map[string]bool
	stale    bool
	staleAge time.Duration
}

type recordKey struct{}

// NewContext returns ctx carrying a fresh Record. loader.Middleware gives
// every request one.
func NewContext(ctx context.Context) (context.Context, *Record) {
	r := &Record{services: map[string]bool{}}
	return context.WithValue(ctx, recordKey{}, r), r
}

// FromContext returns the request's Record.
func FromContext(ctx context.Context) (*Record, bool) {
	r, ok := ctx.Value(recordKey{}).(*Record)
	return r, ok && r != nil
}

func (r *Record) read(service string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[service] = true
}

func (r *Record) servedStale(age time.Duration) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stale = true
	r.staleAge = max(r.staleAge, age)
}

// Services returns the services the request read from, sorted.
func (r *Record) Services() []string {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.services))
}

// Stale reports whether the request was served stale entities, and the age
// of the oldest.
func (r *Record) Stale() (age time.Duration, ok bool) {
	if r == nil {
		return 0, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.staleAge, r.stale
}
