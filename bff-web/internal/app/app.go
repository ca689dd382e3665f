// Package app assembles bff-web's HTTP handler from its configuration and
// upstream clients; run and the resolver test kit both build it here.
package app

import (
	"context"
	"log/slog"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph"
	"github.com/frontdesk/frontdesk/shared/authz"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Name is the BFF's name in logs and the playground.
const Name = "bff-web"

// ClientID is the client id of bff-web's frontend (the token's azp).
const ClientID = "web-admin"

// Policy is the role every root field not marked @public needs (any one of them).
var Policy = authz.Policy{Roles: []string{"support", "admin"}}

// DemoUsers are the seeded users the playground's login helper offers.
var DemoUsers = []playground.LoginUser{
	{Subject: "usr_0196", Label: "usr_0196 — an admin"},
	{Subject: "usr_0191", Label: "usr_0191 — a support agent (no admin changes)"},
	{Subject: "usr_0001", Label: "usr_0001 — Ada Lovelace (a customer: refused)"},
}

// ExampleQuery is the playground's starting document.
const ExampleQuery = `# The order list of the admin, with everything support needs per order.
query Orders {
  orders(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id status total { formatted } createdAt
        customer { id name email tier }
        items {
          quantity unitPrice { formatted }
          product { id name inventory { total warehouses { warehouse quantity } } }
        }
        payment { id status amount { formatted } refunded { formatted } }
      }
    }
  }
}
`

// New returns bff-web's routes; ctx bounds the discovery of its OIDC issuer.
// m records its metrics (nil: none).
func New(ctx context.Context, cfg config.Config, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, m *metrics.Metrics) (*bff.Handler, error) {
	return bff.NewHandler(ctx, bff.Options{
		Name: Name,
		Schema: graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{
			OrdersAPI:    clients.Orders,
			UsersAPI:     clients.Users,
			CatalogAPI:   clients.Catalog,
			ReviewsAPI:   clients.Reviews,
			PaymentsAPI:  clients.Payments,
			InventoryAPI: clients.Inventory,
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
	})
}
