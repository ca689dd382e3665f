// Command bench-anchor serves the plain-gqlgen anchor of the per-query
// benchmark (package benchanchor): bff-web's executable schema on a bare
// gqlgen handler with in-memory resolvers, answering the admin's order list.
// It is built and started by `make bench` (scripts/bench.sh, cpubench), not
// deployed.
//
// Environment: ADDR, the listen address (default 127.0.0.1:0, a free port).
// It prints "bench-anchor listening on http://<addr>/graphql" once it
// listens and serves POST /graphql, GET /metrics (the Go runtime's
// Prometheus metrics, for allocation counts) and GET /readyz until SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-anchor:", err)
		os.Exit(1)
	}
}
