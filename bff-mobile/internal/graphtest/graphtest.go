// Package graphtest is bff-mobile's resolver test kit: New starts the BFF
// in-process over the demo services and a test OIDC issuer and returns a
// gqlgen client, per-service call counters and a way to choose the caller
// (docs/testing.md).
package graphtest

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/app"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// DefaultCustomer is the caller of a new kit: a seeded customer.
const DefaultCustomer = "usr_0001"

// New starts bff-mobile, with its production loader settings, over freshly
// seeded demo services, acting as DefaultCustomer with a real token. opts
// shape the services (faults, replacement handlers).
func New(t testing.TB, opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	return NewWithConfig(t, nil, opts...)
}

// NewWithConfig is New with the BFF's configuration adjusted by configure
// (after the kit's own settings) before it starts.
func NewWithConfig(t testing.TB, configure func(*config.Config), opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	return NewObserved(t, configure, slog.New(slog.DiscardHandler), nil, opts...)
}

// NewObserved is NewWithConfig with the BFF logging to logger and recording
// metrics in m (nil: none), for tests of its logs and metrics.
func NewObserved(t testing.TB, configure func(*config.Config), logger *slog.Logger, m *metrics.Metrics, opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	build := func(up upstream.Config, oidc auth.Config) (http.Handler, error) {
		cfg, err := config.Load(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		up.Timeout, up.MaxResponseBytes = cfg.Upstream.Timeout, cfg.Upstream.MaxResponseBytes
		cfg.Upstream = up
		cfg.OIDC.Issuer, cfg.OIDC.Audience = oidc.Issuer, oidc.Audience
		cfg.PlaygroundTokenURL = ""
		// Caching is off unless a test turns it on: call counts stay those of
		// the loaders alone.
		cfg.Cache.Enabled, cfg.Cache.Response = false, false
		if configure != nil {
			configure(&cfg)
		}
		c, closeCache, err := bff.NewCache(cfg.Config, logger, m)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = closeCache() })
		clients, err := upstream.New(cfg.Upstream, append(bff.UpstreamOptions(logger, m), upstream.WithCache(c))...)
		if err != nil {
			return nil, err
		}
		h, err := app.New(context.Background(), cfg, clients, logger, &gqlserver.Readiness{}, m, Operations())
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = h.Close() })
		return h, nil
	}
	return bfftest.Start(t, bfftest.Target{
		Build:    build,
		Audience: config.Defaults.Audience,
		ClientID: app.ClientID,
		Caller:   auth.Principal{Subject: DefaultCustomer, Roles: []string{"customer"}},
	}, opts...)
}

// Operations returns the mobile app's committed operations
// (bff-mobile/testdata/operations), the BFF's trusted documents.
func Operations() fs.FS {
	_, file, _, _ := runtime.Caller(0)
	return os.DirFS(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "operations"))
}
