// Command demo-services serves the demo OIDC issuer on 127.0.0.1:3000 and
// the six demo REST services (users, catalog, inventory, orders, reviews,
// payments) on 127.0.0.1:3001–3006.
//
// Usage:
//
//	demo-services [-addr-host 127.0.0.1] [-base-port 3001] [-ports issuer=4000,catalog=4002,…] [-issuer-url URL] [-faults spec]
//
// The fault spec (also read from DEMO_FAULTS) looks like
// "catalog=latency:5ms,jitter:1ms,error:0.1;orders=down".
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
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo-services:", err)
		os.Exit(1)
	}
}
