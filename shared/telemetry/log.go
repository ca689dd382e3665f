// Package telemetry sets up frontdesk's observability: structured logs now,
// metrics and traces with the observability issue.
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
