// Package graphtest is bff-web's resolver test kit: New starts the BFF
// in-process over the demo services and a test OIDC issuer and returns a
// gqlgen client, per-service call counters and a way to choose the caller
// (docs/testing.md).
package graphtest

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// DefaultStaff is the caller of a new kit: a seeded admin (also support).
const DefaultStaff = "usr_0196"

// New starts bff-web, with its production loader settings, over freshly
// seeded demo services, acting as DefaultStaff with a real token. opts
// shape the services (faults, replacement handlers).
func New(t testing.TB, opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	return NewWithConfig(t, nil, opts...)
}

// NewWithConfig is New with the BFF's configuration adjusted by configure
// (after the kit's own settings) before it starts.
func NewWithConfig(t testing.TB, configure func(*config.Config), opts ...servicestest.Option) *bfftest.Kit {
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
		logger := slog.New(slog.DiscardHandler)
		c, closeCache, err := bff.NewCache(cfg.Config, logger, nil)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = closeCache() })
		clients, err := upstream.New(cfg.Upstream, append(bff.UpstreamOptions(logger, nil), upstream.WithCache(c))...)
		if err != nil {
			return nil, err
		}
		h, err := app.New(context.Background(), cfg, clients, logger, &gqlserver.Readiness{}, nil)
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
		Caller:   auth.Principal{Subject: DefaultStaff, Roles: []string{"admin", "support"}},
	}, opts...)
}
