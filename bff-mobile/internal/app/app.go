// Package app assembles bff-mobile's HTTP handler from its configuration and
// upstream clients; run and the resolver test kit both build it here.
package app

import (
	"log/slog"
	"net/http"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
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

// New returns bff-mobile's routes. identity, when not nil, puts the caller in
// the context (tests use it); without it development acts as the configured
// DEV_SUBJECT.
func New(cfg config.Config, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, identity func(http.Handler) http.Handler) http.Handler {
	return bff.NewHandler(bff.Options{
		Name: Name,
		Schema: graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{
			CatalogAPI: clients.Catalog,
			OrdersAPI:  clients.Orders,
			ReviewsAPI: clients.Reviews,
		}}),
		Config:       cfg.Config,
		Clients:      clients,
		Logger:       logger,
		Ready:        ready,
		ExampleQuery: ExampleQuery,
		DevCaller:    auth.Principal{Roles: []string{"customer"}, ClientID: "mobile-app"},
		Identity:     identity,
	})
}
