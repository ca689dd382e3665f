package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

// bffs are the BFF processes of a run: each BFF with loaders and its caches
// off, again with LOADER_DISABLED (caches off), and bff-mobile with its
// caches on for the cached scenario.
type bffs struct {
	procs map[string]*procs.Process // by key: bffKeys
	urls  map[string]string         // base URL by the same key
}

// run starts the demo services and the BFFs built in cfg.bin, measures
// every scenario round by round, writes the raw results and the report, and
// stops every process it started.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, stdout)
	if err != nil {
		return err // flag.ErrHelp after -h: procs.Main exits 0
	}
	began := time.Now()
	micro, err := readMicro(cfg.micro)
	if err != nil {
		return err
	}

	// Every child is stopped (SIGTERM) when procCtx ends, and waited for.
	procCtx, stopProcs := context.WithCancel(ctx)
	var started []*procs.Process
	defer func() {
		stopProcs()
		for _, p := range started {
			<-p.Exited()
		}
	}()
	base := procs.ChildEnv(getenv)

	demo, urls, err := startDemo(procCtx, cfg.bin, cfg.latency, base)
	if demo != nil {
		started = append(started, demo)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo services on %s … %s, issuer %s, %v latency per call\n", urls["users"], urls["payments"], urls["issuer"], cfg.latency)

	b := bffs{procs: map[string]*procs.Process{}, urls: map[string]string{}}
	for _, key := range bffKeys {
		bin, naive, cached := "bff-mobile", false, false
		switch key {
		case "web":
			bin = "bff-web"
		case "mobile-naive":
			naive = true
		case "web-naive":
			bin, naive = "bff-web", true
		case "mobile-cached":
			cached = true
		}
		name := bin + " (caches off)"
		switch {
		case naive:
			name = bin + " (loaders disabled)"
		case cached:
			name = bin + " (caches on)"
		}
		p, u, err := procs.StartServer(procCtx, procs.Command{Name: name, Path: filepath.Join(cfg.bin, bin), Env: bffEnv(base, cfg, urls, naive, cached)}, procs.StartTimeout)
		if p != nil {
			started = append(started, p)
		}
		if err != nil {
			return err
		}
		b.procs[key], b.urls[key] = p, u
	}
	fmt.Fprintf(stdout, "bff-mobile %s (naive %s, caches on %s), bff-web %s (naive %s)\n", b.urls["mobile"], b.urls["mobile-naive"], b.urls["mobile-cached"], b.urls["web"], b.urls["web-naive"])

	scenarios, err := newScenarios(ctx, cfg, urls)
	if err != nil {
		return err
	}
	if len(cfg.only) > 0 {
		scenarios = slices.DeleteFunc(scenarios, func(s *scenario) bool { return !slices.Contains(cfg.only, s.Name) })
	}
	counter := callCounter{urls: urls, hc: &http.Client{Timeout: 10 * time.Second}}
	if err := probe(ctx, scenarios, b, counter); err != nil {
		return err
	}
	client := bffClient(cfg.clients)
	var runs []runResult
	for round := 1; round <= cfg.rounds; round++ {
		for _, s := range scenarios {
			variants := slices.Clone(s.Variants)
			if round%2 == 0 {
				slices.Reverse(variants) // A B C, then C B A: drift hits every variant alike
			}
			for _, v := range variants {
				t, err := targetOf(s, v, b, client)
				if err != nil {
					return err
				}
				r, err := measure(ctx, cfg, counter, demo, t)
				if err != nil {
					return fmt.Errorf("round %d, %s %s: %w", round, s.Name, v, err)
				}
				r.Scenario, r.Variant, r.Round = s.Name, v, round
				runs = append(runs, r)
				fmt.Fprintf(stdout, "round %d/%d  %-8s %-6s %7.0f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  %6.1f calls/query  CPU/query BFF %5.2f ms, services %5.2f ms  %5.1f%% ok\n",
					round, cfg.rounds, s.Name, v, r.Throughput, r.P50, r.P90, r.P99, r.CallsPerOK, r.BFFCPU, r.ServicesCPU, 100*float64(r.Successes)/float64(max(r.Requests, 1)))
			}
		}
	}

	rep := newReport(cfg, scenarios, runs, micro, b, began)
	if err := rep.write(cfg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s in %v\n", cfg.doc, filepath.Join(cfg.out, "results.json"), time.Since(began).Round(time.Second))
	return nil
}

// startDemo starts demo-services from bin with latency on every call of
// every service.
func startDemo(ctx context.Context, bin string, latency time.Duration, env []string) (*procs.Process, map[string]string, error) {
	faults := make([]string, len(procs.Services))
	for i, s := range procs.Services {
		faults[i] = fmt.Sprintf("%s=latency:%dms", s, latency.Milliseconds())
	}
	return procs.StartDemo(ctx, filepath.Join(bin, "demo-services"), env, "-faults", strings.Join(faults, ";"))
}

// bffKeys are the BFF processes a run starts.
var bffKeys = []string{"mobile", "web", "mobile-naive", "web-naive", "mobile-cached"}

// bffEnv is a BFF's environment: free loopback port, no metrics listener,
// warnings only, the demo issuer and services, no rate limits (the load is
// far over any tier budget), the caches off unless cached (a private home or
// orders answer repeated by one caller would be a response-cache hit, and
// entity hits would hide upstream calls: those scenarios measure the
// uncached path), then cfg.bffEnv.
func bffEnv(base []string, cfg config, urls map[string]string, naive, cached bool) []string {
	env := append(slices.Clone(base),
		"FRONTDESK_ENV=development",
		"ADDR=127.0.0.1:0",
		"METRICS_ADDR=off",
		"LOG_LEVEL=warn",
		"RATE_LIMIT_ENABLED=false",
	)
	env = append(env, procs.DemoEnv(urls)...)
	if cached {
		env = append(env, "CACHE_ENABLED=true", "RESPONSE_CACHE_ENABLED=true") // the defaults, in memory
	} else {
		env = append(env, "CACHE_ENABLED=false", "RESPONSE_CACHE_ENABLED=false")
	}
	if naive {
		// The N+1 baseline takes seconds per order page, far over the
		// latency budget of optional data (docs/resilience.md): with the
		// budget it would measure degraded answers. Budgets off, nothing
		// else differs.
		env = append(env, "LOADER_DISABLED=true", "UPSTREAM_OPTIONAL_BUDGET=0")
	}
	return append(env, cfg.bffEnv...)
}

// targetOf is what variant v of s loads.
func targetOf(s *scenario, v string, b bffs, client *http.Client) (target, error) {
	switch v {
	case variantFloor:
		return target{
			name:   s.Name + "-floor",
			tgt:    vegetaTarget("http://floor.invalid/" + s.Name),
			client: &http.Client{Transport: floorTransport{fetch: s.floor}, Timeout: 30 * time.Second},
		}, nil
	case variantBFF, variantNaive:
		key := s.BFF
		if v == variantNaive {
			key += "-naive"
		}
		tgt, err := graphqlTarget(b.urls[key], s.Query, s.token)
		if err != nil {
			return target{}, err
		}
		return target{name: s.Name + "-" + v, tgt: tgt, client: client, proc: b.procs[key]}, nil
	}
	return target{}, fmt.Errorf("unknown variant %q", v)
}

// unloadedQueries is how many queries, one at a time, measure a variant's
// latency with a single client.
const unloadedQueries = 20

// probe runs every variant of every scenario on idle services: one query,
// recording its upstream calls, then unloadedQueries queries one at a time
// for the single-client latency. It fails unless every answer is clean, so
// a broken setup fails in seconds, not minutes.
func probe(ctx context.Context, scenarios []*scenario, b bffs, counter callCounter) error {
	client := bffClient(1)
	for _, s := range scenarios {
		s.SingleCalls, s.Unloaded = map[string]map[string]int64{}, map[string]latency{}
		for _, v := range s.Variants {
			t, err := targetOf(s, v, b, client)
			if err != nil {
				return err
			}
			if s.Cached && v != variantFloor {
				if a := attackOnce(ctx, t); a.ok != 1 { // fills the cache
					return fmt.Errorf("%s %s does not answer cleanly: %s", s.Name, v, a.errorSample)
				}
			}
			before, err := counter.snapshot(ctx)
			if err != nil {
				return err
			}
			a := attackOnce(ctx, t)
			if a.ok != 1 {
				return fmt.Errorf("%s %s does not answer cleanly: %s", s.Name, v, a.errorSample)
			}
			after, err := counter.snapshot(ctx)
			if err != nil {
				return err
			}
			calls := map[string]int64{}
			for _, svc := range procs.Services {
				if d := after[svc] - before[svc]; d > 0 {
					calls[svc] = d
				}
			}
			s.SingleCalls[v] = calls

			a = attackWith(ctx, t, 1, countPacer(unloadedQueries), 0)
			if a.ok != unloadedQueries {
				return fmt.Errorf("%s %s, one client: %d of %d answers clean: %s", s.Name, v, a.ok, unloadedQueries, a.errorSample)
			}
			s.Unloaded[v] = latency{P50: ms(a.metrics.Latencies.P50), P90: ms(a.metrics.Latencies.P90)}
		}
	}
	return nil
}
