package bff

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/telemetry"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/telemetry/tracing"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Build makes a BFF's handler once Run has its dependencies.
type Build func(ctx context.Context, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, m *metrics.Metrics) (*Handler, error)

// Program is what Run needs to know of a BFF binary.
type Program struct {
	Name   string
	Config Config
	Getenv func(string) string // for the OTEL_* variables
	Stdout io.Writer
	// Operations are the GraphQL documents whose operation names metrics
	// label by name; any other operation is "other".
	Operations []string
	Build      Build
}

// Run serves a BFF until ctx is done: its logger, tracing (when
// OTEL_EXPORTER_OTLP_ENDPOINT is set), metrics on METRICS_ADDR, the
// instrumented upstream clients and the handler from p.Build; then it
// drains, closes the handler and flushes traces.
func Run(ctx context.Context, p Program) (err error) {
	cfg := p.Config
	logger := telemetry.NewLogger(p.Stdout, cfg.Production(), cfg.LogLevel)
	shutdownTracing, err := tracing.Setup(ctx, p.Name, p.Getenv)
	if err != nil {
		return err
	}
	defer func() {
		flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		err = errors.Join(err, shutdownTracing(flush))
	}()

	names, err := metrics.OperationNames(p.Operations...)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(gqlerr.Codes))
	for c := range gqlerr.Codes {
		codes = append(codes, string(c))
	}
	slices.Sort(codes)
	m := metrics.New(metrics.Config{BFF: p.Name, Operations: names, Codes: codes})

	c, closeCache, err := NewCache(cfg, logger, m)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, closeCache()) }() // after the handler has drained
	clients, err := upstream.New(cfg.Upstream, append(UpstreamOptions(logger, m), upstream.WithCache(c))...)
	if err != nil {
		return err
	}
	ready := &gqlserver.Readiness{}
	h, err := p.Build(ctx, clients, logger, ready, m)
	if err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	if cfg.MetricsAddr != "off" {
		g.Go(func() error { return m.ListenAndServe(gctx, logger, cfg.MetricsAddr) })
	}
	g.Go(func() error {
		return gqlserver.ListenAndServe(gctx, logger, p.Name, cfg.Addr, h, cfg.Server, ready, p.Stdout)
	})
	return errors.Join(g.Wait(), h.Close())
}
