package main

import (
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const safetySDL = `
type Query { orders: [Order!]! }
type Order { id: ID! customer: User! items: [Item!]! notes: [Note!]! }
type Item { product: Product }
type Product { id: ID! stock: Int related: [Product!]! }
type User { id: ID! }
type Note { text: String! author: User! }
interface Node { id: ID! }
union Thing = Order | Note
`

// resolvers marks, per type, which fields have a resolver and whether it is
// a batch one; every other field is plain.
var resolvers = map[string]map[string]bool{ // field -> batch
	"Order":   {"customer": true, "items": true, "notes": true},
	"Item":    {"product": true},
	"Product": {"stock": true},
	"Note":    {"author": false}, // an ordinary resolver: Note waits on its own
}

func safetyFor(t *testing.T) *safety {
	t.Helper()
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "s.graphqls", Input: safetySDL})
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]*codegen.Object{}
	for _, def := range schema.Types {
		if def.Kind != ast.Object || def.BuiltIn {
			continue
		}
		obj := &codegen.Object{Definition: def, Root: def.Name == "Query"}
		for _, fd := range def.Fields {
			batch, isResolver := resolvers[def.Name][fd.Name]
			obj.Fields = append(obj.Fields, &codegen.Field{
				FieldDefinition: fd,
				Object:          obj,
				IsResolver:      isResolver || obj.Root,
				Batch:           batch,
				TypeReference:   &config.TypeReference{Definition: schema.Types[fd.Type.Name()], GQL: fd.Type},
			})
		}
		objects[def.Name] = obj
	}
	return &safety{schema: schema, objects: objects, memo: map[string]bool{}}
}

func TestSafety(t *testing.T) {
	tests := []struct {
		typ  string
		want bool
	}{
		{"User", true},     // plain fields only
		{"Product", true},  // a batch field, and a list of itself (a cycle)
		{"Item", true},     // a batch field to a safe type
		{"Note", false},    // an ordinary resolver
		{"Order", false},   // every field batch, but its notes' elements are not safe
		{"Thing", false},   // a union with an unsafe member
		{"Query", false},   // the root is never a list element
		{"Missing", false}, // unknown types are not assumed safe
	}
	s := safetyFor(t)
	for _, tt := range tests {
		if got := s.safe(tt.typ); got != tt.want {
			t.Errorf("safe(%s) = %v, want %v", tt.typ, got, tt.want)
		}
	}
}

const generatedSrc = `package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

func (ec *executionContext) _Order(ctx context.Context, fields []graphql.CollectedField) graphql.Marshaler {
	out := graphql.NewFieldSet(fields)
	deferred := graphql.NewDeferredGroup(ctx)
	out.ResolveConcurrently(ec.OperationContext, &deferred, 0, true, false, nil)
	return out
}

func (ec *executionContext) _Money(ctx context.Context, fields []graphql.CollectedField) graphql.Marshaler {
	out := graphql.NewFieldSet(fields)
	deferred := graphql.NewDeferredGroup(ctx)
	_ = deferred
	return out
}

func (ec *executionContext) _Note(ctx context.Context, fields []graphql.CollectedField) graphql.Marshaler {
	out := graphql.NewFieldSet(fields)
	deferred := graphql.NewDeferredGroup(ctx)
	out.ResolveConcurrently(ec.OperationContext, &deferred, 0, true, false, nil)
	return out
}

func (ec *executionContext) marshalNItem2ᚕItem(ctx context.Context, v []Item) graphql.Marshaler {
	return graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, nil)
}

func (ec *executionContext) marshalNNote2ᚕNote(ctx context.Context, v []Note) graphql.Marshaler {
	return graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, nil)
}

func (ec *executionContext) resolveBatch_Item_product(ctx context.Context, obj *Item) (any, error) {
	if batch, ok := graphql.BatchParentsFor[*Item](ctx, "Item"); ok {
		return batch.Parents, nil
	}
	return nil, nil
}

func (ec *executionContext) _Item_name(ctx context.Context, field graphql.CollectedField, obj *Item) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field, nil, nil, nil, ec.marshalNString2string, true, true)
}

func (ec *executionContext) _Item_price(ctx context.Context, field graphql.CollectedField, obj *Item) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field, nil, nil, nil, ec.marshalNMoney2Money, true, true)
}

func (ec *executionContext) _Item_label(ctx context.Context, field graphql.CollectedField, obj *Item) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field, nil, nil, nil, ec.marshalNString2string, true, true)
}
`

func TestRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "generated.go")
	if err := os.WriteFile(path, []byte(generatedSrc), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &inliner{
		lists: map[string]bool{"marshalNItem2ᚕItem": true},
		reads: map[string]read{
			"_Item_name":  {marshal: "marshalNString2string", goField: "Name"},
			"_Item_label": {marshal: "marshalNString2string", goField: "Label", method: true},
			"_Item_price": {marshal: "marshalNMoney2Money", goField: "Price", object: true},
		},
		objects:      map[string]bool{"_Order": true},
		plainObjects: map[string]bool{"_Money": true},
	}
	inlined, err := p.rewrite(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(inlined) != 1 || inlined[0] != "marshalNItem2ᚕItem" {
		t.Errorf("inlined = %q, want the Item list only", inlined)
	}
	out, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(out)
	for _, want := range []string{
		`"github.com/frontdesk/frontdesk/shared/gqlexec"`,
		"deferred := gqlexec.NewDeferredGroup(ctx, fields)",
		"return gqlexec.Object(fields, out)",
		"out := gqlexec.NewFieldSet(fields)\n\tdeferred := gqlexec.NewDeferredGroup(ctx, fields)\n\t_ = deferred\n\treturn out\n}", // _Money
		"return gqlexec.MarshalSlice(ctx, len(v), 0, false, nil)",
		"return graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, nil)", // the Note list keeps it
		"return ec.marshalNString2string(ctx, field.Selections, obj.Name)",
		"defer gqlexec.RecoverRead(ctx, field, &ret)\n\treturn ec.marshalNString2string(ctx, field.Selections, obj.Label())",
		"gqlexec.ResolveConcurrently(ctx, out, ec.OperationContext, &deferred, 0, true, false, nil)",
		"out.ResolveConcurrently(ec.OperationContext, &deferred, 0, true, false, nil)", // Note is not safe
		`gqlexec.BatchParentsFor[*Item](ctx, "Item")`,
		"if !gqlexec.SelectsDeferred(field.Selections) {\n\t\treturn ec.marshalNMoney2Money(ctx, field.Selections, obj.Price)\n\t}\n\treturn graphql.ResolveField(ctx, ec.OperationContext, field, nil, nil, nil, ec.marshalNMoney2Money, true, true)",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("rewritten executor lacks %q:\n%s", want, src)
		}
	}
}

func TestRewriteFailsWhenGqlgenChanged(t *testing.T) {
	for name, src := range map[string]string{
		"no deferred group":               strings.ReplaceAll(generatedSrc, "graphql.NewDeferredGroup(ctx)", "graphql.Other(ctx)"),
		"plain field not found":           strings.Replace(generatedSrc, "_Item_name", "_Item_title", 1),
		"unnamed result":                  strings.Replace(generatedSrc, "obj *Item) (ret graphql.Marshaler)", "obj *Item) graphql.Marshaler", 1),
		"object not ending in return out": strings.Replace(generatedSrc, "\treturn out\n", "\treturn nil\n", 1),
		"plain object not found":          strings.Replace(generatedSrc, "_Money(", "_Cash(", 1),
		"no batch field call":             strings.Replace(generatedSrc, "out.ResolveConcurrently(ec.OperationContext, &deferred, 0, true, false, nil)\n\treturn out\n}\n\nfunc (ec *executionContext) _Money", "return out\n}\n\nfunc (ec *executionContext) _Money", 1),
		"no list call":                    strings.Replace(generatedSrc, "return graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, nil)\n}\n\nfunc (ec *executionContext) marshalNNote", "return nil\n}\n\nfunc (ec *executionContext) marshalNNote", 1),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "generated.go")
			if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			p := &inliner{
				lists:        map[string]bool{"marshalNItem2ᚕItem": true},
				reads:        map[string]read{"_Item_name": {marshal: "marshalNString2string", goField: "Name"}},
				objects:      map[string]bool{"_Order": true},
				plainObjects: map[string]bool{"_Money": true},
			}
			if _, err := p.rewrite(path); err == nil {
				t.Error("rewrite succeeded, want an error naming what gqlgen no longer generates")
			}
		})
	}
}

