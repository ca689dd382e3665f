package accesslog

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/frontdesk/frontdesk/shared/requestid"
)

// Transport returns next (http.DefaultTransport when nil) wrapped so that
// every call it sends counts in its request's Record (AddUpstreamCall) and
// is logged on logger at debug level with the upstream's logical name
// (service), method, path, status and duration (nothing is logged with a
// nil logger). Put it below retries, so each attempt counts.
func Transport(logger *slog.Logger, service string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &transport{logger: logger, service: service, next: next}
}

type transport struct {
	logger  *slog.Logger
	service string
	next    http.RoundTripper
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sends req through the next transport and accounts for it.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	status := 0
	if err == nil {
		status = resp.StatusCode
	}
	rec, _ := FromContext(ctx)
	rec.AddUpstreamCall(Failed(status, err))
	if t.logger.Enabled(ctx, slog.LevelDebug) {
		attrs := []slog.Attr{
			slog.String("request_id", requestid.FromContext(ctx)),
			slog.String("service", t.service),
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", status),
			slog.Float64("duration_ms", millis(time.Since(start))),
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		t.logger.LogAttrs(ctx, slog.LevelDebug, "upstream call", attrs...)
	}
	return resp, err
}

// Failed reports whether an upstream call that ended with status (0 when
// there was no answer) and err failed on the upstream's side: a transport
// error other than the caller going away, a 5xx or a 429.
func Failed(status int, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled)
	}
	return status >= 500 || status == http.StatusTooManyRequests
}
