package lookahead_test

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/frontdesk/frontdesk/shared/lookahead"
)

const schemaSDL = `
type Query {
  orders(first: Int): OrderConnection!
}

type OrderConnection {
  edges: [OrderEdge!]!
  pageInfo: PageInfo!
}

type PageInfo {
  hasNextPage: Boolean!
}

type OrderEdge {
  cursor: String!
  node: Order!
}

type Order {
  id: ID!
  customer: User!
  notes(first: Int = 3): [String!]!
}

type User {
  id: ID!
  name: String!
}
`

// fieldContext parses query against the test schema and returns a context as
// gqlgen gives the resolver of the operation's first root field.
func fieldContext(t *testing.T, query string) context.Context {
	t.Helper()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: schemaSDL})
	if err != nil {
		t.Fatalf("LoadSchema: %v", err)
	}
	// The default rules reject what gqlgen would reject before any resolver
	// runs, fragment cycles included.
	doc, errs := gqlparser.LoadQueryWithRules(schema, query, rules.NewDefaultRules())
	if len(errs) != 0 {
		t.Fatalf("LoadQuery(%s): %v", query, errs)
	}
	if len(doc.Operations) != 1 || len(doc.Operations[0].SelectionSet) == 0 {
		t.Fatalf("query %s: want one operation with a root field", query)
	}
	root, ok := doc.Operations[0].SelectionSet[0].(*ast.Field)
	if !ok {
		t.Fatalf("first root selection is %T, want *ast.Field", doc.Operations[0].SelectionSet[0])
	}
	ctx := graphql.WithOperationContext(t.Context(), &graphql.OperationContext{
		RawQuery:  query,
		Doc:       doc,
		Operation: doc.Operations[0],
	})
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{
		Object: "Query",
		Field:  graphql.CollectedField{Field: root, Selections: root.SelectionSet},
	})
}

