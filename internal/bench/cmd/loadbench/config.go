package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// config is the parsed command line.
type config struct {
	bin      string        // directory of the built binaries
	clients  int           // concurrent clients of every run
	duration time.Duration // measured part of a run
	warmup   time.Duration // unmeasured start of a run
	rounds   int           // every variant of every scenario runs once per round
	latency  time.Duration // fixed latency of every demo service call
	micro    string        // `go test -bench` output to include; "" or a missing file: none
	out      string        // directory of the raw results
	doc      string        // markdown report
	homeDoc  string        // the mobile home operation
	webApp   string        // Go file declaring bff-web's ExampleQuery
	command  string        // how the run was started, for the report
	bffEnv   []string      // extra KEY=VALUE for every BFF
	only     []string      // scenarios to run; none: all
}

// envList is a repeatable KEY=VALUE flag.
type envList []string

func (l *envList) String() string { return strings.Join(*l, " ") }

func (l *envList) Set(v string) error {
	if k, _, ok := strings.Cut(v, "="); !ok || k == "" {
		return fmt.Errorf("%q: want KEY=VALUE", v)
	}
	*l = append(*l, v)
	return nil
}

// parseConfig reads the flags in args; help goes to output.
func parseConfig(args []string, output io.Writer) (config, error) {
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	fs.SetOutput(output)
	var c config
	fs.StringVar(&c.bin, "bin", "bin", "directory holding demo-services, bff-mobile and bff-web (make build)")
	fs.IntVar(&c.clients, "clients", 50, "concurrent clients (closed loop) of every run")
	fs.DurationVar(&c.duration, "duration", 8*time.Second, "measured duration of every run")
	fs.DurationVar(&c.warmup, "warmup", 2*time.Second, "unmeasured warm-up before every run")
	fs.IntVar(&c.rounds, "rounds", 3, "rounds; each runs every variant of every scenario once, alternating the order")
	fs.DurationVar(&c.latency, "latency", 5*time.Millisecond, "fixed latency injected on every demo service call (whole milliseconds)")
	fs.StringVar(&c.micro, "micro", "docs/bench/micro.txt", "`go test -bench -benchmem` output to include in the report (missing: none)")
	fs.StringVar(&c.out, "out", "docs/bench", "directory of the raw results (results.json)")
	fs.StringVar(&c.doc, "doc", "docs/benchmarks.md", "markdown report to write")
	fs.StringVar(&c.homeDoc, "home-doc", "bff-mobile/testdata/operations/home.graphql", "the mobile home operation")
	fs.StringVar(&c.webApp, "web-app", "bff-web/internal/app/app.go", "Go file declaring bff-web's ExampleQuery (the 50-order query)")
	fs.StringVar(&c.command, "command", "make bench", "the command to record in the report")
	fs.Var((*envList)(&c.bffEnv), "bff-env", "extra KEY=VALUE for every BFF (repeatable)")
	only := fs.String("scenarios", "", "comma-separated scenarios to run (home, orders, cached, ceiling); default all")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if *only != "" {
		c.only = strings.Split(*only, ",")
	}
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.clients < 1:
		return config{}, errors.New("-clients must be at least 1")
	case c.duration < time.Second || c.warmup < 0:
		return config{}, errors.New("-duration must be at least 1s and -warmup not negative")
	case c.rounds < 1:
		return config{}, errors.New("-rounds must be at least 1")
	case c.latency < 0 || c.latency%time.Millisecond != 0:
		return config{}, errors.New("-latency must be a whole, non-negative number of milliseconds")
	}
	return c, nil
}
