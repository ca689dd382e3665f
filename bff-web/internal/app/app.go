// Package app assembles bff-web's HTTP handler from its configuration and
// upstream clients; run and the resolver test kit both build it here.
package app

import (
	"log/slog"
	"net/http"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Name is the BFF's name in logs and the playground.
const Name = "bff-web"

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

// New returns bff-web's routes. identity, when not nil, puts the caller in
// the context (tests use it); without it development acts as the configured
// DEV_SUBJECT.
func New(cfg config.Config, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, identity func(http.Handler) http.Handler) http.Handler {
	return bff.NewHandler(bff.Options{
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
		DevCaller:    auth.Principal{Roles: []string{"admin", "support"}, ClientID: "web-admin"},
		Identity:     identity,
	})
}
