package gqlserver

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestAcceptsMultipart(t *testing.T) {
	for _, tt := range []struct {
		accept []string
		want   bool
	}{
		{nil, false},
		{[]string{"application/json"}, false},
		{[]string{"multipart/mixed"}, true},
		{[]string{"multipart/mixed;deferSpec=20220824,application/json"}, true}, // Apollo Client
		{[]string{"application/graphql-response+json", "multipart/mixed; deferSpec=20220824; q=0.5"}, true},
		{[]string{"multipart/mixed;q=0"}, false},
		{[]string{"multipart/mixed;q=2"}, false},
		{[]string{"multipart/form-data"}, false},
		{[]string{"*/*"}, false}, // a wildcard does not ask for a stream
	} {
		if got := acceptsMultipart(tt.accept); got != tt.want {
			t.Errorf("acceptsMultipart(%q) = %v, want %v", tt.accept, got, tt.want)
		}
	}
}

func TestDefers(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { product: Product }
		type Product { id: ID! name: String! rating: Int }
	`})
	for _, tt := range []struct {
		query string
		vars  map[string]any
		want  bool
	}{
		{`{ product { id name } }`, nil, false},
		{`{ product { id ... @defer { rating } } }`, nil, true},
		{`{ product { id ... on Product { ... @defer(label: "r") { rating } } } }`, nil, true},
		{`{ product { id ...R @defer } } fragment R on Product { rating }`, nil, true},
		{`{ product { id ...R } } fragment R on Product { ... @defer { rating } }`, nil, true},
		{`{ product { id ...R } } fragment R on Product { rating }`, nil, false},
		{`{ product { id ... @defer(if: false) { rating } } }`, nil, false},
		{`query($d: Boolean!) { product { id ... @defer(if: $d) { rating } } }`, map[string]any{"d": false}, false},
		{`query($d: Boolean!) { product { id ... @defer(if: $d) { rating } } }`, map[string]any{"d": true}, true},
	} {
		doc, errs := gqlparser.LoadQueryWithRules(schema, tt.query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", tt.query, errs)
		}
		oc := &graphql.OperationContext{RawQuery: tt.query, Doc: doc, Variables: tt.vars}
		if got := defers(oc); got != tt.want {
			t.Errorf("defers(%s, %v) = %v, want %v", tt.query, tt.vars, got, tt.want)
		}
	}
}
