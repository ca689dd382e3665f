package tracing_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/frontdesk/frontdesk/shared/telemetry/tracing"
)

// newProvider returns a tracer provider that keeps its spans in memory.
func newProvider(t *testing.T) (*sdktrace.TracerProvider, *tracetest.InMemoryExporter) {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return tp, exp
}

// upstream is a test service that remembers the trace headers of each call.
type upstream struct {
	*httptest.Server
	mu       sync.Mutex
	received []http.Header
}

func newUpstream(t *testing.T) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.received = append(u.received, http.Header{
			"Traceparent": r.Header.Values("traceparent"),
			"Tracestate":  r.Header.Values("tracestate"),
		})
		u.mu.Unlock()
		_, _ = io.WriteString(w, `{"id":"prd_0001"}`)
	}))
	t.Cleanup(u.Close)
	return u
}

// traceparents returns the traceparent of each call received.
func (u *upstream) traceparents() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []string
	for _, h := range u.received {
		out = append(out, h.Get("traceparent"))
	}
	return out
}

// headers returns the trace headers of each call received.
func (u *upstream) headers() []http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]http.Header(nil), u.received...)
}

// bff returns a handler, behind tracing.Middleware, that calls the upstream
// through transport (tracing.Transport with opts when nil).
func bff(t *testing.T, up *upstream, transport http.RoundTripper, opts ...tracing.Option) http.Handler {
	t.Helper()
	if transport == nil {
		transport = tracing.Transport("catalog", nil, opts...)
	}
	client := &http.Client{Transport: transport}
	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, up.URL+"/products/prd_0001", nil)
		if err != nil {
			t.Error(err)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Errorf("calling the upstream: %v", err)
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if len(req.Header.Values("traceparent")) != 0 {
			t.Error("the transport changed the caller's request headers")
		}
		w.WriteHeader(http.StatusOK)
	})
	return tracing.Middleware(opts...)(mux)
}

const (
	incomingTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	incomingSpanID  = "00f067aa0ba902b7"
	incoming        = "00-" + incomingTraceID + "-" + incomingSpanID + "-01"
)

func TestServerAndUpstreamSpansShareOneTrace(t *testing.T) {
	tests := []struct {
		name        string
		traceparent string
	}{
		{name: "new trace"},
		{name: "incoming traceparent", traceparent: incoming},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, exp := newProvider(t)
			up := newUpstream(t)
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			if tt.traceparent != "" {
				req.Header.Set("traceparent", tt.traceparent)
			}
			bff(t, up, nil, tracing.WithTracerProvider(tp)).ServeHTTP(httptest.NewRecorder(), req)

			spans := exp.GetSpans()
			if len(spans) != 2 {
				t.Fatalf("got %d spans, want a server and a client span: %v", len(spans), spans)
			}
			var server, client tracetest.SpanStub
			for _, s := range spans {
				switch s.SpanKind {
				case trace.SpanKindServer:
					server = s
				case trace.SpanKindClient:
					client = s
				}
			}
			if server.Name != "POST /graphql" || client.Name != "GET catalog" {
				t.Errorf("span names %q and %q, want %q and %q", server.Name, client.Name, "POST /graphql", "GET catalog")
			}
			traceID := server.SpanContext.TraceID()
			if client.SpanContext.TraceID() != traceID || client.Parent.SpanID() != server.SpanContext.SpanID() {
				t.Errorf("the client span (trace %s, parent %s) is not a child of the server span (trace %s, span %s)",
					client.SpanContext.TraceID(), client.Parent.SpanID(), traceID, server.SpanContext.SpanID())
			}
			if tt.traceparent != "" {
				if traceID.String() != incomingTraceID || server.Parent.SpanID().String() != incomingSpanID || !server.Parent.IsRemote() {
					t.Errorf("server span in trace %s with parent %s, want the incoming %s / %s",
						traceID, server.Parent.SpanID(), incomingTraceID, incomingSpanID)
				}
			}
			want := "00-" + traceID.String() + "-" + client.SpanContext.SpanID().String() + "-01"
			if got := up.traceparents(); len(got) != 1 || got[0] != want {
				t.Errorf("the upstream received traceparent %q, want %q", got, want)
			}
			var peer string
			for _, a := range client.Attributes {
				if a.Key == "peer.service" {
					peer = a.Value.AsString()
				}
			}
			if peer != "catalog" {
				t.Errorf("peer.service = %q, want catalog", peer)
			}
		})
	}
}

