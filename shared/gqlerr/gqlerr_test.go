package gqlerr_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/relay"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// The internal text that must never reach a client.
const (
	internalDial = "dial tcp 10.1.2.3:3002: connection refused"
	internalURL  = "http://catalog.internal:3002/products"
)

func upstreamErr(service string, kind restclient.Kind) error {
	return fmt.Errorf("fetching products: %w", &restclient.Error{
		Service: service, Op: "GET /products", Kind: kind, Status: 503,
		Err: &url.Error{Op: "Get", URL: internalURL, Err: errors.New(internalDial)},
	})
}

func TestClassify(t *testing.T) {
	typed := gqlerr.Wrap(gqlerr.Forbidden, "not yours", errors.New("user usr_0002 owns ord_00001"))
	_, cursorErr := relayCursorError()
	_, firstErr := relay.Count("first", ptr(51), 20, 50)
	unbuildable := unbuildableRequest(t)
	tests := []struct {
		name        string
		err         error
		wantCode    gqlerr.Code
		wantMessage string
		wantService string
	}{
		{"typed error passes through", typed, gqlerr.Forbidden, "not yours", ""},
		{"wrapped typed error passes through", fmt.Errorf("resolving order: %w", typed), gqlerr.Forbidden, "not yours", ""},
		{"loader not found", fmt.Errorf("loading: %w", &loader.NotFoundError{Kind: "product", Key: "prd_9999"}), gqlerr.NotFound, "product not found", ""},
		{"relay invalid cursor", cursorErr, gqlerr.BadUserInput, "invalid cursor: after is not a cursor from this API", ""},
		{"relay invalid first", firstErr, gqlerr.BadUserInput, "invalid page size: first must be between 1 and 50", ""},
		{"wrapped relay cursor keeps only its message", fmt.Errorf("loading %s: %w", internalURL, cursorErr), gqlerr.BadUserInput, "invalid cursor: after is not a cursor from this API", ""},
		{"wrapped relay first keeps only its message", fmt.Errorf("listing orders via %s: %w", internalURL, firstErr), gqlerr.BadUserInput, "invalid page size: first must be between 1 and 50", ""},
		{"bare relay sentinel is internal", fmt.Errorf("%w: first must be between 1 and 50", relay.ErrInvalidFirst), gqlerr.InternalServerError, "internal server error", ""},
		{"upstream not found", upstreamErr("catalog", restclient.KindNotFound), gqlerr.NotFound, "not found", "catalog"},
		{"upstream bad request", upstreamErr("reviews", restclient.KindBadRequest), gqlerr.BadUserInput, "the reviews service rejected the input", "reviews"},
		{"upstream conflict", upstreamErr("orders", restclient.KindConflict), gqlerr.Conflict, "the change conflicts with the current state", "orders"},
		{"upstream forbidden", upstreamErr("orders", restclient.KindForbidden), gqlerr.Forbidden, "the orders service does not allow this for the caller", "orders"},
		{"upstream unavailable", upstreamErr("catalog", restclient.KindUnavailable), gqlerr.UpstreamUnavailable, "the catalog service is unavailable", "catalog"},
		{"upstream timeout", upstreamErr("inventory", restclient.KindTimeout), gqlerr.UpstreamTimeout, "the inventory service did not answer in time", "inventory"},
		{"upstream bad response", upstreamErr("users", restclient.KindBadResponse), gqlerr.UpstreamBadResponse, "the users service gave an unusable answer", "users"},
		{"upstream canceled", upstreamErr("payments", restclient.KindCanceled), gqlerr.UpstreamUnavailable, "the request was canceled", "payments"},
		{"upstream circuit open", upstreamErr("reviews", restclient.KindCircuitOpen), gqlerr.CircuitOpen, "the reviews service is failing; calls to it are paused", "reviews"},
		{"bare deadline", context.DeadlineExceeded, gqlerr.UpstreamTimeout, "the request ran out of time", ""},
		{"wrapped deadline", fmt.Errorf("loading: %w", context.DeadlineExceeded), gqlerr.UpstreamTimeout, "the request ran out of time", ""},
		{"bare canceled", context.Canceled, gqlerr.UpstreamUnavailable, "the request was canceled", ""},
		{"wrapped canceled", fmt.Errorf("loading: %w", context.Canceled), gqlerr.UpstreamUnavailable, "the request was canceled", ""},
		{"unbuildable upstream request", unbuildable, gqlerr.InternalServerError, "internal server error", ""},
		{"arbitrary error", errors.New(internalDial), gqlerr.InternalServerError, "internal server error", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gqlerr.Classify(tt.err)
			if got.Code != tt.wantCode || got.Message != tt.wantMessage || got.Service != tt.wantService {
				t.Errorf("Classify = {%s %q %q}, want {%s %q %q}", got.Code, got.Message, got.Service, tt.wantCode, tt.wantMessage, tt.wantService)
			}
			if !errors.Is(got, tt.err) && got != typed {
				t.Errorf("Classify dropped the cause %v", tt.err)
			}
			for _, secret := range []string{internalDial, internalURL, "10.1.2.3"} {
				if got.Code != gqlerr.InternalServerError && strings.Contains(got.Message, secret) {
					t.Errorf("public message %q contains %q", got.Message, secret)
				}
			}
		})
	}
}

