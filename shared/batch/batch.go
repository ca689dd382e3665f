// Package batch resolves gqlgen batch resolver fields through the request's
// loaders: one call receives every parent of a list, loads all their keys
// with one breadth-first LoadMany, and answers per parent, in parent order,
// with errors at each parent's own path.
//
// gqlgen calls a batch resolver once for the siblings of a list (and once per
// parent where there is no list). The context it passes is the first
// sibling's, so an error must be placed at the path of the parent it
// belongs to: At, AddError and Degrade do that.
package batch

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// Loader is what Load needs of a request loader (shared/loader.Loader).
type Loader[K comparable, V any] interface {
	LoadMany(ctx context.Context, keys []K) ([]V, []error)
}

// Load answers a batch field: key gives each parent's key (false: the
// parent asks for nothing and answers the zero R without error), one
// LoadMany loads them all, and convert turns each parent's value, or its load
// error, into its answer. The answers are in parent order; when any parent
// failed, the error is a graphql.BatchErrorList with each failure at its
// parent's path.
func Load[P any, K comparable, V any, R any](
	ctx context.Context,
	parents []*P,
	l Loader[K, V],
	key func(*P) (K, bool),
	convert func(v V, err error) (R, error),
) ([]R, error) {
	at := make([]int, len(parents)) // index into keys, or -1
	keys := make([]K, 0, len(parents))
	for i, p := range parents {
		at[i] = -1
		if p == nil {
			continue
		}
		if k, ok := key(p); ok {
			at[i] = len(keys)
			keys = append(keys, k)
		}
	}
	var vals []V
	var loadErrs []error
	if len(keys) > 0 {
		vals, loadErrs = l.LoadMany(ctx, keys)
	}
	out := make([]R, len(parents))
	var errs failures
	for i, j := range at {
		if j < 0 {
			continue
		}
		var err error
		if loadErrs != nil {
			err = loadErrs[j]
		}
		out[i], err = convert(vals[j], err)
		errs.add(ctx, len(parents), i, err)
	}
	return out, errs.err()
}

// Value is the convert function of a field that answers the loaded value
// as it is.
func Value[V any](v V, err error) (V, error) { return v, err }

// Each answers a batch field without loading: f gives each parent's answer.
func Each[P any, R any](ctx context.Context, parents []*P, f func(*P) (R, error)) ([]R, error) {
	out := make([]R, len(parents))
	var errs failures
	for i, p := range parents {
		if p == nil {
			continue
		}
		var err error
		out[i], err = f(p)
		errs.add(ctx, len(parents), i, err)
	}
	return out, errs.err()
}

// failures are the errors of a batch answer, one slot per parent, made on
// the first failure.
type failures []error

// add records err (when not nil) for parent i of n, at its path.
func (f *failures) add(ctx context.Context, n, i int, err error) {
	if err == nil {
		return
	}
	if *f == nil {
		*f = make([]error, n)
	}
	(*f)[i] = At(ctx, i, err)
}

// err is the batch answer's error: nil when no parent failed.
func (f failures) err() error {
	if f == nil {
		return nil
	}
	return graphql.BatchErrorList(f)
}

// Degrade answers parent i of an optional field whose load failed with err.
// An upstream failure (gqlerr.UpstreamFailure) is recorded at the parent's
// field, where the presenter gives it its public code, and the parent
// answers empty. Any other error (an argument out of range, not found, a
// bug) is returned, placed at the parent's field, and fails the field as a
// plain resolver's error would: an empty answer must not pass for "none"
// when the client's own request is wrong.
func Degrade[T any](ctx context.Context, i int, empty T, err error) (T, error) {
	if !gqlerr.UpstreamFailure(err) {
		var zero T
		return zero, At(ctx, i, err)
	}
	AddError(ctx, i, err)
	return empty, nil
}

// AddError records err at the field of parent i while the field still
// answers (an optional part that degrades to empty).
func AddError(ctx context.Context, i int, err error) {
	graphql.AddError(ctx, At(ctx, i, err))
}

// At returns err placed at the field of parent i of the batch that ctx
// resolves, with the field's location in the document, as gqlgen places the
// error a plain resolver returns.
func At(ctx context.Context, i int, err error) error {
	if g, ok := errors.AsType[*gqlerror.Error](err); ok && g.Path != nil {
		return err // already placed
	}
	e := gqlerror.WrapPath(graphql.BatchPathWithIndex(ctx, i), err)
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil && fc.Field.Position != nil && fc.Field.Position.Line > 0 {
		e.Locations = []gqlerror.Location{{Line: fc.Field.Position.Line, Column: fc.Field.Position.Column}}
	}
	return e
}
