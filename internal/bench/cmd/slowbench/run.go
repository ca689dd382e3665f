package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/internal/bench/perquery"
	"github.com/frontdesk/frontdesk/internal/bench/procs"
	"github.com/frontdesk/frontdesk/internal/bench/slowreviews"
)

const (
	caller    = "usr_0001"
	productID = "prd_0001"
)

type config struct {
	bin, out, doc       string
	productDoc, homeDoc string
	clients             int
	duration, latency   time.Duration
}

func parseConfig(args []string, output io.Writer) (config, error) {
	fs := flag.NewFlagSet("slowbench", flag.ContinueOnError)
	fs.SetOutput(output)
	var c config
	fs.StringVar(&c.bin, "bin", "bin", "directory holding demo-services and bff-mobile (make build)")
	fs.StringVar(&c.out, "out", "docs/bench", "directory of the raw results ("+slowreviews.File+")")
	fs.StringVar(&c.doc, "doc", "docs/benchmarks.md", "markdown page whose section to replace (\"\": none)")
	fs.StringVar(&c.productDoc, "product-doc", "bff-mobile/testdata/operations/product.graphql", "the mobile product operation")
	fs.StringVar(&c.homeDoc, "home-doc", "bff-mobile/testdata/operations/home.graphql", "the mobile home operation")
	fs.IntVar(&c.clients, "clients", 10, "concurrent callers per measured run")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "length of each measured run")
	fs.DurationVar(&c.latency, "latency", 3*time.Second, "the slow reviews service's latency")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.clients < 1 || c.duration <= 0 || c.latency <= 0:
		return config{}, errors.New("-clients, -duration and -latency must be positive")
	}
	return c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, stdout)
	if err != nil {
		return err
	}
	productDoc, err := os.ReadFile(cfg.productDoc)
	if err != nil {
		return fmt.Errorf("reading the product operation: %w", err)
	}
	homeDoc, err := os.ReadFile(cfg.homeDoc)
	if err != nil {
		return fmt.Errorf("reading the home operation: %w", err)
	}
	base := procs.ChildEnv(getenv)
	demo, urls, err := procs.StartDemo(ctx, filepath.Join(cfg.bin, "demo-services"), base)
	if demo != nil {
		defer demo.Stop()
	}
	if err != nil {
		return err
	}
	token, err := procs.Token(ctx, urls["issuer"], "mobile-app", caller)
	if err != nil {
		return err
	}
	env := append(slices.Clone(base),
		"ADDR=127.0.0.1:0", "FRONTDESK_ENV=development", "METRICS_ADDR=off", "LOG_LEVEL=error",
		"RATE_LIMIT_ENABLED=false", "CACHE_ENABLED=false", "RESPONSE_CACHE_ENABLED=false",
	)
	env = append(env, procs.DemoEnv(urls)...)
	bff, addr, err := procs.StartServer(ctx, procs.Command{Name: "bff-mobile", Path: filepath.Join(cfg.bin, "bff-mobile"), Env: env}, procs.StartTimeout)
	if bff != nil {
		defer bff.Stop()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bff-mobile on %s over the demo services, %d clients, %v per run\n", addr, cfg.clients, cfg.duration)

	screens := []screen{
		{name: "product(id)", body: body(string(productDoc), map[string]any{"id": productID})},
		{name: "home", body: body(string(homeDoc), nil)},
	}
	hc := &http.Client{Timeout: time.Minute}
	res := slowreviews.Results{
		Commit: shortCommit(procs.GitHead(ctx)), Date: time.Now().UTC().Truncate(time.Second), Clients: cfg.clients,
		Duration: cfg.duration.String(), Latency: cfg.latency.String(), Budget: "1s, `UPSTREAM_OPTIONAL_BUDGET`'s default",
	}
	for _, slow := range []bool{false, true} {
		ms := 0
		label := "healthy"
		if slow {
			ms, label = int(cfg.latency/time.Millisecond), cfg.latency.String()
		}
		if err := setLatency(ctx, hc, urls["reviews"], ms); err != nil {
			return err
		}
		for _, s := range screens {
			r, err := measure(ctx, hc, addr+"/graphql", token, s, cfg.clients, cfg.duration)
			if err != nil {
				return err
			}
			r.Reviews = label
			fmt.Fprintf(stdout, "  %-12s reviews %-8s %5d queries  p50 %8.1f ms  p99 %8.1f ms  200: %5.1f%%  with an error: %5.1f%% %v\n",
				r.Screen, r.Reviews, r.Queries, r.P50Ms, r.P99Ms, 100*r.OK, 100*r.Degraded, r.Codes)
			res.Rows = append(res.Rows, r)
		}
	}
	if err := setLatency(ctx, hc, urls["reviews"], 0); err != nil {
		return err
	}
	return write(cfg, res)
}

