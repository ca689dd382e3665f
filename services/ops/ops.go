// Package ops wraps a demo service's handler with its operational
// endpoints: per-route request counters (/__stats), run-time fault injection
// (/__faults) and a health check (/healthz).
package ops

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// Stats is the body of GET /__stats: request counts per route pattern.
type Stats struct {
	Service string           `json:"service"`
	Total   int64            `json:"total"`
	Routes  map[string]int64 `json:"routes"`
}

// Option configures a Handler.
type Option func(*Handler)

// WithRand sets the source of uniform random numbers in [0, 1) used for
// jitter and error injection (default math/rand/v2.Float64). It must be safe
// for concurrent use.
func WithRand(rnd func() float64) Option {
	return func(h *Handler) { h.rand = rnd }
}

// WithSleep sets how injected latency is waited for (default: a timer that
// gives up when ctx is done). It must return an error when ctx ends first.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(h *Handler) { h.sleep = sleep }
}

// WithLogger sets the logger for fault changes and injected faults (default:
// discard).
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) { h.log = l }
}

// Handler serves a wrapped service handler plus the operational endpoints.
// It is safe for concurrent use.
type Handler struct {
	service string
	next    http.Handler
	ops     http.Handler
	rand    func() float64
	sleep   func(context.Context, time.Duration) error
	log     *slog.Logger
	faults  atomic.Pointer[Faults]

	mu     sync.Mutex
	counts map[string]int64
}

// routeFinder is implemented by http.ServeMux: it reports the pattern a
// request would be routed to without serving it.
type routeFinder interface {
	Handler(r *http.Request) (http.Handler, string)
}

// Wrap returns next wrapped with counters, fault injection and the
// operational endpoints, reporting itself as service.
//
// Requests are counted under the pattern they are routed to. When next
// implements Handler(*http.Request) (http.Handler, string), as
// *http.ServeMux does, the pattern is known before faults are injected and
// unmatched requests are not counted. Otherwise requests are counted after
// next runs under r.Pattern, or under "METHOD /path" when that is empty or
// the request was failed by fault injection.
func Wrap(service string, next http.Handler, opts ...Option) *Handler {
	h := &Handler{
		service: service,
		next:    next,
		rand:    randFloat64,
		sleep:   sleepContext,
		log:     slog.New(slog.DiscardHandler),
		counts:  map[string]int64{},
	}
	h.faults.Store(&Faults{})
	for _, opt := range opts {
		opt(h)
	}
	h.ops = h.opsRouter()
	return h
}

// Routes lists the route patterns of the operational endpoints.
func Routes() []string {
	return (&Handler{}).opsRouter().Patterns()
}

// Service returns the service name given to Wrap.
func (h *Handler) Service() string { return h.service }

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if isOpsPath(r.URL.Path) {
		h.ops.ServeHTTP(w, r)
		return
	}
	finder, ok := h.next.(routeFinder)
	if !ok {
		h.serveOpaque(w, r)
		return
	}
	if _, pattern := finder.Handler(r); pattern != "" {
		h.count(pattern)
	}
	if h.injectFaults(w, r) {
		return
	}
	h.next.ServeHTTP(w, r)
}

// serveOpaque serves a handler whose routes cannot be looked up in advance.
func (h *Handler) serveOpaque(w http.ResponseWriter, r *http.Request) {
	fallback := r.Method + " " + r.URL.Path
	if h.injectFaults(w, r) {
		h.count(fallback)
		return
	}
	h.next.ServeHTTP(w, r)
	if r.Pattern != "" {
		fallback = r.Pattern
	}
	h.count(fallback)
}

func isOpsPath(path string) bool {
	return path == "/healthz" || strings.HasPrefix(path, "/__")
}

func (h *Handler) count(pattern string) {
	h.mu.Lock()
	h.counts[pattern]++
	h.mu.Unlock()
}

// Stats returns a snapshot of the request counters.
func (h *Handler) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := Stats{Service: h.service, Routes: make(map[string]int64, len(h.counts))}
	for k, v := range h.counts {
		s.Routes[k] = v
		s.Total += v
	}
	return s
}

// ResetStats zeroes the request counters.
func (h *Handler) ResetStats() {
	h.mu.Lock()
	clear(h.counts)
	h.mu.Unlock()
}

// Faults returns the current fault knobs.
func (h *Handler) Faults() Faults { return *h.faults.Load() }

// SetFaults replaces the fault knobs; invalid knobs are rejected.
func (h *Handler) SetFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	h.faults.Store(&f)
	h.log.Info("faults set", slog.String("service", h.service), slog.Int64("latency_ms", f.LatencyMs),
		slog.Int64("jitter_ms", f.JitterMs), slog.Float64("error_rate", f.ErrorRate), slog.Bool("down", f.Down))
	return nil
}

func (h *Handler) opsRouter() *httpapi.Router {
	rt := httpapi.NewRouter()
	rt.HandleFunc("GET /__stats", h.getStats)
	rt.HandleFunc("DELETE /__stats", h.deleteStats)
	rt.HandleFunc("GET /__faults", h.getFaults)
	rt.HandleFunc("PUT /__faults", h.putFaults)
	rt.HandleFunc("GET /healthz", h.healthz)
	return rt
}

func (h *Handler) getStats(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteRead(w, httpapi.CacheNoStore, h.Stats())
}

func (h *Handler) deleteStats(w http.ResponseWriter, _ *http.Request) {
	h.ResetStats()
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) getFaults(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteRead(w, httpapi.CacheNoStore, h.Faults())
}

func (h *Handler) putFaults(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	var f Faults
	if err := httpapi.DecodeJSON(w, r, &f); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	if err := h.SetFaults(f); err != nil {
		httpapi.BadRequest(w, err.Error())
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, f)
}

func (h *Handler) healthz(w http.ResponseWriter, _ *http.Request) {
	if h.Faults().Down {
		httpapi.WriteError(w, http.StatusServiceUnavailable, httpapi.CodeUnavailable, h.service+" is down")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", httpapi.CacheNoStore)
	_, _ = w.Write([]byte("ok"))
}
