package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

// runResult is one measured run of one variant of one scenario.
type runResult struct {
	Scenario string `json:"scenario"`
	Variant  string `json:"variant"`
	Round    int    `json:"round"`

	Requests     uint64           `json:"requests"`
	Successes    uint64           `json:"successes"`
	Throughput   float64          `json:"throughputPerSec"` // successful requests per second
	P50          float64          `json:"p50Ms"`
	P90          float64          `json:"p90Ms"`
	P99          float64          `json:"p99Ms"`
	Max          float64          `json:"maxMs"`
	Mean         float64          `json:"meanMs"`
	CallsPerOK   float64          `json:"upstreamCallsPerQuery"` // upstream calls ÷ successful queries
	Calls        int64            `json:"upstreamCalls"`
	CallsBySvc   map[string]int64 `json:"upstreamCallsByService"`
	Errors       []string         `json:"errors,omitempty"` // distinct errors (at most a few)
	ErrorSample  string           `json:"errorSample,omitempty"`
	BFFCPU       float64          `json:"bffCpuMsPerQuery,omitempty"`      // the BFF process's CPU time ÷ successful queries
	ServicesCPU  float64          `json:"servicesCpuMsPerQuery,omitempty"` // the demo services' CPU time ÷ successful queries
	Memory       *memory          `json:"memory,omitempty"`                // of the BFF, sampled during the run
	MemoryOf     string           `json:"memoryOf,omitempty"`
	StartedAt    time.Time        `json:"startedAt"`
	DurationSecs float64          `json:"durationSecs"`
}

// target is what a run loads: a BFF's /graphql or a scenario's floor.
type target struct {
	name   string
	tgt    vegeta.Target
	client *http.Client
	proc   *procs.Process // the BFF process, for memory; nil for the floor
}

