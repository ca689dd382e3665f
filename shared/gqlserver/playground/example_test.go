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

// Offer a demo login helper (development only): the page gets a user picker
// and a "Sign in" button that puts the demo issuer's token into GraphiQL's
// Authorization header. The handler proxies the token request at
// /playground/token, next to the assets.
func ExampleConfig_login() {
	pg := playground.Handler(playground.Config{
		Title:       "Frontdesk GraphQL",
		Endpoint:    "/graphql",
		AssetPrefix: "/playground/assets/",
		Login: &playground.Login{
			TokenURL: "http://127.0.0.1:3000/token", // called by the server only
			ClientID: "mobile-app",
			Users: []playground.LoginUser{
				{Subject: "usr_0001", Label: "Ada Lovelace (customer)"},
				{Subject: "usr_0196", Label: "An admin"},
			},
		},
	})

	mux := http.NewServeMux()
	mux.Handle("/playground", pg)
	mux.Handle("/playground/", pg) // assets and the token proxy
	_ = http.ListenAndServe("127.0.0.1:8080", mux)
}
