// Package gqlerr is frontdesk's one error model: a closed set of public codes,
// a typed *Error that separates the client-safe message from the internal
// cause, one error presenter and one recover function for gqlgen.
//
// Every error leaves a BFF with `extensions.code` from Codes. Nothing else of
// an internal error reaches the client: no Go error text, upstream body,
// internal URL or stack trace. The presenter logs what it hides.
package gqlerr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/relay"
	"github.com/frontdesk/frontdesk/shared/requestid"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/telemetry"
)

// Code is a public error code, sent as `extensions.code`.
type Code string

// The closed set of public error codes (docs/errors.md describes each).
const (
	BadRequest              Code = "BAD_REQUEST"
	GraphQLParseFailed      Code = errcode.ParseFailed
	GraphQLValidationFailed Code = errcode.ValidationFailed
	BadUserInput            Code = "BAD_USER_INPUT"
	Unauthenticated         Code = "UNAUTHENTICATED"
	Forbidden               Code = "FORBIDDEN"
	NotFound                Code = "NOT_FOUND"
	Conflict                Code = "CONFLICT"
	UpstreamUnavailable     Code = "UPSTREAM_UNAVAILABLE"
	UpstreamTimeout         Code = "UPSTREAM_TIMEOUT"
	UpstreamBadResponse     Code = "UPSTREAM_BAD_RESPONSE"
	CircuitOpen             Code = "CIRCUIT_OPEN"
	RateLimited             Code = "RATE_LIMITED"
	Overloaded              Code = "OVERLOADED"
	QueryLimitExceeded      Code = "QUERY_LIMIT_EXCEEDED"
	PersistedQueryNotFound  Code = "PERSISTED_QUERY_NOT_FOUND"
	PersistedQueryNotInList Code = "PERSISTED_QUERY_NOT_IN_LIST"
	InternalServerError     Code = "INTERNAL_SERVER_ERROR"
)

// Codes lists every public code with the HTTP status a request-level error of
// that code is answered with.
var Codes = map[Code]int{
	BadRequest:              http.StatusBadRequest,
	GraphQLParseFailed:      http.StatusBadRequest,
	GraphQLValidationFailed: http.StatusBadRequest,
	BadUserInput:            http.StatusBadRequest,
	Unauthenticated:         http.StatusUnauthorized,
	Forbidden:               http.StatusForbidden,
	NotFound:                http.StatusNotFound,
	Conflict:                http.StatusConflict,
	UpstreamUnavailable:     http.StatusServiceUnavailable,
	UpstreamTimeout:         http.StatusGatewayTimeout,
	UpstreamBadResponse:     http.StatusBadGateway,
	CircuitOpen:             http.StatusServiceUnavailable,
	RateLimited:             http.StatusTooManyRequests,
	Overloaded:              http.StatusServiceUnavailable,
	QueryLimitExceeded:      http.StatusBadRequest,
	PersistedQueryNotFound:  http.StatusNotFound,
	PersistedQueryNotInList: http.StatusBadRequest,
	InternalServerError:     http.StatusInternalServerError,
}

