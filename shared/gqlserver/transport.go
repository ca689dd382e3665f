package gqlserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// getTransport and postTransport are the GraphQL-over-HTTP transports of
// the endpoint. They read requests as gqlgen's transport.GET and
// transport.POST do, and differ in how they write the answer: gqlgen's
// write it with json.Marshal, which validates and re-copies the
// already-marshalled data (json.RawMessage) byte by byte, a tenth of the
// gateway's instructions on a 58 KB order page; writeResponse copies it as
// it is (docs/decisions.md, decision 19). checkRequest has already refused
// what neither should see (other methods, other content types, a missing
// Accept match), and respond gives every error before execution its code
// and status.
type (
	getTransport  struct{}
	postTransport struct{}
)

var (
	_ graphql.Transport = getTransport{}
	_ graphql.Transport = postTransport{}
)

func (getTransport) Supports(r *http.Request) bool {
	return r.Header.Get("Upgrade") == "" && r.Method == http.MethodGet
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeRequestError(w, r, exec, http.StatusBadRequest, "the query string could not be decoded")
		return
	}
	params := &graphql.RawParams{
		Query:         q.Get("query"),
		OperationName: q.Get("operationName"),
		Headers:       r.Header,
	}
	if v := q.Get("variables"); v != "" {
		if err := decodeJSON(strings.NewReader(v), &params.Variables); err != nil {
			writeRequestError(w, r, exec, http.StatusBadRequest, "variables could not be decoded")
			return
		}
	}
	if v := q.Get("extensions"); v != "" {
		if err := decodeJSON(strings.NewReader(v), &params.Extensions); err != nil {
			writeRequestError(w, r, exec, http.StatusBadRequest, "extensions could not be decoded")
			return
		}
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, params, true)
}

func (postTransport) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method != http.MethodPost {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeRequestError(w, r, exec, http.StatusBadRequest, "the request body could not be read")
		return
	}
	var params graphql.RawParams
	if err := decodeJSON(bytes.NewReader(body), &params); err != nil {
		// The cause, never the body: the presenter logs the message.
		writeRequestError(w, r, exec, http.StatusBadRequest, fmt.Sprintf("json request body could not be decoded: %v", err))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, &params, false)
}

// decodeJSON decodes a request parameter as gqlgen's transports do:
// numbers stay json.Number, so variables keep their precision.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec.Decode(v)
}

// execute parses, validates and runs the operation of params and writes
// its answer; queryOnly refuses mutations (GET).
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, queryOnly bool) {
	ctx := r.Context()
	if params.Query == "" && params.Extensions["persistedQuery"] == nil {
		refuse(ctx, w, exec, `the request has no query: send the document in "query", or its hash in extensions.persistedQuery`)
		return
	}
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		w.WriteHeader(operationErrorStatus(mediaTypeFrom(ctx), errs))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	if queryOnly {
		if op := oc.Doc.Operations.ForName(oc.OperationName); op == nil || op.Operation != ast.Query {
			writeRequestError(w, r, exec, http.StatusNotAcceptable, "GET requests only allow query operations")
			return
		}
	}
	if defers(oc) {
		// Refused before anything runs: a JSON answer cannot carry the
		// deferred parts, and dropping them would answer less than asked.
		if !incrementalFrom(ctx) {
			refuse(ctx, w, exec, "an operation with @defer is answered as multipart/mixed: send it with POST and an Accept header that allows multipart/mixed")
			return
		}
		responses, ctx := exec.DispatchOperation(ctx, oc)
		writeIncremental(ctx, w, responses)
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
}

// operationErrorStatus is the status gqlgen's transports give an operation
// that failed to parse or validate (respond refines it from the error's
// code): 400 for application/graphql-response+json and 422 for
// application/json when the request broke the protocol, else 200.
func operationErrorStatus(mt string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if mt == MediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// refuse answers a request that cannot be executed with 400 and one
// BAD_REQUEST error whose message, frontdesk's own, reaches the client.
func refuse(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, msg string) {
	w.WriteHeader(http.StatusBadRequest)
	writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.WrapIfUnwrapped(gqlerr.New(gqlerr.BadRequest, msg))}))
}

// writeRequestError answers a request that cannot be executed with status
// and one error; the presenter gives it its code (BAD_REQUEST).
func writeRequestError(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, msg string) {
	w.WriteHeader(status)
	writeResponse(w, exec.DispatchError(r.Context(), gqlerror.List{{Message: msg}}))
}

// writeResponse writes resp as json.Marshal would, except that resp.Data,
// the executor's own output and valid JSON by construction, is copied as it
// is instead of being re-validated and compacted.
func writeResponse(w io.Writer, resp *graphql.Response) {
	b := make([]byte, 0, len(resp.Data)+128)
	b = append(b, '{')
	if len(resp.Errors) > 0 {
		b = appendMember(b, "errors", resp.Errors)
		b = append(b, ',')
	}
	b = append(b, `"data":`...)
	if resp.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, resp.Data...)
	}
	if resp.Label != "" {
		b = appendMember(append(b, ','), "label", resp.Label)
	}
	if len(resp.Path) > 0 {
		b = appendMember(append(b, ','), "path", resp.Path)
	}
	if resp.HasNext != nil {
		b = appendMember(append(b, ','), "hasNext", *resp.HasNext)
	}
	if len(resp.Extensions) > 0 {
		b = appendMember(append(b, ','), "extensions", resp.Extensions)
	}
	b = append(b, '}')
	_, _ = w.Write(b)
}

// appendMember appends "name":<v as JSON>. The members other than data
// are gqlgen's and frontdesk's own types; one that cannot be marshalled is
// a bug, reported as gqlgen's writer reports it.
func appendMember(b []byte, name string, v any) []byte {
	j, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Errorf("unable to marshal the answer's %s: %w", name, err))
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return append(b, j...)
}
