package metrics

import (
	"net/http"
	"time"

	"github.com/frontdesk/frontdesk/shared/telemetry/accesslog"
)

// Middleware counts the requests in flight and records each answered
// request (ObserveRequest) from its access-log Record: operation, status
// and error codes. Put it directly inside accesslog.Middleware, whose
// Record it reads; without one, a request is recorded as operation
// "other", type "none", with the status 200.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		next.ServeHTTP(w, r)
		rec, _ := accesslog.FromContext(r.Context())
		e := rec.Entry()
		if e.Status == 0 {
			e.Status = http.StatusOK
		}
		m.ObserveRequest(Request{
			Operation:     e.Operation,
			OperationType: e.OperationType,
			Status:        e.Status,
			Codes:         e.ErrorCodes,
			Duration:      time.Since(start),
		})
	})
}