// Status returns the HTTP status of a request-level error with code c.
func (c Code) Status() int {
	if s, ok := Codes[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is an error with a public face. Message is what the client reads; Err
// is the internal cause, for logs only.
type Error struct {
	Code    Code
	Message string
	// Service is the logical name of the upstream that failed, if any; sent as
	// `extensions.service`.
	Service string
	// Extensions are further public facts sent in `extensions`, e.g.
	// retryAfter (seconds) of RATE_LIMITED; code and service cannot be
	// overridden.
	Extensions map[string]any
	Err        error
}

// New returns an error with a public code and message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Wrap returns an error with a public code and message around an internal cause.
func Wrap(code Code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// extensions are the `extensions` of e as a client sees them.
func (e *Error) extensions() map[string]any {
	out := make(map[string]any, len(e.Extensions)+2)
	for k, v := range e.Extensions {
		out[k] = v
	}
	out["code"] = string(e.Code)
	if e.Service != "" {
		out["service"] = e.Service
	} else {
		delete(out, "service")
	}
	return out
}

// UpstreamFailure reports whether err is the failure of an upstream
// (unavailable, timed out, an unusable answer, breaker open), not of the
// request: the failures an optional part of a screen degrades on.
func UpstreamFailure(err error) bool {
	switch Classify(err).Code {
	case UpstreamUnavailable, UpstreamTimeout, UpstreamBadResponse, CircuitOpen:
		return true
	}
	return false
}

// Classify returns the public face of any error: typed errors keep their
// code, upstream and loader failures map to their codes, and anything else is
// an INTERNAL_SERVER_ERROR with a generic message.
func Classify(err error) *Error {
	// gqlgen wraps resolver errors in a *gqlerror.Error whose text carries the
	// path; classify the resolver's own error.
	for {
		gqlErr, ok := err.(*gqlerror.Error) //nolint:errorlint // peeling gqlgen's own wrapper, not searching the chain
		if !ok || gqlErr.Unwrap() == nil {
			break
		}
		err = gqlErr.Unwrap()
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	if nf, ok := errors.AsType[*loader.NotFoundError](err); ok {
		return &Error{Code: NotFound, Message: nf.Kind + " not found", Err: err}
	}
	if ae, ok := errors.AsType[*relay.ArgumentError](err); ok {
		// Only the argument error's own message is public: a resolver may
		// have wrapped it with internal context.
		return &Error{Code: BadUserInput, Message: ae.Message, Err: err}
	}
	if ue, ok := errors.AsType[*restclient.Error](err); ok {
		return upstreamError(ue, err)
	}
	switch kind, _ := restclient.KindOf(err); kind {
	case restclient.KindTimeout:
		return &Error{Code: UpstreamTimeout, Message: "the request ran out of time", Err: err}
	case restclient.KindCanceled:
		return &Error{Code: UpstreamUnavailable, Message: msgCanceled, Err: err}
	}
	return &Error{Code: InternalServerError, Message: "internal server error", Err: err}
}

// msgCanceled is the public message of a call canceled because the client
// went away, whether a bare context.Canceled or an upstream call's.
const msgCanceled = "the request was canceled"

func upstreamError(ue *restclient.Error, err error) *Error {
	e := &Error{Service: ue.Service, Err: err}
	switch ue.Kind {
	case restclient.KindNotFound:
		e.Code, e.Message = NotFound, "not found"
	case restclient.KindBadRequest:
		e.Code, e.Message = BadUserInput, "the "+ue.Service+" service rejected the input"
	case restclient.KindConflict:
		e.Code, e.Message = Conflict, "the change conflicts with the current state"
	case restclient.KindForbidden:
		e.Code, e.Message = Forbidden, "the "+ue.Service+" service does not allow this for the caller"
	case restclient.KindTimeout:
		e.Code, e.Message = UpstreamTimeout, "the "+ue.Service+" service did not answer in time"
	case restclient.KindBadResponse:
		e.Code, e.Message = UpstreamBadResponse, "the "+ue.Service+" service gave an unusable answer"
	case restclient.KindCanceled:
		e.Code, e.Message = UpstreamUnavailable, msgCanceled
	case restclient.KindCircuitOpen:
		e.Code, e.Message = CircuitOpen, "the "+ue.Service+" service is failing; calls to it are paused"
	default: // unavailable
		e.Code, e.Message = UpstreamUnavailable, "the "+ue.Service+" service is unavailable"
	}
	return e
}

// Presenter returns the one gqlgen error presenter. It keeps gqlgen's own
// parse and validation errors (they describe the client's document), gives
// every other error its public code and message, keeps path and locations,
// and logs internal causes.
func Presenter(logger *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr, isGQL := errors.AsType[*gqlerror.Error](err)
		if isGQL {
			if code, ok := gqlErr.Extensions["code"].(string); ok && (code == errcode.ParseFailed || code == errcode.ValidationFailed) {
				gqlErr.Message = TruncateQuoted(gqlErr.Message, MaxQuoted)
				return telemetry.WithRequestID(ctx, gqlErr)
			}
		}
		out := &gqlerror.Error{}
		if isGQL {
			out.Path, out.Locations = gqlErr.Path, gqlErr.Locations
		} else {
			out.Path = graphql.GetPath(ctx)
		}

		var pub *Error
		logged := err
		switch cause := errors.Unwrap(gqlErr); {
		case isGQL && cause == nil && gqlErr.Path == nil:
			// gqlgen's transports report unreadable requests as bare gqlerrors
			// whose text ends with the request body; neither the client nor
			// the log gets the body.
			text, _, _ := strings.Cut(gqlErr.Message, " body:")
			logged = errors.New(text)
			pub = &Error{Code: BadRequest, Message: "the request is not a valid GraphQL-over-HTTP request", Err: logged}
		default:
			pub = Classify(err)
		}
		out.Message = pub.Message
		out.Extensions = pub.extensions()
		if pub.Err != nil || pub.Code == InternalServerError {
			level := slog.LevelWarn
			if pub.Code == InternalServerError {
				level = slog.LevelError
			}
			logger.Log(ctx, level, "graphql error", slog.String("code", string(pub.Code)),
				slog.String("path", out.Path.String()), slog.String("error", logged.Error()))
		}
		return telemetry.WithRequestID(ctx, out)
	}
}

// MaxQuoted is how many bytes of a quoted name or value from the request an
// error message keeps (TruncateQuoted).
const MaxQuoted = 64

// TruncateQuoted shortens every double-quoted part of msg longer than n
// bytes to its first n (on a rune boundary) and "…": parse and validation
// messages quote the request's names and values, and a 500 KB field name
// must not come back as a 500 KB message.
func TruncateQuoted(msg string, n int) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(msg, '"')
		if open < 0 {
			break
		}
		end := strings.IndexByte(msg[open+1:], '"')
		if end < 0 {
			break
		}
		quoted := msg[open+1 : open+1+end]
		b.WriteString(msg[:open+1])
		b.WriteString(truncate(quoted, n))
		b.WriteByte('"')
		msg = msg[open+1+end+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// truncate cuts s to its first n bytes (on a rune boundary) and marks the
// cut with "…"; a shorter s is returned as it is.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Recover returns the one gqlgen recover function: it logs the panic with its
// stack and answers INTERNAL_SERVER_ERROR, never the panic value.
func Recover(logger *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		logger.ErrorContext(ctx, "panic in resolver", slog.String("panic", fmt.Sprint(v)),
			slog.String("path", graphql.GetPath(ctx).String()), slog.String("stack", string(debug.Stack())))
		return &Error{Code: InternalServerError, Message: "internal server error", Err: fmt.Errorf("panic: %v", v)}
	}
}

// WriteHTTP answers a request that never reached GraphQL execution (wrong
// method, unreadable body) with a GraphQL-shaped error body and status. The
// body has no "data" entry: the GraphQL spec leaves it out when an error is
// raised before execution begins.
func WriteHTTP(w http.ResponseWriter, status int, e *Error) {
	ext := e.extensions()
	delete(ext, "service") // edge errors name no upstream
	if id := w.Header().Get(requestid.Header); id != "" {
		ext[telemetry.RequestIDKey] = id
	}
	body, _ := json.Marshal(struct {
		Errors gqlerror.List `json:"errors"`
	}{Errors: gqlerror.List{{
		Message:    e.Message,
		Extensions: ext,
	}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
