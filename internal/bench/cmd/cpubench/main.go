// Command cpubench is the per-query cost step of `make bench`
// (docs/benchmarks.md, "Instructions and allocations per query"): for web
// orders(first: 50), mobile home, mobile { __typename } with a repeat token
// and the plain-gqlgen anchor (bff-web/internal/benchanchor) answering the
// same orders, it measures
//
//   - instructions per query: the binary under valgrind's callgrind, its
//     counters zeroed and dumped with callgrind_control around a fixed
//     number of sequential queries;
//   - allocations and bytes allocated per query: the same binary without
//     valgrind, its Go allocation counters (Prometheus go_memstats_*) read
//     before and after a fixed number of queries.
//
// It starts bin/demo-services (no injected latency) for the BFFs and the
// demo issuer's tokens, writes docs/bench/cpu.json, holds the figures to
// the targets of issue 13 (the relative ones against
// docs/bench/cpu-baseline.json), and splices its section into
// docs/benchmarks.md and its results into docs/bench/results.json (the
// load benchmark's report includes them when it is regenerated).
//
// Usage (from the repository root, after `make build` and building
// bin/bench-anchor; scripts/bench.sh does both):
//
//	cpubench [-bin bin] [-out docs/bench] [-doc docs/benchmarks.md] [-record-baseline] …
//
// Without valgrind on PATH it measures allocations only.
package main

import (
	"os"

	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

func main() { os.Exit(procs.Main("cpubench", run)) }
