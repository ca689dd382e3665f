package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/bench/host"
	"github.com/frontdesk/frontdesk/internal/bench/perquery"
	"github.com/frontdesk/frontdesk/internal/bench/procs"
	"github.com/frontdesk/frontdesk/internal/bench/slowreviews"
)

// The targets of issue 9.
const (
	targetAddedP50Ms  = 1.0
	targetAddedP99Ms  = 5.0
	targetCachedRPS   = 10_000.0
	targetRSSBytes    = 100 << 20
	callsEqualEpsilon = 0.05 // calls per query within this of the ideal are equal
)

// machine describes where the benchmark ran.
type machine struct {
	CPU          string    `json:"cpu"`
	Cores        int       `json:"cores"`
	OS           string    `json:"os"`
	Kernel       string    `json:"kernel"`
	Go           string    `json:"go"`
	LoadAvgStart string    `json:"loadAvgStart"`
	LoadAvgEnd   string    `json:"loadAvgEnd"`
	Date         time.Time `json:"date"`
}

// variantSummary is one variant of one scenario over every round: medians.
type variantSummary struct {
	Scenario   string  `json:"scenario"`
	Variant    string  `json:"variant"`
	Rounds     int     `json:"rounds"`
	Throughput float64 `json:"throughputPerSec"`
	P50        float64 `json:"p50Ms"`
	P90        float64 `json:"p90Ms"`
	P99        float64 `json:"p99Ms"`
	Calls      float64 `json:"upstreamCallsPerQuery"`
	BFFCPU     float64 `json:"bffCpuMsPerQuery"`
	SvcCPU     float64 `json:"servicesCpuMsPerQuery"`
	Success    float64 `json:"successRatioMin"` // the worst round's
}

// comparison pairs the variants of a scenario round by round; every value
// is the median over rounds of the per-round figure.
type comparison struct {
	Scenario       string  `json:"scenario"`
	AddedP50       float64 `json:"addedP50Ms,omitempty"` // BFF − floor
	AddedP99       float64 `json:"addedP99Ms,omitempty"`
	RatioP50       float64 `json:"bffOverFloorP50,omitempty"`
	RatioP99       float64 `json:"bffOverFloorP99,omitempty"`
	BFFCalls       float64 `json:"bffCallsPerQuery"`
	IdealCalls     float64 `json:"idealCallsPerQuery,omitempty"`
	NaiveCalls     float64 `json:"naiveCallsPerQuery,omitempty"`
	NaiveOverCalls float64 `json:"naiveOverBFFCalls,omitempty"`
	NaiveOverP50   float64 `json:"naiveOverBFFP50,omitempty"`
	NaiveOverP99   float64 `json:"naiveOverBFFP99,omitempty"`
	BFFOverNaiveTp float64 `json:"bffOverNaiveThroughput,omitempty"`
	hasFloor       bool
	hasNaive       bool
}

// memSummary is one BFF process's memory over the whole benchmark.
type memSummary struct {
	Process   string `json:"process"`
	PeakRSS   int64  `json:"peakRssUnderLoadBytes"` // the largest VmRSS sampled during its runs
	HWM       int64  `json:"hwmBytes"`              // VmHWM at the end: the peak since start
	Target    bool   `json:"target"`                // the production configuration, held to the target
	SampledIn string `json:"sampledIn"`
}

// targetResult is one target of the issue, met or not.
type targetResult struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Result   string `json:"result"` // met, missed, pending
}

// report is everything written: results.json and the markdown.
type report struct {
	Machine   machine          `json:"machine"`
	Command   string           `json:"command"`
	Settings  map[string]any   `json:"settings"`
	Scenarios []*scenario      `json:"scenarios"`
	Summary   []variantSummary `json:"summary"`
	Compare   []comparison     `json:"comparison"`
	Memory    []memSummary     `json:"memory"`
	Targets   []targetResult   `json:"targets"`
	Micro     []microResult    `json:"micro"`
	Runs      []runResult      `json:"runs"`
	Elapsed   string           `json:"loadElapsed"`
	// PerQuery are cpubench's results (docs/bench/cpu.json), when it ran.
	PerQuery *perquery.Results `json:"perQuery,omitempty"`
	// SlowReviews are slowbench's results (docs/bench/slow.json), when it ran.
	SlowReviews *slowreviews.Results `json:"slowReviews,omitempty"`
}

