// Package doclimit bounds what one GraphQL request may cost before gqlgen
// spends anything on it.
//
// gqlgen validates a document before its complexity extension runs, and
// validation grows faster than the document (overlapping fields are compared
// pairwise; fragments are walked wherever they are spread). Extension
// therefore runs as a graphql.OperationParameterMutator, ahead of gqlgen's
// parser: it parses the raw document with a token cap and measures it —
// depth, aliases, root fields, directives, operations, fragments and
// selections after fragment expansion, each fragment measured once however
// often it is spread — and caps the variables (size, list length, Int
// outside 32 bits). A rejected request never reaches gqlgen's parser, its
// validation, its query cache or a resolver.
//
// ComplexityLimit then bounds the validated operation with gqlgen's
// complexity, counting `first`/`last` clamped to a page size (ClampPages).
//
// Rejections carry `extensions.code` QUERY_LIMIT_EXCEEDED and
// `extensions.limit` naming the cap, with a message such as "depth 31
// exceeds the limit of 15". Faults gqlgen would report itself (a syntax
// error, a fragment cycle, an Int variable out of range) keep gqlgen's
// GRAPHQL_PARSE_FAILED and GRAPHQL_VALIDATION_FAILED codes.
package doclimit

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Extension is the gqlgen extension enforcing a Config's document and
// variables caps. Use it on the server after any extension that fills in
// the query (persisted queries) and before everything else. It is safe for
// concurrent use.
type Extension struct {
	cfg    Config
	schema *ast.Schema
	// passed remembers documents that met the caps, by SHA-256, with the
	// variable types the Int check needs: a document sent again is not
	// parsed again (gqlgen's own cache sits behind this extension).
	passed *lru.Cache[[sha256.Size]byte, []operation]
}

// PassedCacheSize is how many documents that met the caps an Extension
// remembers (LRU). An entry keeps only operation names and variable
// types, never the document.
const PassedCacheSize = 1024

var (
	_ graphql.HandlerExtension          = (*Extension)(nil)
	_ graphql.OperationParameterMutator = (*Extension)(nil)
)

// New returns the Extension enforcing cfg, which must be complete
// (WithDefaults).
func New(cfg Config) (*Extension, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("document limits: %w", err)
	}
	passed, err := lru.New[[sha256.Size]byte, []operation](PassedCacheSize)
	if err != nil {
		return nil, fmt.Errorf("document limits: %w", err)
	}
	return &Extension{cfg: cfg, passed: passed}, nil
}

// ExtensionName implements graphql.HandlerExtension.
func (*Extension) ExtensionName() string { return "DocumentLimits" }

// Validate implements graphql.HandlerExtension: it keeps the schema, whose
// input types the Int check follows.
func (e *Extension) Validate(es graphql.ExecutableSchema) error {
	e.schema = es.Schema()
	return nil
}

// MutateOperationParameters checks the request's document and variables
// and leaves them unchanged. An empty query passes (gqlgen reports it).
func (e *Extension) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	var ops []operation
	if p.Query != "" {
		var err *gqlerror.Error
		if ops, err = e.check(p.Query); err != nil {
			return err
		}
	}
	if err := e.cfg.checkVariables(p.Variables); err != nil {
		return err
	}
	if len(p.Variables) == 0 {
		return nil
	}
	if op, ok := operationNamed(ops, p.OperationName); ok {
		return checkInts(e.schema, op, p.Variables)
	}
	return nil
}

// check checks a document, or finds it among those that passed.
func (e *Extension) check(query string) ([]operation, *gqlerror.Error) {
	var key [sha256.Size]byte
	if e.passed != nil {
		key = sha256.Sum256([]byte(query))
		if ops, ok := e.passed.Get(key); ok {
			return ops, nil
		}
	}
	doc, err := e.cfg.checkDocument(query)
	if err != nil {
		return nil, err
	}
	ops := operations(doc)
	if e.passed != nil {
		e.passed.Add(key, ops)
	}
	return ops, nil
}

// operation is what the Int check needs of an operation: its name and its
// variables' types, copied out of the syntax tree (whose positions and
// names would keep the whole document alive).
type operation struct {
	name string
	vars []variable
}

type variable struct {
	name string
	typ  *ast.Type
}

func operations(doc *ast.QueryDocument) []operation {
	out := make([]operation, len(doc.Operations))
	for i, op := range doc.Operations {
		out[i].name = strings.Clone(op.Name)
		for _, v := range op.VariableDefinitions {
			if v.Type != nil {
				out[i].vars = append(out[i].vars, variable{name: strings.Clone(v.Variable), typ: copyType(v.Type)})
			}
		}
	}
	return out
}

func copyType(t *ast.Type) *ast.Type {
	if t == nil {
		return nil
	}
	return &ast.Type{NamedType: strings.Clone(t.NamedType), Elem: copyType(t.Elem), NonNull: t.NonNull}
}

// operationNamed finds the operation gqlgen will run, as
// ast.OperationList.ForName does.
func operationNamed(ops []operation, name string) (operation, bool) {
	if name == "" && len(ops) == 1 {
		return ops[0], true
	}
	for _, op := range ops {
		if op.name == name {
			return op, true
		}
	}
	return operation{}, false
}
