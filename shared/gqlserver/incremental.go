package gqlserver

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Incremental delivery (@defer, docs/http.md): an operation that defers a
// fragment is answered as multipart/mixed, its first part as soon as the
// rest of the selection is in, then one part per deferred fragment, in the
// format gqlgen, Apollo Client and urql speak (deferSpec=20220824:
// `{"incremental":[…],"hasNext":…}` parts). Only an operation that defers
// something, sent with POST by a client whose Accept allows multipart/mixed,
// is answered so; every other answer is the one JSON document it was.

// MediaMultipart is the media type of an incremental answer.
const MediaMultipart = `multipart/mixed; boundary="-"; deferSpec=20220824`

type incrementalKey struct{}

// withIncremental returns ctx noting that the client takes an incremental
// answer: a POST whose Accept allows multipart/mixed.
func withIncremental(ctx context.Context, r *http.Request) context.Context {
	if r.Method != http.MethodPost || !acceptsMultipart(r.Header.Values("Accept")) {
		return ctx
	}
	return context.WithValue(ctx, incrementalKey{}, true)
}

func incrementalFrom(ctx context.Context) bool {
	ok, _ := ctx.Value(incrementalKey{}).(bool)
	return ok
}

// acceptsMultipart reports whether an Accept header allows
// multipart/mixed (any deferSpec) with a quality above zero.
func acceptsMultipart(accept []string) bool {
	for mt, q := range acceptedTypes(accept) {
		if mt == "multipart/mixed" && q > 0 {
			return true
		}
	}
	return false
}

// defers reports whether the operation of oc defers a fragment: an inline
// fragment or a fragment spread with @defer whose `if` is not false.
func defers(oc *graphql.OperationContext) bool {
	if oc.RawQuery != "" && !strings.Contains(oc.RawQuery, "defer") {
		return false // no document without the word defers anything: skip the walk
	}
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return false
	}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if deferred(s.Directives, oc.Variables) || walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if deferred(s.Directives, oc.Variables) {
					return true
				}
				if s.Definition != nil && !seen[s.Name] {
					seen[s.Name] = true
					if walk(s.Definition.SelectionSet) {
						return true
					}
				}
			}
		}
		return false
	}
	return walk(op.SelectionSet)
}

// deferred reports whether directives hold an active @defer.
func deferred(directives ast.DirectiveList, vars map[string]any) bool {
	d := directives.ForName("defer")
	if d == nil {
		return false
	}
	if arg := d.Arguments.ForName("if"); arg != nil {
		if v, err := arg.Value.Value(vars); err == nil {
			if on, ok := v.(bool); ok && !on {
				return false
			}
		}
	}
	return true
}

// partHeader opens every part of an incremental answer.
const partHeader = "Content-Type: application/json; charset=utf-8\r\n\r\n"

// writeIncremental writes the answers of responses as a multipart/mixed
// stream, flushing each part as it is ready. The first answer is read
// before the header goes out, so the status it earned (StatusMapper) is
// the stream's.
func writeIncremental(ctx context.Context, w http.ResponseWriter, responses graphql.ResponseHandler) {
	first := responses(ctx)
	if first == nil {
		first = &graphql.Response{}
	}
	if first.HasNext == nil {
		// Nothing was left to defer (fields read in line are not held
		// back: @defer is a hint): the stream ends with this part.
		first.HasNext = new(bool)
	}
	w.Header().Set("Content-Type", MediaMultipart)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	flush := http.NewResponseController(w).Flush

	var part bytes.Buffer
	part.WriteString("---\r\n" + partHeader)
	writeResponse(&part, first)
	hasNext := first.HasNext != nil && *first.HasNext
	for hasNext {
		part.WriteString("\r\n---\r\n")
		_, _ = w.Write(part.Bytes())
		_ = flush()
		part.Reset()

		resp := responses(ctx)
		if resp == nil { // the executor ended without saying so
			part.WriteString(partHeader + `{"hasNext":false}`)
			break
		}
		hasNext = resp.HasNext != nil && *resp.HasNext
		part.WriteString(partHeader + `{"incremental":[`)
		writeResponse(&part, resp)
		part.WriteString(`],"hasNext":` + strconv.FormatBool(hasNext) + "}")
	}
	part.WriteString("\r\n-----\r\n")
	_, _ = w.Write(part.Bytes())
	_ = flush()
}

// isMultipart reports whether a Content-Type is an incremental answer's,
// which the edge's writers leave as the transport set it.
func isMultipart(contentType string) bool { return strings.HasPrefix(contentType, "multipart/mixed") }