func newReport(cfg config, scenarios []*scenario, runs []runResult, micro []microResult, b bffs, began time.Time) *report {
	r := &report{
		Machine: machine{
			CPU: host.CPUModel(), Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH,
			Kernel: host.Kernel(), Go: runtime.Version(),
			LoadAvgStart: loadAvgAtStart, LoadAvgEnd: host.LoadAvg(), Date: began.UTC().Truncate(time.Second),
		},
		Command: cfg.command,
		Settings: map[string]any{
			"clients": cfg.clients, "duration": cfg.duration.String(), "warmup": cfg.warmup.String(),
			"rounds": cfg.rounds, "upstreamLatency": cfg.latency.String(), "bffEnv": cfg.bffEnv,
		},
		Scenarios: scenarios, Micro: micro, Runs: runs,
		Elapsed: time.Since(began).Round(time.Second).String(),
	}
	for _, s := range scenarios {
		for _, v := range s.Variants {
			r.Summary = append(r.Summary, summarize(s.Name, v, runs))
		}
		r.Compare = append(r.Compare, compare(s, runs))
	}
	r.Memory = memorySummaries(runs, b)
	r.Targets = r.targets()
	return r
}

// pick returns the runs of one variant of one scenario, by round.
func pick(runs []runResult, scenario, variant string) map[int]runResult {
	out := map[int]runResult{}
	for _, r := range runs {
		if r.Scenario == scenario && r.Variant == variant {
			out[r.Round] = r
		}
	}
	return out
}

func summarize(scenario, variant string, runs []runResult) variantSummary {
	rs := pick(runs, scenario, variant)
	col := func(f func(runResult) float64) float64 {
		var xs []float64
		for _, r := range rs {
			xs = append(xs, f(r))
		}
		return median(xs)
	}
	s := variantSummary{
		Scenario: scenario, Variant: variant, Rounds: len(rs),
		Throughput: col(func(r runResult) float64 { return r.Throughput }),
		P50:        col(func(r runResult) float64 { return r.P50 }),
		P90:        col(func(r runResult) float64 { return r.P90 }),
		P99:        col(func(r runResult) float64 { return r.P99 }),
		Calls:      col(func(r runResult) float64 { return r.CallsPerOK }),
		BFFCPU:     col(func(r runResult) float64 { return r.BFFCPU }),
		SvcCPU:     col(func(r runResult) float64 { return r.ServicesCPU }),
		Success:    1,
	}
	for _, r := range rs {
		s.Success = min(s.Success, float64(r.Successes)/float64(max(r.Requests, 1)))
	}
	return s
}

// compare pairs each round's BFF run with the floor and naive runs of the
// same round, then takes medians.
func compare(s *scenario, runs []runResult) comparison {
	bff, floor, naive := pick(runs, s.Name, variantBFF), pick(runs, s.Name, variantFloor), pick(runs, s.Name, variantNaive)
	var c comparison
	c.Scenario = s.Name
	var addP50, addP99, rP50, rP99, bCalls, iCalls, nCalls, nOverC, nOverP50, nOverP99, tp []float64
	for round, b := range bff {
		bCalls = append(bCalls, b.CallsPerOK)
		if f, ok := floor[round]; ok {
			c.hasFloor = true
			addP50 = append(addP50, b.P50-f.P50)
			addP99 = append(addP99, b.P99-f.P99)
			rP50 = append(rP50, ratio(b.P50, f.P50))
			rP99 = append(rP99, ratio(b.P99, f.P99))
			iCalls = append(iCalls, f.CallsPerOK)
		}
		if n, ok := naive[round]; ok {
			c.hasNaive = true
			nCalls = append(nCalls, n.CallsPerOK)
			nOverC = append(nOverC, ratio(n.CallsPerOK, b.CallsPerOK))
			nOverP50 = append(nOverP50, ratio(n.P50, b.P50))
			nOverP99 = append(nOverP99, ratio(n.P99, b.P99))
			tp = append(tp, ratio(b.Throughput, n.Throughput))
		}
	}
	c.BFFCalls = median(bCalls)
	c.AddedP50, c.AddedP99, c.RatioP50, c.RatioP99, c.IdealCalls = median(addP50), median(addP99), median(rP50), median(rP99), median(iCalls)
	c.NaiveCalls, c.NaiveOverCalls, c.NaiveOverP50, c.NaiveOverP99, c.BFFOverNaiveTp = median(nCalls), median(nOverC), median(nOverP50), median(nOverP99), median(tp)
	return c
}