// unbuildableRequest returns the error of an upstream call whose body
// cannot be encoded: the upstream never saw it.
func unbuildableRequest(t *testing.T) error {
	t.Helper()
	c, err := restclient.New("catalog", "http://catalog.internal:3002", http.DefaultClient, restclient.Config{})
	if err != nil {
		t.Fatalf("restclient.New: %v", err)
	}
	err = c.Do(t.Context(), http.MethodPost, "/products", nil, map[string]any{"f": func() {}}, nil)
	if err == nil {
		t.Fatal("Do with an unencodable body succeeded")
	}
	return err
}

func relayCursorError() (relay.Window, error) {
	return relay.NewWindow(nil, ptr("not-a-cursor"), 20, 50)
}

func ptr[T any](v T) *T { return &v }

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *gqlerr.Error
		want string
	}{
		{"without cause", gqlerr.New(gqlerr.NotFound, "order not found"), "NOT_FOUND: order not found"},
		{"with cause", gqlerr.Wrap(gqlerr.Conflict, "cannot ship", errors.New("status DELIVERED")), "CONFLICT: cannot ship: status DELIVERED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	cause := errors.New("cause")
	if !errors.Is(gqlerr.Wrap(gqlerr.Conflict, "m", cause), cause) {
		t.Errorf("Wrap does not unwrap to its cause")
	}
}

// present runs the presenter on err with a logger writing JSON lines to the returned buffer.
func present(ctx context.Context, err error) (*gqlerror.Error, *bytes.Buffer) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return gqlerr.Presenter(logger)(ctx, err), &logs
}

