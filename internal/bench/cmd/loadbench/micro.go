package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// microResult is one Go benchmark, the median of its -count runs.
type microResult struct {
	Package     string  `json:"package"`
	Name        string  `json:"name"`
	Runs        int     `json:"runs"`
	NsPerOp     float64 `json:"nsPerOp"`
	BytesPerOp  float64 `json:"bytesPerOp"`
	AllocsPerOp float64 `json:"allocsPerOp"`
}

// readMicro parses the `go test -bench -benchmem` output at path; a missing
// file (or an empty path) is no micro-benchmarks.
func readMicro(path string) ([]microResult, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := parseMicro(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// procsSuffix is the -GOMAXPROCS suffix of a benchmark name.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parseMicro reads benchmark lines (`BenchmarkX-2  N  v ns/op  v B/op  v
// allocs/op`) under their `pkg:` line and returns, per benchmark in order
// of first appearance, the median of each measure over its runs.
func parseMicro(r io.Reader) ([]microResult, error) {
	type key struct{ pkg, name string }
	var order []key
	samples := map[key][][3]float64{}
	pkg := ""
	s := bufio.NewScanner(r)
	for s.Scan() {
		line := s.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
			continue // e.g. a "BenchmarkX" line with only a log message
		}
		var v [3]float64
		var seen [3]bool
		for i := 2; i+1 < len(fields); i += 2 {
			x, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark line %q: %w", line, err)
			}
			for j, unit := range []string{"ns/op", "B/op", "allocs/op"} {
				if fields[i+1] == unit {
					v[j], seen[j] = x, true
				}
			}
		}
		if !seen[0] {
			continue
		}
		k := key{pkg, procsSuffix.ReplaceAllString(fields[0], "")}
		if _, ok := samples[k]; !ok {
			order = append(order, k)
		}
		samples[k] = append(samples[k], v)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	out := make([]microResult, 0, len(order))
	for _, k := range order {
		runs := samples[k]
		col := func(j int) float64 {
			xs := make([]float64, len(runs))
			for i, r := range runs {
				xs[i] = r[j]
			}
			return median(xs)
		}
		out = append(out, microResult{Package: k.pkg, Name: k.name, Runs: len(runs), NsPerOp: col(0), BytesPerOp: col(1), AllocsPerOp: col(2)})
	}
	return out, nil
}
