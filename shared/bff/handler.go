package bff

import (
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Options assemble one BFF's handler.
type Options struct {
	Name         string                          // e.g. "bff-mobile"
	Schema       graphql.ExecutableSchema        // the BFF's generated schema with its resolvers
	Config       Config                          //
	Clients      *upstream.Clients               // behind the loaders
	Logger       *slog.Logger                    //
	Ready        *gqlserver.Readiness            // flips to false on shutdown
	ExampleQuery string                          // the playground's starting document
	DevCaller    auth.Principal                  // roles and client id of the development caller (Subject comes from Config)
	Identity     func(http.Handler) http.Handler // when not nil, puts the caller in the context (tests); else DevCaller in development
}

// NewHandler returns a BFF's routes (gqlserver.NewMux): the GraphQL endpoint
// behind the identity and per-request loader middleware, the playground when
// enabled, and the health endpoints.
func NewHandler(o Options) http.Handler {
	identity := o.Identity
	if identity == nil && o.Config.Caller() != "" {
		caller := o.DevCaller
		caller.Subject = o.Config.Caller()
		identity = auth.Static(caller)
	}
	var mw []func(http.Handler) http.Handler
	if identity != nil {
		mw = append(mw, identity)
	}
	mw = append(mw, loader.Middleware(o.Config.Loader, loader.SourcesFrom(o.Clients)))

	var pg http.Handler
	if o.Config.Server.Playground {
		pg = playground.Handler(playground.Config{Title: o.Name, Endpoint: "/graphql", DefaultQuery: o.ExampleQuery})
	}
	return gqlserver.NewMux(gqlserver.Options{
		Name:       o.Name,
		GraphQL:    gqlserver.NewGraphQL(o.Schema, o.Logger, o.Config.Server),
		Middleware: mw,
		Playground: pg,
		Ready:      o.Ready.Ready,
		Config:     o.Config.Server,
	})
}
