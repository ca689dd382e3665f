package accesslog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"go.opentelemetry.io/otel/trace"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/requestid"
	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
)

// capture returns a JSON logger at debug level and a function returning the
// lines logged so far, decoded.
func capture(t *testing.T) (*slog.Logger, func() []map[string]any) {
	t.Helper()
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	w := writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	})
	logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return logger, func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		var lines []map[string]any
		for line := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
			if line == "" {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("log line %q is not JSON: %v", line, err)
			}
			lines = append(lines, m)
		}
		return lines
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// accessLines returns the access lines among lines.
func accessLines(lines []map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if l["msg"] == accesslog.Message {
			out = append(out, l)
		}
	}
	return out
}

// only returns the one access line among lines, failing unless there is
// exactly one.
func only(t *testing.T, lines []map[string]any) map[string]any {
	t.Helper()
	access := accessLines(lines)
	if len(access) != 1 {
		t.Fatalf("got %d access lines, want exactly 1: %v", len(access), lines)
	}
	return access[0]
}

// withPrincipal stands in for the authentication middleware.
func withPrincipal(p auth.Principal) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(auth.NewContext(r.Context(), p)))
		})
	}
}

func chain(h http.Handler, mws ...func(http.Handler) http.Handler) http.Handler {
	for _, mw := range slices.Backward(mws) {
		h = mw(h)
	}
	return h
}

var (
	testTraceID = trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36}
	testSpanID  = trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7}
)

// withTrace stands in for the tracing middleware.
func withTrace(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: testTraceID, SpanID: testSpanID, TraceFlags: trace.FlagsSampled})
		next.ServeHTTP(w, r.WithContext(trace.ContextWithSpanContext(r.Context(), sc)))
	})
}

func TestMiddlewareLogsOneLineWithEveryField(t *testing.T) {
	logger, lines := capture(t)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := accesslog.FromContext(r.Context())
		if !ok {
			t.Error("no record in the request's context")
		}
		rec.SetOperation("Home", "query")
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Go(func() {
				rec.AddUpstreamCall(i == 3)
				rec.AddCacheHit()
				rec.AddErrorCode("UPSTREAM_UNAVAILABLE")
			})
		}
		wg.Wait()
		rec.AddCacheMiss()
		rec.AddErrorCode("NOT_FOUND")
		rec.SetRateLimit("allowed")
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"home":null}}`)
	})
	h := chain(next,
		withTrace, requestid.Middleware, accesslog.Middleware(logger, "bff-test"),
		withPrincipal(auth.Principal{Subject: "usr_0001", ClientID: "frontdesk-mobile", Roles: []string{"customer"}}),
		accesslog.Caller,
	)
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ home { greeting } }"}`))
	req.Header.Set(requestid.Header, "req-1")
	req.Header.Set("Authorization", "Bearer secret-token-value")
	h.ServeHTTP(httptest.NewRecorder(), req)

	line := only(t, lines())
	want := map[string]any{
		"level":           "INFO",
		"msg":             "request",
		"request_id":      "req-1",
		"trace_id":        testTraceID.String(),
		"bff":             "bff-test",
		"method":          "POST",
		"path":            "/graphql",
		"operation":       "Home",
		"operation_type":  "query",
		"client_id":       "frontdesk-mobile",
		"subject":         "usr_0001",
		"status":          float64(200),
		"bytes":           float64(len(`{"data":{"home":null}}`)),
		"upstream_calls":  float64(4),
		"upstream_errors": float64(1),
		"cache_hits":      float64(4),
		"cache_misses":    float64(1),
		"rate_limit":      "allowed",
		"error_codes":     []any{"UPSTREAM_UNAVAILABLE", "NOT_FOUND"},
	}
	for k, v := range want {
		got, ok := line[k]
		if !ok {
			t.Errorf("field %s missing", k)
			continue
		}
		gotJSON, _ := json.Marshal(got)
		wantJSON, _ := json.Marshal(v)
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("%s = %s, want %s", k, gotJSON, wantJSON)
		}
	}
	if d, ok := line["duration_ms"].(float64); !ok || d < 0 {
		t.Errorf("duration_ms = %v, want a non-negative number", line["duration_ms"])
	}
	if raw, _ := json.Marshal(line); strings.Contains(string(raw), "secret-token") {
		t.Errorf("the access line carries the token: %s", raw)
	}
}

