package graph_test

import "github.com/99designs/gqlgen/client"

// clientVars passes variables to a gqlgen test client request.
func clientVars(vars map[string]any) client.Option {
	return func(r *client.Request) { r.Variables = vars }
}
