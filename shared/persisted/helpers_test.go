package persisted_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// testSDL fits the operations under testdata/operations.
const testSDL = `
type Query {
  me: User
  products(first: Int = 20): ProductConnection!
  product(id: ID!): Product
  order(id: ID!): Order
}
type User { id: ID! name: String orders: [Order!]! }
type Product { id: ID! name: String! price: Int! }
type ProductConnection { totalCount: Int! }
type Order { id: ID! total: Int! }
`

var testSchema = gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphqls", Input: testSDL})

// mockSchema is an executable schema over schema whose Exec counts its
// calls and records the query it ran.
type mockSchema struct {
	graphql.ExecutableSchemaMock
	execs atomic.Int64
	query atomic.Value
}

func newMockSchema(schema *ast.Schema) *mockSchema {
	m := &mockSchema{}
	m.SchemaFunc = func() *ast.Schema { return schema }
	m.ComplexityFunc = func(context.Context, string, string, int, map[string]any) (int, bool) { return 0, false }
	m.ExecFunc = func(ctx context.Context) graphql.ResponseHandler {
		m.execs.Add(1)
		m.query.Store(graphql.GetOperationContext(ctx).RawQuery)
		return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"ok":true}`)})
	}
	return m
}

// newServer returns a gqlgen server over testSchema using exts, with
// frontdesk's presenter.
func newServer(t testing.TB, exts ...graphql.HandlerExtension) (*handler.Server, *mockSchema) {
	t.Helper()
	es := newMockSchema(testSchema)
	srv := handler.New(es)
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(gqlerr.Presenter(slog.New(slog.DiscardHandler)))
	for _, e := range exts {
		srv.Use(e)
	}
	return srv, es
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func post(t testing.TB, srv http.Handler, body map[string]any) response {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var resp response
	if err := json.NewDecoder(strings.NewReader(string(raw))).Decode(&resp); err != nil {
		t.Fatalf("decoding %q: %v", raw, err)
	}
	return resp
}

// pq returns the extensions of a persisted request for id.
func pq(id string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": json.Number("1"), "sha256Hash": id}}
}

func codeOf(err *gqlerror.Error) string {
	if err == nil {
		return ""
	}
	code, _ := err.Extensions["code"].(string)
	return code
}
