package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"slices"
	"sort"

	"github.com/99designs/gqlgen/codegen"
	gqlast "github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/tools/go/ast/astutil"
)

// gqlexecPath is the package whose helpers the rewritten executor calls.
const gqlexecPath = modulePrefix + "/shared/gqlexec"

// inliner is a gqlgen plugin that finds, from gqlgen's own model of the
// schema, the object lists that can be marshalled on the calling goroutine
// (those whose elements, and everything below them, resolve only plain
// fields and batch resolvers) and the plain fields that can be read straight
// from the model (plainRead). After gqlgen has written the executor, rewrite
// swaps gqlgen's concurrent list marshaller for gqlexec.MarshalSlice in
// exactly those lists, answers those fields without graphql.ResolveField,
// resolves the batch fields of safe objects through
// gqlexec.ResolveConcurrently (no goroutine below a list's first element),
// finds batch parents with gqlexec.BatchParentsFor (no response path), and
// gives every object gqlexec's lazy @defer group and its marshaller
// (docs/decisions.md, decisions 15 to 18).
type inliner struct {
	// lists are the names of the generated list marshal functions to inline.
	lists map[string]bool
	// objects are the generated object marshal functions (_Object) of safe
	// object types with batch fields: those resolve through
	// gqlexec.ResolveConcurrently.
	objects map[string]bool
	// plainObjects are the generated object marshal functions of objects
	// none of whose fields resolves concurrently: their field set is a
	// gqlexec.FieldSet.
	plainObjects map[string]bool
	// reads are the generated field functions (_Object_field) of plain
	// fields read straight from the model, by name; see plainRead.
	reads map[string]read
}

func (*inliner) Name() string { return "frontdesk-inline-lists" }

// GenerateCode runs before gqlgen writes its files; it only reads data.
func (p *inliner) GenerateCode(data *codegen.Data) error {
	objects := make(map[string]*codegen.Object, len(data.Objects))
	for _, o := range data.Objects {
		objects[o.Name] = o
	}
	s := &safety{schema: data.Schema, objects: objects, memo: map[string]bool{}}
	p.reads = map[string]read{}
	for _, o := range data.Objects {
		for _, f := range o.Fields {
			if r, ok := plainRead(o, f); ok {
				p.reads["_"+o.Name+"_"+f.Name] = r
			}
		}
	}
	// Second pass: value objects all of whose fields are read in line.
	for _, o := range data.Objects {
		for _, f := range o.Fields {
			if r, ok := objectRead(o, f, objects, p.reads); ok {
				p.reads["_"+o.Name+"_"+f.Name] = r
			}
		}
	}
	p.plainObjects = map[string]bool{}
	for _, o := range data.Objects {
		if !o.Root && !slices.ContainsFunc(o.Fields, (*codegen.Field).IsConcurrent) {
			p.plainObjects["_"+o.Name] = true
		}
	}
	p.objects = map[string]bool{}
	for _, o := range data.Objects {
		if s.safe(o.Name) && slices.ContainsFunc(o.Fields, (*codegen.Field).IsConcurrent) {
			p.objects["_"+o.Name] = true
		}
	}
	p.lists = map[string]bool{}
	for _, ref := range data.ReferencedTypes {
		if !ref.IsSlice() || ref.Definition == nil || ref.GQL.Elem == nil || ref.GQL.Elem.Elem != nil {
			continue
		}
		switch ref.Definition.Kind {
		case gqlast.Object, gqlast.Interface, gqlast.Union:
			if s.safe(ref.Definition.Name) {
				p.lists[ref.MarshalFunc()] = true
			}
		}
	}
	return nil
}

// infallible are the built-in scalars whose marshallers cannot fail for a
// Go value of their default binding: no null, no error at the field's path.
var infallible = map[string]bool{"String": true, "ID": true, "Int": true, "Boolean": true}