func memorySummaries(runs []runResult, b bffs) []memSummary {
	var out []memSummary
	for _, key := range bffKeys {
		p := b.procs[key]
		if p == nil {
			continue
		}
		m := memSummary{Process: p.Name(), Target: !strings.HasSuffix(key, "-naive")}
		var in []string
		for _, r := range runs {
			if r.MemoryOf == p.Name() && r.Memory != nil {
				m.PeakRSS = max(m.PeakRSS, r.Memory.RSS)
				m.HWM = max(m.HWM, r.Memory.HWM)
				if !slices.Contains(in, r.Scenario) {
					in = append(in, r.Scenario)
				}
			}
		}
		if now, err := readMemory(p.Pid()); err == nil {
			m.HWM = max(m.HWM, now.HWM)
		}
		m.HWM = max(m.HWM, m.PeakRSS) // the kernel updates VmHWM lazily
		m.SampledIn = strings.Join(in, ", ")
		out = append(out, m)
	}
	return out
}

func (r *report) comparison(scenario string) comparison {
	for _, c := range r.Compare {
		if c.Scenario == scenario {
			return c
		}
	}
	return comparison{}
}

func (r *report) summary(scenario, variant string) variantSummary {
	for _, s := range r.Summary {
		if s.Scenario == scenario && s.Variant == variant {
			return s
		}
	}
	return variantSummary{}
}

func (r *report) targets() []targetResult {
	clients := r.Settings["clients"]
	var out []targetResult
	for _, name := range []string{"home", "orders"} {
		c := r.comparison(name)
		one := 0.0
		for _, sc := range r.Scenarios {
			if sc.Name == name {
				one = sc.Unloaded[variantBFF].P50 - sc.Unloaded[variantFloor].P50
			}
		}
		out = append(out,
			targetResult{
				Target:   fmt.Sprintf("`%s`: added latency over the floor, p50 ≤ %.0f ms at %v clients", name, targetAddedP50Ms, clients),
				Measured: fmt.Sprintf("%+.2f ms (BFF/floor %.2f×; with 1 client %+.2f ms)", c.AddedP50, c.RatioP50, one),
				Result:   metOrMissed(c.AddedP50 <= targetAddedP50Ms),
			},
			targetResult{
				Target:   fmt.Sprintf("`%s`: added latency over the floor, p99 ≤ %.0f ms at %v clients", name, targetAddedP99Ms, clients),
				Measured: fmt.Sprintf("%+.2f ms (BFF/floor %.2f×)", c.AddedP99, c.RatioP99),
				Result:   metOrMissed(c.AddedP99 <= targetAddedP99Ms),
			})
	}
	o := r.comparison("orders")
	var idle scenario
	for _, sc := range r.Scenarios {
		if sc.Name == "orders" {
			idle = *sc
		}
	}
	bffIdle, idealIdle := idle.singleCalls(variantBFF), idle.singleCalls(variantFloor)
	out = append(out, targetResult{
		Target: "`orders(first: 50)`: upstream calls per query = the ideal",
		Measured: fmt.Sprintf("%d for one idle query (ideal %d; loaders disabled %d); %.2f per query under load (ideal %.2f)",
			bffIdle, idealIdle, idle.singleCalls(variantNaive), o.BFFCalls, o.IdealCalls),
		Result: metOrMissed(bffIdle == idealIdle && math.Abs(o.BFFCalls-o.IdealCalls) < callsEqualEpsilon),
	})
	ceiling, cached, direct := r.summary("ceiling", variantBFF), r.summary("cached", variantBFF), r.summary("cached", variantFloor)
	out = append(out, targetResult{
		Target: fmt.Sprintf("a cached query ≥ %s req/s", perquery.Thousands(targetCachedRPS)),
		Measured: fmt.Sprintf("%s req/s at %v clients, p50 %s, p99 %s, %.3f upstream calls per query (the public `products` page from the response cache); "+
			"same page straight from the catalog service %s req/s; no-upstream `{ __typename }` ceiling (caches off) %s req/s",
			perquery.Thousands(cached.Throughput), clients, msText(cached.P50), msText(cached.P99), cached.Calls, perquery.Thousands(direct.Throughput), perquery.Thousands(ceiling.Throughput)),
		Result: metOrMissed(cached.Rounds > 0 && cached.Throughput >= targetCachedRPS),
	})
	for _, m := range r.Memory {
		if !m.Target {
			continue
		}
		out = append(out, targetResult{
			Target:   fmt.Sprintf("%s: RSS under load ≤ %d MiB", m.Process, targetRSSBytes>>20),
			Measured: fmt.Sprintf("peak VmRSS %s, VmHWM %s", mib(m.PeakRSS), mib(m.HWM)),
			Result:   metOrMissed(m.HWM <= targetRSSBytes),
		})
	}
	return out
}