func TestPresenter(t *testing.T) {
	path := ast.Path{ast.PathName("products"), ast.PathIndex(0), ast.PathName("stock")}
	locs := []gqlerror.Location{{Line: 1, Column: 19}}
	parseErr := &gqlerror.Error{Message: "Expected Name, found <EOF>", Locations: locs,
		Extensions: map[string]any{"code": errcode.ParseFailed}}
	validationErr := &gqlerror.Error{Message: `Cannot query field "nope" on type "Query".`, Locations: locs, Rule: "FieldsOnCorrectType",
		Extensions: map[string]any{"code": errcode.ValidationFailed}}
	decodeErr := gqlerror.Errorf("json request body could not be decoded: invalid character 'x' body:%s", `{"query":"{ me { password } }"x`)
	withLocs := gqlerror.WrapPath(path, upstreamErr("inventory", restclient.KindTimeout))
	withLocs.Locations = locs

	tests := []struct {
		name string
		err  error
		ctx  context.Context
		// want is the presented error as JSON.
		want string
		// wantLog lists substrings of the log; nil means nothing is logged.
		wantLog []string
		// notLog lists substrings the log must not contain.
		notLog []string
	}{
		{
			name: "parse error kept",
			err:  parseErr,
			want: `{"message":"Expected Name, found \u003cEOF\u003e","locations":[{"line":1,"column":19}],"extensions":{"code":"GRAPHQL_PARSE_FAILED"}}`,
		},
		{
			name: "validation error kept",
			err:  validationErr,
			want: `{"message":"Cannot query field \"nope\" on type \"Query\".","locations":[{"line":1,"column":19}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}`,
		},
		{
			name:    "transport decode error replaced, body dropped",
			err:     decodeErr,
			want:    `{"message":"the request is not a valid GraphQL-over-HTTP request","extensions":{"code":"BAD_REQUEST"}}`,
			wantLog: []string{`"level":"WARN"`, `"code":"BAD_REQUEST"`, "json request body could not be decoded: invalid character 'x'"},
			notLog:  []string{"password", "body:"}, // request bodies stay out of the logs too
		},
		{
			name:    "upstream error with path",
			err:     withLocs,
			want:    `{"message":"the inventory service did not answer in time","path":["products",0,"stock"],"locations":[{"line":1,"column":19}],"extensions":{"code":"UPSTREAM_TIMEOUT","service":"inventory"}}`,
			wantLog: []string{`"level":"WARN"`, `"code":"UPSTREAM_TIMEOUT"`, `"path":"products[0].stock"`, internalDial, internalURL},
		},
		{
			name:    "upstream unavailable with path",
			err:     gqlerror.WrapPath(path, upstreamErr("catalog", restclient.KindUnavailable)),
			want:    `{"message":"the catalog service is unavailable","path":["products",0,"stock"],"extensions":{"code":"UPSTREAM_UNAVAILABLE","service":"catalog"}}`,
			wantLog: []string{`"code":"UPSTREAM_UNAVAILABLE"`, internalDial},
		},
		{
			name:    "loader not found with path",
			err:     gqlerror.WrapPath(path, &loader.NotFoundError{Kind: "stock", Key: "prd_0001"}),
			want:    `{"message":"stock not found","path":["products",0,"stock"],"extensions":{"code":"NOT_FOUND"}}`,
			wantLog: []string{`"code":"NOT_FOUND"`, "stock prd_0001 not found"},
		},
		{
			name: "typed error without cause is not logged",
			err:  gqlerror.WrapPath(path, gqlerr.New(gqlerr.Unauthenticated, "sign in to see this")),
			want: `{"message":"sign in to see this","path":["products",0,"stock"],"extensions":{"code":"UNAUTHENTICATED"}}`,
		},
		{
			name:    "internal error with path",
			err:     gqlerror.WrapPath(path, fmt.Errorf("querying %s: %w", internalURL, errors.New(internalDial))),
			want:    `{"message":"internal server error","path":["products",0,"stock"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}`,
			wantLog: []string{`"level":"ERROR"`, `"code":"INTERNAL_SERVER_ERROR"`, internalDial, internalURL},
		},
		{
			name:    "gqlerror with path and no cause is internal",
			err:     gqlerror.ErrorPathf(path, "resolver said %s", internalURL),
			want:    `{"message":"internal server error","path":["products",0,"stock"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}`,
			wantLog: []string{`"level":"ERROR"`, internalURL},
		},
		{
			name: "plain error takes the path from the context",
			err:  errors.New(internalDial),
			ctx: graphql.WithFieldContext(t.Context(), &graphql.FieldContext{
				Field: graphql.CollectedField{Field: &ast.Field{Alias: "me"}},
			}),
			want:    `{"message":"internal server error","path":["me"],"extensions":{"code":"INTERNAL_SERVER_ERROR"}}`,
			wantLog: []string{`"level":"ERROR"`, `"path":"me"`, internalDial},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = t.Context()
			}
			got, logs := present(ctx, tt.err)
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			if string(b) != tt.want {
				t.Errorf("presented\n got %s\nwant %s", b, tt.want)
			}
			if code := got.Extensions["code"]; code == nil {
				t.Errorf("no extensions.code")
			}
			if tt.name != "parse error kept" && tt.name != "validation error kept" {
				for _, secret := range []string{internalDial, internalURL, "10.1.2.3", "catalog.internal", "password", "body:"} {
					if strings.Contains(string(b), secret) {
						t.Errorf("presented error %s leaks %q", b, secret)
					}
				}
			}
			if tt.wantLog == nil {
				if logs.Len() != 0 {
					t.Errorf("logged %q, want nothing", logs.String())
				}
				return
			}
			if n := strings.Count(logs.String(), "\n"); n != 1 {
				t.Errorf("logged %d lines, want 1: %s", n, logs.String())
			}
			for _, want := range tt.wantLog {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log %s lacks %q", logs.String(), want)
				}
			}
			for _, secret := range tt.notLog {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("log %s contains %q", logs.String(), secret)
				}
			}
		})
	}
}