// plainRead reports whether field f of object o can be answered by
// marshalling the model's struct field, or the result of its method,
// directly, skipping gqlgen's per-field machinery (a field context, a
// context value, the field middleware, boxing the value): a plain struct
// field (no resolver) or a method of the model without context, arguments or
// error, not on a root type, of a non-pointer Go value of a built-in scalar
// whose marshaller cannot fail or of an enum, with no directive but
// @deprecated. Field middleware therefore never sees such a field: authz's
// rules live on root fields and on fields with @auth, tracing spans
// resolvers only (docs/decisions.md, "Plain fields read in line"). A method
// keeps its panic guard (gqlexec.RecoverRead).
func plainRead(o *codegen.Object, f *codegen.Field) (read, bool) {
	if o.Root || f.IsResolver || f.MethodHasContext || f.Batch {
		return read{}, false
	}
	method := false
	switch f.GoFieldType {
	case codegen.GoFieldVariable:
	case codegen.GoFieldMethod:
		if f.GoReceiverName != "obj" || !f.NoErr || f.VOkFunc || len(f.Args) > 0 {
			return read{}, false
		}
		method = true
	default:
		return read{}, false
	}
	ref := f.TypeReference
	if ref == nil || ref.Definition == nil || ref.IsSlice() || ref.IsPtr() {
		return read{}, false
	}
	switch {
	case ref.Definition.Kind == gqlast.Enum:
	case ref.Definition.Kind == gqlast.Scalar && infallible[ref.Definition.Name] && isBasic(ref.GO):
	default:
		return read{}, false
	}
	for _, d := range f.FieldDefinition.Directives {
		if d.Name != "deprecated" {
			return read{}, false
		}
	}
	return read{marshal: ref.MarshalFunc(), goField: f.GoFieldName, method: method}, true
}

// objectRead reports whether field f of object o, whose value is an object,
// can be marshalled straight from the model like a plain field (plainRead):
// a plain struct field, not on a root type, holding a Go struct value (not a
// pointer, so never null) of an object type every field of which is itself
// read in line (reads), with no directive but @deprecated (Money: `total`,
// `unitPrice`, `amount`). Nothing below such a field reads its field
// context: its fields neither fail nor resolve anything. A @defer group is
// built from the field context's path, so the read is taken only when the
// field's selection defers nothing (gqlexec.SelectsDeferred); otherwise
// gqlgen's ResolveField still answers.
func objectRead(o *codegen.Object, f *codegen.Field, objects map[string]*codegen.Object, reads map[string]read) (read, bool) {
	if o.Root || f.IsResolver || f.MethodHasContext || f.Batch || f.GoFieldType != codegen.GoFieldVariable {
		return read{}, false
	}
	ref := f.TypeReference
	if ref == nil || ref.Definition == nil || ref.Definition.Kind != gqlast.Object || ref.IsSlice() || ref.IsPtr() || ref.GO == nil {
		return read{}, false
	}
	if _, ok := ref.GO.Underlying().(*types.Struct); !ok {
		return read{}, false
	}
	child := objects[ref.Definition.Name]
	if child == nil || child.Root || len(child.Fields) == 0 {
		return read{}, false
	}
	for _, cf := range child.Fields {
		if _, ok := reads["_"+child.Name+"_"+cf.Name]; !ok {
			return read{}, false
		}
	}
	for _, d := range f.FieldDefinition.Directives {
		if d.Name != "deprecated" {
			return read{}, false
		}
	}
	return read{marshal: ref.MarshalFunc(), goField: f.GoFieldName, object: true}, true
}

// read answers a plain field: ec.<marshal>(ctx, field.Selections,
// obj.<goField>), or obj.<goField>() for a method, which runs under
// `defer gqlexec.RecoverRead(ctx, field, &ret)`; for an object, only when
// its selection defers nothing, gqlgen's body answering otherwise.
type read struct {
	marshal, goField string
	method, object   bool
}

func (r read) stmts(original []ast.Stmt) []ast.Stmt {
	sel := func(x, name string) *ast.SelectorExpr {
		return &ast.SelectorExpr{X: ast.NewIdent(x), Sel: ast.NewIdent(name)}
	}
	var value ast.Expr = sel("obj", r.goField)
	if r.method {
		value = &ast.CallExpr{Fun: value}
	}
	ret := &ast.ReturnStmt{Results: []ast.Expr{&ast.CallExpr{
		Fun:  sel("ec", r.marshal),
		Args: []ast.Expr{ast.NewIdent("ctx"), sel("field", "Selections"), value},
	}}}
	if r.object {
		cond := &ast.UnaryExpr{Op: token.NOT, X: &ast.CallExpr{
			Fun:  sel("gqlexec", "SelectsDeferred"),
			Args: []ast.Expr{sel("field", "Selections")},
		}}
		return append([]ast.Stmt{&ast.IfStmt{Cond: cond, Body: &ast.BlockStmt{List: []ast.Stmt{ret}}}}, original...)
	}
	if !r.method {
		return []ast.Stmt{ret}
	}
	guard := &ast.DeferStmt{Call: &ast.CallExpr{
		Fun:  sel("gqlexec", "RecoverRead"),
		Args: []ast.Expr{ast.NewIdent("ctx"), ast.NewIdent("field"), &ast.UnaryExpr{Op: token.AND, X: ast.NewIdent("ret")}},
	}}
	return []ast.Stmt{guard, ret}
}

