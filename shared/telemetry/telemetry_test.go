package telemetry_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/frontdesk/frontdesk/shared/requestid"
	"github.com/frontdesk/frontdesk/shared/telemetry"
	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
	"github.com/frontdesk/frontdesk/shared/telemetry/tracing"
)

func TestWithRequestID(t *testing.T) {
	orig := &gqlerror.Error{Message: "not found", Extensions: map[string]any{"code": "NOT_FOUND"}}
	ctx := requestid.NewContext(t.Context(), "req-7")

	got := telemetry.WithRequestID(ctx, orig)
	if got.Extensions["requestId"] != "req-7" || got.Extensions["code"] != "NOT_FOUND" || got.Message != "not found" {
		t.Errorf("got %+v, want the error with requestId req-7", got)
	}
	if _, changed := orig.Extensions["requestId"]; changed {
		t.Error("the original error was changed")
	}
	if bare := telemetry.WithRequestID(ctx, &gqlerror.Error{Message: "x"}); bare.Extensions["requestId"] != "req-7" {
		t.Errorf("an error without extensions got %v", bare.Extensions)
	}
	if same := telemetry.WithRequestID(t.Context(), orig); same != orig {
		t.Error("an error was changed without a request id")
	}
	if telemetry.WithRequestID(ctx, nil) != nil {
		t.Error("nil did not stay nil")
	}
}

// TestWiring assembles the pieces the way a BFF does — tracing, request
// id, access log and metrics middleware around a gqlgen server with both
// extensions, and an upstream client whose transport carries the metrics,
// access-log and tracing decorators — and follows one request through all
// of them.
func TestWiring(t *testing.T) {
	var (
		mu          sync.Mutex
		traceparent string
	)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		traceparent = r.Header.Get("traceparent")
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer up.Close()

	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	m := metrics.New(metrics.Config{BFF: "bff-test", Operations: []string{"Card"}, Codes: []string{"UPSTREAM_UNAVAILABLE"}})

	upstreamClient := &http.Client{Transport: m.UpstreamTransport("catalog",
		accesslog.Transport(logger, "catalog",
			tracing.Transport("catalog", http.DefaultTransport, tracing.WithTracerProvider(tp))))}

	srv := handler.New(productSchema(upstreamClient, up.URL))
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return telemetry.WithRequestID(ctx, &gqlerror.Error{
			Message: "the catalog service is unavailable", Path: graphql.GetPath(ctx),
			Extensions: map[string]any{"code": "UPSTREAM_UNAVAILABLE"},
		})
	})
	srv.Use(accesslog.Extension{})
	srv.Use(tracing.NewExtension(tracing.WithTracerProvider(tp)))

	var h http.Handler = srv
	for _, mw := range []func(http.Handler) http.Handler{ // innermost first
		accesslog.Caller,
		m.Middleware,
		accesslog.Middleware(logger, "bff-test"),
		requestid.Middleware,
		tracing.Middleware(tracing.WithTracerProvider(tp)),
	} {
		h = mw(h)
	}

	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"query Card { product }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(requestid.Header, "req-42")
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	var body struct {
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.Errors) != 1 {
		t.Fatalf("answer %s: %v", rec.Body, err)
	}
	if body.Errors[0].Extensions["requestId"] != "req-42" {
		t.Errorf("error extensions %v, want requestId req-42", body.Errors[0].Extensions)
	}

	var line map[string]any
	if n := strings.Count(strings.TrimSpace(logs.String()), "\n") + 1; n != 1 {
		t.Fatalf("got %d log lines, want one: %s", n, logs.String())
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{
		"request_id": "req-42", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "operation": "Card",
		"operation_type": "query", "upstream_calls": float64(1), "upstream_errors": float64(1),
	} {
		if line[k] != want {
			t.Errorf("access line %s = %v, want %v", k, line[k], want)
		}
	}
	if codes, _ := json.Marshal(line["error_codes"]); string(codes) != `["UPSTREAM_UNAVAILABLE"]` {
		t.Errorf("error_codes = %s", codes)
	}

	mu.Lock()
	if !strings.HasPrefix(traceparent, "00-4bf92f3577b34da6a3ce929d0e0e4736-") {
		t.Errorf("the upstream received traceparent %q, want the incoming trace", traceparent)
	}
	mu.Unlock()
	names := map[string]bool{}
	for _, s := range exp.GetSpans() {
		names[s.Name] = s.SpanContext.TraceID().String() == "4bf92f3577b34da6a3ce929d0e0e4736"
	}
	for _, want := range []string{"POST", "query Card", "Query.product", "GET catalog"} {
		if !names[want] {
			t.Errorf("no span %q in the incoming trace; spans: %v", want, names)
		}
	}

	for _, tt := range []struct {
		family string
		want   float64
	}{
		{"frontdesk_requests_total", 1},
		{"frontdesk_request_errors_total", 1},
		{"frontdesk_upstream_errors_total", 1},
	} {
		if n, err := testutil.GatherAndCount(m.Registry(), tt.family); err != nil || float64(n) != tt.want {
			t.Errorf("%s has %d series (err %v), want %v", tt.family, n, err, tt.want)
		}
	}
}

// productSchema is an executable schema whose one resolver field,
// Query.product, calls the upstream at base through client.
func productSchema(client *http.Client, base string) graphql.ExecutableSchema {
	s := gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { product: String }`})
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return s },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 1, true
		},
		ExecFunc: func(context.Context) graphql.ResponseHandler {
			done := false
			return func(ctx context.Context) *graphql.Response {
				if done {
					return nil
				}
				done = true
				fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{
					Object: "Query", IsResolver: true,
					Field: graphql.CollectedField{Field: &ast.Field{Name: "product", Alias: "product",
						Definition: s.Types["Query"].Fields.ForName("product")}},
				})
				_, err := graphql.GetOperationContext(ctx).ResolverMiddleware(fctx, func(ctx context.Context) (any, error) {
					req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/products/p1", nil)
					if err != nil {
						return nil, err
					}
					resp, err := client.Do(req)
					if err != nil {
						return nil, err
					}
					defer resp.Body.Close()
					_, _ = io.Copy(io.Discard, resp.Body)
					if resp.StatusCode != http.StatusOK {
						return nil, &gqlerror.Error{Message: resp.Status}
					}
					return "p1", nil
				})
				if err != nil {
					graphql.AddError(fctx, err)
				}
				return &graphql.Response{Data: []byte(`{"product":null}`)}
			}
		},
	}
}
