package bff

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authz"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/requestid"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Options assemble one BFF's handler.
type Options struct {
	Name         string                   // e.g. "bff-mobile"; also the realm of its 401 challenges
	Schema       graphql.ExecutableSchema // the BFF's generated schema with its resolvers
	Policy       authz.Policy             // the roles its root fields need
	Config       Config                   //
	Clients      *upstream.Clients        // behind the loaders
	Logger       *slog.Logger             //
	Ready        *gqlserver.Readiness     // flips to false on shutdown
	ExampleQuery string                   // the playground's starting document
	// ClientID and DemoUsers feed the playground's login helper (development
	// with PlaygroundTokenURL set): the token's client and the users offered.
	ClientID  string
	DemoUsers []playground.LoginUser
}

// NewHandler returns a BFF's routes (gqlserver.NewMux): the GraphQL endpoint
// behind token verification and the per-request loaders, with the
// authorization rules of o.Policy and the schema's directives; the
// playground when enabled; and the health endpoints. It discovers the OIDC
// issuer first (bounded by ctx and OIDC_HTTP_TIMEOUT) and fails when it
// cannot.
func NewHandler(ctx context.Context, o Options) (http.Handler, error) {
	verifier, err := auth.NewVerifier(ctx, o.Config.OIDC)
	if err != nil {
		return nil, err
	}
	gql := gqlserver.NewGraphQL(o.Schema, o.Logger, o.Config.Server)
	policy := authz.New(o.Policy)
	if err := policy.Validate(o.Schema); err != nil {
		return nil, fmt.Errorf("%s: %w", o.Name, err)
	}
	gql.Use(policy)

	var pg http.Handler
	if o.Config.Server.Playground {
		cfg := playground.Config{Title: o.Name, Endpoint: "/graphql", DefaultQuery: o.ExampleQuery}
		if o.Config.PlaygroundTokenURL != "" {
			cfg.Login = &playground.Login{TokenURL: o.Config.PlaygroundTokenURL, ClientID: o.ClientID, Users: o.DemoUsers}
		}
		if pg, err = playground.New(cfg); err != nil {
			return nil, fmt.Errorf("%s: playground: %w", o.Name, err)
		}
	}
	return gqlserver.NewMux(gqlserver.Options{
		Name:    o.Name,
		GraphQL: gql,
		Middleware: []func(http.Handler) http.Handler{
			requestid.Middleware,
			authz.Authenticate(verifier, o.Name, o.Logger),
			forward.Middleware(o.Config.Forward),
			loader.Middleware(o.Config.Loader, loader.SourcesFrom(o.Clients)),
		},
		Playground: pg,
		Ready:      o.Ready.Ready,
		Config:     o.Config.Server,
	}), nil
}
