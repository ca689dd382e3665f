package restclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an upstream failure; callers branch on it (errors.As to *Error).
type Kind int

// The kinds of upstream failure.
const (
	KindNotFound    Kind = iota + 1 // 404: the entity does not exist
	KindBadRequest                  // 400/422: the upstream rejected the input
	KindConflict                    // 409: the change conflicts with the entity's state
	KindUnavailable                 // 5xx, connection refused or reset: try later
	KindTimeout                     // the per-call timeout or the request deadline passed
	KindBadResponse                 // an answer that is not what the contract says
	KindCanceled                    // the caller went away
	KindForbidden                   // 403: the upstream refused the forwarded caller
	KindCircuitOpen                 // the upstream's circuit breaker is open: failed fast, nothing sent
)

var kindNames = map[Kind]string{
	KindNotFound:    "not found",
	KindBadRequest:  "bad request",
	KindConflict:    "conflict",
	KindUnavailable: "unavailable",
	KindTimeout:     "timeout",
	KindBadResponse: "bad response",
	KindCanceled:    "canceled",
	KindForbidden:   "forbidden",
	KindCircuitOpen: "circuit open",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Transient reports whether the failure may go away on its own, so a result
// carrying it must never be cached.
func (k Kind) Transient() bool {
	switch k {
	case KindUnavailable, KindTimeout, KindBadResponse, KindCanceled, KindCircuitOpen:
		return true
	}
	return false
}

// Error is a failed upstream call. Its Error text is for logs only: it may
// name internal addresses and carry the upstream's own message, so it must
// never reach a client (shared/gqlerr maps it to a public code).
type Error struct {
	Service string // logical upstream name, e.g. "catalog"
	Op      string // what was attempted, e.g. "GET /products"
	Kind    Kind
	Status  int    // HTTP status, 0 when no response arrived
	Code    string // the upstream's error code from its body, if any
	// Attempts is how many attempts the retry layer made (see Retry),
	// including one its circuit breaker failed fast; 0 when the client's
	// transport has no retry layer.
	Attempts int
	Err      error // underlying cause, if any
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.Service, e.Op, e.Kind)
	var details []string
	if e.Status != 0 {
		details = append(details, fmt.Sprintf("status %d", e.Status))
		if e.Code != "" {
			details = append(details, "code "+e.Code)
		}
	}
	if e.Attempts > 1 {
		details = append(details, fmt.Sprintf("%d attempts", e.Attempts))
	}
	if len(details) > 0 {
		msg += " (" + strings.Join(details, ", ") + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for a not-found Error.
func (e *Error) Is(target error) bool { return target == ErrNotFound && e.Kind == KindNotFound }

// ErrNotFound matches (errors.Is) every not-found upstream error.
var ErrNotFound = errors.New("not found")

// KindOf returns the Kind of err's upstream error, classifying bare context
// errors too; ok is false for other errors.
func KindOf(err error) (k Kind, ok bool) {
	if e, found := errors.AsType[*Error](err); found {
		return e.Kind, true
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout, true
	case errors.Is(err, context.Canceled):
		return KindCanceled, true
	}
	return 0, false
}

// BadValue reports an upstream answer holding a value outside the contract,
// e.g. an unknown enum value.
func BadValue(service, field, value string) *Error {
	return &Error{Service: service, Op: "decoding " + field, Kind: KindBadResponse,
		Err: fmt.Errorf("unknown %s %q", field, value)}
}
