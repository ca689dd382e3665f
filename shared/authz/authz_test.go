package authz_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/authz"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// base declares the directives as schema/base does.
const base = `
enum Role { CUSTOMER SUPPORT ADMIN }
directive @auth(role: Role!) on FIELD_DEFINITION
directive @public on FIELD_DEFINITION
`

const shop = base + `
type Query {
  catalog: [Item!]! @public
  orders: [Order!]!
  audit: String @auth(role: ADMIN)
}
type Mutation { refund(id: ID!): String @auth(role: ADMIN) }
type Item { name: String! }
type Order { id: ID! last4: String @auth(role: ADMIN) }
`

func schema(t *testing.T, sdl string) graphql.ExecutableSchema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "test.graphqls", Input: sdl})
	if err != nil {
		t.Fatal(err)
	}
	return &graphql.ExecutableSchemaMock{SchemaFunc: func() *ast.Schema { return s }}
}

func extension(t *testing.T, roles ...string) (*authz.Extension, *ast.Schema) {
	t.Helper()
	es := schema(t, shop)
	e := authz.New(authz.Policy{Roles: roles})
	if err := e.Validate(es); err != nil {
		t.Fatal(err)
	}
	return e, es.Schema()
}

func TestValidateRejectsBadRules(t *testing.T) {
	tests := []struct {
		name  string
		sdl   string
		roles []string
		want  string
	}{
		{"no policy role", shop, nil, "names no role"},
		{"policy role not in the enum", shop, []string{"superuser"}, `"superuser"`},
		{"public below the root", base + "type Query { a: A } type A { b: String @public }", []string{"customer"}, "A.b: @public applies to root fields only"},
		{"no Role enum", "directive @auth(role: String!) on FIELD_DEFINITION type Query { a: String @auth(role: \"x\") }", []string{"customer"}, "Query.a: @auth needs a role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := authz.New(authz.Policy{Roles: tt.roles}).Validate(schema(t, tt.sdl))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// field resolves one field of typ through the extension as caller (nil:
// anonymous) and reports whether the resolver ran and the error.
func field(t *testing.T, e *authz.Extension, s *ast.Schema, typ, name string, caller *auth.Principal) (ran bool, err error) {
	t.Helper()
	def := s.Types[typ].Fields.ForName(name)
	if def == nil {
		t.Fatalf("no field %s.%s", typ, name)
	}
	ctx := t.Context()
	if caller != nil {
		ctx = auth.NewContext(ctx, *caller)
	}
	fc := &graphql.FieldContext{Object: typ, Field: graphql.CollectedField{Field: &ast.Field{Name: name, Definition: def}}}
	_, err = e.InterceptField(graphql.WithFieldContext(ctx, fc), func(context.Context) (any, error) {
		ran = true
		return "value", nil
	})
	return ran, err
}

func TestInterceptField(t *testing.T) {
	e, s := extension(t, "support", "admin")
	customer := &auth.Principal{Subject: "usr_0001", Roles: []string{"customer"}}
	support := &auth.Principal{Subject: "usr_0191", Roles: []string{"support"}}
	admin := &auth.Principal{Subject: "usr_0196", Roles: []string{"admin"}}
	tests := []struct {
		name      string
		typ, fld  string
		caller    *auth.Principal
		wantCode  gqlerr.Code // "" means the resolver runs
		wantInMsg string
	}{
		{"public root, anonymous", "Query", "catalog", nil, "", ""},
		{"public root, customer", "Query", "catalog", customer, "", ""},
		{"root needs a policy role: anonymous", "Query", "orders", nil, gqlerr.Unauthenticated, "sign in"},
		{"root needs a policy role: customer", "Query", "orders", customer, gqlerr.Forbidden, "support or admin"},
		{"root needs a policy role: support", "Query", "orders", support, "", ""},
		{"root @auth adds to the policy: support", "Query", "audit", support, gqlerr.Forbidden, "admin role"},
		{"root @auth adds to the policy: admin", "Query", "audit", admin, "", ""},
		{"mutation @auth: support", "Mutation", "refund", support, gqlerr.Forbidden, "admin role"},
		{"mutation @auth: admin", "Mutation", "refund", admin, "", ""},
		{"nested @auth: support", "Order", "last4", support, gqlerr.Forbidden, "admin role"},
		{"nested @auth: anonymous", "Order", "last4", nil, gqlerr.Unauthenticated, "sign in"},
		{"nested @auth: admin", "Order", "last4", admin, "", ""},
		{"nested plain field: anonymous", "Order", "id", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran, err := field(t, e, s, tt.typ, tt.fld, tt.caller)
			if tt.wantCode == "" {
				if err != nil || !ran {
					t.Fatalf("ran = %v, err = %v; want the resolver to run", ran, err)
				}
				return
			}
			ge, ok := errors.AsType[*gqlerr.Error](err)
			if !ok || ge.Code != tt.wantCode || !strings.Contains(ge.Message, tt.wantInMsg) {
				t.Fatalf("err = %v, want %s mentioning %q", err, tt.wantCode, tt.wantInMsg)
			}
			if ran {
				t.Fatal("the resolver ran although the caller was refused")
			}
		})
	}
}

func TestInterceptResponse(t *testing.T) {
	e, s := extension(t, "support", "admin")
	tests := []struct {
		name     string
		doc      string
		vars     map[string]any
		signedIn bool
		want401  bool
	}{
		{"anonymous, public only", `{ catalog { name } }`, nil, false, false},
		{"anonymous, introspection only", `{ __typename __schema { queryType { name } } }`, nil, false, false},
		{"anonymous, protected root", `{ orders { id } }`, nil, false, true},
		{"anonymous, public and protected", `{ catalog { name } orders { id } }`, nil, false, true},
		{"anonymous, protected inside an inline fragment", `{ ... on Query { orders { id } } }`, nil, false, true},
		{"anonymous, protected inside a named fragment", `query { ...F } fragment F on Query { audit }`, nil, false, true},
		{"anonymous, protected but skipped", `query($s: Boolean!) { catalog { name } orders @skip(if: $s) { id } }`, map[string]any{"s": true}, false, false},
		{"anonymous, protected and included", `query($s: Boolean!) { orders @include(if: $s) { id } }`, map[string]any{"s": true}, false, true},
		{"anonymous mutation", `mutation { refund(id: "1") }`, nil, false, true},
		{"signed in, protected root (checked per field instead)", `{ orders { id } }`, nil, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(s, tt.doc, nil)
			if errs != nil {
				t.Fatal(errs)
			}
			ctx := t.Context()
			if tt.signedIn {
				ctx = auth.NewContext(ctx, auth.Principal{Subject: "usr_0191", Roles: []string{"support"}})
			}
			oc := &graphql.OperationContext{RawQuery: tt.doc, Doc: doc, Operation: doc.Operations[0], Variables: tt.vars}
			ctx = graphql.WithOperationContext(ctx, oc)
			ctx = graphql.WithResponseContext(ctx, func(_ context.Context, err error) *gqlerror.Error {
				return &gqlerror.Error{Message: err.Error()}
			}, nil)
			executed := false
			resp := e.InterceptResponse(ctx, func(context.Context) *graphql.Response {
				executed = true
				return &graphql.Response{}
			})
			if tt.want401 {
				if executed || len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, "UNAUTHENTICATED") || resp.Data != nil {
					t.Fatalf("executed = %v, response = %+v; want one UNAUTHENTICATED error and nothing run", executed, resp)
				}
				return
			}
			if !executed || len(resp.Errors) != 0 {
				t.Fatalf("executed = %v, response = %+v; want the operation to run", executed, resp)
			}
		})
	}
}
