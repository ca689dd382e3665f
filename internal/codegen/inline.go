package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"sort"

	"github.com/99designs/gqlgen/codegen"
	gqlast "github.com/vektah/gqlparser/v2/ast"
	"golang.org/x/tools/go/ast/astutil"
)

// gqlexecPath is the package whose helpers the rewritten executor calls.
const gqlexecPath = modulePrefix + "/shared/gqlexec"

// inliner is a gqlgen plugin that finds, from gqlgen's own model of the
// schema, the object lists that can be marshalled on the calling goroutine:
// those whose elements (and everything below them) resolve only plain fields
// and batch resolvers. After gqlgen has written the executor, rewrite swaps
// gqlgen's concurrent list marshaller for gqlexec.MarshalSlice in exactly
// those lists, and gqlgen's @defer group for gqlexec's lazy one in every
// object (docs/decisions.md, "Lists marshalled in line").
type inliner struct {
	// lists are the names of the generated list marshal functions to inline.
	lists map[string]bool
}

func (*inliner) Name() string { return "frontdesk-inline-lists" }

// GenerateCode runs before gqlgen writes its files; it only reads data.
func (p *inliner) GenerateCode(data *codegen.Data) error {
	objects := make(map[string]*codegen.Object, len(data.Objects))
	for _, o := range data.Objects {
		objects[o.Name] = o
	}
	s := &safety{schema: data.Schema, objects: objects, memo: map[string]bool{}}
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
// functions in p.lists call gqlexec.MarshalSlice, and every object's @defer
// group comes from gqlexec.NewDeferredGroup. It fails when gqlgen's output no
// longer has the calls it expects, so a gqlgen upgrade cannot silently undo it.
func (p *inliner) rewrite(path string) (inlined []string, err error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parsing generated executor: %w", err)
	}
	deferGroups := 0
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		inline := p.lists[fn.Name.Name]
		swapped := false
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			switch {
			case isCall(call, "graphql", "MarshalSliceConcurrently") && inline:
				call.Fun = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("MarshalSlice")}
				swapped = true
			case isCall(call, "graphql", "NewDeferredGroup"):
				call.Fun = &ast.SelectorExpr{X: ast.NewIdent("gqlexec"), Sel: ast.NewIdent("NewDeferredGroup")}
				call.Args = append(call.Args, ast.NewIdent("fields"))
				deferGroups++
			}
			return true
		})
		if inline && !swapped {
			return nil, fmt.Errorf("%s: no graphql.MarshalSliceConcurrently call to inline (gqlgen's template changed?)", fn.Name.Name)
		}
		if swapped {
			inlined = append(inlined, fn.Name.Name)
		}
	}
	if deferGroups == 0 {
		return nil, errors.New("no graphql.NewDeferredGroup call in the generated executor (gqlgen's template changed?)")
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

func isCall(call *ast.CallExpr, pkg, name string) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}
