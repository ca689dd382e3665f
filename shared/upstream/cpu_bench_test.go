//go:build unix

package upstream_test

import (
	"syscall"
	"testing"
)

// cpuClock reports a benchmark's process CPU time per operation
// ("cpu-ns/op", user and system, GC included): on a busy shared machine it
// varies far less than the wall-clock ns/op.
type cpuClock struct{ start int64 }

func startCPU() cpuClock { return cpuClock{start: processCPU()} }

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
}

func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
