package gqlserver

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// The media types of GraphQL answers (GraphQL-over-HTTP, docs/http.md).
const (
	MediaGraphQLResponse = "application/graphql-response+json"
	MediaJSON            = "application/json"
)

// MaxErrors is the most errors one answer lists; the rest are counted in
// the answer's extensions.errorsOmitted.
const MaxErrors = 20

// negotiate returns the media type of the answer to a request with the
// given Accept header values, "" when they accept neither. No Accept, or
// only wildcards, gets application/json (what clients that predate
// application/graphql-response+json read); otherwise the higher quality
// wins, application/graphql-response+json on a tie.
func negotiate(accept []string) string {
	if len(accept) == 0 {
		return MediaJSON
	}
	var graphQL, json, wildcard float64
	for mt, q := range acceptedTypes(accept) {
		switch mt {
		case MediaGraphQLResponse:
			graphQL = max(graphQL, q)
		case MediaJSON:
			json = max(json, q)
		case "*/*", "application/*":
			wildcard = max(wildcard, q)
		}
	}
	switch {
	case graphQL > 0 && graphQL >= max(json, wildcard):
		return MediaGraphQLResponse
	case max(json, wildcard) > 0:
		return MediaJSON
	default:
		return ""
	}
}

// acceptedTypes yields each media range of the Accept header values with
// its quality (1 when it has none), leaving out ranges that do not parse
// and qualities outside 0..1.
func acceptedTypes(accept []string) iter.Seq2[string, float64] {
	return func(yield func(string, float64) bool) {
		for _, header := range accept {
			for part := range strings.SplitSeq(header, ",") {
				mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
				if err != nil {
					continue
				}
				q := 1.0
				if v, ok := params["q"]; ok {
					if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
						continue
					}
				}
				if !yield(mt, q) {
					return
				}
			}
		}
	}
}

type mediaTypeKey struct{}

// mediaTypeFrom returns the negotiated media type on ctx, application/json
// when there is none.
func mediaTypeFrom(ctx context.Context) string {
	if mt, ok := ctx.Value(mediaTypeKey{}).(string); ok {
		return mt
	}
	return MediaJSON
}

// writeError answers with an edge error in media type mt.
func writeError(w http.ResponseWriter, mt string, status int, e *gqlerr.Error) {
	gqlerr.WriteHTTP(&contentTypeWriter{ResponseWriter: w, contentType: mt}, status, e)
}

// contentTypeWriter sends its Content-Type whatever the handler set: every
// answer of the GraphQL endpoint, the middleware's 401 and 429 included,
// is in the negotiated media type.
type contentTypeWriter struct {
	http.ResponseWriter
	contentType string
	wroteHeader bool
}

func (w *contentTypeWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.wroteHeader = true
		if !isMultipart(w.Header().Get("Content-Type")) {
			w.Header().Set("Content-Type", w.contentType)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *contentTypeWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *contentTypeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestErrorStatus is the status of an answer to a request that failed
// before execution whose first error has code, in media type mt
// (docs/http.md): application/graphql-response+json gets the code's status
// (gqlerr.Codes), application/json 200 unless the request is not a
// well-formed GraphQL-over-HTTP request (BAD_REQUEST).
func requestErrorStatus(mt string, code gqlerr.Code) int {
	if mt == MediaGraphQLResponse || code == gqlerr.BadRequest {
		return code.Status()
	}
	return http.StatusOK
}

// respond shapes gqlgen's answers per docs/http.md: the negotiated
// Content-Type on every answer; for a request that failed
// before execution (gqlgen never dispatched the operation), the status of
// requestErrorStatus, no "data" entry (the GraphQL spec leaves it out when
// nothing ran; gqlgen writes "data": null), and a code on every error. An
// executed operation's answer streams through unchanged: its status is 200
// unless an Outcome says otherwise. It wraps gqlgen's handler alone, so
// the statuses middleware writes itself (401, 429) are kept, and must run
// inside Outcomes.
func respond(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &responseWriter{ResponseWriter: w, mediaType: mediaTypeFrom(r.Context()), outcome: OutcomeFrom(r.Context())}
		next.ServeHTTP(rw, r)
		rw.finish()
	})
}

