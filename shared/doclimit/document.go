package doclimit

import (
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"
)

// The messages gqlparser stops with when a document runs into its token
// limit or its nesting guard (a test pins both).
const (
	tokenLimitMessage = "exceeded token limit of "
	nestingMessage    = "exceeded maximum nesting depth of "
)

// checkDocument parses query, stopping at the token cap, and measures the
// document against the other caps. It returns the parsed document when it
// passes. Every step is linear in the document's tokens: fragments are
// measured once each however often they are spread.
func (c Config) checkDocument(query string) (*ast.QueryDocument, *gqlerror.Error) {
	if c.tooManyTokens(query) {
		return nil, (&LimitError{Limit: Tokens, Max: c.MaxTokens}).gqlError()
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, c.MaxTokens)
	if err != nil {
		gqlErr, ok := errors.AsType[*gqlerror.Error](err)
		if !ok {
			gqlErr = gqlerror.Wrap(err)
		}
		switch {
		case strings.HasPrefix(gqlErr.Message, tokenLimitMessage):
			return nil, (&LimitError{Limit: Tokens, Max: c.MaxTokens}).gqlError()
		case strings.HasPrefix(gqlErr.Message, nestingMessage):
			return nil, (&LimitError{Limit: Depth, Max: c.MaxDepth}).gqlError()
		}
		// The same error gqlgen's parser would give, without a second parse.
		errcode.Set(gqlErr, errcode.ParseFailed)
		return nil, gqlErr
	}
	if err := c.measure(doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// tooManyTokens reports whether query has more than MaxTokens tokens. The
// lexer allocates nothing, so an oversized document is turned away about
// ten times faster than by the parser's own limit (which stays, in case
// the two ever count differently): the parser builds the syntax tree of
// every token up to its limit. A document the lexer fails on is left to
// the parser, which reports the same error.
func (c Config) tooManyTokens(query string) bool {
	lx := lexer.New(&ast.Source{Input: query})
	for range c.MaxTokens + 1 {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return false
		}
	}
	return true
}

// measure checks a parsed document against every cap but tokens.
func (c Config) measure(doc *ast.QueryDocument) *gqlerror.Error {
	over := func(l Limit, v, limit int) *gqlerror.Error {
		if v > limit {
			return (&LimitError{Limit: l, Value: v, Max: limit}).gqlError()
		}
		return nil
	}
	if err := over(Operations, len(doc.Operations), c.MaxOperations); err != nil {
		return err
	}
	if err := over(Fragments, len(doc.Fragments), c.MaxFragments); err != nil {
		return err
	}

	var n textCounts
	for _, op := range doc.Operations {
		n.directives = satAdd(n.directives, len(op.Directives))
		for _, v := range op.VariableDefinitions {
			n.directives = satAdd(n.directives, len(v.Directives))
		}
		n.count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		n.directives = satAdd(n.directives, len(f.Directives))
		n.count(f.SelectionSet)
	}
	if err := over(Aliases, n.aliases, c.MaxAliases); err != nil {
		return err
	}
	if err := over(Directives, n.directives, c.MaxDirectives); err != nil {
		return err
	}

	w := expander{fragments: make(map[string]*fragment, len(doc.Fragments))}
	for _, f := range doc.Fragments {
		if _, dup := w.fragments[f.Name]; !dup { // validation reports duplicates
			w.fragments[f.Name] = &fragment{def: f}
		}
	}
	var depth, roots, size int
	for _, op := range doc.Operations {
		s, err := w.selectionSet(op.SelectionSet)
		if err != nil {
			return err
		}
		depth, roots, size = max(depth, s.depth), max(roots, s.roots), satAdd(size, s.size)
	}
	// Every fragment measured so far is spread by an operation. Validation
	// also walks the others (unused, or a second definition of a name), so
	// they count as if each were an operation of its own.
	for _, f := range doc.Fragments {
		var (
			s   shape
			err *gqlerror.Error
		)
		switch fr := w.fragments[f.Name]; {
		case fr.def != f:
			s, err = w.selectionSet(f.SelectionSet)
		case fr.done:
			continue
		default:
			s, err = w.spread(f.Name)
		}
		if err != nil {
			return err
		}
		fr := w.fragments[f.Name]
		if fr.def == f {
			fr.unused = true
		}
		size = satAdd(size, s.size)
	}
	maxDepth := c.MaxDepth
	if introspectionOnly(doc) {
		maxDepth = c.MaxIntrospectionDepth
	}
	if err := over(Depth, depth, maxDepth); err != nil {
		return err
	}
	if err := over(RootFields, roots, c.MaxRootFields); err != nil {
		return err
	}
	if err := over(Selections, size, c.MaxSelections); err != nil {
		return err
	}
	// Only now is the expansion known to be small enough to walk.
	if pairs, complete := c.comparisons(doc, w.fragments, n.inlineNesting); pairs > c.MaxFieldComparisons {
		if !complete {
			pairs = 0 // counting stopped at the limit: the true figure is unknown
		}
		return (&LimitError{Limit: FieldComparisons, Value: pairs, Max: c.MaxFieldComparisons}).gqlError()
	}
	return nil
}

// introspectionOnly reports whether every operation of doc selects only
// introspection fields at its root (__schema, __type, __typename), fragments
// on the root type included.
func introspectionOnly(doc *ast.QueryDocument) bool {
	if len(doc.Operations) == 0 {
		return false
	}
	seen := map[string]bool{}
	var only func(ast.SelectionSet) bool
	only = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if !strings.HasPrefix(s.Name, "__") {
					return false
				}
			case *ast.InlineFragment:
				if !only(s.SelectionSet) {
					return false
				}
			case *ast.FragmentSpread:
				f := doc.Fragments.ForName(s.Name)
				if f == nil {
					return false
				}
				if seen[s.Name] {
					continue // measured already, or a cycle, which validation refuses
				}
				seen[s.Name] = true
				if !only(f.SelectionSet) {
					return false
				}
			}
		}
		return true
	}
	for _, op := range doc.Operations {
		if !only(op.SelectionSet) {
			return false
		}
	}
	return true
}

