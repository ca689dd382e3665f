package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// Optional data never takes essential data down (docs/resilience.md, "What
// is essential and what is optional on each screen"). A field whose data
// comes from another upstream than its parent's is optional: when that
// upstream fails, a nullable one answers null with the error at its path. A
// non-null one (Home.recentOrders, Home.featuredProducts,
// Product.topReviews: the frozen schema promises a list) would null its
// parent instead, and with `home: Home!` the whole screen; it answers empty
// through degrade.

// degrade answers an optional non-null field whose upstream call failed with
// err (not nil). An upstream failure (unavailable, timed out, unusable
// answer, breaker open) is recorded at the field's path, where the presenter
// gives it its public code, and the field answers empty. Any other error (an
// argument out of range, not found, a bug) is returned as is and fails the
// field as it always did: an empty list must not pass for "none" when the
// client's own request is wrong.
func degrade[T any](ctx context.Context, empty T, err error) (T, error) {
	if !gqlerr.UpstreamFailure(err) {
		var zero T
		return zero, err
	}
	addFieldError(ctx, err)
	return empty, nil
}

// addFieldError records err at the resolving field's path and location, as
// gqlgen does with the error a resolver returns, while the field still
// answers.
func addFieldError(ctx context.Context, err error) {
	graphql.AddError(ctx, graphql.AddFieldLocationToError(ctx, err))
}