func TestSelects(t *testing.T) {
	customerPath := []string{"edges", "node", "customer"}
	tests := []struct {
		name  string
		query string
		path  []string
		want  bool
	}{
		{
			name:  "direct path",
			query: `{ orders { edges { node { customer { name } } } } }`,
			path:  customerPath,
			want:  true,
		},
		{
			name:  "path to a leaf",
			query: `{ orders { edges { node { customer { name } } } } }`,
			path:  []string{"edges", "node", "customer", "name"},
			want:  true,
		},
		{
			name:  "missing field",
			query: `{ orders { edges { cursor } } }`,
			path:  []string{"pageInfo"},
			want:  false,
		},
		{
			name:  "partial path without the leaf",
			query: `{ orders { edges { node { id } } } }`,
			path:  customerPath,
			want:  false,
		},
		{
			name:  "partial path one level short",
			query: `{ orders { edges { node { customer { id } } } } }`,
			path:  []string{"edges", "node", "customer", "name"},
			want:  false,
		},
		{
			name:  "inline fragment with type condition",
			query: `{ orders { edges { node { id ... on Order { customer { id } } } } } }`,
			path:  customerPath,
			want:  true,
		},
		{
			name:  "inline fragment without type condition",
			query: `{ orders { ... { edges { node { customer { id } } } } } }`,
			path:  customerPath,
			want:  true,
		},
		{
			name: "named fragment spread",
			query: `{ orders { ...Conn } }
fragment Conn on OrderConnection { edges { node { customer { id } } } }`,
			path: customerPath,
			want: true,
		},
		{
			name: "named fragment spread without the path",
			query: `{ orders { ...Conn } }
fragment Conn on OrderConnection { edges { node { id } } }`,
			path: customerPath,
			want: false,
		},
		{
			name: "nested fragments",
			query: `{ orders { ... on OrderConnection { ...Edges } } }
fragment Edges on OrderConnection { edges { ...Node } }
fragment Node on OrderEdge { node { ... on Order { ...Customer } } }
fragment Customer on Order { customer { id } }`,
			path: customerPath,
			want: true,
		},
		{
			name: "path split between a field and a fragment",
			query: `{ orders { edges { cursor } ...More } }
fragment More on OrderConnection { edges { node { customer { name } } } }`,
			path: customerPath,
			want: true,
		},
		{
			name:  "same field selected twice, leaf in the second",
			query: `{ orders { edges { node { id } } edges { node { customer { id } } } } }`,
			path:  customerPath,
			want:  true,
		},
		{
			name:  "aliased fields match by name",
			query: `{ orders { e: edges { n: node { buyer: customer { id } } } } }`,
			path:  customerPath,
			want:  true,
		},
		{
			name:  "aliases are not names",
			query: `{ orders { e: edges { n: node { buyer: customer { id } } } } }`,
			path:  []string{"e", "n", "buyer"},
			want:  false,
		},
		{
			name:  "skipped field still counts",
			query: `{ orders { edges @skip(if: true) { node { customer { id } } } } }`,
			path:  customerPath,
			want:  true,
		},
		{
			name:  "empty path",
			query: `{ orders { pageInfo { hasNextPage } } }`,
			path:  nil,
			want:  true,
		},
		{
			name:  "root field name is not part of the path",
			query: `{ orders { edges { cursor } } }`,
			path:  []string{"orders", "edges"},
			want:  false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := fieldContext(t, tt.query)
			if got := lookahead.Selects(ctx, tt.path...); got != tt.want {
				t.Errorf("Selects(%q) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
}

func TestSelectsWithoutExecutionContext(t *testing.T) {
	const query = `{ orders { edges { node { customer { id } } } } }`
	tests := []struct {
		name string
		ctx  func(t *testing.T) context.Context
		path []string
	}{
		{
			name: "no field context",
			ctx: func(t *testing.T) context.Context {
				full := fieldContext(t, query)
				return graphql.WithOperationContext(t.Context(), graphql.GetOperationContext(full))
			},
			path: []string{"edges"},
		},
		{
			name: "no operation context",
			ctx: func(t *testing.T) context.Context {
				full := fieldContext(t, query)
				return graphql.WithFieldContext(t.Context(), graphql.GetFieldContext(full))
			},
			path: []string{"edges"},
		},
		{
			name: "operation context without a document",
			ctx: func(t *testing.T) context.Context {
				full := fieldContext(t, query)
				ctx := graphql.WithOperationContext(t.Context(), &graphql.OperationContext{RawQuery: query})
				return graphql.WithFieldContext(ctx, graphql.GetFieldContext(full))
			},
			path: []string{"edges"},
		},
		{
			name: "no context at all, empty path",
			ctx:  func(t *testing.T) context.Context { return t.Context() },
			path: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lookahead.Selects(tt.ctx(t), tt.path...); got {
				t.Errorf("Selects(%q) = true, want false", tt.path)
			}
		})
	}
}

func TestArguments(t *testing.T) {
	notes := []string{"edges", "node", "notes"}
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  []int // first of each selection of notes, in document order
	}{
		{"literal", `{ orders { edges { node { notes(first: 5) } } } }`, nil, []int{5}},
		{"default", `{ orders { edges { node { notes } } } }`, nil, []int{3}},
		{"variable", `query($n: Int) { orders { edges { node { notes(first: $n) } } } }`, map[string]any{"n": 7}, []int{7}},
		{"aliases", `{ orders { edges { node { a: notes(first: 1) b: notes(first: 2) } } } }`, nil, []int{1, 2}},
		{
			"fragment",
			`{ orders { edges { ...E } } }
fragment E on OrderEdge { node { notes(first: 4) } }`, nil, []int{4},
		},
		{"not selected", `{ orders { edges { node { id } } } }`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := fieldContext(t, tt.query)
			graphql.GetOperationContext(ctx).Variables = tt.vars
			var got []int
			for _, args := range lookahead.Arguments(ctx, notes...) {
				n, ok := args["first"].(int)
				if !ok {
					if n64, ok64 := args["first"].(int64); ok64 {
						n = int(n64)
					}
				}
				got = append(got, n)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("Arguments(%q) firsts = %v, want %v", notes, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("Arguments(%q) firsts = %v, want %v", notes, got, tt.want)
				}
			}
		})
	}
}
