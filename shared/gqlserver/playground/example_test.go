package playground_test

import (
	"net/http"

	"github.com/frontdesk/frontdesk/shared/gqlserver/playground"
)

// Mount the playground page at /playground and its embedded assets under
// /playground/assets/, next to the GraphQL endpoint.
func ExampleHandler() {
	graphqlHandler := http.NotFoundHandler() // the real GraphQL server

	pg := playground.Handler(playground.Config{
		Title:       "Frontdesk GraphQL",
		Endpoint:    "/graphql",
		AssetPrefix: "/playground/assets/",
		// Optional: what a login helper would pre-fill.
		DefaultQuery:   "{ __typename }",
		DefaultHeaders: `{"Authorization": "Bearer <token>"}`,
	})

	mux := http.NewServeMux()
	mux.Handle("/graphql", graphqlHandler)
	mux.Handle("/playground", pg)
	mux.Handle("/playground/assets/", pg)
	_ = http.ListenAndServe("127.0.0.1:8080", mux)
}