type responseWriter struct {
	http.ResponseWriter
	mediaType string
	outcome   *Outcome
	status    int  // 0 until the handler starts its answer
	buffered  bool // the answer is held for rewriting
	buf       bytes.Buffer
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	if w.outcome.hasExecuted() {
		if !isMultipart(w.Header().Get("Content-Type")) {
			w.Header().Set("Content-Type", w.mediaType)
		}
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.buffered = true
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.buffered {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish sends a held answer, rewritten when it is a GraphQL response
// with errors.
func (w *responseWriter) finish() {
	if !w.buffered {
		return
	}
	body, status := w.buf.Bytes(), w.status
	if rewritten, code, ok := requestErrors(body); ok {
		body, status = rewritten, requestErrorStatus(w.mediaType, code)
	}
	h := w.Header()
	h.Set("Content-Type", w.mediaType)
	h.Del("Content-Length")
	w.ResponseWriter.WriteHeader(status)
	_, _ = w.ResponseWriter.Write(body)
}

// invalidRequest replaces an error without a code: gqlgen's transports
// write a few (undecodable GET variables) without the presenter.
var invalidRequest = json.RawMessage(`{"message":"the request is not a valid GraphQL-over-HTTP request","extensions":{"code":"BAD_REQUEST"}}`)

// requestErrors rewrites body, the answer to a request that failed before
// execution, without "data" and with a code on every error, and returns
// the first error's code; ok is false when body is not a GraphQL response
// with errors.
func requestErrors(body []byte) (_ []byte, first gqlerr.Code, ok bool) {
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, "", false
	}
	var errs []json.RawMessage
	if err := json.Unmarshal(resp["errors"], &errs); err != nil || len(errs) == 0 {
		return nil, "", false
	}
	for i, e := range errs {
		var coded struct {
			Extensions struct {
				Code gqlerr.Code `json:"code"`
			} `json:"extensions"`
		}
		if err := json.Unmarshal(e, &coded); err != nil || coded.Extensions.Code == "" {
			errs[i], coded.Extensions.Code = invalidRequest, gqlerr.BadRequest
		}
		if i == 0 {
			first = coded.Extensions.Code
		}
	}
	delete(resp, "data")
	var err error
	if resp["errors"], err = json.Marshal(errs); err != nil {
		return nil, "", false
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return nil, "", false
	}
	return out, first, true
}

// executedMarker is the gqlgen extension that tells respond an operation
// was dispatched: gqlgen calls operation interceptors only for a request
// that passed parsing, validation and every operation mutator.
type executedMarker struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = executedMarker{}

func (executedMarker) ExtensionName() string                   { return "ExecutedMarker" }
func (executedMarker) Validate(graphql.ExecutableSchema) error { return nil }

func (executedMarker) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	OutcomeFrom(ctx).markExecuted()
	return next(ctx)
}

// errorCap is the gqlgen extension that keeps at most MaxErrors errors in
// an answer and counts the others in extensions.errorsOmitted. It is the
// outermost response interceptor, so the others (status mapping, logs,
// traces) see every error.
type errorCap struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = errorCap{}

func (errorCap) ExtensionName() string                   { return "ErrorCap" }
func (errorCap) Validate(graphql.ExecutableSchema) error { return nil }

func (errorCap) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) <= MaxErrors {
		return resp
	}
	if resp.Extensions == nil {
		resp.Extensions = map[string]any{}
	}
	resp.Extensions["errorsOmitted"] = len(resp.Errors) - MaxErrors
	resp.Errors = resp.Errors[:MaxErrors]
	return resp
}
