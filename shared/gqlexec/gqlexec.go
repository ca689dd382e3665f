// Package gqlexec holds the executor helpers that frontdesk's generated code
// calls instead of some of gqlgen's: a list marshaller that does not start a
// goroutine per element, a @defer group that costs nothing when the
// selection defers nothing, and an object marshaller without gqlgen's
// per-object map.
//
// internal/codegen rewrites the generated executors to call them (see
// docs/decisions.md, decisions 15 to 17); nothing else should.
//
// gqlgen marshals every element of an object list on its own goroutine
// (graphql.MarshalSliceConcurrently) so that elements whose resolvers wait on
// I/O wait together. frontdesk's resolvers under a list are batch resolvers:
// the first element's call loads the field for every sibling, and the other
// elements read the result. Their lists have nothing to wait for in parallel,
// and a goroutine per element (800 for a 50-order page, each growing its
// stack) was a tenth of the gateway's CPU. codegen uses MarshalSlice only for
// lists whose elements, transitively, resolve nothing but plain and batch
// fields; every other list keeps gqlgen's concurrent marshaller.
package gqlexec

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
)

// MarshalSlice marshals the length elements of a list one after another on
// the calling goroutine. It has graphql.MarshalSliceConcurrently's signature
// so generated code swaps one call for the other; workerLimit is ignored.
//
// Each element gets its own field context (its index in the response path)
// and, unless omitPanicHandler, its own panic guard: a panicking element is
// reported at its path and marshals as null, as with gqlgen's marshaller.
func MarshalSlice(
	ctx context.Context,
	length int,
	_ int64,
	omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler,
) graphql.Array {
	ret := make(graphql.Array, length)
	if length == 0 {
		return ret
	}
	// One allocation for every element's index and field context instead of
	// two per element; each context keeps its element's pair alive.
	indices := make([]int, length)
	contexts := make([]graphql.FieldContext, length)
	for i := range length {
		indices[i] = i
		contexts[i].Index = &indices[i]
		childCtx := graphql.WithFieldContext(ctx, &contexts[i])
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		ret[i] = marshalGuarded(childCtx, i, marshalElement)
	}
	return ret
}

func marshalGuarded(ctx context.Context, i int, marshalElement func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}

// NewDeferredGroup returns the @defer group of an object whose selected
// fields are fields. gqlgen's graphql.NewDeferredGroup builds the object's
// full response path and a field set for every object it marshals; only an
// object with a deferred field needs them, so for any other object this
// returns the zero group, which the generated code reads but never writes.
func NewDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{}
}

// Object returns the marshaller of an object whose selected fields are
// fields and whose resolved values are out.Values (after out.Dispatch). It
// writes what graphql.FieldSet's own MarshalGQL writes (each response key
// once, in selection order) without the map and iterator closures that one
// allocates for every object.
func Object(fields []graphql.CollectedField, out *graphql.FieldSet) graphql.Marshaler {
	return object{fields: fields, values: out.Values}
}

type object struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

var (
	openBrace  = []byte{'{'}
	closeBrace = []byte{'}'}
	comma      = []byte{','}
	quote      = []byte{'"'}
	quoteColon = []byte{'"', ':'}
)

// MarshalGQL writes the object. Response keys are GraphQL names
// ([_A-Za-z][_0-9A-Za-z]*), which JSON needs no escape for.
func (o object) MarshalGQL(w io.Writer) {
	_, _ = w.Write(openBrace)
	first := true
	for i := range o.fields {
		alias := o.fields[i].Alias
		if written(o.fields[:i], alias) {
			continue
		}
		if !first {
			_, _ = w.Write(comma)
		}
		first = false
		_, _ = w.Write(quote)
		_, _ = io.WriteString(w, alias)
		_, _ = w.Write(quoteColon)
		o.values[i].MarshalGQL(w)
	}
	_, _ = w.Write(closeBrace)
}

// written reports whether a field before this one had the response key
// alias. Selections are small; a linear scan beats a map.
func written(before []graphql.CollectedField, alias string) bool {
	for i := range before {
		if before[i].Alias == alias {
			return true
		}
	}
	return false
}
