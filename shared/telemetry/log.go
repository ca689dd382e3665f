// Package telemetry sets up frontdesk's observability: the process logger
// (NewLogger) and the request id in GraphQL errors (WithRequestID). Its
// subpackages hold the rest: accesslog (one line per request), metrics
// (Prometheus) and tracing (OpenTelemetry). docs/operations.md describes
// what they produce.
package telemetry

import (
	"io"
	"log/slog"
)

// NewLogger returns the process logger: JSON lines in production, text in
// development, at level.
func NewLogger(w io.Writer, production bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if production {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
