// Command slowbench is the "A slow reviews service" step of `make bench`
// (docs/benchmarks.md, issue 19): the mobile screens that show ratings and
// reviews, `product(id)` and `home`, measured with the reviews service
// healthy and with it answering after -latency (3s), under the same load.
// Ratings and reviews are optional data (docs/resilience.md): with reviews
// slow, the screens must answer within their latency budget
// (UPSTREAM_OPTIONAL_BUDGET), those parts null or empty with an error, not
// after the reviews service.
//
// It starts bin/demo-services and bin/bff-mobile (its production settings
// but caches off, so every query calls the reviews service, and rate limits
// off), sets the reviews service's latency through its /__faults endpoint,
// runs -clients callers for -duration per screen and condition, and writes
// docs/bench/slow.json and its section of docs/benchmarks.md.
//
// Usage (from the repository root, after `make build`):
//
//	slowbench [-bin bin] [-out docs/bench] [-doc docs/benchmarks.md] [-clients 10] [-duration 5s] [-latency 3s]
package main

import (
	"os"

	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

func main() { os.Exit(procs.Main("slowbench", run)) }
