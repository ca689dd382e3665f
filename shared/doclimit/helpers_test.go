package doclimit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// testSDL is a small schema with the shapes the limits care about:
// recursion (friends), pages (first/last), nested input objects and lists.
const testSDL = `
type Query {
  me: User
  product(id: ID!): Product
  products(first: Int = 20, after: String, filter: ProductFilter): ProductConnection!
  node(id: ID!): Node
}
type Mutation { placeOrder(items: [OrderItemInput!]!): Order }
interface Node { id: ID! }
type User implements Node {
  id: ID!
  name: String
  friends(first: Int, last: Int): [User!]!
  orders(first: Int = 10): OrderConnection!
}
type Product implements Node { id: ID! name: String! price: Int! related(first: Int = 5): [Product!]! }
type ProductConnection { totalCount: Int! edges: [ProductEdge!]! }
type ProductEdge { cursor: String! node: Product! }
type Order { id: ID! items: [OrderItem!]! }
type OrderItem { quantity: Int! product: Product! }
type OrderConnection { edges: [OrderEdge!]! }
type OrderEdge { node: Order! }
input ProductFilter { minPrice: Int maxPrice: Int tags: [String!] ids: [Int!] and: [ProductFilter!] }
input OrderItemInput { productId: ID! quantity: Int! }
`

var testSchema = gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphqls", Input: testSDL})

// mockSchema is an executable schema over testSchema whose Exec counts
// its calls and answers {"ok":true}.
func mockSchema(execs *atomic.Int64) *graphql.ExecutableSchemaMock {
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return testSchema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 0, false
		},
		ExecFunc: func(context.Context) graphql.ResponseHandler {
			execs.Add(1)
			return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"ok":true}`)})
		},
	}
}

// newExtension returns the Extension of cfg over testSchema.
func newExtension(t testing.TB, cfg doclimit.Config) *doclimit.Extension {
	t.Helper()
	ext, err := doclimit.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var execs atomic.Int64
	if err := ext.Validate(mockSchema(&execs)); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return ext
}

func check(ext *doclimit.Extension, query, operationName string, vars map[string]any) *gqlerror.Error {
	return ext.MutateOperationParameters(context.Background(), &graphql.RawParams{
		Query: query, OperationName: operationName, Variables: vars,
	})
}

// codeOf returns the `extensions.code` of err, "" for none.
func codeOf(err *gqlerror.Error) string {
	if err == nil {
		return ""
	}
	code, _ := err.Extensions["code"].(string)
	return code
}

// assertRejection checks err against a wanted code and, for
// QUERY_LIMIT_EXCEEDED, the limit named and the value measured (-1: any).
func assertRejection(t *testing.T, err *gqlerror.Error, code string, limit doclimit.Limit, value int) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("rejected: %v (%v)", err, err.Extensions)
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted, want %s", code)
	}
	if got := codeOf(err); got != code {
		t.Fatalf("code %q (%s), want %q", got, err.Message, code)
	}
	if code != string(doclimit.CodeQueryLimitExceeded) {
		return
	}
	le, ok := errors.AsType[*doclimit.LimitError](err)
	if !ok {
		t.Fatalf("%v: no *LimitError inside", err)
	}
	if le.Limit != limit || err.Extensions["limit"] != string(limit) {
		t.Fatalf("limit %q (extensions %v), want %q", le.Limit, err.Extensions["limit"], limit)
	}
	if value >= 0 && le.Value != value {
		t.Fatalf("value %d, want %d (%s)", le.Value, value, err.Message)
	}
	if !strings.Contains(err.Message, fmt.Sprintf("exceeds the limit of %d", le.Max)) {
		t.Fatalf("message %q does not name the limit %d", err.Message, le.Max)
	}
	pub, ok := errors.AsType[*gqlerr.Error](err)
	if !ok || pub.Code != doclimit.CodeQueryLimitExceeded || pub.Message != err.Message {
		t.Fatalf("%v: no public *gqlerr.Error with the same code and message inside", err)
	}
}

// nest returns a query whose fields nest depth levels: me, then
// friends depth-2 times, then id.
func nest(depth int) string {
	return "{ me " + strings.Repeat("{ friends ", depth-2) + "{ id }" + strings.Repeat(" }", depth-2) + " }"
}

// fanout returns a query spreading F<levels>, where F<n> spreads F<n-1>
// twice and F0 selects two fields: 2^(levels+1) fields after expansion
// from about 10 tokens per level.
func fanout(levels int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query Fan { me { ...F%d } }\nfragment F0 on User { id name }\n", levels)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "fragment F%d on User { ...F%d ...F%d }\n", i, i-1, i-1)
	}
	return b.String()
}

// aliases returns a query of n aliased fields below one root field.
func aliases(n int) string {
	var b strings.Builder
	b.WriteString("{ me {")
	for i := range n {
		fmt.Fprintf(&b, " a%d: id", i)
	}
	b.WriteString(" } }")
	return b.String()
}

// inlineNest returns a query with n id fields inside depth nested inline
// fragments: validation compares the fields pairwise once per level.
func inlineNest(depth, n int) string {
	return "{ me { " + strings.Repeat("... on User { ", depth) + strings.Repeat("id ", n) + strings.Repeat("} ", depth) + "} }"
}

// repeat returns "{ " + n copies of sel + " }".
func repeat(sel string, n int) string {
	return "{ " + strings.TrimSpace(strings.Repeat(sel+" ", n)) + " }"
}

// server is a gqlgen server over mockSchema with the limits of cfg, the
// frontdesk presenter and a query cache that counts lookups: gqlgen looks
// a document up before parsing it, so a request rejected by the limits
// leaves the count alone.
type server struct {
	srv     *handler.Server
	lookups atomic.Int64
	execs   atomic.Int64
	cache   *lru.LRU[*ast.QueryDocument]
}

func (s *server) Get(ctx context.Context, key string) (*ast.QueryDocument, bool) {
	s.lookups.Add(1)
	return s.cache.Get(ctx, key)
}

func (s *server) Add(ctx context.Context, key string, doc *ast.QueryDocument) {
	s.cache.Add(ctx, key, doc)
}

func newServer(t testing.TB, cfg doclimit.Config) *server {
	t.Helper()
	s := &server{cache: lru.New[*ast.QueryDocument](100)}
	s.srv = handler.New(doclimit.ClampPages(mockSchema(&s.execs), cfg.MaxPageSize))
	s.srv.AddTransport(transport.POST{})
	s.srv.SetQueryCache(s)
	s.srv.SetErrorPresenter(gqlerr.Presenter(slog.New(slog.DiscardHandler)))
	ext, err := doclimit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := doclimit.NewComplexityLimit(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.srv.Use(ext)
	s.srv.Use(cl)
	return s
}

type response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// post sends one request body and decodes the answer.
func (s *server) post(t testing.TB, body string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.srv.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	var resp response
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&resp); err != nil {
		t.Fatalf("decoding %q: %v", raw, err)
	}
	return resp
}

// body returns a request body of query and variables.
func body(t testing.TB, query string, vars map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
