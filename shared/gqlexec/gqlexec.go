// Package gqlexec holds the executor helpers that frontdesk's generated code
// calls instead of some of gqlgen's: a list marshaller that does not start a
// goroutine per element, a field scheduler that does not start one for
// fields with nothing left to wait for, batch parents found without a
// response path, a panic guard for fields read from model methods, a @defer
// group that costs nothing when the selection defers nothing, and an object
// marshaller without gqlgen's per-object map.
//
// internal/codegen rewrites the generated executors to call them (see
// docs/decisions.md, decisions 15 to 20); nothing else should.
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
	"errors"
	"io"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
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

// ResolveConcurrently resolves field i of an object whose resolvers are all
// batch resolvers (what codegen calls a safe type): it stands in for
// out.ResolveConcurrently, which schedules the field on a goroutine of its
// own when out is dispatched.
//
// A goroutine per field pays off only while the field may wait on I/O, and
// it is not free: it starts with a small stack that grows, copy by copy, as
// the field marshals its subtree (a fifth of the gateway's CPU on a 50-order
// page, for two goroutines per order). Below any element but the first of a
// list, the field runs here, on the calling goroutine: the same field under
// the list's first element ran before (lists of safe types are marshalled
// one element after another, MarshalSlice), and its batch resolver loaded
// every sibling's value or its list resolver prefetched them, so it has
// nothing left to wait for. Everywhere else (the first element, an object
// outside any list, an object with a @defer'd field) the field is scheduled
// as gqlgen would.
//
// The field's value, its invalid count and its panic guard are those of
// out.ResolveConcurrently: a panic is reported at the field's path and
// resolves to null.
func ResolveConcurrently(
	ctx context.Context,
	out *graphql.FieldSet,
	oc *graphql.OperationContext,
	deferred *graphql.DeferredGroup,
	i int,
	recoverFromPanic bool,
	nonNull bool,
	resolve func(ctx context.Context) graphql.Marshaler,
) {
	if deferred.FieldSet != nil || !afterFirstElement(graphql.GetFieldContext(ctx)) {
		out.ResolveConcurrently(oc, deferred, i, recoverFromPanic, nonNull, resolve)
		return
	}
	v := resolveGuarded(ctx, oc, recoverFromPanic, resolve)
	out.Values[i] = v
	// What gqlgen counts against the object: null for a non-null field
	// (the object becomes null), RequiredNull for a nullable one.
	if (nonNull && v == graphql.Null) || (!nonNull && v == graphql.RequiredNull) {
		atomic.AddUint32(&out.Invalids, 1)
	}
}

// afterFirstElement reports whether fc, or a field context above it, is
// the context of a list element other than the first.
func afterFirstElement(fc *graphql.FieldContext) bool {
	for ; fc != nil; fc = fc.Parent {
		if fc.Index != nil && *fc.Index > 0 {
			return true
		}
	}
	return false
}

func resolveGuarded(ctx context.Context, oc *graphql.OperationContext, recoverFromPanic bool, resolve func(context.Context) graphql.Marshaler) (m graphql.Marshaler) {
	if recoverFromPanic {
		defer func() {
			if r := recover(); r != nil {
				oc.Error(ctx, oc.Recover(ctx, r))
				m = graphql.Null
			}
		}()
	}
	return resolve(ctx)
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

// RecoverRead is the panic guard of a plain field read in line from a
// method of its model (internal/codegen): deferred by the field function,
// it reports a panic at the field's path, as gqlgen's guard does, and makes
// the field null. Nothing is allocated unless the method panics.
func RecoverRead(ctx context.Context, field graphql.CollectedField, ret *graphql.Marshaler) {
	r := recover()
	if r == nil {
		return
	}
	oc := graphql.GetOperationContext(ctx)
	path := append(graphql.GetPath(ctx), ast.PathName(field.Alias))
	err := oc.RecoverFunc(ctx, r)
	if e, ok := errors.AsType[*gqlerror.Error](err); ok && e.Path == nil {
		e.Path = path
		graphql.AddError(ctx, e)
	} else {
		graphql.AddError(ctx, gqlerror.WrapPath(path, err))
	}
	*ret = graphql.Null
}

// SelectsDeferred reports whether sel, or any selection below it, holds a
// fragment with @defer. A value object read in line (internal/codegen) has
// no field context of its own, and a @defer group is built from it; such a
// selection takes gqlgen's way instead.
func SelectsDeferred(sel ast.SelectionSet) bool {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if SelectsDeferred(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if s.Directives.ForName("defer") != nil || SelectsDeferred(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Directives.ForName("defer") != nil || (s.Definition != nil && SelectsDeferred(s.Definition.SelectionSet)) {
				return true
			}
		}
	}
	return false
}

// FieldSet is the field set of an object none of whose fields resolves
// concurrently (no resolver, no method with a context): what
// graphql.NewFieldSet and graphql.FieldSet are to the generated code of
// such an object, without what only concurrent fields need. It is its own
// marshaller (Object's), so an object of up to four fields costs one
// allocation instead of three (gqlgen's set, its values, Object's box).
type FieldSet struct {
	Values   []graphql.Marshaler
	Invalids uint32

	fields []graphql.CollectedField
	small  [4]graphql.Marshaler // Values for up to four fields
}

// NewFieldSet returns the field set of an object whose selected fields are
// fields.
func NewFieldSet(fields []graphql.CollectedField) *FieldSet {
	s := &FieldSet{fields: fields}
	if len(fields) <= len(s.small) {
		s.Values = s.small[:len(fields)]
	} else {
		s.Values = make([]graphql.Marshaler, len(fields))
	}
	return s
}

// Dispatch does nothing: every field was resolved when it was read.
func (*FieldSet) Dispatch(context.Context) {}

// MarshalGQL writes the object as Object does.
func (s *FieldSet) MarshalGQL(w io.Writer) { object{fields: s.fields, values: s.Values}.MarshalGQL(w) }
