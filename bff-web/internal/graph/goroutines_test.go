package graph_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// TestOrdersGoroutinesPerQuery bounds the goroutines one 50-order query
// starts. gqlgen marshals each element of an object list on its own
// goroutine; frontdesk's lists whose elements resolve only plain fields and
// batch resolvers are marshalled in line (shared/gqlexec, internal/codegen),
// and below a list's first element their batch fields resolve on the calling
// goroutine, so the count follows the number of upstream calls, not the
// ~1,500 objects of the answer: about 800 goroutines per query with gqlgen's
// marshaller, 109 with lists in line, 11 with both.
func TestOrdersGoroutinesPerQuery(t *testing.T) {
	kit := graphtest.New(t)
	if resp := kit.Post(t, ordersQuery, nil); resp.Status != 200 { // warm the upstream connections
		t.Fatalf("status %d: %s", resp.Status, resp.Body)
	}
	const queries = 5
	before := bfftest.GoroutinesCreated()
	for range queries {
		if resp := kit.Post(t, ordersQuery, nil); resp.Status != 200 {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
	}
	perQuery := (bfftest.GoroutinesCreated() - before) / queries
	t.Logf("goroutines started per query: %d", perQuery)
	if perQuery > 30 {
		t.Errorf("%d goroutines started per 50-order query, want at most 30", perQuery)
	}
}
