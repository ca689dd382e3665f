package doclimit_test

import (
	"context"
	"encoding/json"
	"math"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/frontdesk/frontdesk/shared/doclimit"
)

func TestPageComplexity(t *testing.T) {
	one := 1
	tests := []struct {
		name   string
		child  int
		args   map[string]any
		want   int
		wantOK bool
	}{
		{name: "no page argument", child: 3, args: map[string]any{"id": "1"}, wantOK: false},
		{name: "nil args", child: 3, args: nil, wantOK: false},
		{name: "first", child: 3, args: map[string]any{"first": int64(10)}, want: 31, wantOK: true},
		{name: "last", child: 3, args: map[string]any{"last": 10}, want: 31, wantOK: true},
		{name: "huge first is clamped", child: 3, args: map[string]any{"first": int64(math.MaxInt64)}, want: 151, wantOK: true},
		{name: "huge first as a float", child: 3, args: map[string]any{"first": 1e300}, want: 151, wantOK: true},
		{name: "huge first as a JSON number", child: 3, args: map[string]any{"first": json.Number("99999999999999999999")}, want: 151, wantOK: true},
		{name: "zero counts as one", child: 3, args: map[string]any{"first": 0}, want: 4, wantOK: true},
		{name: "negative counts as one", child: 3, args: map[string]any{"first": int64(math.MinInt64)}, want: 4, wantOK: true},
		{name: "absent (null) counts as a full page", child: 3, args: map[string]any{"first": nil}, want: 151, wantOK: true},
		{name: "not a number counts as a full page", child: 3, args: map[string]any{"first": "ten"}, want: 151, wantOK: true},
		{name: "a pointer", child: 3, args: map[string]any{"first": &one}, want: 4, wantOK: true},
		{name: "a nil pointer", child: 3, args: map[string]any{"first": (*int)(nil)}, want: 151, wantOK: true},
		{name: "first and last: the larger", child: 1, args: map[string]any{"first": 2, "last": 7}, want: 8, wantOK: true},
		{name: "saturates", child: math.MaxInt / 10, args: map[string]any{"first": 50}, want: math.MaxInt, wantOK: true},
		{name: "negative child complexity counts as 0", child: -5, args: map[string]any{"first": 50}, want: 1, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := doclimit.PageComplexity(tt.child, tt.args, 50)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("PageComplexity = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestClampPages(t *testing.T) {
	var execs atomic.Int64
	inner := mockSchema(&execs)
	inner.ComplexityFunc = func(_ context.Context, typeName, field string, child int, _ map[string]any) (int, bool) {
		if typeName == "User" && field == "name" {
			return 7, true
		}
		return 0, false
	}
	es := doclimit.ClampPages(doclimit.ClampPages(inner, 10), 50) // re-clamping replaces the page size
	ctx := context.Background()
	if n, ok := es.Complexity(ctx, "User", "friends", 2, map[string]any{"first": int64(1 << 40)}); n != 101 || !ok {
		t.Fatalf("friends(first: 2^40) = %d, %v; want 101, true", n, ok)
	}
	if n, ok := es.Complexity(ctx, "User", "name", 0, nil); n != 7 || !ok {
		t.Fatalf("name = %d, %v; want the schema's own 7, true", n, ok)
	}
	if n, ok := es.Complexity(ctx, "User", "id", 0, nil); ok {
		t.Fatalf("id = %d, %v; want gqlgen's default (false)", n, ok)
	}
	if es.Schema() != testSchema {
		t.Fatal("Schema not passed through")
	}
}

func TestComplexityLimit(t *testing.T) {
	tests := []struct {
		name  string
		query string
		vars  map[string]any
		want  int // complexity; over 1000 is rejected
	}{
		{name: "default page", query: `{ products { totalCount } }`, want: 21},
		{name: "huge first literal is clamped", query: `{ products(first: 2147483647) { edges { node { id name } } } }`, want: 201},
		{name: "huge first variable is clamped", query: `query($n: Int) { products(first: $n) { edges { node { id name } } } }`,
			vars: map[string]any{"n": json.Number("2147483647")}, want: 201},
		{name: "nested pages multiply", query: `{ me { friends(first: 50) { friends(first: 50) { id } } } }`, want: 2552},
		{name: "pages through fragments", query: `{ me { ...F } } fragment F on User { friends(last: 100) { friends(last: 100) { id } } }`, want: 2552},
	}
	cfg := doclimit.Mobile()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(testSchema, tt.query, nil)
			if errs != nil {
				t.Fatal(errs)
			}
			vars := tt.vars
			if vars == nil {
				vars = map[string]any{}
			}
			op := doc.Operations[0]
			coerced, err := validatorVars(op, vars)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := doclimit.NewComplexityLimit(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var execs atomic.Int64
			if err := cl.Validate(mockSchema(&execs)); err != nil {
				t.Fatal(err)
			}
			oc := &graphql.OperationContext{Doc: doc, Operation: op, Variables: coerced}
			ctx := graphql.WithOperationContext(context.Background(), oc)
			gqlErr := cl.MutateOperationContext(ctx, oc)
			if stats := extension.GetComplexityStats(ctx); stats == nil || stats.Complexity != tt.want || stats.ComplexityLimit != cfg.MaxComplexity {
				t.Fatalf("stats %+v, want complexity %d of %d", stats, tt.want, cfg.MaxComplexity)
			}
			if tt.want > cfg.MaxComplexity {
				assertRejection(t, gqlErr, limitCode, doclimit.Complexity, tt.want)
			} else {
				assertRejection(t, gqlErr, "", "", 0)
			}
		})
	}

	t.Run("through a server", func(t *testing.T) {
		s := newServer(t, cfg)
		resp := s.post(t, body(t, `{ me { friends(first: 50) { friends(first: 50) { id } } } }`, nil))
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != limitCode || resp.Errors[0].Extensions["limit"] != "complexity" ||
			resp.Errors[0].Message != "complexity 2552 exceeds the limit of 1000" {
			t.Fatalf("answer %+v", resp)
		}
		if s.execs.Load() != 0 {
			t.Fatal("an operation over the complexity limit executed")
		}
	})
}

// validatorVars coerces vars as gqlgen does before its operation context
// mutators run.
func validatorVars(op *ast.OperationDefinition, vars map[string]any) (map[string]any, error) {
	return validator.VariableValues(testSchema, op, vars)
}
