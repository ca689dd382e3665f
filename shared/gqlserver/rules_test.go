package gqlserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

// TestValidationRulesSuggestNothing: no validation error names a field,
// argument, type or enum value the client did not write.
func TestValidationRulesSuggestNothing(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		enum Status { PAID SHIPPED }
		type Product { id: ID! name: String! }
		type Query { product(id: ID!): Product  products(status: Status): [Product!]! }
	`})
	es := &graphql.ExecutableSchemaMock{
		SchemaFunc:     func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) { return 0, false },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{}`)})
		},
	}
	tests := []struct{ name, query, want string }{
		{"field", `{ prodcut(id: "1") { id } }`, `Cannot query field \"prodcut\" on type \"Query\".`},
		{"argument", `{ product(idd: "1") { id } }`, `Unknown argument \"idd\" on field \"Query.product\".`},
		{"type", `query($id: Idd!) { product(id: $id) { id } }`, `Unknown type \"Idd\".`},
		{"enum value", `{ products(status: PAIDD) { id } }`, `Value \"PAIDD\" does not exist in \"Status\" enum.`},
		{"scalar leaf", `{ product(id: "1") }`, `Field \"product\" of type \"Product\" must have a selection of subfields.`},
	}
	for _, disable := range []bool{false, true} {
		srv := handler.New(es)
		srv.AddTransport(transport.POST{})
		srv.SetValidationRulesFn(gqlserver.ValidationRules)
		srv.SetDisableSuggestion(disable)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s, SetDisableSuggestion(%v)", tt.name, disable), func(t *testing.T) {
				body, _ := json.Marshal(map[string]string{"query": tt.query})
				req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				got := rec.Body.String()
				if strings.Contains(got, "Did you mean") || !strings.Contains(got, "GRAPHQL_VALIDATION_FAILED") {
					t.Errorf("answer %s", got)
				}
				if !strings.Contains(got, tt.want) {
					t.Errorf("answer %s lacks %s", got, tt.want)
				}
			})
		}
	}
}