// isBasic reports whether t is a Go basic type (string, int, bool …).
func isBasic(t types.Type) bool {
	_, ok := t.(*types.Basic)
	return ok
}

// safety decides which types marshal without waiting on anything but their
// batch resolvers.
type safety struct {
	schema  *gqlast.Schema
	objects map[string]*codegen.Object
	memo    map[string]bool
}

// safe reports whether marshalling a value of the named type runs nothing
// that should run concurrently with its siblings: every field is plain (no
// resolver, no context) or a batch resolver, and every object below it is
// safe too. A type in a cycle is assumed safe while its own fields decide.
func (s *safety) safe(name string) bool {
	if v, ok := s.memo[name]; ok {
		return v
	}
	def := s.schema.Types[name]
	if def == nil {
		return false
	}
	switch def.Kind {
	case gqlast.Scalar, gqlast.Enum:
		return true
	case gqlast.Interface, gqlast.Union:
		s.memo[name] = true
		ok := true
		for _, impl := range s.schema.GetPossibleTypes(def) {
			ok = ok && s.safe(impl.Name)
		}
		s.memo[name] = ok
		return ok
	case gqlast.Object:
	default:
		return false
	}
	obj := s.objects[name]
	if obj == nil || obj.Root {
		s.memo[name] = false
		return false
	}
	s.memo[name] = true
	ok := true
	for _, f := range obj.Fields {
		if f.IsConcurrent() && !f.IsBatch() {
			ok = false
			break
		}
		if f.TypeReference != nil && f.TypeReference.Definition != nil && !s.safe(f.TypeReference.Definition.Name) {
			ok = false
			break
		}
	}
	s.memo[name] = ok
	return ok
}

// rewrite edits the executor gqlgen wrote at path: the list marshal
// functions in p.lists call gqlexec.MarshalSlice, the field functions in
// p.reads marshal the model's field directly, the object functions in
// p.objects resolve their batch fields through gqlexec.ResolveConcurrently,
// every batch resolver finds its parents with gqlexec.BatchParentsFor, and
// every object's @defer
// group comes from gqlexec.NewDeferredGroup and its marshaller from
// gqlexec.Object. It fails when gqlgen's output no longer has the calls it
// expects, so a gqlgen upgrade cannot silently undo it.
func (p *inliner) rewrite(path string) (inlined []string, err error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing generated executor: %w", err)
	}
	deferGroups, reads, objects, resolves, plainObjects := 0, 0, 0, 0, 0
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		if r, ok := p.reads[fn.Name.Name]; ok {
			if err := replaceBody(fn, r.stmts); err != nil {
				return nil, err
			}
			reads++
			continue
		}
		inline, safeObject, plainObject := p.lists[fn.Name.Name], p.objects[fn.Name.Name], p.plainObjects[fn.Name.Name]
		swapped, object, before := false, false, resolves
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if ix, ok := call.Fun.(*ast.IndexExpr); ok && isSelector(ix.X, "graphql", "BatchParentsFor") {
				// graphql.BatchParentsFor[P](ctx, "T") → gqlexec.BatchParentsFor[P](…)
				ix.X = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("BatchParentsFor")}
				return true
			}
			switch {
			case isCall(call, "graphql", "MarshalSliceConcurrently") && inline:
				call.Fun = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("MarshalSlice")}
				swapped = true
			case isCall(call, "graphql", "NewFieldSet"):
				object = true
				if plainObject {
					call.Fun = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("NewFieldSet")}
				}
			case safeObject && isCall(call, "out", "ResolveConcurrently"):
				// out.ResolveConcurrently(oc, &deferred, i, recover, nonNull, f)
				// becomes gqlexec.ResolveConcurrently(ctx, out, oc, …).
				call.Fun = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("ResolveConcurrently")}
				call.Args = append([]ast.Expr{ast.NewIdent("ctx"), ast.NewIdent("out")}, call.Args...)
				resolves++
			case isCall(call, "graphql", "NewDeferredGroup"):
				call.Fun = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("NewDeferredGroup")}
				call.Args = append(call.Args, ast.NewIdent("fields"))
				deferGroups++
			}
			return true
		})
		switch {
		case object && plainObject:
			// gqlexec.FieldSet is its own marshaller: `return out` stays.
			objects++
			if !returnsOut(fn) {
				return nil, fmt.Errorf("%s: want an object marshal function ending in `return out` (gqlgen's template changed?)", fn.Name.Name)
			}
		case object:
			objects++
			if err := returnObject(fn); err != nil {
				return nil, err
			}
		}
		if object && plainObject {
			plainObjects++
		}
		if safeObject && resolves == before {
			return nil, fmt.Errorf("%s: no out.ResolveConcurrently call for its batch fields (gqlgen's template changed?)", fn.Name.Name)
		}
		if inline && !swapped {
			return nil, fmt.Errorf("%s: no graphql.MarshalSliceConcurrently call to inline (gqlgen's template changed?)", fn.Name.Name)
		}
		if swapped {
			inlined = append(inlined, fn.Name.Name)
		}
	}
	if plainObjects != len(p.plainObjects) {
		return nil, fmt.Errorf("found %d of the %d object functions without concurrent fields (gqlgen's output changed?)", plainObjects, len(p.plainObjects))
	}
	if reads != len(p.reads) {
		return nil, fmt.Errorf("found %d of the %d plain field functions to read in line (gqlgen's output changed?)", reads, len(p.reads))
	}
	if deferGroups == 0 || objects == 0 {
		return nil, errors.New("no graphql.NewDeferredGroup or graphql.NewFieldSet call in the generated executor (gqlgen's template changed?)")
	}
	astutil.AddImport(fset, file, gqlexecPath)
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, file); err != nil {
		return nil, fmt.Errorf("printing generated executor: %w", err)
	}
	src, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated executor: %w", err)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil { //nolint:gosec // generated source, committed
		return nil, err
	}
	sort.Strings(inlined)
	return inlined, nil
}