// bffClient is the load generator's client to a BFF: keep-alive, a
// connection per client.
func bffClient(clients int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        clients * 2,
			MaxIdleConnsPerHost: clients * 2,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// vegetaTarget gets u.
func vegetaTarget(u string) vegeta.Target { return vegeta.Target{Method: http.MethodGet, URL: u} }

// graphqlTarget posts query to base's /graphql with token ("" anonymous).
func graphqlTarget(base, query, token string) (vegeta.Target, error) {
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		return vegeta.Target{}, err
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return vegeta.Target{Method: http.MethodPost, URL: base + "/graphql", Body: body, Header: h}, nil
}

// attackResult is what one attack measured.
type attackResult struct {
	metrics     vegeta.Metrics // every request's latency; its Success counts any 2xx
	ok          uint64         // answers without any error: the successes
	errorSample string
}

// attack runs clients closed-loop workers against t for d: each sends its
// next request as soon as the previous answer is read.
func attack(ctx context.Context, t target, clients int, d time.Duration) attackResult {
	return attackWith(ctx, t, clients, vegeta.ConstantPacer{}, d) // the zero pacer: no pacing
}

// attackOnce sends one request to t.
func attackOnce(ctx context.Context, t target) attackResult {
	return attackWith(ctx, t, 1, countPacer(1), 0)
}

// countPacer sends that many requests, unpaced, then stops.
type countPacer uint64

func (n countPacer) Pace(_ time.Duration, hits uint64) (time.Duration, bool) {
	return 0, hits >= uint64(n)
}

func (n countPacer) Rate(time.Duration) float64 { return 0 }

// attackWith loads t with clients workers paced by p for d (0: until p
// stops). A 200 whose body carries GraphQL errors counts as a failure.
func attackWith(ctx context.Context, t target, clients int, p vegeta.Pacer, d time.Duration) attackResult {
	atk := vegeta.NewAttacker(
		vegeta.Client(t.client),
		vegeta.Workers(uint64(clients)),
		vegeta.MaxWorkers(uint64(clients)),
		vegeta.Redirects(vegeta.NoFollow),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var out attackResult
	errsMarker := []byte(`"errors"`)
	for res := range atk.Attack(vegeta.NewStaticTargeter(t.tgt), p, d, t.name) {
		if res.Error == "" && bytes.Contains(res.Body, errsMarker) {
			res.Error = "200 with GraphQL errors"
		}
		switch {
		case res.Error == "":
			out.ok++
		case out.errorSample == "":
			out.errorSample = fmt.Sprintf("%s: %.300s", res.Error, res.Body)
		}
		res.Body, res.Headers = nil, nil
		out.metrics.Add(res)
	}
	out.metrics.Close()
	return out
}

// callCounter reads the demo services' request counters.
type callCounter struct {
	urls map[string]string
	hc   *http.Client
}

// snapshot returns the calls each service has served so far.
func (c callCounter) snapshot(ctx context.Context) (map[string]int64, error) {
	out := make(map[string]int64, len(procs.Services))
	var mu sync.Mutex
	err := parallel(func() []func() error {
		var calls []func() error
		for _, s := range procs.Services {
			calls = append(calls, func() error {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.urls[s]+"/__stats", nil)
				if err != nil {
					return err
				}
				resp, err := c.hc.Do(req)
				if err != nil {
					return fmt.Errorf("stats of %s: %w", s, err)
				}
				defer resp.Body.Close()
				var st struct {
					Total int64 `json:"total"`
				}
				if resp.StatusCode != http.StatusOK {
					return fmt.Errorf("stats of %s: status %d", s, resp.StatusCode)
				}
				if err := jsonDecode(resp.Body, &st); err != nil {
					return fmt.Errorf("stats of %s: %w", s, err)
				}
				mu.Lock()
				out[s] = st.Total
				mu.Unlock()
				return nil
			})
		}
		return calls
	}()...)
	return out, err
}

// measure warms t up, then loads it for cfg.duration while sampling the
// BFF's memory, and returns what it measured with the upstream calls the
// demo services served meanwhile.
func measure(ctx context.Context, cfg config, counter callCounter, demo *procs.Process, t target) (runResult, error) {
	if cfg.warmup > 0 {
		attack(ctx, t, cfg.clients, cfg.warmup)
	}
	before, err := counter.snapshot(ctx)
	if err != nil {
		return runResult{}, err
	}
	cpu := cpuMeter{procs: []*procs.Process{demo, t.proc}}
	if err := cpu.start(); err != nil {
		return runResult{}, err
	}
	var (
		mem    memory
		memErr error
		done   = make(chan struct{})
		wg     sync.WaitGroup
	)
	if t.proc != nil {
		wg.Go(func() { mem, memErr = sampleMemory(t.proc.Pid(), 100*time.Millisecond, done) })
	}
	started := time.Now()
	a := attack(ctx, t, cfg.clients, cfg.duration)
	close(done)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return runResult{}, err
	}
	used, err := cpu.stop()
	if err != nil {
		return runResult{}, err
	}
	after, err := counter.snapshot(ctx)
	if err != nil {
		return runResult{}, err
	}

	m := a.metrics
	r := runResult{
		Requests:     m.Requests,
		Successes:    a.ok,
		P50:          ms(m.Latencies.P50),
		P90:          ms(m.Latencies.P90),
		P99:          ms(m.Latencies.P99),
		Max:          ms(m.Latencies.Max),
		Mean:         ms(m.Latencies.Mean),
		CallsBySvc:   map[string]int64{},
		ErrorSample:  a.errorSample,
		StartedAt:    started.UTC(),
		DurationSecs: m.Duration.Seconds(),
	}
	if secs := (m.Duration + m.Wait).Seconds(); secs > 0 {
		r.Throughput = float64(a.ok) / secs
	}
	if len(m.Errors) > 0 {
		r.Errors = m.Errors[:min(len(m.Errors), 5)]
	}
	for _, s := range procs.Services {
		if d := after[s] - before[s]; d > 0 {
			r.CallsBySvc[s] = d
			r.Calls += d
		}
	}
	if r.Successes > 0 {
		r.CallsPerOK = float64(r.Calls) / float64(r.Successes)
		r.ServicesCPU = ms(used[0]) / float64(r.Successes)
		if t.proc != nil {
			r.BFFCPU = ms(used[1]) / float64(r.Successes)
		}
	}
	if t.proc != nil {
		if memErr != nil {
			return runResult{}, fmt.Errorf("memory of %s: %w", t.proc.Name(), memErr)
		}
		r.Memory, r.MemoryOf = &mem, t.proc.Name()
		if err := t.proc.Running(); err != nil {
			return runResult{}, err
		}
	}
	return r, nil
}

// cpuMeter measures the CPU time processes use between start and stop; a
// nil process uses none.
type cpuMeter struct {
	procs []*procs.Process
	at    []time.Duration
}

func (c *cpuMeter) start() error {
	var err error
	c.at, err = c.read()
	return err
}

func (c *cpuMeter) stop() ([]time.Duration, error) {
	now, err := c.read()
	if err != nil {
		return nil, err
	}
	for i := range now {
		now[i] -= c.at[i]
	}
	return now, nil
}

func (c *cpuMeter) read() ([]time.Duration, error) {
	out := make([]time.Duration, len(c.procs))
	for i, p := range c.procs {
		if p == nil {
			continue
		}
		d, err := readCPU(p.Pid())
		if err != nil {
			return nil, fmt.Errorf("CPU time of %s: %w", p.Name(), err)
		}
		out[i] = d
	}
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
