package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/internal/bench/gosource"
	"github.com/frontdesk/frontdesk/internal/bench/host"
	"github.com/frontdesk/frontdesk/internal/bench/perquery"
	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

// scenarioNames are the scenarios, in the report's order.
var scenarioNames = []string{perquery.Orders, perquery.Anchor, perquery.Home, perquery.Typename}

// The callers, as in loadbench: a seeded admin on the web admin, a seeded
// customer on the mobile app.
const (
	webCaller    = "usr_0196"
	mobileCaller = "usr_0001"
)

// valgrindStartTimeout bounds a server's start under valgrind: seconds for
// a Go server, more on a busy machine.
const valgrindStartTimeout = 5 * time.Minute

// typenameQuery answers without any upstream call: the edge, token
// verification, parsing and execution.
const typenameQuery = `{ __typename }`

// server is a binary measured and the scenarios it answers.
type server struct {
	name      string
	path      string
	bff       bool // a BFF: metrics on METRICS_ADDR; else the anchor, /metrics on its own listener
	scenarios []*scenario
}

// scenario is one measured query.
type scenario struct {
	perquery.Scenario
	n     int    // measured queries of the instruction run
	token string // "" sends none
	first []byte // the first answer seen
}

// run starts the demo services, measures every server's scenarios (under
// callgrind, then natively), writes the results and splices them into the
// page, and stops every process it started.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, stdout)
	if err != nil {
		return err // flag.ErrHelp after -h: procs.Main exits 0
	}
	began, loadStart := time.Now(), host.LoadAvg()
	ordersDoc, err := gosource.StringConst(cfg.webApp, "ExampleQuery")
	if err != nil {
		return err
	}
	homeDoc, err := os.ReadFile(cfg.homeDoc)
	if err != nil {
		return fmt.Errorf("reading the home operation: %w", err)
	}
	baseline, err := perquery.ReadOptional(cfg.baseline, perquery.ReadRun)
	if err != nil {
		return err
	}
	if cfg.reportOnly {
		prev, err := perquery.ReadResults(filepath.Join(cfg.out, perquery.File))
		if err != nil {
			return fmt.Errorf("-report-only: %w", err)
		}
		return write(cfg, perquery.NewResults(prev.Run, baseline), stdout)
	}
	valgrind := ""
	if cfg.instructions {
		if valgrind, err = valgrindVersion(ctx); err != nil {
			fmt.Fprintf(stdout, "cpubench: %v: counting allocations only\n", err)
		}
	}
	commit, dirty := cfg.commit, false
	if commit == "" {
		commit, dirty = procs.GitHead(ctx)
	}

	base := procs.ChildEnv(getenv)
	demo, urls, err := procs.StartDemo(ctx, filepath.Join(cfg.bin, "demo-services"), base)
	if demo != nil {
		defer demo.Stop()
	}
	if err != nil {
		return err
	}
	webToken, err := procs.Token(ctx, urls["issuer"], "web-admin", webCaller)
	if err != nil {
		return err
	}
	mobileToken, err := procs.Token(ctx, urls["issuer"], "mobile-app", mobileCaller)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo services on %s … %s, issuer %s, no injected latency\n", urls["users"], urls["payments"], urls["issuer"])

	ordersTitle := "web `orders(first: 50)` (app.ExampleQuery), as admin " + webCaller
	servers := []*server{
		{name: "bff-web", path: filepath.Join(cfg.bin, "bff-web"), bff: true, scenarios: []*scenario{{
			Scenario: perquery.Scenario{Name: perquery.Orders, Title: ordersTitle, Process: "bff-web", Query: ordersDoc},
			n:        cfg.orders, token: webToken,
		}}},
		{name: "bench-anchor", path: cfg.anchor, scenarios: []*scenario{{
			Scenario: perquery.Scenario{Name: perquery.Anchor, Title: "the same orders answer from gqlgen alone (the anchor)", Process: "bench-anchor", Query: ordersDoc},
			n:        cfg.orders,
		}}},
		{name: "bff-mobile", path: filepath.Join(cfg.bin, "bff-mobile"), bff: true, scenarios: []*scenario{
			{
				Scenario: perquery.Scenario{Name: perquery.Home, Title: "mobile `home` (home.graphql), as " + mobileCaller, Process: "bff-mobile", Query: string(homeDoc)},
				n:        cfg.home, token: mobileToken,
			},
			{
				Scenario: perquery.Scenario{Name: perquery.Typename, Title: "mobile `{ __typename }`, as " + mobileCaller + ", the same token every query", Process: "bff-mobile", Query: typenameQuery},
				n:        cfg.typename, token: mobileToken,
			},
		}},
	}
	for _, s := range servers {
		if len(cfg.only) > 0 {
			s.scenarios = slices.DeleteFunc(s.scenarios, func(sc *scenario) bool { return !slices.Contains(cfg.only, sc.Name) })
		}
	}
	servers = slices.DeleteFunc(servers, func(s *server) bool { return len(s.scenarios) == 0 })

	dir := cfg.dumps
	if dir == "" {
		d, err := os.MkdirTemp("", "cpubench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m := measurer{cfg: cfg, hc: newClient(), urls: urls, base: base, out: stdout, cg: callgrind{dir: dir}}
	for _, s := range servers {
		if valgrind != "" {
			if err := m.instructions(ctx, s); err != nil {
				return fmt.Errorf("%s under callgrind: %w", s.name, err)
			}
		}
		if err := m.allocations(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}

	r := perquery.Run{
		Commit: commit, Dirty: dirty, Date: began.UTC().Truncate(time.Second), Go: runtime.Version(), Valgrind: valgrind,
		Machine: fmt.Sprintf("%s, %d cores, %s/%s", host.CPUModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH),
		LoadAvg: loadStart + " at start, " + host.LoadAvg() + " at end", Command: cfg.command,
		Elapsed: time.Since(began).Round(time.Second).String(),
	}
	var ordersAnswer, anchorAnswer []byte
	for _, s := range servers {
		for _, sc := range s.scenarios {
			r.Scenarios = append(r.Scenarios, sc.Scenario)
			switch sc.Name {
			case perquery.Orders:
				ordersAnswer = sc.first
			case perquery.Anchor:
				anchorAnswer = sc.first
			}
		}
	}
	if ordersAnswer != nil && anchorAnswer != nil {
		same := bytes.Equal(ordersAnswer, anchorAnswer)
		r.SameAnswer = &same
		if !same {
			fmt.Fprintf(stdout, "cpubench: warning: the anchor's orders answer differs from bff-web's\n bff-web: %.300s\n  anchor: %.300s\n", ordersAnswer, anchorAnswer)
		}
	}
	return write(cfg, perquery.NewResults(r, baseline), stdout)
}

// write writes the results, the baseline when asked, and splices the
// section into the page and the results into results.json when they exist.
func write(cfg config, res *perquery.Results, stdout io.Writer) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(cfg.out, perquery.File)
	if err := perquery.WriteJSON(path, res); err != nil {
		return err
	}
	written := []string{path}
	if cfg.recordBaseline {
		if err := perquery.WriteJSON(cfg.baseline, res.Run); err != nil {
			return err
		}
		written = append(written, cfg.baseline)
	}
	results := filepath.Join(cfg.out, "results.json")
	switch doc, err := os.ReadFile(results); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		spliced, err := perquery.SpliceJSON(doc, perquery.ResultsKey, res)
		if err != nil {
			return fmt.Errorf("%s: %w", results, err)
		}
		if err := os.WriteFile(results, spliced, 0o644); err != nil {
			return err
		}
		written = append(written, results)
	}
	if cfg.doc != "" {
		switch doc, err := os.ReadFile(cfg.doc); {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		default:
			if err := os.WriteFile(cfg.doc, []byte(perquery.SpliceMarkdown(string(doc), perquery.Section(res))), 0o644); err != nil {
				return err
			}
			written = append(written, cfg.doc)
		}
	}
	for _, t := range res.Targets {
		fmt.Fprintf(stdout, "target  %s: %s (%s)\n", t.Target, t.Measured, strings.Trim(t.Result, "*"))
	}
	fmt.Fprintf(stdout, "wrote %s in %s\n", strings.Join(written, ", "), res.Elapsed)
	return nil
}