func TestRecover(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	err := gqlerr.Recover(logger)(t.Context(), "secret "+internalURL)

	e, ok := errors.AsType[*gqlerr.Error](err)
	if !ok {
		t.Fatalf("Recover returned %T %v, want *gqlerr.Error", err, err)
	}
	if e.Code != gqlerr.InternalServerError || e.Message != "internal server error" {
		t.Errorf("Recover = {%s %q}, want {INTERNAL_SERVER_ERROR \"internal server error\"}", e.Code, e.Message)
	}
	if e.Err == nil || e.Err.Error() != "panic: secret "+internalURL {
		t.Errorf("cause = %v, want the panic value", e.Err)
	}
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("log %q: %v", logs.String(), err)
	}
	if line["level"] != "ERROR" || line["msg"] != "panic in resolver" || line["panic"] != "secret "+internalURL {
		t.Errorf("log = %v, want an ERROR panic in resolver with the panic value", line)
	}
	if stack, _ := line["stack"].(string); !strings.Contains(stack, "TestRecover") {
		t.Errorf("logged stack does not show the panicking goroutine: %q", stack)
	}

	// What the client reads of it.
	got, _ := present(t.Context(), err)
	if got.Message != "internal server error" || got.Extensions["code"] != "INTERNAL_SERVER_ERROR" {
		t.Errorf("presented recover error = %q %v", got.Message, got.Extensions)
	}
}

func TestCodes(t *testing.T) {
	tests := []struct {
		code gqlerr.Code
		want int
	}{
		{gqlerr.BadRequest, http.StatusBadRequest},
		{gqlerr.GraphQLParseFailed, http.StatusBadRequest},
		{gqlerr.GraphQLValidationFailed, http.StatusBadRequest},
		{gqlerr.BadUserInput, http.StatusBadRequest},
		{gqlerr.Unauthenticated, http.StatusUnauthorized},
		{gqlerr.Forbidden, http.StatusForbidden},
		{gqlerr.NotFound, http.StatusNotFound},
		{gqlerr.Conflict, http.StatusConflict},
		{gqlerr.UpstreamUnavailable, http.StatusServiceUnavailable},
		{gqlerr.UpstreamTimeout, http.StatusGatewayTimeout},
		{gqlerr.UpstreamBadResponse, http.StatusBadGateway},
		{gqlerr.CircuitOpen, http.StatusServiceUnavailable},
		{gqlerr.RateLimited, http.StatusTooManyRequests},
		{gqlerr.Overloaded, http.StatusServiceUnavailable},
		{gqlerr.QueryLimitExceeded, http.StatusBadRequest},
		{gqlerr.PersistedQueryNotFound, http.StatusNotFound},
		{gqlerr.PersistedQueryNotInList, http.StatusBadRequest},
		{gqlerr.InternalServerError, http.StatusInternalServerError},
		{gqlerr.Code("NO_SUCH_CODE"), http.StatusInternalServerError},
		{gqlerr.Code(""), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := tt.code.Status(); got != tt.want {
				t.Errorf("Status() = %d, want %d", got, tt.want)
			}
		})
	}
	if len(gqlerr.Codes) != 18 {
		t.Errorf("len(Codes) = %d, want the 18 public codes", len(gqlerr.Codes))
	}
	for code, status := range gqlerr.Codes {
		if code.Status() != status || status < 400 || status > 599 {
			t.Errorf("Codes[%s] = %d, Status() = %d", code, status, code.Status())
		}
	}
	if gqlerr.CircuitOpen != "CIRCUIT_OPEN" || gqlerr.RateLimited != "RATE_LIMITED" || gqlerr.Overloaded != "OVERLOADED" {
		t.Errorf("resilience codes = %s, %s, %s", gqlerr.CircuitOpen, gqlerr.RateLimited, gqlerr.Overloaded)
	}
	if gqlerr.GraphQLParseFailed != "GRAPHQL_PARSE_FAILED" || gqlerr.GraphQLValidationFailed != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("gqlgen codes = %s, %s", gqlerr.GraphQLParseFailed, gqlerr.GraphQLValidationFailed)
	}
}

