package perquery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Heading starts the section in docs/benchmarks.md.
const Heading = "## Instructions and allocations per query"

// Section renders the results as the markdown section, from Heading to a
// blank line; r nil renders a section saying it was not run.
func Section(r *Results) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("%s\n\n", Heading)
	if r == nil {
		p("Not run (no `docs/bench/%s`): run `make bench-cpu`.\n\n", File)
		return b.String()
	}
	p("What one query costs the process that answers it, counted rather than timed, so the figures repeat on a busy\n")
	p("machine: `internal/bench/cmd/cpubench`, a step of `make bench` before the load benchmark (`make bench-cpu` reruns\n")
	p("this section alone). Raw results: [`docs/bench/%s`](bench/%s); baseline: [`docs/bench/%s`](bench/%s).\n\n", File, File, BaselineFile, BaselineFile)
	p("- **Instructions**: the binary runs under `valgrind --tool=callgrind` (with `GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off`:\n")
	p("  valgrind needs the first for Go, and the second because it cannot decode `RDTSCP`). After warm-up queries its counters\n")
	p("  are zeroed (`callgrind_control --zero`), the queries are sent one at a time on one connection, the counters are dumped\n")
	p("  (`--dump`), and the dump's total (instructions executed by every thread of the process: net/http, the handler, the\n")
	p("  Go runtime and its garbage collector) is divided by the queries. The demo services and the client are other\n")
	p("  processes, not counted. The binary runs with `GOMAXPROCS=1`: valgrind runs one thread at a time anyway, and with\n")
	p("  a second P the runtime's idle-time work (spinning for goroutines, idle GC mark workers) grows with the wall time\n")
	p("  spent waiting on upstreams, which made `orders` vary from 44M to 75M instructions at one commit. To see where\n")
	p("  they go, `go run ./internal/bench/cmd/cpubench -dumps DIR` keeps the dumps for `callgrind_annotate`.\n")
	p("- **Allocations and bytes**: the same binary started again without valgrind; `go_memstats_mallocs_total` and\n")
	p("  `go_memstats_alloc_bytes_total` of its Prometheus metrics read before and after the queries, less what one scrape\n")
	p("  allocates itself (two scrapes with no query between), divided by the queries.\n")
	p("- The BFFs run as in loadbench's uncached scenarios: `CACHE_ENABLED=false RESPONSE_CACHE_ENABLED=false\n")
	p("  RATE_LIMIT_ENABLED=false LOG_LEVEL=warn FRONTDESK_ENV=development`, the demo issuer and `bin/demo-services`\n")
	p("  without injected latency; tokens from the demo issuer (usr_0196, an admin, on web; usr_0001 on mobile), the same\n")
	p("  token for every query of a scenario.\n\n")

	p("| scenario | process | instructions / query | allocs / query | bytes / query | queries (instructions / allocations) |\n")
	p("|---|---|--:|--:|--:|--:|\n")
	for _, s := range r.Scenarios {
		p("| %s | `%s` | %s | %s | %s | %s / %s |\n", s.Title, s.Process,
			orDash(s.InstructionQueries, millions(s.Instructions)), orDash(s.AllocationQueries, Thousands(s.Allocs)),
			orDash(s.AllocationQueries, kib(s.Bytes)), orDash(s.InstructionQueries, fmt.Sprint(s.InstructionQueries)),
			orDash(s.AllocationQueries, fmt.Sprint(s.AllocationQueries)))
	}
	if o, a, ok := r.pair(); ok {
		p("\n`orders(first: 50)` on bff-web over the same answer from gqlgen alone: %s the instructions, %s the allocations, %s the bytes.\n",
			times(o.Instructions, a.Instructions), times(o.Allocs, a.Allocs), times(o.Bytes, a.Bytes))
	}
	p("\nThe anchor (`bff-web/internal/benchanchor`, binary `bench-anchor`) is bff-web's generated executable schema on a bare\n")
	p("gqlgen `handler.New` with only the POST transport, behind a plain `net/http` server, with resolvers that return model\n")
	p("structs prepared in memory at start-up (read once from the seeded demo services and converted as bff-web does): a query\n")
	p("costs net/http, gqlgen's parsing, validation, execution and marshalling, and map lookups; no token, no limits, no\n")
	p("loaders, no upstream call, no decoding, no metrics or logs. Its executor is bff-web's as `make generate` writes it,\n")
	p("so it includes frontdesk's rewrites of gqlgen's output (docs/decisions.md 15–17); the baseline's anchor (d50ad97)\n")
	p("ran gqlgen's executor as generated. A test holds its answer byte for byte equal to bff-web's")
	switch {
	case r.SameAnswer == nil:
		p(".\n")
	case *r.SameAnswer:
		p(";\nin this run too the two answers were identical.\n")
	default:
		p(";\n**in this run the two answers differed** (see cpubench's output).\n")
	}

	p("\n### Targets (issue 13)\n\n| target | measured | result |\n|---|---|---|\n")
	for _, t := range r.Targets {
		p("| %s | %s | %s |\n", t.Target, t.Measured, t.Result)
	}
	p("\nThe relative targets compare instructions per query with the baseline")
	if bl := r.Baseline; bl != nil {
		p(": the figures of the binaries built from commit\n`%s`, measured on %s before the optimisations of issue 13 (%s) and recorded in\n", short(bl.Commit), bl.Date.Format("2006-01-02"), bl.Command)
		p("`docs/bench/%s`, measured the same way (`GOMAXPROCS=1`). Run to run at one commit, instructions per query\n", BaselineFile)
		p("vary by about 2%% (orders 43.9M–44.6M in three runs), allocations per query by well under 1%%.\n\n")
		p("| scenario | baseline: instructions / query | baseline: allocs / query | baseline: bytes / query | now / baseline: instructions | now / baseline: allocs |\n|---|--:|--:|--:|--:|--:|\n")
		for _, b := range bl.Scenarios {
			s, _ := r.Scenario(b.Name)
			p("| %s | %s | %s | %s | %s | %s |\n", b.Title,
				orDash(b.InstructionQueries, millions(b.Instructions)), orDash(b.AllocationQueries, Thousands(b.Allocs)), orDash(b.AllocationQueries, kib(b.Bytes)),
				percent(s.InstructionQueries > 0 && b.InstructionQueries > 0, s.Instructions, b.Instructions),
				percent(s.AllocationQueries > 0 && b.AllocationQueries > 0, s.Allocs, b.Allocs))
		}
	} else {
		p(", but none is recorded (`docs/bench/%s` is missing).\n", BaselineFile)
	}

	p("\nThis run: commit `%s`", short(r.Commit))
	if r.Dirty {
		p(" with uncommitted changes")
	}
	p(", %s, %s, Go %s", r.Date.UTC().Format(time.RFC3339), r.Machine, r.Go)
	if r.Valgrind != "" {
		p(", %s", r.Valgrind)
	}
	p(", load average %s, `%s`, %s.\n\n", r.LoadAvg, r.Command, r.Elapsed)
	return b.String()
}

