// Package app assembles bff-web's HTTP handler from its configuration and
// upstream clients; run and the resolver test kit both build it here.
package app

import (
	"log/slog"
	"net/http"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/loader"
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

// New returns bff-web's routes. identity, when not nil, runs before the
// loaders and puts the caller in the context (tests use it; without it the
// configured DevSubject, if any, is the caller).
func New(cfg config.Config, clients *upstream.Clients, logger *slog.Logger, ready *gqlserver.Readiness, identity func(http.Handler) http.Handler) http.Handler {
	es := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{
		OrdersAPI:    clients.Orders,
		UsersAPI:     clients.Users,
		CatalogAPI:   clients.Catalog,
		ReviewsAPI:   clients.Reviews,
		PaymentsAPI:  clients.Payments,
		InventoryAPI: clients.Inventory,
	}})
	if identity == nil && cfg.Caller() != "" {
		identity = auth.Static(auth.Principal{Subject: cfg.Caller(), Roles: []string{"admin", "support"}, ClientID: "web-admin"})
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
