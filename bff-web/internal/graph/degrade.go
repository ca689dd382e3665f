package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/shared/relay"
)

// Optional data never takes essential data down (docs/resilience.md, "What
// is essential and what is optional on each screen"). A field whose data
// comes from another upstream than its parent's is optional: when that
// upstream fails, a nullable one answers null with the error at its path. A
// non-null one (Customer.orders, Product.reviews: connections the schema
// promises) would null its parent instead; it answers an empty page through
// batch.Degrade.

// addErrorBelow records err at the field name below the resolving field,
// whose type is the object typeName: for a nullable child without a resolver
// of its own whose data the resolver loads (the product of adjustInventory's
// payload), so the error sits at the child's path, not at its parent's. Each
// selection of the child gets it at its own path (alias) and location; a
// child not selected gets none.
func addErrorBelow(ctx context.Context, typeName, name string, err error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		graphql.AddError(ctx, err)
		return
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, []string{typeName}) {
		if f.Name != name {
			continue
		}
		e := gqlerror.WrapPath(append(slices.Clone(fc.Path()), ast.PathName(f.Alias)), err)
		if f.Position != nil {
			e.Locations = []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}
		}
		graphql.AddError(ctx, e)
	}
}

// noOrders is the page of orders an outage leaves at window w: no edges, a
// total of 0, nothing after it. The error beside it says it is not the truth.
func noOrders(w relay.Window) *model.OrderConnection {
	info, _ := w.Page(0, 0)
	return &model.OrderConnection{Edges: []model.OrderEdge{}, PageInfo: &info}
}

// noReviews is noOrders for reviews.
func noReviews(w relay.Window) *model.ReviewConnection {
	info, _ := w.Page(0, 0)
	return &model.ReviewConnection{Edges: []model.ReviewEdge{}, PageInfo: &info}
}
