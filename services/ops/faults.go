package ops

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// MaxDelayMs bounds LatencyMs and JitterMs (one minute).
const MaxDelayMs = 60_000

// Faults are the fault-injection knobs of a service; the zero value injects
// nothing. It is also the body of GET and PUT /__faults.
type Faults struct {
	// LatencyMs is slept before answering every service route.
	LatencyMs int64 `json:"latencyMs"`
	// JitterMs adds a uniform random 0..JitterMs to LatencyMs.
	JitterMs int64 `json:"jitterMs"`
	// ErrorRate is the probability, in [0, 1], of answering 500 internal.
	ErrorRate float64 `json:"errorRate"`
	// Down answers 503 unavailable to every non-operational route.
	Down bool `json:"down"`
}

// Validate reports knobs out of range.
func (f Faults) Validate() error {
	switch {
	case f.LatencyMs < 0 || f.LatencyMs > MaxDelayMs:
		return fmt.Errorf("latencyMs must be between 0 and %d", MaxDelayMs)
	case f.JitterMs < 0 || f.JitterMs > MaxDelayMs:
		return fmt.Errorf("jitterMs must be between 0 and %d", MaxDelayMs)
	case !(f.ErrorRate >= 0 && f.ErrorRate <= 1): // also rejects NaN
		return fmt.Errorf("errorRate must be between 0 and 1")
	}
	return nil
}

// injectFaults applies the current faults to r. It reports whether it
// answered (or abandoned) the request, in which case next must not run.
func (h *Handler) injectFaults(w http.ResponseWriter, r *http.Request) bool {
	f := h.Faults()
	if d := h.delay(f); d > 0 {
		if err := h.sleep(r.Context(), d); err != nil {
			h.log.DebugContext(r.Context(), "request abandoned during injected latency", slog.String("service", h.service), slog.Any("err", err))
			return true
		}
	}
	switch {
	case f.Down:
		h.log.DebugContext(r.Context(), "injected down", slog.String("service", h.service), slog.String("path", r.URL.Path))
		httpapi.WriteError(w, http.StatusServiceUnavailable, httpapi.CodeUnavailable, h.service+" is down (fault injection)")
		return true
	case f.ErrorRate > 0 && h.rand() < f.ErrorRate:
		h.log.DebugContext(r.Context(), "injected error", slog.String("service", h.service), slog.String("path", r.URL.Path))
		httpapi.WriteError(w, http.StatusInternalServerError, httpapi.CodeInternal, "injected failure (fault injection)")
		return true
	}
	return false
}

// delay returns the latency plus random jitter to inject.
func (h *Handler) delay(f Faults) time.Duration {
	d := time.Duration(f.LatencyMs) * time.Millisecond
	if f.JitterMs > 0 {
		d += time.Duration(h.rand() * float64(time.Duration(f.JitterMs)*time.Millisecond))
	}
	return d
}

func randFloat64() float64 { return rand.Float64() }

// sleepContext waits for d or until ctx is done, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("injected latency: %w", context.Cause(ctx))
	}
}