// pair returns the orders scenario and its anchor when both were measured.
func (r *Results) pair() (Scenario, Scenario, bool) {
	o, ok1 := r.Scenario(Orders)
	a, ok2 := r.Scenario(Anchor)
	return o, a, ok1 && ok2 && o.InstructionQueries > 0 && a.InstructionQueries > 0 && o.AllocationQueries > 0 && a.AllocationQueries > 0
}

// SpliceMarkdown returns doc with its section (Heading up to the next "## "
// heading) replaced by section; without one, section goes before the
// "## Micro-benchmarks" heading, or at the end.
func SpliceMarkdown(doc, section string) string { return SpliceSection(doc, Heading, section) }

// SpliceSection returns doc with the section under heading (up to the next
// "## " heading) replaced by section; without one, section goes before the
// "## Micro-benchmarks" heading, or at the end.
func SpliceSection(doc, heading, section string) string {
	if i := headingAt(doc, heading); i >= 0 {
		rest := doc[i+len(heading):]
		if j := strings.Index(rest, "\n## "); j >= 0 {
			return doc[:i] + section + rest[j+1:]
		}
		return doc[:i] + section
	}
	if i := headingAt(doc, "## Micro-benchmarks"); i >= 0 {
		return doc[:i] + section + doc[i:]
	}
	if doc != "" && !strings.HasSuffix(doc, "\n\n") {
		doc = strings.TrimRight(doc, "\n") + "\n\n"
	}
	return doc + section
}

// headingAt returns the offset of the line that is exactly heading, or -1.
func headingAt(doc, heading string) int {
	for off := 0; off < len(doc); {
		i := strings.Index(doc[off:], heading)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(heading)
		if (i == 0 || doc[i-1] == '\n') && (end == len(doc) || doc[end] == '\n') {
			return i
		}
		off = end
	}
	return -1
}

// SpliceJSON sets key of the JSON object doc to value, keeping the other
// members and their order (a new key goes last), and returns the object
// indented by two spaces with a final newline.
func SpliceJSON(doc []byte, key string, value any) ([]byte, error) {
	raw, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out bytes.Buffer
	out.WriteByte('{')
	replaced, members := false, 0
	for ; dec.More(); members++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, errors.New("not a JSON object")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if k == key {
			v, replaced = raw, true
		}
		writeMember(&out, members, k, v)
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errors.New("not a JSON object")
	}
	if !replaced {
		writeMember(&out, members, key, raw)
	}
	out.WriteByte('}')
	var indented bytes.Buffer
	if err := json.Indent(&indented, out.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	indented.WriteByte('\n')
	return indented.Bytes(), nil
}

// writeMember writes member n (from 0) of an object.
func writeMember(out *bytes.Buffer, n int, key string, value []byte) {
	if n > 0 {
		out.WriteByte(',')
	}
	k, _ := json.Marshal(key)
	out.Write(k)
	out.WriteByte(':')
	out.Write(value)
}

func orDash(n int, s string) string {
	if n == 0 {
		return "–"
	}
	return s
}

func percent(ok bool, now, base float64) string {
	if !ok || base == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*now/base)
}

func times(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", a/b)
}

func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}

// millions formats an instruction count, e.g. 82.3M.
func millions(v float64) string {
	switch {
	case v >= 10e6:
		return fmt.Sprintf("%.1fM", v/1e6)
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	}
	return fmt.Sprintf("%.0fk", v/1e3)
}

func kib(v float64) string {
	if v >= 1<<20 {
		return fmt.Sprintf("%.2f MiB", v/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", v/(1<<10))
}

// Thousands formats v rounded, with a comma every three digits: the counts
// of docs/benchmarks.md, in this section and in the load benchmark's.
func Thousands(v float64) string {
	s := fmt.Sprintf("%.0f", math.Round(v))
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
