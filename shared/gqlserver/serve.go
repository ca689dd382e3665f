package gqlserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Readiness is a BFF's readiness flag: true once serving, false from the
// moment shutdown starts, so load balancers stop sending before the drain.
type Readiness struct{ ready atomic.Bool }

// Ready reports the flag.
func (r *Readiness) Ready() bool { return r.ready.Load() }

// after is the clock of the shutdown delay; tests replace it.
var after = time.After

// Serve serves h on ln until ctx is done, then shuts down gracefully:
// readiness turns false first; after cfg.ShutdownDelay (still serving, so
// load balancers can stop sending) the listener closes and idle keep-alive
// connections with it; requests already read finish within
// cfg.ShutdownTimeout. It returns nil after a clean shutdown.
func Serve(ctx context.Context, logger *slog.Logger, ln net.Listener, h http.Handler, cfg Config, ready *Readiness) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		MaxHeaderBytes:    ServerMaxHeaderBytes,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	ready.ready.Store(true)

	select {
	case err := <-errc:
		ready.ready.Store(false)
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	ready.ready.Store(false)
	logger.InfoContext(ctx, "shutting down", slog.Duration("shutdown_delay", cfg.ShutdownDelay), slog.Duration("drain_timeout", cfg.ShutdownTimeout))
	if cfg.ShutdownDelay > 0 {
		// Still serving, now unready: load balancers stop sending first.
		select {
		case <-after(cfg.ShutdownDelay):
		case err := <-errc:
			return fmt.Errorf("serving: %w", err)
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("draining requests: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

// ListenAndServe listens on addr, prints where name answers to stdout (the
// line `make run` shows and tests read), and serves h until ctx is done.
func ListenAndServe(ctx context.Context, logger *slog.Logger, name, addr string, h http.Handler, cfg Config, ready *Readiness, stdout io.Writer) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "%s listening on %s/graphql", name, base)
	if cfg.Playground {
		fmt.Fprintf(stdout, " (playground %s/playground)", base)
	}
	fmt.Fprintln(stdout)
	logger.InfoContext(ctx, "listening", slog.String("bff", name), slog.String("addr", ln.Addr().String()))
	return Serve(ctx, logger, ln, h, cfg, ready)
}