func TestMiddlewareStatusAndCodes(t *testing.T) {
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantLevel string
		status    float64
		codes     []any
	}{
		{
			name: "error written by a middleware",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"errors":[{"message":"no","extensions":{"code":"UNAUTHENTICATED"}}]}`)
			},
			wantLevel: "INFO", status: 401, codes: []any{"UNAUTHENTICATED"},
		},
		{
			name: "error without a code",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = io.WriteString(w, `{"errors":[{"message":"busy"}]}`)
			},
			wantLevel: "WARN", status: 503, codes: []any{"UNKNOWN"},
		},
		{
			name: "error that is not GraphQL",
			handler: func(w http.ResponseWriter, _ *http.Request) {
				http.Error(w, "nope", http.StatusBadGateway)
			},
			wantLevel: "WARN", status: 502, codes: []any{},
		},
		{
			name:      "nothing written",
			handler:   func(http.ResponseWriter, *http.Request) {},
			wantLevel: "INFO", status: 200, codes: []any{},
		},
		{
			name: "codes recorded win over the body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				rec, _ := accesslog.FromContext(r.Context())
				rec.AddErrorCode("RATE_LIMITED")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = io.WriteString(w, `{"errors":[{"extensions":{"code":"OTHER"}}]}`)
			},
			wantLevel: "INFO", status: 429, codes: []any{"RATE_LIMITED"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, lines := capture(t)
			h := accesslog.Middleware(logger, "bff-test")(tt.handler)
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/graphql", nil))
			line := only(t, lines())
			if line["level"] != tt.wantLevel || line["status"] != tt.status {
				t.Errorf("level %v status %v, want %s %v", line["level"], line["status"], tt.wantLevel, tt.status)
			}
			got, _ := json.Marshal(line["error_codes"])
			want, _ := json.Marshal(tt.codes)
			if !bytes.Equal(got, want) {
				t.Errorf("error_codes = %s, want %s", got, want)
			}
		})
	}
}

func TestMiddlewareLogsOnceWhenNestedOrPanicking(t *testing.T) {
	t.Run("nested", func(t *testing.T) {
		logger, lines := capture(t)
		mw := accesslog.Middleware(logger, "bff-test")
		h := mw(mw(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/graphql", nil))
		if line := only(t, lines()); line["status"] != float64(204) {
			t.Errorf("status %v, want 204", line["status"])
		}
	})
	t.Run("panic", func(t *testing.T) {
		logger, lines := capture(t)
		h := accesslog.Middleware(logger, "bff-test")(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic("boom")
		}))
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic did not reach the server")
				}
			}()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/graphql", nil))
		}()
		if line := only(t, lines()); line["status"] != float64(500) || line["level"] != "WARN" {
			t.Errorf("status %v level %v, want 500 WARN", line["status"], line["level"])
		}
	})
}

func TestExtensionThroughGqlgen(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		op      string
		opType  string
		codes   []any
		failing bool // the schema's resolvers fail
	}{
		{name: "named query", body: `{"query":"query Named { name }"}`, op: "Named", opType: "query", codes: []any{}},
		{name: "anonymous query", body: `{"query":"{ name }"}`, op: "", opType: "query", codes: []any{}},
		{name: "operation picked by name", body: `{"query":"query A { name } query B { name }","operationName":"B"}`, op: "B", opType: "query", codes: []any{}},
		{name: "resolver error", body: `{"query":"query Failing { name }"}`, op: "Failing", opType: "query", codes: []any{"UPSTREAM_UNAVAILABLE"}, failing: true},
		{name: "mutation refused without the presenter", body: `{"query":"mutation Change { name }"}`, op: "Change", opType: "mutation", codes: []any{accesslog.UnknownCode}},
		{name: "validation error", body: `{"query":"query Bad { nope }","operationName":"Bad"}`, op: "Bad", opType: "", codes: []any{"GRAPHQL_VALIDATION_FAILED"}},
		{name: "parse error", body: `{"query":"query {"}`, op: "", opType: "", codes: []any{"GRAPHQL_PARSE_FAILED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := testserver.New()
			if tt.failing {
				ts = testserver.NewError()
			}
			ts.AddTransport(transport.POST{})
			ts.SetErrorPresenter(func(_ context.Context, err error) *gqlerror.Error {
				if gqlErr, ok := errors.AsType[*gqlerror.Error](err); ok && gqlErr.Extensions["code"] != nil {
					return gqlErr
				}
				return &gqlerror.Error{Message: "unavailable", Extensions: map[string]any{"code": "UPSTREAM_UNAVAILABLE"}}
			})
			ts.Use(accesslog.Extension{})

			logger, lines := capture(t)
			h := chain(ts, accesslog.Middleware(logger, "bff-test"),
				withPrincipal(auth.Principal{Subject: "usr_0002", ClientID: "frontdesk-web"}))
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json")
			h.ServeHTTP(httptest.NewRecorder(), req)

			line := only(t, lines())
			if line["operation"] != tt.op || line["operation_type"] != tt.opType {
				t.Errorf("operation %q type %q, want %q %q", line["operation"], line["operation_type"], tt.op, tt.opType)
			}
			if line["subject"] != "usr_0002" || line["client_id"] != "frontdesk-web" {
				t.Errorf("subject %v client_id %v, want the principal's", line["subject"], line["client_id"])
			}
			got, _ := json.Marshal(line["error_codes"])
			want, _ := json.Marshal(tt.codes)
			if !bytes.Equal(got, want) {
				t.Errorf("error_codes = %s, want %s", got, want)
			}
		})
	}
}

func TestTransportCountsAndLogsUpstreamCalls(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/fail" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer upstream.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	logger, lines := capture(t)
	client := &http.Client{Transport: accesslog.Transport(logger, "catalog", nil)}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, u := range []string{upstream.URL + "/products", upstream.URL + "/fail", closed.URL + "/products"} {
			req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, u, nil)
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	})
	h := chain(next, requestid.Middleware, accesslog.Middleware(logger, "bff-test"))
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set(requestid.Header, "req-9")
	h.ServeHTTP(httptest.NewRecorder(), req)

	all := lines()
	line := only(t, all)
	if line["upstream_calls"] != float64(3) || line["upstream_errors"] != float64(2) {
		t.Errorf("upstream_calls %v upstream_errors %v, want 3 and 2", line["upstream_calls"], line["upstream_errors"])
	}
	var debug []map[string]any
	for _, l := range all {
		if l["msg"] == "upstream call" {
			debug = append(debug, l)
		}
	}
	if len(debug) != 3 {
		t.Fatalf("got %d upstream lines, want 3: %v", len(debug), all)
	}
	for i, wantStatus := range []float64{200, 503, 0} {
		l := debug[i]
		if l["level"] != "DEBUG" || l["service"] != "catalog" || l["status"] != wantStatus || l["request_id"] != "req-9" {
			t.Errorf("upstream line %d = %v, want DEBUG catalog status %v req-9", i, l, wantStatus)
		}
	}
	if _, ok := debug[2]["error"]; !ok {
		t.Errorf("the failed call's line has no error: %v", debug[2])
	}
}

func TestFailed(t *testing.T) {
	tests := []struct {
		name   string
		status int
		err    error
		want   bool
	}{
		{"ok", 200, nil, false},
		{"not found", 404, nil, false},
		{"too many requests", 429, nil, true},
		{"server error", 503, nil, true},
		{"transport error", 0, errors.New("connection refused"), true},
		{"timeout", 0, context.DeadlineExceeded, true},
		{"caller went away", 0, context.Canceled, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := accesslog.Failed(tt.status, tt.err); got != tt.want {
				t.Errorf("Failed(%d, %v) = %v, want %v", tt.status, tt.err, got, tt.want)
			}
		})
	}
}

func TestRecordBounds(t *testing.T) {
	var nilRec *accesslog.Record
	nilRec.AddCacheHit() // must not panic
	nilRec.SetOperation("x", "query")
	if _, ok := accesslog.FromContext(context.Background()); ok {
		t.Error("FromContext reports a record in an empty context")
	}

	rec := &accesslog.Record{}
	rec.SetOperation(strings.Repeat("é", accesslog.MaxOperationLen), "query")
	for i := range accesslog.MaxErrorCodes + 5 {
		rec.AddErrorCode("CODE_" + strings.Repeat("X", i))
	}
	rec.AddErrorCode("")
	e := rec.Entry()
	if len(e.Operation) > accesslog.MaxOperationLen || !strings.HasPrefix(e.Operation, "éé") || strings.ContainsRune(e.Operation, '\uFFFD') {
		t.Errorf("operation cut to %d bytes %q", len(e.Operation), e.Operation)
	}
	if len(e.ErrorCodes) != accesslog.MaxErrorCodes {
		t.Errorf("kept %d codes, want %d", len(e.ErrorCodes), accesslog.MaxErrorCodes)
	}
	if e.Status != 200 {
		t.Errorf("status of an unwritten answer %d, want 200", e.Status)
	}
}
