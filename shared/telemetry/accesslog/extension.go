package accesslog

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Extension is the gqlgen extension that records, in the request's Record,
// the operation's name and type, the verified caller, and the
// `extensions.code` of every error of the response — parse and validation
// errors included. Use it on the gqlgen server (srv.Use(accesslog.Extension{}))
// after the error presenter is set; it does nothing for a request without a
// Record.
type Extension struct{}

var (
	_ graphql.HandlerExtension     = Extension{}
	_ graphql.OperationInterceptor = Extension{}
	_ graphql.ResponseInterceptor  = Extension{}
)

// ExtensionName names the extension.
func (Extension) ExtensionName() string { return "AccessLog" }

// Validate accepts every schema.
func (Extension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation records the operation and the errors of its
// responses, including those the executor answers without the response
// interceptors.
func (Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	rec, ok := FromContext(ctx)
	if !ok {
		return next(ctx)
	}
	recordOperation(ctx, rec)
	responses := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := responses(ctx)
		if resp != nil {
			recordErrors(rec, resp.Errors)
		}
		return resp
	}
}

// InterceptResponse records the operation and the errors of the response,
// including requests refused before an operation exists (parse and
// validation errors).
func (Extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	rec, ok := FromContext(ctx)
	if !ok {
		return next(ctx)
	}
	recordOperation(ctx, rec)
	resp := next(ctx)
	if resp != nil {
		recordErrors(rec, resp.Errors)
	}
	return resp
}

// recordOperation records the operation of ctx (its name as sent when the
// document did not resolve to one) and the caller.
func recordOperation(ctx context.Context, rec *Record) {
	recordCaller(ctx)
	if !graphql.HasOperationContext(ctx) {
		return
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil {
		name := oc.Operation.Name
		if name == "" {
			name = oc.OperationName
		}
		rec.SetOperation(name, string(oc.Operation.Operation))
		return
	}
	rec.SetOperation(oc.OperationName, "")
}

func recordErrors(rec *Record, errs gqlerror.List) {
	for _, e := range errs {
		code, _ := e.Extensions["code"].(string)
		rec.AddErrorCode(code)
	}
}
