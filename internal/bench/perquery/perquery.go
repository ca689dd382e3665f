// Package perquery holds the results of the per-query cost benchmark
// (internal/bench/cmd/cpubench): instructions, allocations and bytes
// allocated per query, measured for a fixed list of scenarios, with the
// targets of issue 13. It renders the "Instructions and allocations per
// query" section of docs/benchmarks.md, which loadbench's report includes and
// cpubench splices into an existing page when it runs alone.
package perquery

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Files under docs/bench.
const (
	File         = "cpu.json"          // the latest results
	BaselineFile = "cpu-baseline.json" // the figures the relative targets compare with
)

// The scenarios, by name.
const (
	Orders   = "orders"   // web orders(first: 50), app.ExampleQuery, as an admin
	Anchor   = "anchor"   // the same query on gqlgen alone (bff-web/internal/benchanchor)
	Home     = "home"     // mobile home.graphql, as a customer
	Typename = "typename" // mobile { __typename } with the same token every query
)

// Scenario is one query's measured cost in the process that answers it.
type Scenario struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Process string `json:"process"` // the binary measured
	Query   string `json:"query"`
	// InstructionQueries and AllocationQueries are how many queries each
	// figure is averaged over (0: not measured).
	InstructionQueries int `json:"instructionQueries"`
	AllocationQueries  int `json:"allocationQueries"`
	// Instructions is the process's instructions (callgrind Ir) per query.
	Instructions float64 `json:"instructionsPerQuery"`
	// Allocs and Bytes are the Go heap allocations (objects, bytes) per query.
	Allocs float64 `json:"allocsPerQuery"`
	Bytes  float64 `json:"bytesPerQuery"`
}

// Run is one measurement of every scenario.
type Run struct {
	Commit   string    `json:"commit"`          // HEAD of the tree the binaries were built from
	Dirty    bool      `json:"dirty,omitempty"` // the tree had uncommitted changes
	Date     time.Time `json:"date"`
	Go       string    `json:"go"`
	Valgrind string    `json:"valgrind"` // "" when instructions were not counted
	Machine  string    `json:"machine"`
	LoadAvg  string    `json:"loadAvg"` // at start and at end
	Command  string    `json:"command"`
	Elapsed  string    `json:"elapsed"`
	// SameAnswer reports whether the anchor answered the orders query with
	// exactly bff-web's JSON in this run; nil when either was not run.
	SameAnswer *bool      `json:"anchorSameAnswer,omitempty"`
	Scenarios  []Scenario `json:"scenarios"`
}

// Scenario returns the named scenario and whether the run has it.
func (r *Run) Scenario(name string) (Scenario, bool) {
	if r == nil {
		return Scenario{}, false
	}
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Results are a run, the baseline it is held to and the targets.
type Results struct {
	Run
	Baseline *Run     `json:"baseline,omitempty"`
	Targets  []Target `json:"targets"`
}

// Target is one target of issue 13, met or not.
type Target struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Result   string `json:"result"` // met, **missed**, or why it could not be judged
}

// The targets of issue 13.
const (
	TargetOrdersInstructions = 30e6 // instructions per orders(first: 50) query
	TargetOrdersAllocs       = 25e3 // allocations per orders(first: 50) query
	TargetHomeRatio          = 0.5  // home instructions per query over the baseline's
	TargetTypenameRatio      = 0.4  // { __typename } (repeat token) instructions per query over the baseline's
)

// NewResults holds run to the targets, comparing with baseline (nil: none).
func NewResults(run Run, baseline *Run) *Results {
	r := &Results{Run: run, Baseline: baseline}
	r.Targets = r.targets()
	return r
}

func (r *Results) targets() []Target {
	orders, _ := r.Scenario(Orders)
	out := []Target{
		absolute(fmt.Sprintf("`orders(first: 50)`: ≤ %s instructions per query", millions(TargetOrdersInstructions)),
			orders.InstructionQueries > 0, orders.Instructions, TargetOrdersInstructions, millions),
		absolute(fmt.Sprintf("`orders(first: 50)`: ≤ %s allocations per query", Thousands(TargetOrdersAllocs)),
			orders.AllocationQueries > 0, orders.Allocs, TargetOrdersAllocs, Thousands),
		r.relative(Home, "`home`", TargetHomeRatio),
		r.relative(Typename, "`{ __typename }`, repeat token", TargetTypenameRatio),
	}
	return out
}

func absolute(target string, measured bool, v, limit float64, format func(float64) string) Target {
	if !measured {
		return Target{Target: target, Measured: "–", Result: "not measured"}
	}
	return Target{Target: target, Measured: format(v), Result: metOrMissed(v <= limit)}
}

// relative is the target "instructions per query of scenario ≤ ratio × the
// baseline's".
func (r *Results) relative(scenario, label string, ratio float64) Target {
	t := Target{Target: fmt.Sprintf("%s: instructions per query ≤ %.0f%% of the baseline", label, 100*ratio), Measured: "–"}
	s, ok := r.Scenario(scenario)
	if !ok || s.InstructionQueries == 0 {
		t.Result = "not measured"
		return t
	}
	b, ok := r.Baseline.Scenario(scenario)
	if !ok || b.Instructions == 0 {
		t.Measured = millions(s.Instructions)
		t.Result = "no baseline"
		return t
	}
	t.Target = fmt.Sprintf("%s: instructions per query ≤ %.0f%% of the baseline (≤ %s)", label, 100*ratio, millions(ratio*b.Instructions))
	t.Measured = fmt.Sprintf("%s (%.0f%% of the baseline's %s)", millions(s.Instructions), 100*s.Instructions/b.Instructions, millions(b.Instructions))
	t.Result = metOrMissed(s.Instructions <= ratio*b.Instructions)
	return t
}

func metOrMissed(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// ReadResults reads results written by cpubench. A missing file is an
// error wrapping fs.ErrNotExist.
func ReadResults(path string) (*Results, error) {
	var r Results
	if err := readJSON(path, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ReadRun reads a run, such as the baseline. A missing file is an error
// wrapping fs.ErrNotExist.
func ReadRun(path string) (*Run, error) {
	var r Run
	if err := readJSON(path, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ReadOptional reads the results or run at path with read, and returns
// nil without an error when there is no file.
func ReadOptional[T any](path string, read func(string) (*T, error)) (*T, error) {
	v, err := read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil //nolint:nilnil // no file: nothing to read, by contract
	}
	return v, err
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// WriteJSON writes v to path, indented, with a final newline.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ResultsKey is the member of docs/bench/results.json holding the results.
const ResultsKey = "perQuery"
