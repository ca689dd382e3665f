package doclimit_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/frontdesk/frontdesk/shared/doclimit"
)

const (
	limitCode      = string(doclimit.CodeQueryLimitExceeded)
	parseCode      = errcode.ParseFailed
	validationCode = errcode.ValidationFailed
)

// varQuery declares a variable of each shape the Int check follows.
const varQuery = `query Q($n: Int, $s: String, $f: Float, $filter: ProductFilter, $ids: [Int!], $items: [OrderItemInput!]) { me { id } }`

func TestDocumentLimits(t *testing.T) {
	mobile := doclimit.Mobile()
	with := func(change func(*doclimit.Config)) doclimit.Config {
		c := doclimit.Mobile()
		change(&c)
		return c
	}
	tests := []struct {
		name  string
		cfg   doclimit.Config // zero: Mobile()
		query string
		code  string
		limit doclimit.Limit
		value int // -1: not measured
	}{
		{name: "screen-sized operation passes", query: `query Home { me { id name } products(first: 6) { totalCount edges { node { id name price } } } }`},
		{name: "empty document is left to gqlgen", query: ``},
		{name: "unknown fragment is left to validation", query: `{ me { ...Nope } }`},

		{name: "depth at the limit", query: nest(10)},
		{name: "depth one over", query: nest(11), code: limitCode, limit: doclimit.Depth, value: 11},
		{name: "deep nesting", query: nest(600), code: limitCode, limit: doclimit.Depth, value: 600},
		{name: "nesting past the parser's guard", cfg: with(func(c *doclimit.Config) { c.MaxTokens = 10_000 }),
			query: nest(1500), code: limitCode, limit: doclimit.Depth, value: -1},
		{name: "depth counts through fragments",
			query: `{ me { ...F } } fragment F on User { friends { ...G } } fragment G on User ` + nest(10)[len("{ me "):len(nest(10))-2],
			code:  limitCode, limit: doclimit.Depth, value: 11},
		{name: "inline fragments add no depth", cfg: with(func(c *doclimit.Config) { c.MaxDepth = 3 }),
			query: `{ me { ... on User { ... on User { friends { id } } } } }`},

		{name: "1 MB query stops at the token limit", query: "{" + strings.Repeat(" me", 350_000) + " }",
			code: limitCode, limit: doclimit.Tokens, value: -1},
		{name: "10,000 aliases stop at the token limit", query: aliases(10_000), code: limitCode, limit: doclimit.Tokens, value: -1},
		{name: "10,000 aliases under a raised token limit", cfg: with(func(c *doclimit.Config) { c.MaxTokens = 100_000; c.MaxSelections = 100_000 }),
			query: aliases(10_000), code: limitCode, limit: doclimit.Aliases, value: 10_000},
		{name: "aliases at the limit", query: aliases(30)},
		{name: "aliases one over", query: aliases(31), code: limitCode, limit: doclimit.Aliases, value: 31},
		{name: "introspection 15 deep (GraphiQL's) takes its own depth", query: introspection(10, "")},
		{name: "introspection one over its own depth", query: introspection(11, ""), code: limitCode, limit: doclimit.Depth, value: 16},
		{name: "introspection beside a screen field takes the screen's depth", query: introspection(10, "me { id }"),
			code: limitCode, limit: doclimit.Depth, value: 15},
		{name: "web takes more tokens", cfg: doclimit.Web(), query: nest(15)},
		{name: "web depth one over", cfg: doclimit.Web(), query: nest(16), code: limitCode, limit: doclimit.Depth, value: 16},

		{name: "root fields at the limit", query: repeat("me { id }", 10)},
		{name: "root fields one over", query: repeat("me { id }", 11), code: limitCode, limit: doclimit.RootFields, value: 11},
		{name: "root fields through fragments on the root type",
			query: `{ ...Q ... on Query { me { id } } } fragment Q on Query ` + repeat("me { id }", 10),
			code:  limitCode, limit: doclimit.RootFields, value: 11},

		{name: "operations at the limit", query: strings.Repeat("query Q { me { id } } ", 5)},
		{name: "operations one over", query: strings.Repeat("query Q { me { id } } ", 6),
			code: limitCode, limit: doclimit.Operations, value: 6},
		{name: "fragments one over", query: func() string {
			q := `{ me { id } }`
			for i := range 51 {
				q += fmt.Sprintf(" fragment F%d on User { id }", i)
			}
			return q
		}(), code: limitCode, limit: doclimit.Fragments, value: 51},
		{name: "directives at the limit", query: "{ me " + repeat("id @include(if: true)", 50) + " }"},
		{name: "directives one over", query: "{ me " + repeat("id @include(if: true)", 51) + " }",
			code: limitCode, limit: doclimit.Directives, value: 51},
		{name: "directives count wherever written", cfg: with(func(c *doclimit.Config) { c.MaxDirectives = 6 }),
			query: `query Q($v: Int @d) @d { me @d { ...F @d ... on User @d { id } } } fragment F on User @d { id @d }`,
			code:  limitCode, limit: doclimit.Directives, value: 7},

		{name: "fragment cycle", query: `{ me { ...A } } fragment A on User { ...B } fragment B on User { friends { ...A } }`,
			code: validationCode},
		{name: "fragment spreading itself", query: `{ me { ...A } } fragment A on User { id ...A }`, code: validationCode},
		{name: "cycle in an unused fragment", query: `{ me { id } } fragment A on User { ...A }`, code: validationCode},

		{name: "exponential fragment fan-out", query: fanout(30), code: limitCode, limit: doclimit.Selections, value: 1 + 1<<31},
		{name: "fan-out saturates instead of overflowing", cfg: with(func(c *doclimit.Config) { c.MaxFragments = 100 }),
			query: fanout(70), code: limitCode, limit: doclimit.Selections, value: math.MaxInt},
		{name: "fan-out in an unused fragment", query: `{ me { id } }` + fanout(30)[len("query Fan { me { ...F30 } }"):],
			code: limitCode, limit: doclimit.Selections, value: 1 << 32}, // every fragment on its own: 2 + 4 + … + 2^31, plus the operation's 2
		{name: "unused fragments count as operations", query: func() string {
			q := "{ me { id } } fragment F0 on User { id name }"
			for i := 1; i <= 9; i++ { // F9: 1,022 distinct selections
				q += fmt.Sprintf(" fragment F%d on User { a%d: friends { ...F%d } b%d: friends { ...F%d } }", i, i, i-1, i, i-1)
			}
			q += " fragment G on User { f { ...F9 } } fragment H on User { f { ...F9 } }"
			return q
		}(), code: limitCode, limit: doclimit.Selections, value: -1},
		{name: "selections at the limit", cfg: with(func(c *doclimit.Config) { c.MaxSelections = 100 }),
			query: "{ me " + repeat("id", 99) + " }"},
		{name: "selections one over", cfg: with(func(c *doclimit.Config) { c.MaxSelections = 100 }),
			query: "{ me " + repeat("id", 100) + " }", code: limitCode, limit: doclimit.Selections, value: 101},
		{name: "selections add up across operations", cfg: with(func(c *doclimit.Config) { c.MaxSelections = 100 }),
			query: "query A { me " + repeat("id", 49) + " } query B { me " + repeat("id", 50) + " }",
			code:  limitCode, limit: doclimit.Selections, value: 101},

		{name: "repeated fields", query: "{ me " + repeat("id", 1990) + " }",
			code: limitCode, limit: doclimit.FieldComparisons, value: -1},
		{name: "repeated fields at the limit", query: "{ me " + repeat("id", 100) + " }"},
		{name: "repeated fields one over", query: "{ me " + repeat("id", 101) + " }",
			code: limitCode, limit: doclimit.FieldComparisons, value: 101 * 100 / 2},
		{name: "repeated fields nested in repeated fields",
			query: "{ me " + repeat("friends "+repeat("friends "+repeat("friends { id }", 4), 10), 10) + " }",
			code:  limitCode, limit: doclimit.FieldComparisons, value: -1},
		{name: "inline fragments nested around repeated fields",
			query: inlineNest(10, 40),
			code:  limitCode, limit: doclimit.FieldComparisons, value: -1},
		{name: "the same fields without the inline fragments", query: "{ me " + repeat("id", 40) + " }"},
		{name: "repeated fields in an unused fragment", query: "{ me { id } } fragment F on User " + repeat("id", 200),
			code: limitCode, limit: doclimit.FieldComparisons, value: -1},
		{name: "repeated fields in a second definition of a fragment", query: "{ me { ...F } } fragment F on User { id } fragment F on User " + repeat("id", 200),
			code: limitCode, limit: doclimit.FieldComparisons, value: -1},
		{name: "overlapping fragments", query: func() string {
			q := "{ me {"
			for i := range 10 {
				q += fmt.Sprintf(" ...F%d", i)
			}
			q += " } }"
			for i := range 10 {
				q += fmt.Sprintf(" fragment F%d on User { id name }", i)
			}
			return q
		}()},

		{name: "syntax error", query: `{ me { id }`, code: parseCode},
		{name: "invalid UTF-8", query: "{ me { id \xff } }", code: parseCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg == (doclimit.Config{}) {
				cfg = mobile
			}
			err := check(newExtension(t, cfg), tt.query, "", nil)
			assertRejection(t, err, tt.code, tt.limit, tt.value)
		})
	}
}