// measurer runs the measurements of one cpubench run.
type measurer struct {
	cfg  config
	hc   *http.Client
	urls map[string]string
	base []string
	out  io.Writer
	cg   callgrind
}

// instructions starts s under callgrind and counts each scenario's
// instructions per query.
func (m measurer) instructions(ctx context.Context, s *server) error {
	env := append(m.env(s, "off"), valgrindEnv, "GOMAXPROCS=1")
	began := time.Now()
	p, base, err := procs.StartServer(ctx, procs.Command{Name: s.name + " (callgrind)", Path: "valgrind", Args: m.cg.args(s.path), Env: env, Kill: true}, valgrindStartTimeout)
	if p != nil {
		defer p.Stop()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.out, "%s under callgrind on %s (started in %v)\n", s.name, base, time.Since(began).Round(time.Second))
	for _, sc := range s.scenarios {
		q, err := newQuery(base, sc.Query, sc.token)
		if err != nil {
			return err
		}
		first, err := q.sendN(ctx, m.hc, max(m.cfg.warmup, 1))
		if err != nil {
			return err
		}
		if sc.first == nil {
			sc.first = first
		}
		if err := m.cg.zero(ctx, p.Pid()); err != nil {
			return err
		}
		began := time.Now()
		if _, err := q.sendN(ctx, m.hc, sc.n); err != nil {
			return err
		}
		ir, err := m.cg.dump(ctx, p.Pid(), sc.Name)
		if err != nil {
			return err
		}
		sc.Instructions, sc.InstructionQueries = float64(ir)/float64(sc.n), sc.n
		fmt.Fprintf(m.out, "  %-8s %6.2fM instructions/query (%d queries, %v)\n", sc.Name, sc.Instructions/1e6, sc.n, time.Since(began).Round(100*time.Millisecond))
	}
	return nil
}

