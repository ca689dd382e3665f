package bfftest

import "runtime/metrics"

// goroutinesCreated is the runtime's count of goroutines started since the
// process began.
const goroutinesCreated = "/sched/goroutines-created:goroutines"

// GoroutinesCreated returns how many goroutines the process has started so
// far. The difference across a query counts every goroutine the query cost:
// the BFF's, its upstream connections' and the in-process demo services'.
func GoroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: goroutinesCreated}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