func TestPlainRead(t *testing.T) {
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "s.graphqls", Input: `
directive @auth(role: String) on FIELD_DEFINITION
type Query { x: T }
enum Status { A B }
scalar DateTime
type T { s: String! }
`})
	if err != nil {
		t.Fatal(err)
	}
	status := types.NewNamed(types.NewTypeName(0, types.NewPackage("example.com/model", "model"), "Status", nil), types.Typ[types.String], nil)
	obj := &codegen.Object{Definition: schema.Types["T"]}
	root := &codegen.Object{Definition: schema.Types["Query"], Root: true}
	field := func(o *codegen.Object, gql string, goType types.Type, mutate func(*codegen.Field)) *codegen.Field {
		return fieldOf(schema, o, gql, goType, mutate)
	}
	method := func(mutate func(*codegen.Field)) func(*codegen.Field) {
		return func(f *codegen.Field) {
			f.GoFieldType, f.GoReceiverName, f.NoErr = codegen.GoFieldMethod, "obj", true
			if mutate != nil {
				mutate(f)
			}
		}
	}
	deprecated := func(f *codegen.Field) {
		f.FieldDefinition.Directives = ast.DirectiveList{{Name: "deprecated"}}
	}
	tests := []struct {
		name string
		f    *codegen.Field
		want bool
	}{
		{"string", field(obj, "String", types.Typ[types.String], nil), true},
		{"int", field(obj, "Int", types.Typ[types.Int], nil), true},
		{"enum", field(obj, "Status", status, nil), true},
		{"deprecated", field(obj, "String", types.Typ[types.String], deprecated), true},
		{"pointer", field(obj, "String", types.NewPointer(types.Typ[types.String]), nil), false},
		{"float can fail", field(obj, "Float", types.Typ[types.Float64], nil), false},
		{"custom scalar", field(obj, "DateTime", types.Typ[types.String], nil), false},
		{"root field", field(root, "String", types.Typ[types.String], nil), false},
		{"resolver", field(obj, "String", types.Typ[types.String], func(f *codegen.Field) { f.IsResolver = true }), false},
		{"method", field(obj, "String", types.Typ[types.String], method(nil)), true},
		{"method with an error", field(obj, "String", types.Typ[types.String], method(func(f *codegen.Field) { f.NoErr = false })), false},
		{"method with (value, ok)", field(obj, "String", types.Typ[types.String], method(func(f *codegen.Field) { f.VOkFunc = true })), false},
		{"method with a context", field(obj, "String", types.Typ[types.String], method(func(f *codegen.Field) { f.MethodHasContext = true })), false},
		{"method with arguments", field(obj, "String", types.Typ[types.String], method(func(f *codegen.Field) { f.Args = []*codegen.FieldArgument{{}} })), false},
		{"executor method", field(obj, "String", types.Typ[types.String], method(func(f *codegen.Field) { f.GoReceiverName = "ec" })), false},
		{"@auth", field(obj, "String", types.Typ[types.String], func(f *codegen.Field) {
			f.FieldDefinition.Directives = ast.DirectiveList{{Name: "auth"}}
		}), false},
		{"object", field(obj, "T", types.Typ[types.String], nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := plainRead(tt.f.Object, tt.f)
			if ok != tt.want {
				t.Fatalf("plainRead = %v, want %v", ok, tt.want)
			}
			if ok && r.method != (tt.f.GoFieldType == codegen.GoFieldMethod) {
				t.Errorf("read.method = %v for a %v field", r.method, tt.f.GoFieldType)
			}
			if ok && (r.goField != "F" || !strings.HasPrefix(r.marshal, "marshalN"+tt.f.TypeReference.Definition.Name+"2")) {
				t.Errorf("read = %+v, want obj.F through marshalN%s…", r, tt.f.TypeReference.Definition.Name)
			}
		})
	}
}