// allocations starts s natively and reads its allocation counters around
// each scenario's queries.
func (m measurer) allocations(ctx context.Context, s *server) error {
	metricsAddr := "off"
	if s.bff {
		var err error
		if metricsAddr, err = procs.FreeAddr(ctx); err != nil {
			return err
		}
	}
	p, base, err := procs.StartServer(ctx, procs.Command{Name: s.name, Path: s.path, Env: m.env(s, metricsAddr)}, procs.StartTimeout)
	if p != nil {
		defer p.Stop()
	}
	if err != nil {
		return err
	}
	metricsURL := base + "/metrics"
	if s.bff {
		metricsURL = "http://" + metricsAddr + "/metrics"
	}
	for _, sc := range s.scenarios {
		q, err := newQuery(base, sc.Query, sc.token)
		if err != nil {
			return err
		}
		n := sc.n * m.cfg.allocFactor
		first, err := q.sendN(ctx, m.hc, max(m.cfg.warmup*m.cfg.allocFactor, 1))
		if err != nil {
			return err
		}
		if sc.first == nil {
			sc.first = first
		}
		// Three scrapes: the first warms the endpoint, the next two measure
		// what one scrape allocates, the last one closes the window.
		var c [4]allocCounters
		for i := range 3 {
			if c[i], err = scrape(ctx, m.hc, metricsURL); err != nil {
				return err
			}
		}
		if _, err := q.sendN(ctx, m.hc, n); err != nil {
			return err
		}
		if c[3], err = scrape(ctx, m.hc, metricsURL); err != nil {
			return err
		}
		d := c[3].minus(c[2]).minus(c[2].minus(c[1]))
		sc.Allocs, sc.Bytes, sc.AllocationQueries = d.Mallocs/float64(n), d.Bytes/float64(n), n
		fmt.Fprintf(m.out, "  %-8s %8.0f allocs/query, %8.1f KiB/query (%d queries, %s)\n", sc.Name, sc.Allocs, sc.Bytes/1024, n, s.name)
	}
	return nil
}

// env is s's environment. A BFF runs as in loadbench's uncached scenarios:
// the demo issuer and services, caches and rate limits off, warnings only;
// metricsAddr is its METRICS_ADDR ("off": none).
func (m measurer) env(s *server, metricsAddr string) []string {
	env := append(slices.Clone(m.base), "ADDR=127.0.0.1:0")
	if !s.bff {
		return env
	}
	env = append(env, procs.DemoEnv(m.urls)...)
	return append(env,
		"FRONTDESK_ENV=development",
		"METRICS_ADDR="+metricsAddr,
		"LOG_LEVEL=warn",
		"RATE_LIMIT_ENABLED=false",
		"CACHE_ENABLED=false",
		"RESPONSE_CACHE_ENABLED=false",
	)
}

// valgrindVersion returns valgrind's version, or an error when valgrind or
// callgrind_control is missing.
func valgrindVersion(ctx context.Context) (string, error) {
	if _, err := exec.LookPath("callgrind_control"); err != nil {
		return "", err
	}
	out, err := exec.CommandContext(ctx, "valgrind", "--version").Output()
	if err != nil {
		return "", fmt.Errorf("valgrind --version: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}
