// Package tracing sets up OpenTelemetry tracing: a server span per request
// (Middleware) that continues an incoming W3C traceparent, an operation span
// and a span per resolver field (Extension), and a client span per upstream
// call with traceparent injected (Transport).
//
// Setup exports over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, and leaves tracing off
// otherwise: no span is recorded and upstream calls are not wrapped in
// otelhttp, but an incoming traceparent still reaches the upstreams and the
// access log.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// ScopeName is the instrumentation scope of frontdesk's own spans.
const ScopeName = "github.com/frontdesk/frontdesk/shared/telemetry/tracing"

// Propagator is the one propagator frontdesk uses: W3C Trace Context
// (traceparent, tracestate). Baggage is neither read nor sent.
var Propagator propagation.TextMapPropagator = propagation.TraceContext{}

// Setup installs the process's tracer provider and propagator (the otel
// globals, which Middleware, Transport and Extension use unless given
// WithTracerProvider) and returns the function that flushes and stops the
// provider; call it on shutdown.
//
// With OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (a full URL) or
// OTEL_EXPORTER_OTLP_ENDPOINT (a base URL; "/v1/traces" is appended) set,
// spans are batched and exported over OTLP/HTTP; service.name is
// OTEL_SERVICE_NAME, else serviceName. Otherwise, or with
// OTEL_SDK_DISABLED=true, the provider is a no-op. The variables are read
// with getenv; the exporter's and sampler's other standard variables
// (OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT,
// OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_RESOURCE_ATTRIBUTES, …)
// are read by the SDK from the process environment.
func Setup(ctx context.Context, serviceName string, getenv func(string) string) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(Propagator)
	endpoint, err := endpointURL(getenv)
	if err != nil {
		return nil, err
	}
	if endpoint == "" || strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		otel.SetTracerProvider(noop.NewTracerProvider())
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	if name := getenv("OTEL_SERVICE_NAME"); name != "" {
		serviceName = name
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithFromEnv(),
		resource.WithAttributes(attribute.String("service.name", serviceName)),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}

// endpointURL returns the OTLP/HTTP traces URL configured by getenv, "" for
// none.
func endpointURL(getenv func(string) string) (string, error) {
	endpoint := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
	if endpoint == "" {
		base := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
		if base == "" {
			return "", nil
		}
		endpoint = strings.TrimSuffix(base, "/") + "/v1/traces"
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("tracing: OTLP endpoint %q is not an http(s) URL", endpoint)
	}
	return endpoint, nil
}

// Option configures Middleware, Transport and NewExtension.
type Option func(*options)

type options struct {
	tp trace.TracerProvider
}

// WithTracerProvider makes spans with tp instead of the global provider
// (tests pass one over tracetest.NewInMemoryExporter).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(o *options) { o.tp = tp }
}

func newOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

func (o options) otelhttp() []otelhttp.Option {
	out := []otelhttp.Option{otelhttp.WithPropagators(Propagator)}
	if o.tp != nil {
		out = append(out, otelhttp.WithTracerProvider(o.tp))
	}
	return out
}

func (o options) tracer() trace.Tracer {
	tp := o.tp
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return tp.Tracer(ScopeName)
}

// Middleware returns the middleware that gives each request a server span,
// the child of the request's traceparent when it has a valid one, named
// "<method> <route>" (e.g. "POST /graphql"). Put it outermost, so the
// request id, access-log and metrics middleware run inside its span.
func Middleware(opts ...Option) func(http.Handler) http.Handler {
	o := append(newOptions(opts).otelhttp(), otelhttp.WithSpanNameFormatter(serverSpanName))
	return otelhttp.NewMiddleware("http.server", o...)
}

func serverSpanName(_ string, r *http.Request) string {
	switch {
	case r.Pattern == "":
		return r.Method
	case strings.Contains(r.Pattern, " "): // "GET /healthz"
		return r.Pattern
	}
	return r.Method + " " + r.Pattern
}

// Transport returns next (http.DefaultTransport when nil) wrapped so that
// every call it sends has a client span, named "<method> <service>" with
// peer.service set to service, and carries that span's traceparent. Put it
// innermost, next to the base transport: each attempt gets its own span
// and no other decorator can drop the header.
//
// With tracing off (the tracer provider, WithTracerProvider's or the global
// one Setup installed, is the no-op provider) there is no span to make:
// Transport then only sends the caller's trace context (traceparent,
// tracestate) on each call, so the services can still correlate, without
// otelhttp's per-attempt machinery. Build it after Setup.
func Transport(service string, next http.RoundTripper, opts ...Option) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	o := newOptions(opts)
	if !o.enabled() {
		return &propagatingTransport{next: next}
	}
	oo := append(o.otelhttp(),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + service }),
		otelhttp.WithSpanOptions(trace.WithAttributes(attribute.String("peer.service", service))),
	)
	return otelhttp.NewTransport(next, oo...)
}

// enabled reports whether spans can be recorded: false for the no-op
// provider Setup installs when no exporter is configured.
func (o options) enabled() bool {
	tp := o.tp
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	switch tp.(type) {
	case noop.TracerProvider, *noop.TracerProvider:
		return false
	}
	return true
}

// propagatingTransport sends the trace context of each request's context
// in W3C headers, and makes no span.
type propagatingTransport struct {
	next http.RoundTripper
}

var _ http.RoundTripper = (*propagatingTransport)(nil)

func (t *propagatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return t.next.RoundTrip(req)
	}
	// A RoundTripper must not change the caller's request: send a copy
	// with its own headers.
	out := req.WithContext(ctx)
	out.Header = req.Header.Clone()
	if out.Header == nil {
		out.Header = http.Header{}
	}
	Propagator.Inject(ctx, propagation.HeaderCarrier(out.Header))
	return t.next.RoundTrip(out)
}