func TestVariableLimits(t *testing.T) {
	list := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = json.Number("1")
		}
		return out
	}
	small := doclimit.Mobile()
	small.MaxVariablesBytes = 100
	tests := []struct {
		name     string
		cfg      doclimit.Config // zero: Mobile()
		query    string          // empty: varQuery
		opName   string
		vars     map[string]any
		code     string
		limit    doclimit.Limit
		value    int
		wantPath string // of a validation error
	}{
		{name: "no variables", vars: nil},
		{name: "variables at the size limit", cfg: small, vars: map[string]any{"s": strings.Repeat("x", 92)}},
		{name: "variables one byte over", cfg: small, vars: map[string]any{"s": strings.Repeat("x", 93)},
			code: limitCode, limit: doclimit.VariableBytes, value: -1},
		{name: "big variables", vars: map[string]any{"s": strings.Repeat("x", 70_000)},
			code: limitCode, limit: doclimit.VariableBytes, value: -1},
		{name: "many small variables", vars: func() map[string]any {
			m := map[string]any{}
			for i := range 10_000 {
				m[fmt.Sprint("v", i)] = strings.Repeat("y", 10)
			}
			return m
		}(), code: limitCode, limit: doclimit.VariableBytes, value: -1},
		{name: "big variables without a document", query: "-", vars: map[string]any{"s": strings.Repeat("x", 70_000)},
			code: limitCode, limit: doclimit.VariableBytes, value: -1},
		{name: "list at the limit", vars: map[string]any{"ids": list(100)}},
		{name: "long list", vars: map[string]any{"ids": list(101)}, code: limitCode, limit: doclimit.ListLength, value: 101},
		{name: "long list inside an input object", vars: map[string]any{"filter": map[string]any{"and": []any{map[string]any{"tags": make([]any, 5000)}}}},
			code: limitCode, limit: doclimit.ListLength, value: 5000},

		{name: "Int bounds pass", vars: map[string]any{"n": json.Number("2147483647"), "ids": []any{json.Number("-2147483648")}}},
		{name: "64-bit Int", vars: map[string]any{"n": json.Number("4294967296")}, code: validationCode, wantPath: "variable.n"},
		{name: "2^31", vars: map[string]any{"n": json.Number("2147483648")}, code: validationCode, wantPath: "variable.n"},
		{name: "below -2^31", vars: map[string]any{"n": json.Number("-2147483649")}, code: validationCode, wantPath: "variable.n"},
		{name: "beyond 64 bits", vars: map[string]any{"n": json.Number("1000000000000000000000000000000")}, code: validationCode, wantPath: "variable.n"},
		{name: "64-bit Int as a float", vars: map[string]any{"n": float64(1e10)}, code: validationCode, wantPath: "variable.n"},
		{name: "64-bit Int written as a string", vars: map[string]any{"n": "4294967296"}, code: validationCode, wantPath: "variable.n"},
		{name: "64-bit Int in an input object", vars: map[string]any{"filter": map[string]any{"minPrice": json.Number("9007199254740993")}},
			code: validationCode, wantPath: "variable.filter.minPrice"},
		{name: "64-bit Int in a nested input object", vars: map[string]any{"filter": map[string]any{"and": []any{map[string]any{}, map[string]any{"ids": []any{json.Number("1"), json.Number("1e10")}}}}},
			code: validationCode, wantPath: "variable.filter.and[1].ids[1]"},
		{name: "64-bit Int in a list", vars: map[string]any{"ids": []any{json.Number("1"), json.Number("5000000000")}},
			code: validationCode, wantPath: "variable.ids[1]"},
		{name: "64-bit Int in a list of input objects", vars: map[string]any{"items": []any{map[string]any{"productId": "p1", "quantity": json.Number("4294967296")}}},
			code: validationCode, wantPath: "variable.items[0].quantity"},
		{name: "a single Int for a list", vars: map[string]any{"ids": json.Number("4294967296")}, code: validationCode, wantPath: "variable.ids"},
		{name: "big numbers in String and Float variables pass", vars: map[string]any{"s": json.Number("4294967296"), "f": json.Number("4294967296")}},
		{name: "non-integers are left to coercion", vars: map[string]any{"n": json.Number("1.5"), "ids": []any{"x", true}}},
		{name: "undeclared variables are not typed", vars: map[string]any{"x": json.Number("4294967296")}},
		{name: "only the selected operation's variables are typed",
			query: `query A($n: String) { me { id } } query B($n: Int) { me { id } }`, opName: "A",
			vars: map[string]any{"n": json.Number("4294967296")}},
		{name: "the selected operation's Int", query: `query A($n: String) { me { id } } query B($n: Int) { me { id } }`, opName: "B",
			vars: map[string]any{"n": json.Number("4294967296")}, code: validationCode, wantPath: "variable.n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg == (doclimit.Config{}) {
				cfg = doclimit.Mobile()
			}
			query := tt.query
			switch query {
			case "":
				query = varQuery
			case "-":
				query = ""
			}
			err := check(newExtension(t, cfg), query, tt.opName, tt.vars)
			assertRejection(t, err, tt.code, tt.limit, tt.value)
			if tt.wantPath != "" && err.Path.String() != tt.wantPath {
				t.Fatalf("path %q, want %q", err.Path.String(), tt.wantPath)
			}
			if tt.code == validationCode && strings.Contains(err.Message, "4294967296") {
				t.Fatalf("message %q echoes the value", err.Message)
			}
		})
	}
}