// TestTracingOffPropagatesWithoutOtelhttp: with the no-op provider (no
// exporter configured) an upstream call carries the incoming trace context
// as it came, and no otelhttp transport makes a span per attempt.
func TestTracingOffPropagatesWithoutOtelhttp(t *testing.T) {
	tests := []struct {
		name     string
		incoming http.Header
		want     http.Header
	}{
		{
			name:     "incoming traceparent and tracestate",
			incoming: http.Header{"Traceparent": {incoming}, "Tracestate": {"vendor=abc,other=1"}},
			want:     http.Header{"Traceparent": {incoming}, "Tracestate": {"vendor=abc,other=1"}},
		},
		{
			name:     "incoming traceparent only",
			incoming: http.Header{"Traceparent": {incoming}},
			want:     http.Header{"Traceparent": {incoming}},
		},
		{name: "none", incoming: http.Header{}, want: http.Header{}},
		{name: "invalid traceparent", incoming: http.Header{"Traceparent": {"00-zz-yy-01"}}, want: http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off := tracing.WithTracerProvider(noop.NewTracerProvider())
			transport := tracing.Transport("catalog", nil, off)
			if _, ok := transport.(*otelhttp.Transport); ok {
				t.Fatalf("Transport with tracing off is %T, want no otelhttp transport", transport)
			}
			up := newUpstream(t)
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			for k, v := range tt.incoming {
				req.Header[k] = v
			}
			bff(t, up, transport, off).ServeHTTP(httptest.NewRecorder(), req)
			got := up.headers()
			if len(got) != 1 {
				t.Fatalf("the upstream received %d calls, want 1", len(got))
			}
			for _, k := range []string{"Traceparent", "Tracestate"} {
				if !slices.Equal(got[0][k], tt.want[k]) {
					t.Errorf("the upstream received %s %q, want %q", k, got[0][k], tt.want[k])
				}
			}
		})
	}
}

// TestTransportFollowsSetup: Transport without options wraps calls in
// otelhttp only when Setup configured an exporter.
func TestTransportFollowsSetup(t *testing.T) {
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()
	tests := []struct {
		name     string
		env      map[string]string
		wantSpan bool
	}{
		{name: "no endpoint", env: nil, wantSpan: false},
		{name: "disabled", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL, "OTEL_SDK_DISABLED": "true"}, wantSpan: false},
		{name: "endpoint", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL}, wantSpan: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keepGlobals(t)
			shutdown, err := tracing.Setup(t.Context(), "bff-test", env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = shutdown(t.Context()) }()
			transport := tracing.Transport("catalog", nil)
			if _, spans := transport.(*otelhttp.Transport); spans != tt.wantSpan {
				t.Errorf("Transport is %T, want otelhttp: %v", transport, tt.wantSpan)
			}
		})
	}
}

// schema is a gqlgen executable schema with one resolver field
// (Query.product, which fails for id "bad") and one trivial field
// (Query.name).
func schema() graphql.ExecutableSchema {
	s := gqlparser.MustLoadSchema(&ast.Source{Input: `type Query { product(id: ID!): String  name: String! }`})
	return &graphql.ExecutableSchemaMock{
		SchemaFunc: func() *ast.Schema { return s },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) {
			return 1, true
		},
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			done := false
			return func(ctx context.Context) *graphql.Response {
				if done {
					return nil
				}
				done = true
				oc := graphql.GetOperationContext(ctx)
				for _, f := range []struct {
					name       string
					isResolver bool
					err        error
				}{{"product", true, errors.New("catalog down")}, {"name", false, nil}} {
					fctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{
						Object:     "Query",
						IsResolver: f.isResolver,
						Field: graphql.CollectedField{Field: &ast.Field{
							Name: f.name, Alias: f.name, Definition: s.Types["Query"].Fields.ForName(f.name),
						}},
					})
					_, err := oc.ResolverMiddleware(fctx, func(context.Context) (any, error) { return "x", f.err })
					if err != nil {
						graphql.AddError(fctx, err)
					}
				}
				return &graphql.Response{Data: []byte(`{"product":null,"name":"x"}`)}
			}
		},
	}
}

