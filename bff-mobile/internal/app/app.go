// Package app assembles bff-mobile's HTTP handler from its configuration and
// upstream clients; run and the resolver test kit both build it here.
package app

import (
	"context"
	"io/fs"
	"log/slog"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph"
	"github.com/frontdesk/frontdesk/shared/authz"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Name is the BFF's name in logs and the playground.
const Name = "bff-mobile"

// ClientID is the client id of bff-mobile's frontend (the token's azp).
const ClientID = "mobile-app"

// Policy is the role every root field not marked @public needs (any one of them).
var Policy = authz.Policy{Roles: []string{"customer"}}

// DemoUsers are the seeded users the playground's login helper offers.
var DemoUsers = []playground.LoginUser{
	{Subject: "usr_0001", Label: "usr_0001 — Ada Lovelace (customer, pro)"},
	{Subject: "usr_0191", Label: "usr_0191 — a support agent (not a customer: refused)"},
}

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

// New returns bff-mobile's routes; ctx bounds the discovery of its OIDC issuer.
// m records its metrics (nil: none); trusted holds the app's committed
// operations (*.graphql at its root).
func New(ctx context.Context, cfg config.Config, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, m *metrics.Metrics, trusted fs.FS) (*bff.Handler, error) {
	return bff.NewHandler(ctx, bff.Options{
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
		Policy:       Policy,
		ClientID:     ClientID,
		DemoUsers:    DemoUsers,
		Metrics:      m,
		// The app's committed operations (testdata/operations): with
		// TRUSTED_DOCUMENTS_ONLY, forced on in production, only they run.
		TrustedDocuments: trusted,
	})
}
