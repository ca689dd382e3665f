package cache_test

import (
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/cache"
)

func TestResponseEntries(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	services := []string{"catalog", "orders"}

	found, gens := f.cache.LookupResponse(ctx, "h1", services)
	if found.Data != nil || len(gens) != 2 {
		t.Fatalf("empty cache: %+v, gens %v", found, gens)
	}
	if f.cache.StoreResponse(ctx, "h1", []byte(`{"a":1}`), 0, gens, []string{"catalog"}) {
		t.Error("stored an answer with maxAge 0")
	}
	if f.cache.StoreResponse(ctx, "h1", []byte(`{"a":1}`), time.Minute, gens, []string{"reviews"}) {
		t.Error("stored an answer that read from a service whose generation was not looked up")
	}
	if !f.cache.StoreResponse(ctx, "h1", []byte(`{"a":1}`), time.Hour, gens, []string{"catalog"}) {
		t.Fatal("StoreResponse refused a good answer")
	}

	f.clock.Advance(time.Minute)
	found, _ = f.cache.LookupResponse(ctx, "h1", services)
	if !found.Fresh || string(found.Data) != `{"a":1}` || found.Age != time.Minute || found.FreshFor != 4*time.Minute {
		t.Errorf("after 1m: %+v; want fresh, capped at CACHE_MAX_TTL (5m), 4m left", found)
	}
	f.clock.Advance(5 * time.Minute)
	if found, _ = f.cache.LookupResponse(ctx, "h1", services); found.Fresh || found.Data == nil || found.Age != 6*time.Minute {
		t.Errorf("after 6m: %+v; want stale, 6m old", found)
	}

	// An eviction of a service it did not read leaves the answer; of one it read, drops it.
	f.cache.Evict(ctx, cache.Kind{Name: "order", Service: "orders", Scope: cache.Private}, "o1")
	if found, _ = f.cache.LookupResponse(ctx, "h1", services); found.Data == nil {
		t.Error("evicting orders dropped an answer that read only catalog")
	}
	f.cache.Evict(ctx, cache.Kind{Name: "product", Service: "catalog", Scope: cache.Public})
	if found, _ = f.cache.LookupResponse(ctx, "h1", services); found.Data != nil {
		t.Errorf("evicting catalog left the answer that read it: %+v", found)
	}
}
