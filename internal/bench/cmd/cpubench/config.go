package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/internal/bench/perquery"
)

// config is the parsed command line.
type config struct {
	bin            string   // directory of the built binaries
	anchor         string   // the anchor binary
	out            string   // directory of the raw results
	doc            string   // markdown page to splice the section into; "" none
	baseline       string   // the baseline figures
	recordBaseline bool     // write this run's figures as the baseline
	commit         string   // commit the binaries were built from; "" asks git
	homeDoc        string   // the mobile home operation
	webApp         string   // Go file declaring bff-web's ExampleQuery
	command        string   // how the run was started, for the report
	warmup         int      // unmeasured queries before each measured window
	orders         int      // measured queries of orders and the anchor
	home           int      // measured queries of home
	typename       int      // measured queries of { __typename }
	allocFactor    int      // allocation runs send this many times the queries
	instructions   bool     // count instructions (needs valgrind)
	reportOnly     bool     // measure nothing: re-render the results in out
	only           []string // scenarios to run; none: all
	dumps          string   // keep callgrind's dumps here ("": a temporary directory)
}

// parseConfig reads the flags in args; help goes to output.
func parseConfig(args []string, output io.Writer) (config, error) {
	fs := flag.NewFlagSet("cpubench", flag.ContinueOnError)
	fs.SetOutput(output)
	var c config
	fs.StringVar(&c.bin, "bin", "bin", "directory holding demo-services, bff-mobile and bff-web (make build)")
	fs.StringVar(&c.anchor, "anchor", "", "the anchor binary (default <bin>/bench-anchor)")
	fs.StringVar(&c.out, "out", "docs/bench", "directory of the raw results ("+perquery.File+"; results.json is updated when present)")
	fs.StringVar(&c.doc, "doc", "docs/benchmarks.md", "markdown page whose section to replace (\"\": none)")
	fs.StringVar(&c.baseline, "baseline", "docs/bench/"+perquery.BaselineFile, "baseline figures for the relative targets")
	fs.BoolVar(&c.recordBaseline, "record-baseline", false, "also write this run's figures to -baseline")
	fs.StringVar(&c.commit, "commit", "", "commit the binaries were built from (default: git rev-parse HEAD, and whether the tree is dirty)")
	fs.StringVar(&c.homeDoc, "home-doc", "bff-mobile/testdata/operations/home.graphql", "the mobile home operation")
	fs.StringVar(&c.webApp, "web-app", "bff-web/internal/app/app.go", "Go file declaring bff-web's ExampleQuery (the 50-order query)")
	fs.StringVar(&c.command, "command", "make bench", "the command to record in the report")
	fs.IntVar(&c.warmup, "warmup", 3, "unmeasured queries before each measured window")
	fs.IntVar(&c.orders, "orders", 60, "measured queries of orders(first: 50), on bff-web and on the anchor")
	fs.IntVar(&c.home, "home", 50, "measured queries of home")
	fs.IntVar(&c.typename, "typename", 50, "measured queries of { __typename }")
	fs.IntVar(&c.allocFactor, "alloc-factor", 10, "the allocation runs send this many times the queries (they are cheap)")
	fs.BoolVar(&c.instructions, "instructions", true, "count instructions under valgrind (false: allocations only)")
	fs.BoolVar(&c.reportOnly, "report-only", false, "measure nothing: hold the results in -out to the targets and -baseline again, and rewrite them and the page")
	fs.StringVar(&c.dumps, "dumps", "", "keep callgrind's dumps (cg.<pid>.<n>, one per measured window) in this directory, for callgrind_annotate")
	only := fs.String("scenarios", "", "comma-separated scenarios to run ("+strings.Join(scenarioNames, ", ")+"); default all")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if c.anchor == "" {
		c.anchor = filepath.Join(c.bin, "bench-anchor")
	}
	if *only != "" {
		c.only = strings.Split(*only, ",")
		for _, s := range c.only {
			if !slices.Contains(scenarioNames, s) {
				return config{}, fmt.Errorf("-scenarios: unknown scenario %q", s)
			}
		}
	}
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.warmup < 0:
		return config{}, errors.New("-warmup must not be negative")
	case c.orders < 1 || c.home < 1 || c.typename < 1:
		return config{}, errors.New("-orders, -home and -typename must be at least 1")
	case c.allocFactor < 1:
		return config{}, errors.New("-alloc-factor must be at least 1")
	}
	return c, nil
}