type screen struct {
	name string
	body []byte
}

func body(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars}) // strings and a map of strings: cannot fail
	return b
}

// setLatency sets the reviews service's injected latency.
func setLatency(ctx context.Context, hc *http.Client, reviews string, ms int) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, reviews+"/__faults", strings.NewReader(fmt.Sprintf(`{"latencyMs":%d}`, ms)))
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("setting the reviews latency: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("setting the reviews latency: status %d", resp.StatusCode)
	}
	return nil
}

// outcome is one query's answer.
type outcome struct {
	took   time.Duration
	status int
	codes  []string
}

// measure runs clients callers of s for d and summarizes their answers.
func measure(ctx context.Context, hc *http.Client, url, token string, s screen, clients int, d time.Duration) (slowreviews.Row, error) {
	deadline := time.Now().Add(d)
	var (
		mu       sync.Mutex
		outcomes []outcome
		firstErr error
		wg       sync.WaitGroup
	)
	for range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				o, err := query(ctx, hc, url, token, s.body)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					outcomes = append(outcomes, o)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return slowreviews.Row{}, fmt.Errorf("%s: %w", s.name, firstErr)
	}
	return summarize(s.name, outcomes), nil
}

func query(ctx context.Context, hc *http.Client, url, token string, body []byte) (outcome, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return outcome{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return outcome{}, err
	}
	defer resp.Body.Close()
	var answer struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return outcome{}, fmt.Errorf("decoding the answer: %w", err)
	}
	o := outcome{took: time.Since(start), status: resp.StatusCode}
	for _, e := range answer.Errors {
		o.codes = append(o.codes, e.Extensions.Code)
	}
	return o, nil
}

// summarize reduces the outcomes of one screen's run to its row.
func summarize(name string, outcomes []outcome) slowreviews.Row {
	r := slowreviews.Row{Screen: name, Queries: len(outcomes)}
	if len(outcomes) == 0 {
		return r
	}
	took := make([]time.Duration, len(outcomes))
	var ok, degraded int
	codes := map[string]bool{}
	for i, o := range outcomes {
		took[i] = o.took
		if o.status == http.StatusOK {
			ok++
		}
		if len(o.codes) > 0 {
			degraded++
		}
		for _, c := range o.codes {
			codes[c] = true
		}
	}
	slices.Sort(took)
	r.P50Ms, r.P99Ms = ms(percentile(took, 0.50)), ms(percentile(took, 0.99))
	r.OK, r.Degraded = float64(ok)/float64(len(outcomes)), float64(degraded)/float64(len(outcomes))
	for c := range codes {
		r.Codes = append(r.Codes, c)
	}
	slices.Sort(r.Codes)
	return r
}

// percentile returns the nearest-rank q-quantile of sorted.
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// write stores res under cfg.out and splices its section into cfg.doc.
func write(cfg config, res slowreviews.Results) error {
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cfg.out, slowreviews.File), append(raw, '\n'), 0o644); err != nil { //nolint:gosec // a committed report
		return err
	}
	if cfg.doc == "" {
		return nil
	}
	doc, err := os.ReadFile(cfg.doc)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.WriteFile(cfg.doc, []byte(perquery.SpliceSection(string(doc), slowreviews.Heading, slowreviews.Section(&res))), 0o644) //nolint:gosec // a committed page
}

// shortCommit is commit's first 12 characters, "+dirty" when tracked
// files differ from it.
func shortCommit(commit string, dirty bool) string {
	commit = commit[:min(len(commit), 12)]
	if dirty {
		commit += "+dirty"
	}
	return commit
}