func TestExtensionSpansOperationAndResolverFields(t *testing.T) {
	tp, exp := newProvider(t)
	srv := handler.New(schema())
	srv.AddTransport(transport.POST{})
	srv.Use(tracing.NewExtension(tracing.WithTracerProvider(tp)))
	h := tracing.Middleware(tracing.WithTracerProvider(tp))(srv)

	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"query Card { product(id: \"p\") name }"}`))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(httptest.NewRecorder(), req)

	byName := map[string]tracetest.SpanStub{}
	for _, s := range exp.GetSpans() {
		byName[s.Name] = s
	}
	server, op, field := byName["POST"], byName["query Card"], byName["Query.product"]
	if len(byName) != 3 || !server.SpanContext.IsValid() || !op.SpanContext.IsValid() || !field.SpanContext.IsValid() {
		t.Fatalf("spans %v, want POST, query Card and Query.product only", keys(byName))
	}
	if op.Parent.SpanID() != server.SpanContext.SpanID() || field.Parent.SpanID() != op.SpanContext.SpanID() {
		t.Error("the spans do not nest server → operation → field")
	}
	if field.Status.Code.String() != "Error" || len(field.Events) == 0 {
		t.Errorf("the failing resolver's span has status %v and %d events, want an error", field.Status, len(field.Events))
	}
}

func TestExtensionIsSilentWithoutARecordingParent(t *testing.T) {
	tp, exp := newProvider(t)
	srv := handler.New(schema())
	srv.AddTransport(transport.POST{})
	srv.Use(tracing.NewExtension(tracing.WithTracerProvider(tp)))
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ product(id: \"p\") }"}`))
	req.Header.Set("Content-Type", "application/json")
	srv.ServeHTTP(httptest.NewRecorder(), req)
	if spans := exp.GetSpans(); len(spans) != 0 {
		t.Errorf("got %d spans without a server span, want none", len(spans))
	}
}

func keys(m map[string]tracetest.SpanStub) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// keepGlobals restores the otel globals Setup replaces.
func keepGlobals(t *testing.T) {
	t.Helper()
	tp, prop := otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() {
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
	})
}

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestSetupWithoutEndpointIsOff(t *testing.T) {
	keepGlobals(t)
	shutdown, err := tracing.Setup(t.Context(), "bff-test", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = shutdown(t.Context()) }()
	_, span := otel.Tracer("test").Start(t.Context(), "x")
	if span.IsRecording() {
		t.Error("tracing is on without an endpoint")
	}
	if fields := otel.GetTextMapPropagator().Fields(); len(fields) == 0 || fields[0] != "traceparent" {
		t.Errorf("propagator fields %v, want traceparent", fields)
	}
}

func TestSetupExportsToTheOTLPEndpoint(t *testing.T) {
	keepGlobals(t)
	var (
		mu    sync.Mutex
		paths []string
	)
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	defer collector.Close()

	shutdown, err := tracing.Setup(t.Context(), "bff-test", env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL + "/"}))
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("test").Start(t.Context(), "x")
	if !span.IsRecording() {
		t.Error("tracing is off with an endpoint")
	}
	span.End()
	if err := shutdown(t.Context()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 || paths[0] != "POST /v1/traces" {
		t.Errorf("the collector received %v, want POST /v1/traces", paths)
	}
}

func TestSetupRefusesABadEndpoint(t *testing.T) {
	keepGlobals(t)
	for _, vars := range []map[string]string{
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "ftp://collector/v1/traces"},
	} {
		if _, err := tracing.Setup(t.Context(), "bff-test", env(vars)); err == nil {
			t.Errorf("Setup accepted %v", vars)
		}
	}
}

func TestSetupDisabled(t *testing.T) {
	keepGlobals(t)
	shutdown, err := tracing.Setup(t.Context(), "bff-test", env(map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = shutdown(t.Context()) }()
	if _, span := otel.Tracer("test").Start(t.Context(), "x"); span.IsRecording() {
		t.Error("tracing is on with OTEL_SDK_DISABLED=true")
	}
}
