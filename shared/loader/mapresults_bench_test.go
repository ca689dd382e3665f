package loader_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/shared/loader"
)

// benchEntity is an upstream row as a batch endpoint returns it.
type benchEntity struct{ ID, Name string }

// BenchmarkMapResults maps a full batch (200 keys, the default
// LOADER_BATCH_CAPACITY) back to key order: the upstream answered in reverse
// order and left out every tenth key, which becomes a NotFoundError.
func BenchmarkMapResults(b *testing.B) {
	const n = 200
	keys := make([]string, n)
	var vals []benchEntity
	for i := range keys {
		keys[i] = fmt.Sprintf("prd_%04d", i+1)
		if i%10 != 9 {
			vals = append(vals, benchEntity{ID: keys[i], Name: "product " + keys[i]})
		}
	}
	slices.Reverse(vals)
	keyOf := func(e benchEntity) string { return e.ID }
	b.ReportAllocs()
	for b.Loop() {
		results := loader.MapResults("product", keys, vals, keyOf)
		if len(results) != n || results[0].Data.ID != keys[0] || results[9].Error == nil {
			b.Fatal("results not in key order")
		}
	}
}
