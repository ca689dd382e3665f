// Package budget gives the optional data of a screen a latency budget per
// upstream (docs/resilience.md, "Latency budgets").
//
// A screen's root field is essential: its own data keeps the request's
// deadline. Everything below it is optional: a field resolved below a root
// field, and what a root resolver prefetches for such fields (marked with
// Optional). An optional call to an upstream must end by the operation's
// start plus that upstream's budget; when the budget runs out the call ends
// as a timeout, the field degrades (null or empty with UPSTREAM_TIMEOUT at
// its path) and the rest of the answer goes out. The deadline is absolute
// per request and upstream, so a field that asks again after a prefetch
// ran out of budget fails at once, without an upstream call.
package budget

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// Budgets are the latency budgets of optional data: Default for every
// upstream, Services per upstream by name. A budget of zero or less is no
// budget: the request's deadline applies.
type Budgets struct {
	Default  time.Duration
	Services map[string]time.Duration
}

// For returns the budget of optional calls to service.
func (b Budgets) For(service string) time.Duration {
	if d, ok := b.Services[service]; ok {
		return d
	}
	return b.Default
}

// Deadline returns when an optional call to service made under ctx must
// end: the GraphQL operation's start plus the service's budget. ok is false
// for essential data (a root field's own), outside a GraphQL operation, and
// for a service without a budget.
func (b Budgets) Deadline(ctx context.Context, service string) (time.Time, bool) {
	d := b.For(service)
	if d <= 0 {
		return time.Time{}, false
	}
	start, ok := optionalSince(ctx)
	if !ok {
		return time.Time{}, false
	}
	return start.Add(d), true
}

type optionalKey struct{}

// mark is the value of optionalKey: the operation's start when it was
// carried over to a context without the operation (Carry), else zero; none
// when no budget applies (Without).
type mark struct {
	start time.Time
	none  bool
}

// Optional returns ctx marked as loading optional data: what a root
// resolver prefetches for the fields below it.
func Optional(ctx context.Context) context.Context {
	return context.WithValue(ctx, optionalKey{}, mark{})
}

// Carry returns dst knowing what Deadline needs of src: whether src loads
// optional data and, if so, when its operation started. The request's
// loaders fetch on the request's own context (dst), not on the resolver's
// that asked (src).
func Carry(dst, src context.Context) context.Context {
	start, ok := optionalSince(src)
	if !ok {
		return dst
	}
	return context.WithValue(dst, optionalKey{}, mark{start: start})
}

// Without returns ctx with no latency budget: what an entity cache's
// background refresh runs on once the caller has had its stale value.
func Without(ctx context.Context) context.Context {
	return context.WithValue(ctx, optionalKey{}, mark{none: true})
}

// IsOptional reports whether ctx loads optional data: it was marked with
// Optional (or Carry), or it is the context of a field below a root field
// (a field context with a field among its ancestors; a root field's only
// ancestor is its operation type's, which has none).
func IsOptional(ctx context.Context) bool {
	if m, ok := ctx.Value(optionalKey{}).(mark); ok {
		return !m.none
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	for p := fc.Parent; p != nil; p = p.Parent {
		if p.Field.Field != nil {
			return true
		}
	}
	return false
}

// optionalSince returns the start of the operation whose optional data ctx
// loads; ok is false when ctx loads essential data or has no operation.
func optionalSince(ctx context.Context) (time.Time, bool) {
	if m, ok := ctx.Value(optionalKey{}).(mark); ok && (m.none || !m.start.IsZero()) {
		return m.start, !m.none
	}
	if !IsOptional(ctx) || !graphql.HasOperationContext(ctx) {
		return time.Time{}, false
	}
	start := graphql.GetOperationContext(ctx).Stats.OperationStart
	return start, !start.IsZero()
}
