package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/app"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// operations are the mobile app's committed operations: the trusted
// documents, and the operation names metrics label requests by.
//
//go:embed testdata/operations/*.graphql
var operations embed.FS

// run starts bff-mobile and serves until ctx is done, then drains and returns.
func run(ctx context.Context, _ []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	docs, err := readAll(operations)
	if err != nil {
		return err
	}
	trusted, err := fs.Sub(operations, "testdata/operations")
	if err != nil {
		return err
	}
	return bff.Run(ctx, bff.Program{
		Name: app.Name, Config: cfg.Config, Getenv: getenv, Stdout: stdout,
		Operations: append(docs, app.ExampleQuery),
		Build: func(ctx context.Context, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, m *metrics.Metrics) (*bff.Handler, error) {
			return app.New(ctx, cfg, clients, logger, ready, m, trusted)
		},
	})
}

func readAll(fsys fs.FS) ([]string, error) {
	paths, err := fs.Glob(fsys, "testdata/operations/*.graphql")
	if err != nil {
		return nil, err
	}
	docs := make([]string, 0, len(paths))
	for _, p := range paths {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		docs = append(docs, string(b))
	}
	return docs, nil
}
