package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// run starts bff-web and serves until ctx is done, then drains and returns.
func run(ctx context.Context, _ []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	return bff.Run(ctx, bff.Program{
		Name: app.Name, Config: cfg.Config, Getenv: getenv, Stdout: stdout,
		Operations: []string{app.ExampleQuery},
		Build: func(ctx context.Context, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, m *metrics.Metrics) (*bff.Handler, error) {
			return app.New(ctx, cfg, clients, logger, ready, m)
		},
	})
}
