// Package app assembles bff-mobile's HTTP handler from its configuration and
// upstream clients; run and the resolver test kit both build it here.
package app

import (
	"log/slog"
	"net/http"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Name is the BFF's name in logs and the playground.
const Name = "bff-mobile"

// ExampleQuery is the playground's starting document.
const ExampleQuery = `# The home screen in one round trip.
query Home {
  home {
    greeting
    recentOrders { id status total itemCount placedAt }
    featuredProducts { id name price thumbnailUrl inStock rating { average count } }
  }
}
`

// New returns bff-mobile's routes. identity, when not nil, runs before the
// loaders and puts the caller in the context (tests use it; without it the
// configured DevSubject, if any, is the caller).
func New(cfg config.Config, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, identity func(http.Handler) http.Handler) http.Handler {
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{
		CatalogAPI: clients.Catalog,
		OrdersAPI:  clients.Orders,
		ReviewsAPI: clients.Reviews,
	}})
	if identity == nil && cfg.Caller() != "" {
		identity = auth.Static(auth.Principal{Subject: cfg.Caller(), Roles: []string{"customer"}, ClientID: "mobile-app"})
	}
	var mw []func(http.Handler) http.Handler
	if identity != nil {
		mw = append(mw, identity)
	}
	mw = append(mw, loader.Middleware(cfg.Loader, loader.SourcesFrom(clients)))

	var pg http.Handler
	if cfg.Server.Playground {
		pg = playground.Handler(playground.Config{Title: Name, Endpoint: "/graphql", DefaultQuery: ExampleQuery})
	}
	return gqlserver.NewMux(gqlserver.Options{
		Name:       Name,
		GraphQL:    gqlserver.NewGraphQL(es, logger, cfg.Server),
		Middleware: mw,
		Playground: pg,
		Ready:      ready.Ready,
		Config:     cfg.Server,
	})
}
