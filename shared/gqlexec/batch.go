package gqlexec

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// BatchParents is graphql.BatchParents, built without the field's response
// path: the sibling parents of a batch field and this parent's position
// among them.
type BatchParents[P any] struct {
	Parents  []P
	Index    ast.PathIndex
	IndexMap map[int]int

	group *graphql.BatchParentGroup
}

// BatchParentsFor stands in for graphql.BatchParentsFor in the generated
// batch resolvers and answers the same. gqlgen finds the parent's index by
// building the field's whole response path (graphql.GetPath) and reading
// its second-to-last element, once for every parent of every batch field
// (1,500 paths on a 50-order page); this walks the field contexts to that
// element and allocates nothing.
func BatchParentsFor[P any](ctx context.Context, typeName string) (BatchParents[P], bool) {
	group := graphql.GetBatchParentGroup(ctx, typeName)
	if group == nil {
		return BatchParents[P]{}, false
	}
	parents, ok := group.Parents.([]P)
	if !ok {
		return BatchParents[P]{}, false
	}
	idx, ok := batchParentIndex(ctx)
	if !ok {
		return BatchParents[P]{}, false
	}
	return BatchParents[P]{Parents: parents, Index: idx, IndexMap: group.IndexMap, group: group}, true
}

// FieldResult resolves the field once for the whole group, under the
// field's response key, as graphql.BatchParents.FieldResult does.
func (b BatchParents[P]) FieldResult(field graphql.CollectedField, resolve func() (any, error)) *graphql.BatchFieldResult {
	key := field.Alias
	if key == "" {
		key = field.Name
	}
	return b.group.GetFieldResult(key, resolve)
}

// batchParentIndex is graphql.BatchParentIndex: the second-to-last element
// of the response path when it is a list index. The path has an element
// for each field context with an index or a field, innermost last.
func batchParentIndex(ctx context.Context) (ast.PathIndex, bool) {
	if graphql.GetPathContext(ctx) != nil {
		// An argument's input path: gqlgen's own answer.
		return graphql.BatchParentIndex(ctx)
	}
	n := 0
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		switch {
		case fc.Index != nil:
			if n++; n == 2 {
				return ast.PathIndex(*fc.Index), true
			}
		case fc.Field.Field != nil:
			if n++; n == 2 {
				return 0, false
			}
		}
	}
	return 0, false
}