func metOrMissed(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// write writes results.json under cfg.out and the markdown at cfg.doc.
// cpubench's and slowbench's results under cfg.out, when present, are
// included in both.
func (r *report) write(cfg config) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	pq, err := perquery.ReadOptional(filepath.Join(cfg.out, perquery.File), perquery.ReadResults)
	if err != nil {
		return err
	}
	r.PerQuery = pq
	if r.SlowReviews, err = perquery.ReadOptional(filepath.Join(cfg.out, slowreviews.File), slowreviews.Read); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.out, "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(cfg.doc, []byte(r.markdown(cfg)), 0o644)
}

func (r *report) markdown(cfg config) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("What frontdesk costs over the floor, measured the same way every time by `make bench` (`scripts/bench.sh`: the Go\n")
	p("micro-benchmarks, then `internal/bench/cmd/cpubench` counting instructions and allocations per query, then\n")
	p("`internal/bench/cmd/slowbench` with a slow reviews service, then `internal/bench/cmd/loadbench` against the built\n")
	p("binaries on loopback). This page is generated: rerun `make bench` (or `make bench-cpu`, `make bench-slow` for\n")
	p("their sections alone) rather than editing it. Raw results:\n")
	p("[`docs/bench/results.json`](bench/results.json) and [`docs/bench/micro.txt`](bench/micro.txt).\n\n")

	p("## Run\n\n| | |\n|---|---|\n")
	p("| machine | %s, %d cores, %s, kernel %s; shared with other work (load average %s at start, %s at end) |\n",
		r.Machine.CPU, r.Machine.Cores, r.Machine.OS, r.Machine.Kernel, r.Machine.LoadAvgStart, r.Machine.LoadAvgEnd)
	p("| Go | %s |\n", r.Machine.Go)
	p("| date | %s |\n", r.Machine.Date.Format(time.RFC3339))
	p("| command | `%s` (load part: `loadbench %s`; %s) |\n", r.Command, strings.Join(flagsOf(cfg), " "), r.Elapsed)
	p("| upstreams | `bin/demo-services` on free ports, fixed %v latency on every call of every service (`-faults '<svc>=latency:%dms;…'`) |\n", cfg.latency, cfg.latency.Milliseconds())
	p("| BFFs | `bin/bff-mobile`, `bin/bff-web` with their defaults except `RATE_LIMIT_ENABLED=false` (the load is far over any tier budget), `LOG_LEVEL=warn`, `METRICS_ADDR=off` (metrics are still recorded), the demo issuer and services; `FRONTDESK_ENV=development` because production needs an `https` issuer (so the mobile BFF also accepts the `cached` and `ceiling` documents, which production would refuse as not trusted). For `home`, `orders` and `ceiling` with `CACHE_ENABLED=false RESPONSE_CACHE_ENABLED=false`: one caller repeating a private `home` or `orders` would otherwise be answered from its own response-cache copy, and entity-cache hits (products, stock, review summaries) would hide upstream calls, so those rows measure the uncached path and its calls against the ideal; started a second time with `LOADER_DISABLED=true` (caches off too, and `UPSTREAM_OPTIONAL_BUDGET=0`: the N+1 baseline takes longer than the latency budget of optional data) for the naive baseline; `bin/bff-mobile` a third time with its caches on (the production default: entity and response cache in memory, no `REDIS_ADDR`) for the `cached` scenario only |\n")
	p("| load | vegeta (`github.com/tsenart/vegeta/v12/lib`), %d concurrent clients, closed loop (each sends its next request when its answer is read), %v warm-up then %v measured per run |\n", cfg.clients, cfg.warmup, cfg.duration)
	p("| rounds | %d; each runs every variant of every scenario once, in the order BFF, floor, naive, reversed every other round, so drift and noise hit every side alike; tables show medians over rounds, ratios are taken within a round |\n\n", cfg.rounds)

	p("## Targets\n\n| target | measured (median) | result |\n|---|---|---|\n")
	for _, t := range r.Targets {
		p("| %s | %s | %s |\n", t.Target, t.Measured, t.Result)
	}

	p("\n## Load\n\nMedians over %d rounds. Upstream calls per query are the demo services' `GET /__stats` counters before and after\n", cfg.rounds)
	p("the measured part, divided by the successful queries. A 200 carrying GraphQL errors counts as a failure. *CPU / query* is\n")
	p("the process's user + system time (`/proc/<pid>/stat`) over the measured part, divided by the successful queries: what one\n")
	p("query costs the BFF and the demo services, whatever the machine's other load. Everything (load generator, BFFs, demo\n")
	p("services) shares the %d cores, so at %d clients latency is mostly waiting for a CPU; the *1 client* figures below isolate\n", r.Machine.Cores, cfg.clients)
	p("the per-query overhead. For the `cached` scenario, *calls of one idle query* are those of a repeat, after one query\n")
	p("filled the cache (the first costs the same one catalog call as the floor).\n\n")
	p("| scenario | variant | req/s | p50 | p90 | p99 | upstream calls / query | calls of one idle query | BFF CPU / query | services CPU / query | success (worst round) |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.Scenarios {
		for _, v := range s.Variants {
			vs := r.summary(s.Name, v)
			bffCPU := "–"
			if v != variantFloor && vs.BFFCPU > 0 {
				bffCPU = msText(vs.BFFCPU)
			}
			svcCPU := "–"
			if vs.SvcCPU > 0 {
				svcCPU = msText(vs.SvcCPU)
			}
			p("| %s | %s | %s | %s | %s | %s | %.2f | %d | %s | %s | %.2f%% |\n", s.Name, variantLabel(v), perquery.Thousands(vs.Throughput),
				msText(vs.P50), msText(vs.P90), msText(vs.P99), vs.Calls, s.singleCalls(v), bffCPU, svcCPU, 100*vs.Success)
		}
	}
	p("\n")
	for _, s := range r.Scenarios {
		p("- **%s**: %s", s.Name, s.Title)
		if s.Note != "" {
			p(". Note: %s", s.Note)
		}
		p(".\n")
	}

	p("\n## Overhead over the floor\n\nThe floor is an ideal client in `loadbench` that fetches the same data straight from the demo services with the\n")
	p("same identity headers the BFF forwards, in the fewest sequential levels the data allows, every call of a level in\n")
	p("parallel and batched wherever the service has a batch read; it decodes only the ids the next level needs. It runs\n")
	p("under the same load generator, clients and rounds, and keeps up to 512 idle connections per service (the BFF's upstream\n")
	p("clients keep 64, `restclient.Config.MaxIdleConns`). *Added* is BFF minus floor within a round (median over rounds).\n\n")
	p("| scenario | added p50 | added p99 | BFF/floor p50 | BFF/floor p99 | added p50, 1 client | BFF calls / query | ideal calls / query |\n|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.Scenarios {
		c := r.comparison(s.Name)
		if !c.hasFloor {
			continue
		}
		p("| %s | %+.2f ms | %+.2f ms | %.2f× | %.2f× | %+.2f ms | %d | %d |\n", c.Scenario, c.AddedP50, c.AddedP99, c.RatioP50, c.RatioP99,
			s.Unloaded[variantBFF].P50-s.Unloaded[variantFloor].P50, s.singleCalls(variantBFF), s.singleCalls(variantFloor))
	}
	p("\n*1 client*: %d queries one at a time on idle services before the rounds (p50 of each side, then the difference).\n", unloadedQueries)
	p("\nThe ideal plans (derived from the resolvers' prefetch code and the services' OpenAPI files):\n\n")
	for _, s := range r.Scenarios {
		if s.Plan != "" {
			p("- **%s**: %s.\n", s.Name, s.Plan)
		}
	}
	p("\n## N+1 cost avoided\n\nThe same queries against the BFFs started with `LOADER_DISABLED=true` (benchmark-only switch: no batching, no\n")
	p("prefetch, no per-request cache; every other setting as in production, breakers and timeouts included).\n\n")
	p("| scenario | BFF calls / query | naive calls / query | naive/BFF calls | 1 client: BFF p50 | 1 client: naive p50 | %d clients: BFF req/s | %d clients: naive req/s | %d clients: naive success (worst round) |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n", cfg.clients, cfg.clients, cfg.clients)
	for _, s := range r.Scenarios {
		c := r.comparison(s.Name)
		if !c.hasNaive {
			continue
		}
		b, n := s.singleCalls(variantBFF), s.singleCalls(variantNaive)
		p("| %s | %d | %d | %.1f× | %s | %s | %s | %s | %.2f%% |\n", s.Name, b, n, ratio(float64(n), float64(b)),
			msText(s.Unloaded[variantBFF].P50), msText(s.Unloaded[variantNaive].P50),
			perquery.Thousands(r.summary(s.Name, variantBFF).Throughput), perquery.Thousands(r.summary(s.Name, variantNaive).Throughput),
			100*r.summary(s.Name, variantNaive).Success)
	}
	for _, s := range r.Scenarios {
		if vs := r.summary(s.Name, variantNaive); vs.Rounds > 0 && vs.Success < 1 {
			p("\n- **%s**, naive, %d clients: %.0f%% of queries failed in the worst round; %s.", s.Name, cfg.clients, 100*(1-vs.Success), failureKinds(r.Runs, s.Name, variantNaive))
		}
	}
	p("\n")
	p("\nCalls are those of one query on idle services (exact); under load a failing naive query makes fewer calls. req/s counts\n")
	p("clean answers only (no error, no GraphQL `errors`).\n")
	p("\nUpstream calls of one idle query, by service:\n\n| scenario | variant | %s |\n|---|---|%s\n", strings.Join(procs.Services, " | "), strings.Repeat("--:|", len(procs.Services)))
	for _, s := range r.Scenarios {
		for _, v := range s.Variants {
			p("| %s | %s |", s.Name, variantLabel(v))
			for _, svc := range procs.Services {
				p(" %d |", s.SingleCalls[v][svc])
			}
			p("\n")
		}
	}

	p("\n## Memory under load\n\n`/proc/<pid>/status` of each BFF process, sampled every 100 ms while it was under load: the largest VmRSS seen,\n")
	p("and VmHWM (the peak resident set since the process started) at the end of the benchmark.\n\n")
	p("| process | under load in | peak VmRSS | VmHWM |\n|---|---|--:|--:|\n")
	for _, m := range r.Memory {
		p("| %s | %s | %s | %s |\n", m.Process, m.SampledIn, mib(m.PeakRSS), mib(m.HWM))
	}

	p("\n%s\n", strings.TrimRight(perquery.Section(r.PerQuery), "\n"))
	p("\n%s\n", strings.TrimRight(slowreviews.Section(r.SlowReviews), "\n"))

	p("\n## Micro-benchmarks\n\n")
	if len(r.Micro) == 0 {
		p("Not run (no micro-benchmark output given).\n\n")
	} else {
		p("`go test -run '^$' -bench . -benchmem` (`b.Loop`), medians over the runs shown. The BFF benchmarks run the whole HTTP\n")
		p("handler in-process (token verification included) through the test kit (`internal/graphtest`, `shared/bfftest`) against the\n")
		p("demo services on `httptest` servers **without** injected latency, so ns/op is wall time per query (the loader's 1 ms\n")
		p("batch wait included) and B/op and allocs/op count the in-process demo services' work as well as the BFF's.\n\n")
		p("| package | benchmark | runs | time/op | B/op | allocs/op |\n|---|---|--:|--:|--:|--:|\n")
		for _, m := range r.Micro {
			p("| %s | %s | %d | %s | %s | %s |\n", shortPkg(m.Package), m.Name, m.Runs, nsText(m.NsPerOp), perquery.Thousands(m.BytesPerOp), perquery.Thousands(m.AllocsPerOp))
		}
		p("\n- `BenchmarkHome`: `bff-mobile/testdata/operations/home.graphql` with its default variables, as customer usr_0001;\n")
		p("  `BenchmarkOrders`: `app.ExampleQuery` (the 50-order nested list), as admin usr_0196. `loaders` and `no-loaders`\n")
		p("  (`LOADER_DISABLED`) run with the caches off (the test kit's default), so every query calls the upstreams.\n")
		p("  `BenchmarkHome/cached` turns the entity and response caches on (in memory): `home` is private, maxAge 10 s, so\n")
		p("  after one filling query every query is a hit on usr_0001's own copy with 0 upstream calls (checked before timing).\n")
		p("  `BenchmarkMapResults`: `loader.MapResults` over 200 keys answered in reverse order with every tenth key missing.\n")
		p("  `BenchmarkWalker` (the document limits walker, `shared/doclimit`) is run when that package has it.\n")
	}
	return b.String()
}

