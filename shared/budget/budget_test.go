package budget_test

import (
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/shared/budget"
)

func TestDeadline(t *testing.T) {
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)
	op := graphql.WithOperationContext(context.Background(), &graphql.OperationContext{Stats: graphql.Stats{OperationStart: start}})
	field := func(ctx context.Context, name string) context.Context {
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Name: name, Alias: name}}})
	}
	// As gqlgen's executor does: the operation type's context, then the
	// root field's.
	root := field(graphql.WithFieldContext(op, &graphql.FieldContext{Object: "Query"}), "product")
	below := field(graphql.WithFieldContext(root, &graphql.FieldContext{Index: new(int)}), "rating")
	b := budget.Budgets{Default: time.Second, Services: map[string]time.Duration{"reviews": 300 * time.Millisecond, "users": 0}}
	tests := []struct {
		name    string
		ctx     context.Context
		service string
		want    time.Time // zero: no budget
	}{
		{"field below a root field", below, "reviews", start.Add(300 * time.Millisecond)},
		{"default budget", below, "inventory", start.Add(time.Second)},
		{"budget off for a service", below, "users", time.Time{}},
		{"root field: essential", root, "reviews", time.Time{}},
		{"root resolver's prefetch, marked optional", budget.Optional(root), "reviews", start.Add(300 * time.Millisecond)},
		{"outside an operation", budget.Optional(context.Background()), "reviews", time.Time{}},
		{"operation without a start", budget.Optional(graphql.WithOperationContext(context.Background(), &graphql.OperationContext{})), "reviews", time.Time{}},
		{"carried to the request's context", budget.Carry(context.Background(), below), "reviews", start.Add(300 * time.Millisecond)},
		{"essential data carried: nothing", budget.Carry(context.Background(), root), "reviews", time.Time{}},
		{"background refresh: none below a field", budget.Without(below), "reviews", time.Time{}},
		{"background refresh: none once carried", budget.Without(budget.Carry(context.Background(), below)), "reviews", time.Time{}},
		{"background refresh: none when marked optional", budget.Without(budget.Optional(root)), "reviews", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := b.Deadline(tt.ctx, tt.service)
			if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
				t.Errorf("Deadline = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
	if _, ok := (budget.Budgets{}).Deadline(below, "reviews"); ok {
		t.Error("no budgets configured, yet a deadline")
	}
}
