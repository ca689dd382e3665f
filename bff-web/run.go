package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/telemetry"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// run starts bff-web and serves until ctx is done, then drains and returns.
func run(ctx context.Context, _ []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	logger := telemetry.NewLogger(stdout, cfg.Production(), cfg.LogLevel)
	clients, err := upstream.New(cfg.Upstream)
	if err != nil {
		return err
	}
	ready := &gqlserver.Readiness{}
	h, err := app.New(ctx, cfg, clients, logger, ready)
	if err != nil {
		return err
	}
	serveErr := gqlserver.ListenAndServe(ctx, logger, app.Name, cfg.Addr, h, cfg.Server, ready, stdout)
	return errors.Join(serveErr, h.Close())
}
