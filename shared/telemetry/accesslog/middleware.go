package accesslog

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/requestid"
)

// Message is the message of every access line.
const Message = "request"

// Middleware returns the middleware that logs exactly one line per request
// on logger once the answer is written: at info level, warn for a 5xx. It
// gives the request a fresh Record (FromContext) for the layers below to
// fill. A request that already has a Record (the middleware applied twice)
// is passed through and logged once, by the outer one.
//
// Put it outside everything that writes or rewrites the answer (so the
// status it logs is the one sent), inside the tracing middleware (for the
// trace id) and the request-id middleware.
//
// The line's keys: request_id, trace_id, bff, method, path, operation,
// operation_type, client_id, subject, status, duration_ms, bytes,
// upstream_calls, upstream_errors, cache_hits, cache_misses, rate_limit,
// error_codes.
func Middleware(logger *slog.Logger, bff string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, ok := FromContext(r.Context()); ok {
				next.ServeHTTP(w, r)
				return
			}
			start := time.Now()
			rec := &Record{}
			ctx := NewContext(r.Context(), rec)
			completed := false
			defer func() {
				if !completed {
					// next panicked: net/http drops the connection.
					rec.wroteHeader(http.StatusInternalServerError)
				}
				e := rec.Entry()
				level := slog.LevelInfo
				if e.Status >= 500 {
					level = slog.LevelWarn
				}
				codes := e.ErrorCodes
				if codes == nil {
					codes = []string{}
				}
				logger.LogAttrs(ctx, level, Message,
					slog.String("request_id", requestid.FromContext(ctx)),
					slog.String("trace_id", traceID(r)),
					slog.String("bff", bff),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.String("operation", e.Operation),
					slog.String("operation_type", e.OperationType),
					slog.String("client_id", e.ClientID),
					slog.String("subject", e.Subject),
					slog.Int("status", e.Status),
					slog.Float64("duration_ms", millis(time.Since(start))),
					slog.Int64("bytes", e.Bytes),
					slog.Int("upstream_calls", e.UpstreamCalls),
					slog.Int("upstream_errors", e.UpstreamErrors),
					slog.Int("cache_hits", e.CacheHits),
					slog.Int("cache_misses", e.CacheMisses),
					slog.String("rate_limit", e.RateLimit),
					slog.Any("error_codes", codes),
				)
			}()
			next.ServeHTTP(&responseWriter{ResponseWriter: w, rec: rec}, r.WithContext(ctx))
			completed = true
		})
	}
}

// Caller is middleware that records the verified caller (auth.FromContext)
// in the request's Record. Put it right after the authentication
// middleware, so requests refused before GraphQL runs (e.g. a 429) still
// log their caller; Extension records it too for GraphQL requests.
func Caller(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		recordCaller(r.Context())
		next.ServeHTTP(w, r)
	})
}

// traceID returns the hex trace id of r's span context, "" when none.
func traceID(r *http.Request) string {
	if sc := trace.SpanContextFromContext(r.Context()); sc.HasTraceID() {
		return sc.TraceID().String()
	}
	return ""
}

// millis returns d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// responseWriter records the status and body size of the answer in a
// Record.
type responseWriter struct {
	http.ResponseWriter
	rec         *Record
	wroteHeader bool
}

func (w *responseWriter) WriteHeader(code int) {
	if !w.wroteHeader && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.wroteHeader = true
		w.rec.wroteHeader(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(p)
	w.rec.wrote(p, n)
	return n, err
}

// Flush flushes the underlying writer when it can.
func (w *responseWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var _ http.Flusher = (*responseWriter)(nil)

// recordCaller copies the principal of ctx, if any, into its Record.
func recordCaller(ctx context.Context) {
	if p, ok := auth.FromContext(ctx); ok {
		rec, _ := FromContext(ctx)
		rec.SetCaller(p.Subject, p.ClientID)
	}
}