// comparisons estimates how many pairs of fields gqlgen's validation will
// compare to prove they can be merged (the OverlappingFieldsCanBeMerged
// rule): every two fields with the same response name at the same path of
// an operation, fragments expanded, plus those within the fragment
// definitions no operation spreads. The rule compares such pairs once more
// for each inline fragment enclosing both, which the estimate bounds by
// the deepest run of nested inline fragments. It stops counting once over
// the limit, reporting whether it counted everything. The walk visits the
// selections that measure counted, so it is bound by MaxSelections.
func (c Config) comparisons(doc *ast.QueryDocument, fragments map[string]*fragment, inlineNesting int) (int, bool) {
	p := pairCounter{
		fragments: fragments,
		groups:    map[groupKey]group{},
		limit:     c.MaxFieldComparisons/(inlineNesting+1) + 1,
	}
	for _, op := range doc.Operations {
		p.selectionSet(op.SelectionSet, p.newGroup())
	}
	for _, f := range doc.Fragments {
		if fr := fragments[f.Name]; fr.def != f || fr.unused {
			p.selectionSet(f.SelectionSet, p.newGroup())
		}
	}
	return satMul(p.pairs, inlineNesting+1), !p.stopped
}

// pairCounter groups fields by response-name path: group ids stand for
// paths, so a field's group is its parent's group and its own response
// name.
type pairCounter struct {
	fragments map[string]*fragment
	groups    map[groupKey]group
	next      int
	pairs     int
	limit     int
	stopped   bool // counting stopped at the limit
}

type groupKey struct {
	parent int
	name   string
}

type group struct {
	id, fields int
}

func (p *pairCounter) newGroup() int {
	p.next++
	return p.next
}