func TestObjectRead(t *testing.T) {
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "s.graphqls", Input: `
directive @auth(role: String) on FIELD_DEFINITION
type Query { x: T }
type Money { cents: Int! formatted: String! }
type Stock { total: Int! byWarehouse: [Int!]! }
type T { s: String! }
`})
	if err != nil {
		t.Fatal(err)
	}
	pkg := types.NewPackage("example.com/model", "model")
	money := types.NewNamed(types.NewTypeName(0, pkg, "Money", nil), types.NewStruct(nil, nil), nil)
	objects := map[string]*codegen.Object{
		"Money": {Definition: schema.Types["Money"], Fields: []*codegen.Field{
			{FieldDefinition: &ast.FieldDefinition{Name: "cents"}}, {FieldDefinition: &ast.FieldDefinition{Name: "formatted"}},
		}},
		"Stock": {Definition: schema.Types["Stock"], Fields: []*codegen.Field{
			{FieldDefinition: &ast.FieldDefinition{Name: "total"}}, {FieldDefinition: &ast.FieldDefinition{Name: "byWarehouse"}},
		}},
	}
	// Every Money field is read in line; Stock's list is not.
	reads := map[string]read{"_Money_cents": {}, "_Money_formatted": {}, "_Stock_total": {}}
	obj := &codegen.Object{Definition: schema.Types["T"]}
	field := func(o *codegen.Object, gql string, goType types.Type, mutate func(*codegen.Field)) *codegen.Field {
		return fieldOf(schema, o, gql, goType, mutate)
	}
	tests := []struct {
		name string
		f    *codegen.Field
		want bool
	}{
		{"value object read in line", field(obj, "Money", money, nil), true},
		{"pointer", field(obj, "Money", types.NewPointer(money), nil), false},
		{"child with a field not read in line", field(obj, "Stock", money, nil), false},
		{"root field", field(&codegen.Object{Definition: schema.Types["Query"], Root: true}, "Money", money, nil), false},
		{"resolver", field(obj, "Money", money, func(f *codegen.Field) { f.IsResolver = true }), false},
		{"method", field(obj, "Money", money, func(f *codegen.Field) { f.GoFieldType = codegen.GoFieldMethod }), false},
		{"@auth", field(obj, "Money", money, func(f *codegen.Field) {
			f.FieldDefinition.Directives = ast.DirectiveList{{Name: "auth"}}
		}), false},
		{"scalar", field(obj, "String", types.Typ[types.String], nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := objectRead(tt.f.Object, tt.f, objects, reads)
			if ok != tt.want {
				t.Fatalf("objectRead = %v, want %v", ok, tt.want)
			}
			if ok && (r.goField != "F" || r.method || !strings.HasPrefix(r.marshal, "marshalNMoney2")) {
				t.Errorf("read = %+v, want obj.F through marshalNMoney2…", r)
			}
		})
	}
}

// fieldOf is a plain struct field F of object o, of the non-null type gql
// of schema bound to goType, then changed by mutate (when not nil).
func fieldOf(schema *ast.Schema, o *codegen.Object, gql string, goType types.Type, mutate func(*codegen.Field)) *codegen.Field {
	typ := ast.NonNullNamedType(gql, nil)
	f := &codegen.Field{
		FieldDefinition: &ast.FieldDefinition{Name: "f", Type: typ},
		Object:          o,
		GoFieldType:     codegen.GoFieldVariable,
		GoFieldName:     "F",
		TypeReference:   &config.TypeReference{Definition: schema.Types[gql], GQL: typ, GO: goType},
	}
	if mutate != nil {
		mutate(f)
	}
	return f
}
