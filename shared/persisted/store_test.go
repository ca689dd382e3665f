package persisted_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/shared/persisted"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
)

// stores returns each store under test, sized to keep 2 documents of at
// most 64 bytes where it can: Memory, and Redis (the real one at
// REDIS_ADDR, else a miniredis).
func stores(t *testing.T) map[string]graphql.Cache[string] {
	t.Helper()
	mem, err := persisted.NewMemory(2, 64)
	if err != nil {
		t.Fatal(err)
	}
	r := ratelimittest.NewRedis(t)
	return map[string]graphql.Cache[string]{
		"memory": mem,
		"redis": persisted.NewRedis(r.Client(t), persisted.WithKeyPrefix(ratelimittest.KeyPrefix(t)),
			persisted.WithMaxBytes(64), persisted.WithTimeout(time.Second), persisted.WithTTL(time.Minute)),
	}
}

// TestStoreContract: both stores keep what they are given, up to their
// size cap, and report misses.
func TestStoreContract(t *testing.T) {
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			doc := `{ me { id } }`
			id := persisted.Hash(doc)
			if _, ok := store.Get(ctx, id); ok {
				t.Fatal("a fresh store has the document")
			}
			store.Add(ctx, id, doc)
			if got, ok := store.Get(ctx, id); !ok || got != doc {
				t.Fatalf("Get = %q, %v; want the document", got, ok)
			}
			big := "{ me { id } }" + strings.Repeat(" ", 64)
			store.Add(ctx, persisted.Hash(big), big)
			if _, ok := store.Get(ctx, persisted.Hash(big)); ok {
				t.Fatal("a document over the size cap was stored")
			}
		})
	}
}

func TestMemoryIsBounded(t *testing.T) {
	m, err := persisted.NewMemory(2, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, d := range []string{"{ a }", "{ b }", "{ c }"} {
		m.Add(ctx, persisted.Hash(d), d)
	}
	if _, ok := m.Get(ctx, persisted.Hash("{ a }")); ok {
		t.Fatal("the least recently used document survived a full store")
	}
	if _, ok := m.Get(ctx, persisted.Hash("{ c }")); !ok {
		t.Fatal("the newest document is gone")
	}
	if _, err := persisted.NewMemory(0, 64); err == nil {
		t.Fatal("a store of size 0 was made")
	}
}

// TestRedisExpiry: a document expires TTL after its last use, and each use
// extends it.
func TestRedisExpiry(t *testing.T) {
	r := ratelimittest.NewRedis(t)
	client := r.Client(t)
	prefix := ratelimittest.KeyPrefix(t)
	store := persisted.NewRedis(client, persisted.WithKeyPrefix(prefix), persisted.WithTTL(time.Minute), persisted.WithTimeout(time.Second))
	ctx := context.Background()
	doc := `{ me { id } }`
	id := persisted.Hash(doc)
	store.Add(ctx, id, doc)
	if ttl := client.TTL(ctx, prefix+id).Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("TTL %s, want up to 1m", ttl)
	}
	if r.Real() {
		return // a real Redis's clock cannot be moved a minute
	}
	r.Advance(t, 50*time.Second)
	if _, ok := store.Get(ctx, id); !ok { // refreshes the TTL to 1m
		t.Fatal("expired early")
	}
	r.Advance(t, 50*time.Second)
	if _, ok := store.Get(ctx, id); !ok {
		t.Fatal("a read did not extend the TTL")
	}
	r.Advance(t, 61*time.Second)
	if _, ok := store.Get(ctx, id); ok {
		t.Fatal("still there a minute after its last use")
	}
}

// TestRedisDown: a Redis that is down makes misses and no-ops, reported to
// the error handler, within the timeout.
func TestRedisDown(t *testing.T) {
	for name, addr := range map[string]string{"refusing": ratelimittest.ClosedAddr(t), "silent": ratelimittest.SilentAddr(t)} {
		t.Run(name, func(t *testing.T) {
			var failures atomic.Int64
			store := persisted.NewRedis(ratelimittest.NewClient(t, addr), persisted.WithTimeout(50*time.Millisecond),
				persisted.WithErrorHandler(func(context.Context, error) { failures.Add(1) }))
			ctx := context.Background()
			store.Add(ctx, persisted.Hash("{ a }"), "{ a }")
			if _, ok := store.Get(ctx, persisted.Hash("{ a }")); ok {
				t.Fatal("a hit from a Redis that is down")
			}
			if n := failures.Load(); n != 2 {
				t.Fatalf("%d failures reported, want 2", n)
			}
		})
	}
}
