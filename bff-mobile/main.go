// Command bff-mobile serves the compact GraphQL schema of the mobile app.
// Configuration comes from the environment (internal/config, docs/configuration.md).
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
		fmt.Fprintln(os.Stderr, "bff-mobile:", err)
		os.Exit(1)
	}
}
