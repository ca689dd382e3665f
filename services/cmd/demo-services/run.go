package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/issuer"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/seed"
)

// shutdownTimeout bounds graceful shutdown.
const shutdownTimeout = 10 * time.Second

// run serves the issuer and every demo service until ctx is done, then
// shuts them down gracefully. It prints one "name URL" line per server to
// stdout, the issuer first.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := parseConfig(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stdout, nil))
	set, err := demo.New(demo.WithFaults(cfg.faults), demo.WithOpsOptions(ops.WithLogger(logger)))
	if err != nil {
		return fmt.Errorf("build services: %w", err)
	}

	names := append([]string{issuerName}, demo.Names()...)
	var servers []*http.Server
	var listeners []net.Listener
	defer func() {
		for _, ln := range listeners {
			_ = ln.Close() // already closed by Shutdown unless startup failed
		}
	}()
	for _, name := range names {
		addr := net.JoinHostPort(cfg.host, strconv.Itoa(cfg.ports[name]))
		ln, err := new(net.ListenConfig).Listen(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("listen for %s: %w", name, err)
		}
		listeners = append(listeners, ln)
		url := "http://" + ln.Addr().String()
		var h http.Handler
		if name == issuerName {
			if h, err = newIssuerHandler(cfg.issuerURL, url); err != nil {
				return err
			}
		} else {
			h = set.Handler(name)
		}
		servers = append(servers, newServer(h, logger))
		fmt.Fprintf(stdout, "%-9s %s\n", name, url)
	}

	errc := make(chan error, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Go(func() {
			if err := srv.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("serve %s: %w", names[i], err)
			}
		})
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	logger.InfoContext(ctx, "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	var shutdownErrs []error
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			shutdownErrs = append(shutdownErrs, fmt.Errorf("shutdown: %w", err))
		}
	}
	wg.Wait()
	return errors.Join(append([]error{serveErr}, shutdownErrs...)...)
}

// newIssuerHandler builds the demo OIDC issuer over the seeded users. Its
// URL is issuerURL, or listenURL (known only once listening) when that is
// empty.
func newIssuerHandler(issuerURL, listenURL string) (http.Handler, error) {
	if issuerURL == "" {
		issuerURL = listenURL
	}
	is, err := issuer.New(issuer.Config{IssuerURL: issuerURL, Users: issuer.UsersFrom(seed.New().Users)})
	if err != nil {
		return nil, fmt.Errorf("build issuer: %w", err)
	}
	return is.Handler(), nil
}

// newServer returns a server for h with explicit timeouts. WriteTimeout
// leaves room for the largest injectable latency.
func newServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      2*ops.MaxDelayMs*time.Millisecond + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}
