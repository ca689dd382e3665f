package telemetry

import (
	"context"
	"maps"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/requestid"
)

// RequestIDKey is the key of the request id in a GraphQL error's
// extensions: a user's report quotes it and it finds the access line.
const RequestIDKey = "requestId"

// WithRequestID returns err with `extensions.requestId` set to the request
// id of ctx (requestid.FromContext), for the error presenter to call on
// every error it returns. err itself is not changed (its extensions map is
// copied); it is returned as it is when ctx has no request id or err is nil.
func WithRequestID(ctx context.Context, err *gqlerror.Error) *gqlerror.Error {
	id := requestid.FromContext(ctx)
	if id == "" || err == nil {
		return err
	}
	out := *err
	out.Extensions = maps.Clone(err.Extensions)
	if out.Extensions == nil {
		out.Extensions = map[string]any{}
	}
	out.Extensions[RequestIDKey] = id
	return &out
}