// TestGqlgenAccepts64BitIntVariables pins why the Int check exists: gqlgen
// keeps Int in a Go int, and neither variable coercion nor the generated
// unmarshaler refuses a 64-bit value. Should gqlgen start refusing them,
// this test fails and the check can go.
func TestGqlgenAccepts64BitIntVariables(t *testing.T) {
	doc, errs := gqlparser.LoadQueryWithRules(testSchema, `query Q($n: Int, $filter: ProductFilter) { products(first: $n, filter: $filter) { totalCount } }`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	vars := map[string]any{"n": json.Number("4294967296"), "filter": map[string]any{"minPrice": json.Number("4294967296")}}
	if _, err := validator.VariableValues(testSchema, doc.Operations[0], vars); err != nil {
		t.Fatalf("gqlgen's coercion now refuses a 64-bit Int (%v): the check may go", err)
	}
	if n, err := graphql.UnmarshalInt(json.Number("4294967296")); err != nil || n != 4294967296 {
		t.Fatalf("UnmarshalInt = %d, %v: the generated code now refuses a 64-bit Int", n, err)
	}
}

// TestRejectedBeforeGqlgen runs requests through a gqlgen server: every
// rejection happens before gqlgen looks the document up in its cache (the
// first thing it does before parsing and validating), nothing executes,
// and frontdesk's presenter keeps the code and the limit named.
func TestRejectedBeforeGqlgen(t *testing.T) {
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		code  string
		limit string
	}{
		{name: "deep nesting", query: nest(40), code: limitCode, limit: "depth"},
		{name: "1 MB query", query: "{" + strings.Repeat(" me", 350_000) + " }", code: limitCode, limit: "tokens"},
		{name: "10,000 aliases", query: aliases(10_000), code: limitCode, limit: "tokens"},
		{name: "fragment fan-out", query: fanout(30), code: limitCode, limit: "selections"},
		{name: "fragment cycle", query: `{ me { ...A } } fragment A on User { friends { ...A } }`, code: validationCode},
		{name: "repeated fields (a quarter second of validation)", query: "{ me " + repeat("id", 1990) + " }", code: limitCode, limit: "fieldComparisons"},
		{name: "inline nesting (six seconds of validation)", query: inlineNest(100, 1000), code: limitCode, limit: "fieldComparisons"},
		{name: "too many root fields", query: repeat("me { id }", 11), code: limitCode, limit: "rootFields"},
		{name: "too many operations", query: strings.Repeat("query Q { me { id } } ", 6), code: limitCode, limit: "operations"},
		{name: "too many directives", query: "{ me " + repeat("id @include(if: true)", 51) + " }", code: limitCode, limit: "directives"},
		{name: "big variables", query: `query($s: String) { me { id name } }`, vars: map[string]any{"s": strings.Repeat("x", 70_000)}, code: limitCode, limit: "variablesBytes"},
		{name: "long list", query: `query($ids: [Int!]) { products(filter: { ids: $ids }) { totalCount } }`, vars: map[string]any{"ids": make([]int, 101)}, code: limitCode, limit: "variablesListLength"},
		{name: "64-bit Int variable", query: `query($n: Int) { products(first: $n) { totalCount } }`, vars: map[string]any{"n": 1 << 40}, code: validationCode},
		{name: "syntax error", query: `{ me { id }`, code: parseCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, doclimit.Mobile())
			resp := s.post(t, body(t, tt.query, tt.vars))
			if len(resp.Errors) != 1 || resp.Data != nil && string(resp.Data) != "null" {
				t.Fatalf("answer %+v, want one error and no data", resp)
			}
			ext := resp.Errors[0].Extensions
			if ext["code"] != tt.code || (tt.limit != "" && ext["limit"] != tt.limit) {
				t.Fatalf("extensions %v, want code %s limit %q (%s)", ext, tt.code, tt.limit, resp.Errors[0].Message)
			}
			if n, e := s.lookups.Load(), s.execs.Load(); n != 0 || e != 0 {
				t.Fatalf("gqlgen looked the document up %d times and executed %d times, want 0", n, e)
			}
		})
	}
	t.Run("an accepted request reaches gqlgen", func(t *testing.T) {
		s := newServer(t, doclimit.Mobile())
		resp := s.post(t, body(t, `query($n: Int) { products(first: $n) { totalCount } }`, map[string]any{"n": 2147483647}))
		if len(resp.Errors) != 0 || string(resp.Data) != `{"ok":true}` {
			t.Fatalf("answer %+v", resp)
		}
		if n, e := s.lookups.Load(), s.execs.Load(); n != 1 || e != 1 {
			t.Fatalf("lookups %d, executions %d, want 1 and 1", n, e)
		}
	})
}

