// Command loadbench is the load half of `make bench` (docs/benchmarks.md):
// it starts the built demo services with a fixed latency on every service,
// both BFFs twice (with loaders, and with LOADER_DISABLED as the N+1
// baseline), and measures, at a fixed number of concurrent clients and in
// alternating rounds, the BFFs, the naive baseline and the floor: an ideal
// client fetching the same data directly from the services in the fewest
// sequential levels of parallel batched calls. It writes the raw results as
// JSON and the report as markdown.
//
// Usage (from the repository root, after `make build`):
//
//	loadbench [-bin bin] [-clients 50] [-duration 8s] [-warmup 2s] [-rounds 3] [-latency 5ms]
//	          [-micro docs/bench/micro.txt] [-out docs/bench] [-doc docs/benchmarks.md] [-bff-env K=V]…
//
// Everything listens on free loopback ports.
package main

import (
	"os"

	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

func main() { os.Exit(procs.Main("loadbench", run)) }
