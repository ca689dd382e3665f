package responsecache

import (
	"errors"
	"fmt"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
)

// The directive and enum of schema/base that carry the hints.
const (
	Directive = "cacheControl"
	ScopeEnum = "CacheControlScope"
)

// hint is one @cacheControl: maxAge in seconds (-1 when not given).
type hint struct {
	maxAge  int
	private bool
	inherit bool
}

var noHint = hint{maxAge: -1}

// hints are a schema's @cacheControl directives, by field and by type.
type hints struct {
	schema *ast.Schema
	fields map[*ast.FieldDefinition]hint
	types  map[string]hint
}

// readHints reads every @cacheControl of schema and checks its arguments.
func readHints(schema *ast.Schema) (hints, error) {
	h := hints{schema: schema, fields: map[*ast.FieldDefinition]hint{}, types: map[string]hint{}}
	var errs []error
	for name, def := range schema.Types {
		if d := def.Directives.ForName(Directive); d != nil {
			v, err := parseHint(d)
			if err != nil {
				errs = append(errs, fmt.Errorf("responsecache: %s: %w", name, err))
			}
			h.types[name] = v
		}
		for _, f := range def.Fields {
			if d := f.Directives.ForName(Directive); d != nil {
				v, err := parseHint(d)
				if err != nil {
					errs = append(errs, fmt.Errorf("responsecache: %s.%s: %w", name, f.Name, err))
				}
				h.fields[f] = v
			}
		}
	}
	return h, errors.Join(errs...)
}

func parseHint(d *ast.Directive) (hint, error) {
	h := noHint
	if a := d.Arguments.ForName("maxAge"); a != nil && a.Value != nil {
		v, err := a.Value.Value(nil)
		n, ok := v.(int64)
		if err != nil || !ok || n < 0 {
			return noHint, fmt.Errorf("@%s(maxAge:) must be a non-negative Int", Directive)
		}
		h.maxAge = int(min(n, 1<<30))
	}
	if a := d.Arguments.ForName("scope"); a != nil && a.Value != nil {
		switch a.Value.Raw {
		case "PRIVATE":
			h.private = true
		case "PUBLIC":
		default:
			return noHint, fmt.Errorf("@%s(scope:) must be PUBLIC or PRIVATE", Directive)
		}
	}
	if a := d.Arguments.ForName("inheritMaxAge"); a != nil && a.Value != nil {
		h.inherit = a.Value.Raw == "true"
	}
	return h, nil
}

// policy is what the hints of an operation's fields allow.
type policy struct {
	cacheable bool
	maxAge    time.Duration
	private   bool
}

// policyOf returns the cache policy of op: Apollo's rules, statically.
//   - A field's maxAge is its own hint's; else, for a field of object,
//     interface or union type, its type's hint; else, for a leaf field
//     (scalar, enum) below the root, its parent's. A hint with
//     inheritMaxAge takes the parent's. A field left with none is not
//     cacheable, so a root field or an object field needs a hint.
//   - The operation's maxAge is the least of its fields'; a PRIVATE hint on
//     any field or type selected makes the whole answer private. A
//     fragment's type condition counts as a type the answer holds.
//   - Every selected field counts, also below @skip/@include and in
//     fragments on types the answer may not have: the policy errs on the
//     side of caching less.
func (h hints) policyOf(op *ast.OperationDefinition) policy {
	w := walker{h: h, least: -1, visiting: map[string]bool{}}
	w.selections(op.SelectionSet, -1, true)
	if w.uncacheable || w.least <= 0 {
		return policy{}
	}
	return policy{cacheable: true, maxAge: time.Duration(w.least) * time.Second, private: w.private}
}

type walker struct {
	h           hints
	least       int
	private     bool
	uncacheable bool
	visiting    map[string]bool // fragments on the current path
}

func (w *walker) selections(set ast.SelectionSet, parent int, root bool) {
	for _, sel := range set {
		if w.uncacheable {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			w.field(s, parent, root)
		case *ast.InlineFragment:
			w.selections(s.SelectionSet, w.onType(s.TypeCondition, parent), root)
		case *ast.FragmentSpread:
			if s.Definition == nil || w.visiting[s.Name] {
				w.uncacheable = true
				return
			}
			w.visiting[s.Name] = true
			w.selections(s.Definition.SelectionSet, w.onType(s.Definition.TypeCondition, parent), root)
			delete(w.visiting, s.Name)
		}
	}
}

// onType applies the hint of a fragment's type condition, as the hint of
// the type an abstract field may turn out to be: its scope counts, and its
// maxAge (if any) bounds the fragment's fields. It returns the parent
// maxAge for the fragment's selections.
func (w *walker) onType(typeName string, parent int) int {
	th, ok := w.h.types[typeName]
	if !ok {
		return parent
	}
	w.private = w.private || th.private
	if th.maxAge < 0 {
		return parent
	}
	if w.least < 0 || th.maxAge < w.least {
		w.least = th.maxAge
	}
	return th.maxAge
}

func (w *walker) field(f *ast.Field, parent int, root bool) {
	if f.Name == "__typename" {
		return // the same for every caller, at any age
	}
	if f.Definition == nil || f.Definition.Type == nil {
		w.uncacheable = true
		return
	}
	typeName := f.Definition.Type.Name()
	def := w.h.schema.Types[typeName]
	leaf := def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum
	fh, ok := w.h.fields[f.Definition]
	if !ok {
		fh = noHint
	}
	th, ok := w.h.types[typeName]
	if !ok || leaf {
		th = noHint
	}
	age := -1
	switch {
	case fh.maxAge >= 0:
		age = fh.maxAge
	case fh.inherit, th.maxAge < 0 && th.inherit:
		age = parent
	case th.maxAge >= 0:
		age = th.maxAge
	case leaf && !root:
		age = parent
	}
	if age < 0 {
		w.uncacheable = true
		return
	}
	w.private = w.private || fh.private || th.private
	if w.least < 0 || age < w.least {
		w.least = age
	}
	if !leaf {
		w.selections(f.SelectionSet, age, false)
	}
}
