// Package accesslog writes exactly one log line per request: who asked for
// which GraphQL operation, how it ended and what it cost (upstream calls,
// cache hits, rate-limit outcome, error codes).
//
// Most of those facts are known deep inside the request, so Middleware puts
// a mutable Record in the request's context and the layers below fill it:
// Extension (gqlgen) records the operation and the `extensions.code` of
// every error, Caller the verified principal, Transport counts upstream
// calls, and the cache and rate-limit layers call the Record's methods. When
// the request ends, Middleware logs the Record once.
package accesslog

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
)

// Limits on what one Record keeps of client-influenced values.
const (
	MaxOperationLen = 128 // longer operation names are cut
	MaxErrorCodes   = 16  // further distinct codes are dropped
	maxCodeLen      = 64
	maxSniffBytes   = 4 << 10
)

// UnknownCode is recorded for an error that carries no `extensions.code`.
const UnknownCode = "UNKNOWN"

// Record is the access-log entry of one request while it is served. Its
// methods are safe for concurrent use (resolvers run in goroutines) and do
// nothing on a nil *Record, so code may call them whether or not the
// request has one:
//
//	rec, _ := accesslog.FromContext(ctx)
//	rec.AddCacheHit()
type Record struct {
	mu             sync.Mutex
	operation      string
	operationType  string
	subject        string
	clientID       string
	status         int
	bytes          int64
	codes          []string
	rateLimit      string
	upstreamCalls  int
	upstreamErrors int
	cacheHits      int
	cacheMisses    int
	errorBody      []byte // the start of an error answer written outside GraphQL
}

// Entry is a snapshot of a Record.
type Entry struct {
	Operation      string   // operation name as the client sent it (cut to MaxOperationLen); "" when unknown
	OperationType  string   // query, mutation or subscription; "" when GraphQL did not run
	Subject        string   // the verified caller's subject; "" for anonymous requests
	ClientID       string   // the verified caller's client id
	Status         int      // HTTP status of the answer (200 when the handler wrote none)
	Bytes          int64    // body bytes written
	ErrorCodes     []string // distinct `extensions.code` values, in order of first occurrence
	RateLimit      string   // rate-limit outcome, e.g. "allowed" or "rejected"; "" when not checked
	UpstreamCalls  int      // upstream HTTP calls made (each retry attempt counts)
	UpstreamErrors int      // of those, calls that failed (transport error, 5xx or 429)
	CacheHits      int      //
	CacheMisses    int      //
}

type ctxKey struct{}

// NewContext returns ctx carrying rec.
func NewContext(ctx context.Context, rec *Record) context.Context {
	return context.WithValue(ctx, ctxKey{}, rec)
}

// FromContext returns the request's Record; ok is false outside a request
// that went through Middleware (rec is then nil, whose methods do nothing).
func FromContext(ctx context.Context) (rec *Record, ok bool) {
	rec, ok = ctx.Value(ctxKey{}).(*Record)
	return rec, ok && rec != nil
}

// SetOperation records the GraphQL operation's name and type.
func (r *Record) SetOperation(name, opType string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.operation, r.operationType = cut(name, MaxOperationLen), cut(opType, 16)
}

// SetCaller records the verified caller: its subject and client id, never a
// token.
func (r *Record) SetCaller(subject, clientID string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subject, r.clientID = cut(subject, 256), cut(clientID, 256)
}

// AddErrorCode records a public error code; repeats are kept once.
func (r *Record) AddErrorCode(code string) {
	if r == nil {
		return
	}
	if code == "" {
		code = UnknownCode
	}
	code = cut(code, maxCodeLen)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.codes) < MaxErrorCodes && !slices.Contains(r.codes, code) {
		r.codes = append(r.codes, code)
	}
}

// SetRateLimit records the rate-limit outcome ("allowed", "rejected").
func (r *Record) SetRateLimit(outcome string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rateLimit = cut(outcome, 64)
}

// AddUpstreamCall counts one upstream call; failed marks a transport error,
// a 5xx or a 429.
func (r *Record) AddUpstreamCall(failed bool) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.upstreamCalls++
	if failed {
		r.upstreamErrors++
	}
}

// AddCacheHit counts one cache hit.
func (r *Record) AddCacheHit() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cacheHits++
}

// AddCacheMiss counts one cache miss.
func (r *Record) AddCacheMiss() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cacheMisses++
}

// Entry returns a snapshot of the record. When no error code was recorded
// and the answer is an error status, the codes are read from its body (a
// GraphQL-shaped error written by middleware, e.g. a 401).
func (r *Record) Entry() Entry {
	if r == nil {
		return Entry{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e := Entry{
		Operation:      r.operation,
		OperationType:  r.operationType,
		Subject:        r.subject,
		ClientID:       r.clientID,
		Status:         r.status,
		Bytes:          r.bytes,
		ErrorCodes:     slices.Clone(r.codes),
		RateLimit:      r.rateLimit,
		UpstreamCalls:  r.upstreamCalls,
		UpstreamErrors: r.upstreamErrors,
		CacheHits:      r.cacheHits,
		CacheMisses:    r.cacheMisses,
	}
	if e.Status == 0 {
		e.Status = 200
	}
	if len(e.ErrorCodes) == 0 && len(r.errorBody) > 0 {
		e.ErrorCodes = codesOf(r.errorBody)
	}
	return e
}

// wroteHeader records the answer's status.
func (r *Record) wroteHeader(status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status = status
}

// wrote records n body bytes of p written; the start of an error answer is
// kept to read its codes.
func (r *Record) wrote(p []byte, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bytes += int64(n)
	if r.status >= 400 && len(r.codes) == 0 && len(r.errorBody) < maxSniffBytes {
		r.errorBody = append(r.errorBody, p[:min(n, maxSniffBytes-len(r.errorBody))]...)
	}
}

// codesOf returns the distinct `extensions.code` values of a GraphQL-shaped
// body, nil when it is not one (or was cut).
func codesOf(body []byte) []string {
	var b struct {
		Errors []struct {
			Extensions struct {
				Code string `json:"code"`
			} `json:"extensions"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &b) != nil {
		return nil
	}
	var codes []string
	for _, e := range b.Errors {
		code := cut(e.Extensions.Code, maxCodeLen)
		if code == "" {
			code = UnknownCode
		}
		if len(codes) < MaxErrorCodes && !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
	}
	return codes
}

// cut returns s cut to at most n bytes, on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
