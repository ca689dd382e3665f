package tracing

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// maxNameLen bounds the client-chosen operation name in span names.
const maxNameLen = 64

// Extension is the gqlgen extension that adds, below the server span, one
// span per GraphQL response ("query Home") and one span per resolver field
// ("Query.product", "Product.reviews"): only fields with a resolver
// function, never trivial fields that read a struct. Spans are made only
// under a recording parent, so with tracing off or a request sampled out it
// costs a context lookup per field.
type Extension struct {
	tracer trace.Tracer
}

var (
	_ graphql.HandlerExtension    = (*Extension)(nil)
	_ graphql.ResponseInterceptor = (*Extension)(nil)
	_ graphql.FieldInterceptor    = (*Extension)(nil)
)

// NewExtension returns the extension; use it on the gqlgen server.
func NewExtension(opts ...Option) *Extension {
	return &Extension{tracer: newOptions(opts).tracer()}
}

// ExtensionName names the extension.
func (*Extension) ExtensionName() string { return "Tracing" }

// Validate accepts every schema.
func (*Extension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse spans one response of the operation.
func (e *Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	name, attrs := "graphql", []attribute.KeyValue(nil)
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			opName := cut(op.Name, maxNameLen)
			name = strings.TrimSpace(string(op.Operation) + " " + opName)
			attrs = []attribute.KeyValue{
				attribute.String("graphql.operation.type", string(op.Operation)),
				attribute.String("graphql.operation.name", opName),
			}
		}
	}
	ctx, span := e.tracer.Start(ctx, name, trace.WithAttributes(attrs...))
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
		span.SetStatus(codes.Error, "the response carries errors")
	}
	return resp
}

// InterceptField spans a resolver field.
func (e *Extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver || !trace.SpanFromContext(ctx).IsRecording() {
		return next(ctx)
	}
	ctx, span := e.tracer.Start(ctx, fc.Object+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.path", fc.Path().String()),
	))
	defer span.End()
	res, err := next(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "resolver error")
	}
	return res, err
}

// cut returns s cut to at most n bytes, on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
