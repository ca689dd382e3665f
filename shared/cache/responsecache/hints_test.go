package responsecache

import (
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const testSchema = `
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

type Query {
  product(id: ID!): Product
  products: ProductConnection! @cacheControl(maxAge: 60)
  me: User @cacheControl(maxAge: 30, scope: PRIVATE)
  unhinted: Product! @cacheControl(maxAge: 0)
  version: String!
  motd: String! @cacheControl(maxAge: 300)
  node(id: ID!): Node @cacheControl(maxAge: 20)
}
interface Node { id: ID! }
type Product implements Node @cacheControl(maxAge: 120) {
  id: ID!
  name: String!
  stock: Int @cacheControl(maxAge: 5)
  owner: User
  tags: [Tag!]!
  related: [Product!]!
}
type Tag { name: String! }
type User implements Node @cacheControl(scope: PRIVATE, inheritMaxAge: true) {
  id: ID!
  name: String!
}
type ProductConnection @cacheControl(inheritMaxAge: true) { nodes: [Product!]! }
`

func TestPolicyOf(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphqls", Input: testSchema})
	h, err := readHints(schema)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		query   string
		want    policy
		comment string
	}{
		{"type hint", `{ product(id: 1) { id name } }`, policy{true, 120 * time.Second, false}, "leaves inherit"},
		{"lowest maxAge wins", `{ product(id: 1) { name stock } }`, policy{true, 5 * time.Second, false}, ""},
		{"field hint over type hint", `{ products { nodes { id } } }`, policy{true, 60 * time.Second, false}, "connection inherits 60, Product says 120"},
		{"private anywhere", `{ product(id: 1) { name owner { name } } }`, policy{true, 120 * time.Second, true}, "User inherits 120 and is private"},
		{"private root", `{ me { name } }`, policy{true, 30 * time.Second, true}, ""},
		{"object without hint", `{ product(id: 1) { tags { name } } }`, policy{}, "Tag has none"},
		{"root leaf without hint", `{ version }`, policy{}, ""},
		{"root leaf with hint", `{ motd __typename }`, policy{true, 300 * time.Second, false}, ""},
		{"maxAge 0", `{ unhinted { id } }`, policy{}, ""},
		{"one uncacheable field", `{ motd version }`, policy{}, ""},
		{"fragments count", `query { ...F } fragment F on Query { product(id: 1) { ...P } } fragment P on Product { stock }`, policy{true, 5 * time.Second, false}, ""},
		{"inline fragments count, also unmatched ones", `{ node(id: 1) { id ... on User { name } ... on Product { stock } } }`, policy{true, 5 * time.Second, true}, ""},
		{"skipped fields count", `{ product(id: 1) { name tags @skip(if: true) { name } } }`, policy{}, "errs on the side of caching less"},
		{"introspection", `{ __schema { queryType { name } } }`, policy{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, c.query, nil)
			if errs != nil {
				t.Fatalf("query: %v", errs)
			}
			if got := h.policyOf(doc.Operations[0]); got != c.want {
				t.Errorf("policy = %+v, want %+v (%s)", got, c.want, c.comment)
			}
		})
	}
}

func TestReadHintsRejectsBadArguments(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "bad.graphqls", Input: `
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT
type Query { a: Int @cacheControl(maxAge: -1) }`})
	if _, err := readHints(schema); err == nil {
		t.Error("a negative maxAge was accepted")
	}
}