// TestRememberedDocuments: a document that passed is not parsed again, but
// each request's variables are still checked against its operations, and a
// rejected document is never remembered.
func TestRememberedDocuments(t *testing.T) {
	ext := newExtension(t, doclimit.Mobile())
	const two = `query A($n: String) { me { id } } query B($n: Int) { me { id } }`
	steps := []struct {
		name   string
		query  string
		opName string
		vars   map[string]any
		code   string
	}{
		{name: "first time", query: two, opName: "A", vars: map[string]any{"n": json.Number("4294967296")}},
		{name: "again, the other operation's Int", query: two, opName: "B", vars: map[string]any{"n": json.Number("4294967296")}, code: validationCode},
		{name: "again, big variables", query: two, opName: "A", vars: map[string]any{"n": strings.Repeat("x", 70_000)}, code: limitCode},
		{name: "again, fine", query: two, opName: "B", vars: map[string]any{"n": json.Number("7")}},
		{name: "a rejected document", query: nest(11), code: limitCode},
		{name: "is rejected again", query: nest(11), code: limitCode},
	}
	for _, s := range steps {
		err := check(ext, s.query, s.opName, s.vars)
		if codeOf(err) != s.code {
			t.Fatalf("%s: got %v, want code %q", s.name, err, s.code)
		}
	}
}

// introspection returns a schema query shaped like GraphiQL's, with
// ofTypes levels of ofType in its TypeRef fragment (10: 15 deep), and
// extra selected beside __schema at the root.
func introspection(ofTypes int, extra string) string {
	typeRef := strings.Repeat("ofType { ", ofTypes) + "name" + strings.Repeat(" }", ofTypes)
	return "query IntrospectionQuery { __typename __schema { types { ...FullType } } " + extra + " } " +
		"fragment FullType on __Type { name fields { name type { ...TypeRef } } } " +
		"fragment TypeRef on __Type { kind name " + typeRef + " }"
}
