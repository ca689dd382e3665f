package doclimit

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// CodeQueryLimitExceeded is the public code of a document, operation or
// variables over a cap. It belongs in gqlerr's closed set (HTTP 400).
const CodeQueryLimitExceeded = gqlerr.QueryLimitExceeded

// Limit names a cap, as sent in `extensions.limit`.
type Limit string

// The caps of Config.
const (
	Tokens     Limit = "tokens"
	Depth      Limit = "depth"
	Aliases    Limit = "aliases"
	RootFields Limit = "rootFields"
	Directives Limit = "directives"
	Operations Limit = "operations"
	Fragments  Limit = "fragments"
	Selections Limit = "selections"
	// FieldComparisons bounds the pairs of same-named fields validation
	// compares (Config.MaxFieldComparisons).
	FieldComparisons Limit = "fieldComparisons"
	Complexity       Limit = "complexity"
	VariableBytes    Limit = "variablesBytes"
	ListLength       Limit = "variablesListLength"
)

// what is how a message names each limit's measure.
var what = map[Limit]string{
	Tokens:           "token count",
	Depth:            "depth",
	Aliases:          "alias count",
	RootFields:       "root field count",
	Directives:       "directive count",
	Operations:       "operation count",
	Fragments:        "fragment count",
	Selections:       "selection count after fragment expansion",
	FieldComparisons: "field comparison count",
	Complexity:       "complexity",
	VariableBytes:    "variables size in bytes",
	ListLength:       "variables list length",
}

// LimitError reports a cap exceeded. Value is the measure found, or 0 when
// the check stopped before measuring it all (tokens, variables size).
type LimitError struct {
	Limit Limit
	Value int
	Max   int
}

func (e *LimitError) Error() string {
	if e.Value <= 0 {
		return fmt.Sprintf("%s exceeds the limit of %d", what[e.Limit], e.Max)
	}
	return fmt.Sprintf("%s %d exceeds the limit of %d", what[e.Limit], e.Value, e.Max)
}

// gqlError returns the error gqlgen answers with: `extensions.code` set
// (so gqlgen's transports and interceptors can read it) around a
// *gqlerr.Error (so frontdesk's presenter keeps the code and the message),
// around e itself (errors.As finds it).
func (e *LimitError) gqlError() *gqlerror.Error {
	msg := e.Error()
	return &gqlerror.Error{
		Message:    msg,
		Extensions: map[string]any{"code": string(CodeQueryLimitExceeded), "limit": string(e.Limit)},
		Err: &gqlerr.Error{
			Code: CodeQueryLimitExceeded, Message: msg,
			Extensions: map[string]any{"limit": string(e.Limit)},
			Err:        e,
		},
	}
}

// invalid returns a GRAPHQL_VALIDATION_FAILED error, as gqlgen's own
// validation would report the same fault (which it can no longer reach).
func invalid(path ast.Path, format string, args ...any) *gqlerror.Error {
	err := gqlerror.ErrorPathf(path, format, args...)
	errcode.Set(err, errcode.ValidationFailed)
	return err
}
