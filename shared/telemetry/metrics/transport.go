package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
)

// UpstreamTransport returns next (http.DefaultTransport when nil) wrapped
// so that every call it sends is recorded (ObserveUpstream) under service,
// the upstream's logical name, and counted in frontdesk_upstream_requests_in_flight
// until its response headers arrive. Put it below retries, so each attempt
// counts.
func (m *Metrics) UpstreamTransport(service string, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if m == nil {
		return next
	}
	return &transport{m: m, service: service, inFlight: m.upstreamInFlight.WithLabelValues(service), next: next}
}

type transport struct {
	m        *Metrics
	service  string
	inFlight prometheus.Gauge
	next     http.RoundTripper
}

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sends req through the next transport and records the call.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	t.inFlight.Inc()
	resp, err := t.next.RoundTrip(req)
	t.inFlight.Dec()
	status := 0
	if err == nil {
		status = resp.StatusCode
	}
	t.m.ObserveUpstream(t.service, req.Method, status, err, time.Since(start))
	return resp, err
}

// errorClass names an upstream call that got no answer.
func errorClass(err error) string {
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return "timeout"
	}
	return "error"
}

// failed reports whether an upstream call failed on the upstream's side.
func failed(status int, err error) bool { return accesslog.Failed(status, err) }