// TestCodesDocumented: docs/errors.md has a row for every public code.
func TestCodesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/errors.md")
	if err != nil {
		t.Fatalf("reading docs/errors.md: %v", err)
	}
	for code := range gqlerr.Codes {
		if !strings.Contains(string(doc), "| `"+string(code)+"` |") {
			t.Errorf("docs/errors.md has no row for %s", code)
		}
	}
}

func TestWriteHTTP(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		err      *gqlerr.Error
		wantBody string
	}{
		{"method not allowed", http.StatusMethodNotAllowed, gqlerr.New(gqlerr.BadRequest, "use GET for queries or POST"),
			`{"errors":[{"message":"use GET for queries or POST","extensions":{"code":"BAD_REQUEST"}}]}`},
		{"not found", http.StatusNotFound, gqlerr.New(gqlerr.NotFound, "no such endpoint"),
			`{"errors":[{"message":"no such endpoint","extensions":{"code":"NOT_FOUND"}}]}`},
		{"cause and service never written", http.StatusServiceUnavailable,
			&gqlerr.Error{Code: gqlerr.UpstreamUnavailable, Message: "try later", Service: "catalog", Err: errors.New(internalDial)},
			`{"errors":[{"message":"try later","extensions":{"code":"UPSTREAM_UNAVAILABLE"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			gqlerr.WriteHTTP(rec, tt.status, tt.err)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body\n got %s\nwant %s", got, tt.wantBody)
			}
		})
	}
}

func TestExtensionsAreAddedButCannotOverrideCode(t *testing.T) {
	e := gqlerr.New(gqlerr.RateLimited, "slow down")
	e.Extensions = map[string]any{"retryAfter": 7, "code": "FAKE", "service": "fake"}
	rec := httptest.NewRecorder()
	gqlerr.WriteHTTP(rec, http.StatusTooManyRequests, e)
	if got, want := strings.TrimSpace(rec.Body.String()), `{"errors":[{"message":"slow down","extensions":{"code":"RATE_LIMITED","retryAfter":7}}]}`; got != want {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
	presented := gqlerr.Presenter(slog.New(slog.DiscardHandler))(t.Context(), e)
	if presented.Extensions["code"] != "RATE_LIMITED" || presented.Extensions["retryAfter"] != 7 || presented.Extensions["service"] != nil {
		t.Fatalf("presented extensions = %v", presented.Extensions)
	}
}

func TestTruncateQuoted(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, tt := range []struct{ in, want string }{
		{`Cannot query field "id" on type "Query".`, `Cannot query field "id" on type "Query".`},
		{`Cannot query field "` + long + `" on type "Query".`, `Cannot query field "` + long[:64] + `…" on type "Query".`},
		{`Unknown "` + strings.Repeat("é", 40) + `"`, `Unknown "` + strings.Repeat("é", 32) + `…"`},
		{`an unclosed "` + long, `an unclosed "` + long},
		{``, ``},
	} {
		if got := gqlerr.TruncateQuoted(tt.in, gqlerr.MaxQuoted); got != tt.want {
			t.Errorf("TruncateQuoted(%.80q) = %.120q, want %.120q", tt.in, got, tt.want)
		}
	}
}
