package gqlserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// Defaults of StatusMapper's zero fields.
const (
	DefaultUnavailableRetryAfter = time.Second
	DefaultCircuitRetryAfter     = 5 * time.Second
)

// StatusMapper is the gqlgen extension that gives an executed operation
// with nothing usable left an HTTP status instead of 200, following the
// GraphQL-over-HTTP spec's room for server errors (docs/errors.md):
// when `data` is null or every root field is null, and every error is an
// upstream failure,
//
//   - any UPSTREAM_UNAVAILABLE or CIRCUIT_OPEN: 503 with Retry-After;
//   - only UPSTREAM_TIMEOUT: 504;
//   - otherwise (UPSTREAM_BAD_RESPONSE, alone or with UPSTREAM_TIMEOUT): 502.
//
// Partial data, and any error that is not an upstream failure (NOT_FOUND,
// BAD_USER_INPUT, …), keep 200. It sets the status through the request's
// Outcome, so it needs NewMux's GraphQL endpoint; a status set earlier (a
// 401 of the authorization rules) wins. The zero value is ready to use.
type StatusMapper struct {
	// RetryAfter is the Retry-After of a 503 caused by UPSTREAM_UNAVAILABLE;
	// zero means DefaultUnavailableRetryAfter.
	RetryAfter time.Duration
	// CircuitRetryAfter is the Retry-After of a 503 caused by CIRCUIT_OPEN,
	// typically UPSTREAM_BREAKER_COOLDOWN; zero means
	// DefaultCircuitRetryAfter. With both codes the longer wait is sent.
	CircuitRetryAfter time.Duration
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = StatusMapper{}

// ExtensionName names the extension for gqlgen.
func (StatusMapper) ExtensionName() string { return "StatusMapper" }

// Validate accepts every schema.
func (StatusMapper) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse sets the status of a response with nothing usable left.
func (m StatusMapper) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	if status, retryAfter := m.status(resp); status != 0 {
		if retryAfter > 0 {
			OutcomeFrom(ctx).SetStatus(status, "Retry-After", seconds(retryAfter))
		} else {
			OutcomeFrom(ctx).SetStatus(status)
		}
	}
	return resp
}

// status returns the status of resp and the Retry-After to send with it;
// 0 keeps gqlgen's.
func (m StatusMapper) status(resp *graphql.Response) (int, time.Duration) {
	if len(resp.Errors) == 0 {
		return 0, 0
	}
	var timeout, unavailable, circuit, bad bool
	for _, e := range resp.Errors {
		code, _ := e.Extensions["code"].(string)
		switch gqlerr.Code(code) {
		case gqlerr.UpstreamTimeout:
			timeout = true
		case gqlerr.UpstreamUnavailable:
			unavailable = true
		case gqlerr.CircuitOpen:
			circuit = true
		case gqlerr.UpstreamBadResponse:
			bad = true
		default:
			return 0, 0 // the client's or the data's problem: the answer is the errors
		}
	}
	if !nothingUsable(resp.Data) {
		return 0, 0
	}
	switch {
	case unavailable || circuit:
		var wait time.Duration
		if unavailable {
			wait = orDefault(m.RetryAfter, DefaultUnavailableRetryAfter)
		}
		if circuit {
			wait = max(wait, orDefault(m.CircuitRetryAfter, DefaultCircuitRetryAfter))
		}
		return http.StatusServiceUnavailable, wait
	case timeout && !bad:
		return http.StatusGatewayTimeout, 0
	default:
		return http.StatusBadGateway, 0
	}
}

// nothingUsable reports whether data is absent, null, or an object whose
// every entry (root field) is null.
func nothingUsable(data json.RawMessage) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return true
	}
	var roots map[string]json.RawMessage
	if err := json.Unmarshal(data, &roots); err != nil {
		return false
	}
	for _, v := range roots {
		if !bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return false
		}
	}
	return true
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// seconds renders d as a Retry-After value: whole seconds, rounded up, at
// least 1.
func seconds(d time.Duration) string {
	return strconv.FormatInt(max(int64((d+time.Second-1)/time.Second), 1), 10)
}
