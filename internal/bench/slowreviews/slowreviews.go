// Package slowreviews holds the results of slowbench, the "A slow reviews
// service" step of `make bench`, and renders their section of
// docs/benchmarks.md, which loadbench includes when it rewrites the page.
package slowreviews

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// File is the raw results' name under docs/bench.
const File = "slow.json"

// Heading is the section of docs/benchmarks.md.
const Heading = "## A slow reviews service"

// Row is one screen under one condition of the reviews service.
type Row struct {
	Screen   string   `json:"screen"`
	Reviews  string   `json:"reviews"` // "healthy" or the injected latency
	Queries  int      `json:"queries"`
	P50Ms    float64  `json:"p50Ms"`
	P99Ms    float64  `json:"p99Ms"`
	OK       float64  `json:"status200"`       // share of answers with status 200
	Degraded float64  `json:"degraded"`        // share of answers carrying an error
	Codes    []string `json:"codes,omitempty"` // the error codes seen
}

// Results are what slowbench writes.
type Results struct {
	Commit   string    `json:"commit"`
	Date     time.Time `json:"date"`
	Clients  int       `json:"clients"`
	Duration string    `json:"duration"`
	Latency  string    `json:"reviewsLatency"`
	Budget   string    `json:"optionalBudget"`
	Rows     []Row     `json:"rows"`
}

// Read returns the results stored at path (perquery.ReadOptional makes a
// missing file no results).
func Read(path string) (*Results, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return &r, nil
}

// Section renders res as the section of docs/benchmarks.md; without
// results, a note to run `make bench-slow`.
func Section(res *Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s\n\n", Heading)
	if res == nil {
		p("Not run (no `docs/bench/%s`): run `make bench-slow`.\n\n", File)
		return b.String()
	}
	p("Ratings and reviews are optional data on the mobile `product(id)` and `home` screens (docs/resilience.md): with the\n")
	p("reviews service slow they must answer within their latency budget, ratings `null` and reviews empty with an error,\n")
	p("not after the reviews service. `internal/bench/cmd/slowbench` (a step of `make bench`; `make bench-slow` alone) runs\n")
	p("`bin/bff-mobile` (caches off, rate limits off, otherwise its defaults: optional budget %s) over the demo services,\n", res.Budget)
	p("%d callers for %s per screen, with the reviews service healthy and then answering after %s. Raw results:\n", res.Clients, res.Duration, res.Latency)
	p("[`docs/bench/%s`](bench/%s).\n\n", File, File)
	p("| screen | reviews service | queries | p50 | p99 | HTTP 200 | answers with an error | error codes |\n|---|---|--:|--:|--:|--:|--:|---|\n")
	for _, r := range res.Rows {
		codes := strings.Join(r.Codes, ", ")
		if codes == "" {
			codes = "–"
		}
		p("| %s | %s | %d | %.1f ms | %.1f ms | %.1f%% | %.1f%% | %s |\n", r.Screen, r.Reviews, r.Queries, r.P50Ms, r.P99Ms, 100*r.OK, 100*r.Degraded, codes)
	}
	p("\nThis run: commit `%s`, %s.\n\n", res.Commit, res.Date.Format(time.RFC3339))
	return b.String()
}
