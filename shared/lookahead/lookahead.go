// Package lookahead tells a resolver what the query will ask below it, so a
// list resolver can start the loads its children will make in one batch per
// service (see loader.Loader.Prefetch) instead of relying on a timing window.
package lookahead

import (
	"context"
	"encoding/json"

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

// Arguments returns the arguments, variables and defaults applied, of every
// field the selection set of the field being resolved reaches at path (one
// per alias or fragment that selects it; none when nothing does). A list
// resolver uses it to prefetch a relation that takes arguments, e.g. each
// product's first n reviews.
func Arguments(ctx context.Context, path ...string) []map[string]any {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) || len(path) == 0 {
		return nil
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Doc == nil {
		return nil
	}
	var out []map[string]any
	collect(oc.Doc.Fragments, fc.Field.Selections, path, func(f *ast.Field) {
		out = append(out, f.ArgumentMap(oc.Variables))
	})
	return out
}

// collect calls found with every field at the end of path below set.
func collect(frags ast.FragmentDefinitionList, set ast.SelectionSet, path []string, found func(*ast.Field)) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name != path[0] {
				continue
			}
			if len(path) == 1 {
				found(s)
			} else {
				collect(frags, s.SelectionSet, path[1:], found)
			}
		case *ast.InlineFragment:
			collect(frags, s.SelectionSet, path, found)
		case *ast.FragmentSpread:
			if def := frags.ForName(s.Name); def != nil {
				collect(frags, def.SelectionSet, path, found)
			}
		}
	}
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

// Int reads an Int argument of Arguments as the resolver receives it: nil
// when absent or null.
func Int(v any) *int {
	var n int
	switch x := v.(type) {
	case int:
		n = x
	case int32:
		n = int(x)
	case int64:
		n = int(x)
	case float64:
		n = int(x)
	case json.Number:
		i, err := x.Int64()
		if err != nil {
			return nil
		}
		n = int(i)
	default:
		return nil
	}
	return &n
}
