package tracing_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/frontdesk/frontdesk/shared/telemetry/tracing"
)

// answer is a transport that answers at once, as the Attempt layer below
// Transport does with a body already in memory.
type answer struct{}

func (answer) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: req}, nil
}

// BenchmarkTransportTracingOff measures one upstream attempt through the
// tracing layer with tracing off and an incoming traceparent: Transport's
// propagation only, against the otelhttp transport it used to be.
func BenchmarkTransportTracingOff(b *testing.B) {
	sc, err := trace.ParseTraceState("vendor=abc")
	if err != nil {
		b.Fatal(err)
	}
	tid, _ := trace.TraceIDFromHex(incomingTraceID)
	sid, _ := trace.SpanIDFromHex(incomingSpanID)
	ctx := trace.ContextWithRemoteSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, TraceState: sc, Remote: true,
	}))
	off := noop.NewTracerProvider()
	transports := []struct {
		name string
		rt   http.RoundTripper
	}{
		{"propagate", tracing.Transport("catalog", answer{}, tracing.WithTracerProvider(off))},
		{"otelhttp", otelhttp.NewTransport(answer{}, otelhttp.WithTracerProvider(off), otelhttp.WithPropagators(tracing.Propagator))},
	}
	for _, tr := range transports {
		b.Run(tr.name, func(b *testing.B) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://catalog.test/products?ids=prd_0001", nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Accept", "application/json")
			req.Header.Set("X-Request-Id", "Q2VLXH7ZJ4PRA3MN")
			b.ReportAllocs()
			for b.Loop() {
				resp, err := tr.rt.RoundTrip(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		})
	}
}