// returnsOut reports whether fn's last statement is `return out`.
func returnsOut(fn *ast.FuncDecl) bool {
	list := fn.Body.List
	if len(list) == 0 {
		return false
	}
	ret, ok := list[len(list)-1].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return false
	}
	id, ok := ret.Results[0].(*ast.Ident)
	return ok && id.Name == "out"
}

// returnObject makes the last statement of fn, a generated object marshal
// function, `return gqlexec.Object(fields, out)` instead of `return out`.
func returnObject(fn *ast.FuncDecl) error {
	list := fn.Body.List
	if returnsOut(fn) {
		if ret, ok := list[len(list)-1].(*ast.ReturnStmt); ok {
			if id, ok := ret.Results[0].(*ast.Ident); ok {
				// The new call sits where `out` was, so the printer keeps
				// the comments that follow it after it.
				at := func(name string) *ast.Ident { return &ast.Ident{Name: name, NamePos: id.Pos()} }
				ret.Results[0] = &ast.CallExpr{
					Fun:    &ast.SelectorExpr{X: at("gqlexec"), Sel: at("Object")},
					Lparen: id.Pos(),
					Args:   []ast.Expr{at("fields"), at("out")},
					Rparen: id.End(),
				}
				return nil
			}
		}
	}
	return fmt.Errorf("%s: want an object marshal function ending in `return out` (gqlgen's template changed?)", fn.Name.Name)
}

// replaceBody makes stmts(the body) the body of fn, a generated field
// function whose body must be gqlgen's one call to graphql.ResolveField and
// whose result must be named ret.
func replaceBody(fn *ast.FuncDecl, stmts func(original []ast.Stmt) []ast.Stmt) error {
	if !returnsOneCall(fn.Body.List, "ResolveField") || !namedResult(fn, "ret") {
		return fmt.Errorf("%s: want `(ret graphql.Marshaler)` and a body of one graphql.ResolveField call (gqlgen's template changed?)", fn.Name.Name)
	}
	fn.Body.List = stmts(fn.Body.List)
	return nil
}

// namedResult reports whether fn's only result is named name.
func namedResult(fn *ast.FuncDecl, name string) bool {
	r := fn.Type.Results
	return r != nil && len(r.List) == 1 && len(r.List[0].Names) == 1 && r.List[0].Names[0].Name == name
}

// returnsOneCall reports whether body is one `return graphql.<name>(…)`.
func returnsOneCall(body []ast.Stmt, name string) bool {
	if len(body) != 1 {
		return false
	}
	ret, ok := body[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return false
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	return ok && isCall(call, "graphql", name)
}

func isCall(call *ast.CallExpr, pkg, name string) bool { return isSelector(call.Fun, pkg, name) }

// isSelector reports whether x is pkg.name.
func isSelector(x ast.Expr, pkg, name string) bool {
	sel, ok := x.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}
