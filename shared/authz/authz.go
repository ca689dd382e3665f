// Package authz guards a BFF's GraphQL endpoint: Authenticate turns the
// request's access token into the caller (HTTP middleware), and Extension
// enforces who may read what in the schema. The rules live
// in the schema itself, through two directives declared in schema/base:
//
//	@public            a root field anonymous callers may use
//	@auth(role: ROLE)  a field only callers holding ROLE may read
//
// and in the BFF's Policy: every root field that is not @public needs one of
// the Policy's roles. Extension enforces both for every field of every
// operation, so the generated code needs no directive implementations
// (gqlgen.yml sets skip_runtime) and both BFFs share this one implementation.
//
// Two outcomes, as docs/auth.md describes:
//   - An anonymous caller whose operation selects any non-public root field
//     gets UNAUTHENTICATED before anything runs, and the response is marked
//     for HTTP 401 (auth.Challenge).
//   - A caller who is signed in but lacks a role gets null and FORBIDDEN at
//     each field they may not read; the rest of the operation is answered.
package authz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// The directives and enum of schema/base that carry the rules.
const (
	DirectiveAuth   = "auth"
	DirectivePublic = "public"
	RoleEnum        = "Role"
)

// Policy is a BFF's rule for its root fields.
type Policy struct {
	// Roles are the roles a caller needs (any one of them) for every root
	// field not marked @public, in the token's lower-case spelling, e.g.
	// "customer" or "support", "admin". At least one.
	Roles []string
}

// rule is what one field requires: anyOf is the Policy's roles for a
// non-public root field (nil for other fields), role the @auth role.
type rule struct {
	anyOf []string
	role  string
}

// Extension is the gqlgen extension enforcing a Policy and the schema's
// directives. Add it with handler.Server.Use; it is safe for concurrent use.
type Extension struct {
	policy Policy
	rules  map[*ast.FieldDefinition]rule
	roots  map[string]bool            // root type names: Query, Mutation, Subscription
	rootOf map[ast.Operation][]string // an operation type's root type, as CollectFields wants it
}

var (
	_ graphql.HandlerExtension    = (*Extension)(nil)
	_ graphql.ResponseInterceptor = (*Extension)(nil)
	_ graphql.FieldInterceptor    = (*Extension)(nil)
)

// New returns the Extension for p. The schema's rules are read when the
// server validates its extensions (handler.Server.Use).
func New(p Policy) *Extension { return &Extension{policy: p} }

// ExtensionName implements graphql.HandlerExtension.
func (*Extension) ExtensionName() string { return "Authorization" }

// Validate reads the rules from the schema and checks them: the Policy names
// at least one role, and every role it or an @auth directive names is a
// value of the schema's Role enum.
func (e *Extension) Validate(es graphql.ExecutableSchema) error {
	s := es.Schema()
	roles := map[string]bool{}
	if def := s.Types[RoleEnum]; def != nil {
		for _, v := range def.EnumValues {
			roles[strings.ToLower(v.Name)] = true
		}
	}
	var errs []error
	if len(e.policy.Roles) == 0 {
		errs = append(errs, errors.New("authz: the policy names no role"))
	}
	for _, r := range e.policy.Roles {
		if !roles[r] {
			errs = append(errs, fmt.Errorf("authz: policy role %q is not a value of enum %s", r, RoleEnum))
		}
	}

	e.roots = map[string]bool{}
	e.rootOf = map[ast.Operation][]string{}
	for op, root := range map[ast.Operation]*ast.Definition{ast.Query: s.Query, ast.Mutation: s.Mutation, ast.Subscription: s.Subscription} {
		if root != nil {
			e.roots[root.Name] = true
			e.rootOf[op] = []string{root.Name}
		}
	}
	e.rules = map[*ast.FieldDefinition]rule{}
	for _, def := range s.Types {
		for _, f := range def.Fields {
			var r rule
			public := f.Directives.ForName(DirectivePublic) != nil
			if e.roots[def.Name] && !public && !strings.HasPrefix(f.Name, "__") {
				r.anyOf = e.policy.Roles
			}
			if public && !e.roots[def.Name] {
				errs = append(errs, fmt.Errorf("authz: %s.%s: @%s applies to root fields only", def.Name, f.Name, DirectivePublic))
			}
			if d := f.Directives.ForName(DirectiveAuth); d != nil {
				arg := d.Arguments.ForName("role")
				if arg == nil || arg.Value == nil || !roles[strings.ToLower(arg.Value.Raw)] {
					errs = append(errs, fmt.Errorf("authz: %s.%s: @%s needs a role of enum %s", def.Name, f.Name, DirectiveAuth, RoleEnum))
					continue
				}
				r.role = strings.ToLower(arg.Value.Raw)
			}
			if r.anyOf != nil || r.role != "" {
				e.rules[f] = r
			}
		}
	}
	return errors.Join(errs...)
}

// InterceptResponse refuses, before any resolver runs, an anonymous
// operation that selects a root field needing a role: the response carries
// one UNAUTHENTICATED error and is marked for HTTP 401. Operations whose
// root fields are all public (or only introspection) pass.
func (e *Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if _, signedIn := auth.FromContext(ctx); signedIn || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || !e.needsCaller(oc) {
		return next(ctx)
	}
	Challenge(ctx)
	graphql.AddError(ctx, gqlerr.New(gqlerr.Unauthenticated, "sign in: this operation needs an access token"))
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}

// needsCaller reports whether the operation selects a root field (after
// fragments, @skip and @include) that only signed-in callers may use.
func (e *Extension) needsCaller(oc *graphql.OperationContext) bool {
	// Fragments on the root type count: `... on Query { orders }` selects orders.
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, e.rootOf[oc.Operation.Operation]) {
		if f.Definition == nil {
			continue
		}
		if r, ok := e.rules[f.Definition]; ok && (r.anyOf != nil || r.role != "") {
			return true
		}
	}
	return false
}

// InterceptField checks the rule of the field about to resolve: a caller
// without a required role gets FORBIDDEN at the field's path (an anonymous
// one UNAUTHENTICATED) and the field's resolver does not run.
func (e *Extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return next(ctx)
	}
	r, ok := e.rules[fc.Field.Definition]
	if !ok {
		return next(ctx)
	}
	p, signedIn := auth.FromContext(ctx)
	if !signedIn {
		return nil, gqlerr.New(gqlerr.Unauthenticated, "sign in to see this")
	}
	if r.anyOf != nil && !slices.ContainsFunc(r.anyOf, p.HasRole) {
		return nil, gqlerr.New(gqlerr.Forbidden, "this API is for callers with the "+strings.Join(r.anyOf, " or ")+" role")
	}
	if r.role != "" && !p.HasRole(r.role) {
		return nil, gqlerr.New(gqlerr.Forbidden, "this needs the "+r.role+" role")
	}
	return next(ctx)
}
