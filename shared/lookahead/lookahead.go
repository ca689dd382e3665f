// Package lookahead tells a resolver what the query will ask below it, so a
// list resolver can start the loads its children will make in one batch per
// service (see loader.Loader.Prefetch) instead of relying on a timing window.
package lookahead

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Selects reports whether the selection set of the field being resolved
// reaches the field path, e.g. Selects(ctx, "edges", "node", "customer"). It
// looks through inline fragments and fragment spreads whatever their type
// condition, and ignores @skip/@include: it may say yes to a field that will
// not be resolved (a wasted prefetch), never no to one that will.
func Selects(ctx context.Context, path ...string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Doc == nil {
		return false
	}
	return reaches(oc.Doc.Fragments, fc.Field.Selections, path)
}

// reaches walks set along path. Validation has rejected fragment cycles
// before any resolver runs, so the recursion ends.
func reaches(frags ast.FragmentDefinitionList, set ast.SelectionSet, path []string) bool {
	if len(path) == 0 {
		return true
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == path[0] && reaches(frags, s.SelectionSet, path[1:]) {
				return true
			}
		case *ast.InlineFragment:
			if reaches(frags, s.SelectionSet, path) {
				return true
			}
		case *ast.FragmentSpread:
			if def := frags.ForName(s.Name); def != nil && reaches(frags, def.SelectionSet, path) {
				return true
			}
		}
	}
	return false
}