// errorCode finds the GraphQL error codes in an error sample.
var errorCode = regexp.MustCompile(`"code":"([A-Z_]+)"`)

// failureKinds describes the first failure of each round of a variant.
func failureKinds(runs []runResult, scenario, variant string) string {
	var kinds []string
	for _, r := range runs {
		if r.Scenario != scenario || r.Variant != variant || r.ErrorSample == "" {
			continue
		}
		status, _, _ := strings.Cut(r.ErrorSample, ":")
		k := status
		if m := errorCode.FindStringSubmatch(r.ErrorSample); m != nil {
			k += ", `" + m[1] + "`"
		}
		k = fmt.Sprintf("round %d: %s", r.Round, k)
		kinds = append(kinds, k)
	}
	if len(kinds) == 0 {
		return "no failure recorded"
	}
	return "first failure per round: " + strings.Join(kinds, "; ")
}

func variantLabel(v string) string {
	switch v {
	case variantBFF:
		return "BFF"
	case variantFloor:
		return "floor (ideal client)"
	case variantNaive:
		return "naive (loaders disabled)"
	}
	return v
}

// flagsOf renders the load settings as flags, for the report.
func flagsOf(cfg config) []string {
	out := []string{
		"-clients " + fmt.Sprint(cfg.clients), "-duration " + cfg.duration.String(), "-warmup " + cfg.warmup.String(),
		"-rounds " + fmt.Sprint(cfg.rounds), "-latency " + cfg.latency.String(),
	}
	for _, e := range cfg.bffEnv {
		out = append(out, "-bff-env "+e)
	}
	return out
}

// median returns the median of xs, 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func msText(v float64) string { return fmt.Sprintf("%.2f ms", v) }

func nsText(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func shortPkg(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/frontdesk/frontdesk/")
}

// loadAvgAtStart is the load average when the program started.
var loadAvgAtStart = host.LoadAvg()
