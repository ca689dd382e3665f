package persisted

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Document is one trusted document: a committed .graphql file, verbatim.
type Document struct {
	// ID is Hash(Body): what a client sends as
	// extensions.persistedQuery.sha256Hash.
	ID string `json:"id"`
	// File is the file's path in the directory it was loaded from.
	File string `json:"file"`
	// Operations are the names of its operations, in order.
	Operations []string `json:"operations"`
	// Body is the file's text, byte for byte.
	Body string `json:"-"`
}

// List is an allow-list of trusted documents. It is immutable and safe for
// concurrent use.
type List struct {
	docs   []Document // by ID
	byID   map[string]string
	byBody map[string]bool
}

// LoadList reads every *.graphql file under fsys (e.g. a go:embed of
// bff-mobile/testdata/operations) into a List. Each file is one document,
// kept byte for byte, and must parse, have at least one operation and name
// every operation; two files may not hold the same text. The List is the
// same whatever order fsys lists files in.
func LoadList(fsys fs.FS) (*List, error) {
	l := &List{byID: map[string]string{}, byBody: map[string]bool{}}
	files := map[string]string{} // id → file, for duplicates
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(name) != ".graphql" {
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		doc, err := newDocument(name, string(body))
		if err != nil {
			return err
		}
		if other, dup := files[doc.ID]; dup {
			return fmt.Errorf("trusted documents: %s and %s are the same document", other, name)
		}
		files[doc.ID] = name
		l.docs = append(l.docs, doc)
		l.byID[doc.ID] = doc.Body
		l.byBody[doc.Body] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading trusted documents: %w", err)
	}
	if len(l.docs) == 0 {
		return nil, errors.New("loading trusted documents: no .graphql file")
	}
	slices.SortFunc(l.docs, func(a, b Document) int { return strings.Compare(a.ID, b.ID) })
	return l, nil
}

func newDocument(file, body string) (Document, error) {
	q, err := parser.ParseQuery(&ast.Source{Name: file, Input: body})
	if err != nil {
		return Document{}, fmt.Errorf("%s: %w", file, err)
	}
	if len(q.Operations) == 0 {
		return Document{}, fmt.Errorf("%s: no operation", file)
	}
	doc := Document{ID: Hash(body), File: file, Body: body}
	for _, op := range q.Operations {
		if op.Name == "" {
			return Document{}, fmt.Errorf("%s: every trusted operation needs a name", file)
		}
		doc.Operations = append(doc.Operations, op.Name)
	}
	return doc, nil
}

// Lookup returns the text of the trusted document id.
func (l *List) Lookup(id string) (string, bool) {
	body, ok := l.byID[id]
	return body, ok
}

// Documents returns the documents, ordered by ID.
func (l *List) Documents() []Document { return slices.Clone(l.docs) }

// Check validates every document against schema, so that a schema change
// that would break an app in the field fails at start-up (and in tests)
// instead of on the app's next request.
func (l *List) Check(schema *ast.Schema) error {
	var errs []error
	for _, d := range l.docs {
		q, err := parser.ParseQuery(&ast.Source{Name: d.File, Input: d.Body})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.File, err))
			continue
		}
		if list := validator.ValidateWithRules(schema, q, nil); len(list) > 0 {
			errs = append(errs, fmt.Errorf("%s: %w", d.File, list))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("trusted documents no longer valid: %w", errors.Join(errs...))
	}
	return nil
}

// Trusted is the gqlgen extension of trusted documents. A request may name
// a trusted document by id (extensions.persistedQuery, as APQ) with or
// without its text; the document's text is what runs. When enforcing,
// every other request — an unknown id, a document that is not in the list
// word for word, no document at all — is refused with
// PERSISTED_QUERY_NOT_IN_LIST before anything else looks at it. When not
// enforcing, ids in the list are served and everything else passes on (to
// APQ, if used after it). Safe for concurrent use.
type Trusted struct {
	list    *List
	enforce bool
}

var (
	_ graphql.HandlerExtension          = (*Trusted)(nil)
	_ graphql.OperationParameterMutator = (*Trusted)(nil)
)

// NewTrusted returns the extension over list; enforce accepts nothing else.
func NewTrusted(list *List, enforce bool) *Trusted { return &Trusted{list: list, enforce: enforce} }

// ExtensionName implements graphql.HandlerExtension.
func (*Trusted) ExtensionName() string { return "TrustedDocuments" }

// Validate implements graphql.HandlerExtension: every trusted document
// must be valid against the schema (List.Check).
func (t *Trusted) Validate(es graphql.ExecutableSchema) error {
	if t.list == nil {
		return errors.New("trusted documents: no list")
	}
	return t.list.Check(es.Schema())
}

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (t *Trusted) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	id, ok, err := persistedID(p.Extensions)
	if err != nil {
		return err
	}
	if ok {
		body, known := t.list.Lookup(id)
		switch {
		case !known && t.enforce:
			return errNotInList()
		case !known:
			return nil
		case p.Query != "" && p.Query != body:
			return errMismatch()
		}
		p.Query = body
		return nil
	}
	if t.enforce && !t.list.byBody[p.Query] {
		return errNotInList()
	}
	return nil
}
