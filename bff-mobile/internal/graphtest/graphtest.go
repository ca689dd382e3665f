// Package graphtest is bff-mobile's resolver test kit: New starts the BFF
// in-process over the demo services and returns a gqlgen client, per-service
// call counters and a way to choose the caller (docs/testing.md).
package graphtest

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/app"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// DefaultCustomer is the caller of a new kit: a seeded customer.
const DefaultCustomer = "usr_0001"

// New starts bff-mobile, with its production loader settings, over freshly
// seeded demo services, acting as
// DefaultCustomer. opts shape the services (faults, replacement handlers).
func New(t testing.TB, opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	return NewWithConfig(t, nil, opts...)
}

// NewWithConfig is New with the BFF's configuration adjusted by configure
// (after the kit's own settings) before it starts.
func NewWithConfig(t testing.TB, configure func(*config.Config), opts ...servicestest.Option) *bfftest.Kit {
	t.Helper()
	build := func(up upstream.Config, identity func(http.Handler) http.Handler) (http.Handler, error) {
		cfg, err := config.Load(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		up.Timeout, up.MaxResponseBytes = cfg.Upstream.Timeout, cfg.Upstream.MaxResponseBytes
		cfg.Upstream = up
		cfg.DevSubject = "anonymous" // the kit sets the caller itself
		if configure != nil {
			configure(&cfg)
		}
		clients, err := upstream.New(cfg.Upstream)
		if err != nil {
			return nil, err
		}
		logger := slog.New(slog.DiscardHandler)
		return app.New(cfg, clients, logger, &gqlserver.Readiness{}, identity), nil
	}
	return bfftest.Start(t, build, auth.Principal{Subject: DefaultCustomer, Roles: []string{"customer"}, ClientID: "mobile-app"}, opts...)
}