func (p *pairCounter) selectionSet(set ast.SelectionSet, parent int) {
	for _, sel := range set {
		if p.pairs >= p.limit {
			p.stopped = true
			return
		}
		switch sel := sel.(type) {
		case *ast.Field:
			k := groupKey{parent: parent, name: sel.Alias}
			g, ok := p.groups[k]
			if !ok {
				g.id = p.newGroup()
			}
			p.pairs = satAdd(p.pairs, g.fields)
			g.fields++
			p.groups[k] = g
			p.selectionSet(sel.SelectionSet, g.id)
		case *ast.InlineFragment:
			p.selectionSet(sel.SelectionSet, parent)
		case *ast.FragmentSpread:
			if f, ok := p.fragments[sel.Name]; ok {
				p.selectionSet(f.def.SelectionSet, parent)
			}
		}
	}
}

// textCounts counts what is written in a document, fragments once.
type textCounts struct {
	aliases, directives int
	// inlineNesting is the deepest run of inline fragments written one
	// inside the other, with no field between.
	inlineNesting int
}

func (n *textCounts) count(set ast.SelectionSet) { n.countNested(set, 0) }

func (n *textCounts) countNested(set ast.SelectionSet, inline int) {
	n.inlineNesting = max(n.inlineNesting, inline)
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != s.Name {
				n.aliases = satAdd(n.aliases, 1)
			}
			n.directives = satAdd(n.directives, len(s.Directives))
			n.countNested(s.SelectionSet, 0)
		case *ast.InlineFragment:
			n.directives = satAdd(n.directives, len(s.Directives))
			n.countNested(s.SelectionSet, inline+1)
		case *ast.FragmentSpread:
			n.directives = satAdd(n.directives, len(s.Directives))
		}
	}
}

// shape measures a selection set with every fragment spread expanded:
// how deeply fields nest, how many fields it selects at its own level
// (root fields, for an operation) and how many selections it has in all.
type shape struct {
	depth, roots, size int
}

// fragment is a fragment definition and, once measured, its shape.
type fragment struct {
	def      *ast.FragmentDefinition
	shape    shape
	visiting bool
	done     bool
	unused   bool // no operation spreads it
}

// expander measures selection sets as if fragments were spread, without
// spreading them: each fragment's shape is computed once and reused, so a
// fragment spread 2^30 times costs one lookup per spread written. Sizes
// saturate instead of overflowing.
type expander struct {
	fragments map[string]*fragment
}

func (w *expander) selectionSet(set ast.SelectionSet) (shape, *gqlerror.Error) {
	var out shape
	for _, sel := range set {
		var s shape
		switch sel := sel.(type) {
		case *ast.Field:
			child, err := w.selectionSet(sel.SelectionSet)
			if err != nil {
				return shape{}, err
			}
			s = shape{depth: satAdd(child.depth, 1), roots: 1, size: satAdd(child.size, 1)}
		case *ast.InlineFragment:
			child, err := w.selectionSet(sel.SelectionSet)
			if err != nil {
				return shape{}, err
			}
			s = shape{depth: child.depth, roots: child.roots, size: satAdd(child.size, 1)}
		case *ast.FragmentSpread:
			var err *gqlerror.Error
			if s, err = w.spread(sel.Name); err != nil {
				return shape{}, err
			}
		}
		out = shape{depth: max(out.depth, s.depth), roots: satAdd(out.roots, s.roots), size: satAdd(out.size, s.size)}
	}
	return out, nil
}

// spread returns the shape of the fragment called name: zero for an
// unknown fragment (validation reports it), an error for a cycle.
func (w *expander) spread(name string) (shape, *gqlerror.Error) {
	f, ok := w.fragments[name]
	switch {
	case !ok:
		return shape{}, nil
	case f.done:
		return f.shape, nil
	case f.visiting:
		return shape{}, invalid(nil, "Cannot spread fragment %q within itself", name)
	}
	f.visiting = true
	s, err := w.selectionSet(f.def.SelectionSet)
	if err != nil {
		return shape{}, err
	}
	f.visiting, f.done, f.shape = false, true, s
	return s, nil
}

// satAdd adds two non-negative ints, saturating at the largest int.
func satAdd(a, b int) int {
	if c := a + b; c >= a {
		return c
	}
	return maxInt
}

// satMul multiplies two non-negative ints, saturating at the largest int.
func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > maxInt/b {
		return maxInt
	}
	return a * b
}

const maxInt = int(^uint(0) >> 1)
