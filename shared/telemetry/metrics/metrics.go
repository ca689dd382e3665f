// Package metrics holds frontdesk's Prometheus metrics: the golden signals
// per GraphQL operation and per upstream, plus loader, cache, rate-limit and
// circuit-breaker families, on a registry of their own served by Handler on
// a separate listener.
//
// Every label has a bounded set of values: operation names outside the
// configured allow-list become "other", error codes outside the closed set
// become "other", and statuses are classes. docs/operations.md describes
// each family.
package metrics

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Other replaces a label value outside its allowed set.
const Other = "other"

// Config configures the metrics of one BFF process.
type Config struct {
	// BFF is the value of the bff label every frontdesk_* series carries,
	// e.g. "bff-mobile".
	BFF string
	// Operations are the operation names kept as the operation label (the
	// persisted or committed operations); any other name is "other".
	Operations []string
	// Codes is the closed set of public error codes kept as the code label
	// (the keys of gqlerr.Codes); any other code is "other".
	Codes []string
}

// Metrics records frontdesk's metrics. Its methods are safe for concurrent
// use, and a nil *Metrics records nothing (its middleware and transport
// wrappers return what they wrap), so tests may leave it out.
type Metrics struct {
	reg        *prometheus.Registry
	operations map[string]bool
	codes      map[string]bool

	requests         *prometheus.CounterVec
	requestErrors    *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	inFlight         prometheus.Gauge
	upstreamCalls    *prometheus.CounterVec
	upstreamErrors   *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	upstreamInFlight *prometheus.GaugeVec
	batchSize        *prometheus.HistogramVec
	cache            *prometheus.CounterVec
	rateLimit        *prometheus.CounterVec
	rateLimitStore   *prometheus.CounterVec
	breaker          *prometheus.GaugeVec
	hedges           *prometheus.CounterVec
}

// Buckets of the histograms.
var (
	RequestBuckets  = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	UpstreamBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	BatchBuckets    = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500}
)

// New returns the metrics of cfg on a new registry that also holds the Go
// runtime and process collectors.
func New(cfg Config) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	var r prometheus.Registerer = reg
	if cfg.BFF != "" {
		r = prometheus.WrapRegistererWith(prometheus.Labels{"bff": cfg.BFF}, reg)
	}

	op := []string{"operation", "operation_type"}
	m := &Metrics{
		reg:        reg,
		operations: set(cfg.Operations),
		codes:      set(cfg.Codes),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_requests_total",
			Help: "GraphQL requests answered, by operation and result (ok, or error when the answer carried an error or a 4xx/5xx status).",
		}, append(op, "result")),
		requestErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_request_errors_total",
			Help: "GraphQL requests whose answer carried an error with this code (each distinct code once per request).",
		}, append(op, "code")),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "frontdesk_request_duration_seconds",
			Help:    "Time to answer a GraphQL request, by operation.",
			Buckets: RequestBuckets,
		}, op),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "frontdesk_requests_in_flight",
			Help: "GraphQL requests being served.",
		}),
		upstreamCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_upstream_requests_total",
			Help: "Upstream HTTP calls (each attempt), by service, method and status (class, or timeout, canceled, error without an answer).",
		}, []string{"service", "method", "status"}),
		upstreamErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_upstream_errors_total",
			Help: "Failed upstream HTTP calls: transport errors, timeouts, 5xx and 429 answers.",
		}, []string{"service", "method", "status"}),
		upstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "frontdesk_upstream_request_duration_seconds",
			Help:    "Time from sending an upstream call to its response headers (or failure).",
			Buckets: UpstreamBuckets,
		}, []string{"service", "method", "status"}),
		upstreamInFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_upstream_requests_in_flight",
			Help: "Upstream HTTP calls waiting for their response headers.",
		}, []string{"service"}),
		batchSize: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "frontdesk_loader_batch_size",
			Help:    "Keys per dataloader batch, by loader.",
			Buckets: BatchBuckets,
		}, []string{"loader"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_cache_requests_total",
			Help: "Cache lookups by layer and result (hit, miss, stale).",
		}, []string{"layer", "result"}),
		rateLimit: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_ratelimit_decisions_total",
			Help: "Rate-limit decisions by policy and decision (allowed, rejected).",
		}, []string{"policy", "decision"}),
		rateLimitStore: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_ratelimit_store_failures_total",
			Help: "Rate-limit checks the shared store (Redis) could not answer, by the policy's fail mode (open: answered in memory; closed: refused with 503).",
		}, []string{"mode"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "frontdesk_circuit_breaker_state",
			Help: "Circuit-breaker state per upstream service: 0 closed, 1 half-open, 2 open.",
		}, []string{"service"}),
		hedges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "frontdesk_upstream_hedges_total",
			Help: "Hedged upstream reads (UPSTREAM_HEDGE_DELAY) per upstream service: result sent (a hedge went out), won (it answered first).",
		}, []string{"service", "result"}),
	}
	r.MustRegister(m.requests, m.requestErrors, m.requestDuration, m.inFlight,
		m.upstreamCalls, m.upstreamErrors, m.upstreamDuration, m.upstreamInFlight,
		m.batchSize, m.cache, m.rateLimit, m.rateLimitStore, m.breaker, m.hedges)
	return m
}

// Handler returns the handler of the metrics endpoint (mount it at
// /metrics on its own listener).
func (m *Metrics) Handler() http.Handler {
	if m == nil {
		return http.NotFoundHandler()
	}
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, EnableOpenMetrics: true})
}

// Registry returns the registry the metrics are on, to register further
// collectors or gather in tests; nil for a nil *Metrics.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Request is one answered GraphQL request.
type Request struct {
	Operation     string        // operation name as sent; bounded by Config.Operations
	OperationType string        // query, mutation, subscription; anything else is "none"
	Status        int           // HTTP status of the answer
	Codes         []string      // distinct public error codes of the answer
	Duration      time.Duration //
}

// ObserveRequest records one answered GraphQL request.
func (m *Metrics) ObserveRequest(r Request) {
	if m == nil {
		return
	}
	op, typ := m.operation(r.Operation), operationType(r.OperationType)
	result := "ok"
	if len(r.Codes) > 0 || r.Status >= 400 {
		result = "error"
	}
	m.requests.WithLabelValues(op, typ, result).Inc()
	seen := make([]string, 0, len(r.Codes))
	for _, c := range r.Codes {
		c = m.code(c)
		if !slices.Contains(seen, c) {
			seen = append(seen, c)
			m.requestErrors.WithLabelValues(op, typ, c).Inc()
		}
	}
	m.requestDuration.WithLabelValues(op, typ).Observe(r.Duration.Seconds())
}

// ObserveUpstream records one upstream call to service (its logical name)
// that ended with the HTTP status (0 without an answer) and err after d.
func (m *Metrics) ObserveUpstream(service, method string, status int, err error, d time.Duration) {
	if m == nil {
		return
	}
	method, class := httpMethod(method), statusClass(status, err)
	m.upstreamCalls.WithLabelValues(service, method, class).Inc()
	if failed(status, err) {
		m.upstreamErrors.WithLabelValues(service, method, class).Inc()
	}
	m.upstreamDuration.WithLabelValues(service, method, class).Observe(d.Seconds())
}

// ObserveBatch records the number of keys of one batch of loader.
func (m *Metrics) ObserveBatch(loader string, size int) {
	if m == nil {
		return
	}
	m.batchSize.WithLabelValues(loader).Observe(float64(size))
}

// CacheResult is the result of a cache lookup.
type CacheResult string

// The results of a cache lookup.
const (
	CacheHit   CacheResult = "hit"
	CacheMiss  CacheResult = "miss"
	CacheStale CacheResult = "stale" // an expired entry served because the upstream failed
)

// ObserveCache records one lookup in the cache layer (e.g. "entity",
// "response", "apq").
func (m *Metrics) ObserveCache(layer string, result CacheResult) {
	if m == nil {
		return
	}
	switch result {
	case CacheHit, CacheMiss, CacheStale:
	default:
		result = Other
	}
	m.cache.WithLabelValues(layer, string(result)).Inc()
}

// ObserveRateLimit records one rate-limit decision of policy (e.g. "user",
// "client", "ip", "mutation").
func (m *Metrics) ObserveRateLimit(policy string, allowed bool) {
	if m == nil {
		return
	}
	decision := "allowed"
	if !allowed {
		decision = "rejected"
	}
	m.rateLimit.WithLabelValues(policy, decision).Inc()
}

// ObserveRateLimitStoreFailure records one rate-limit check the shared store
// could not answer; mode is the policy's fail mode ("open" or "closed").
func (m *Metrics) ObserveRateLimitStoreFailure(mode string) {
	if m == nil {
		return
	}
	if mode != "open" && mode != "closed" {
		mode = Other
	}
	m.rateLimitStore.WithLabelValues(mode).Inc()
}

// BreakerState is a circuit breaker's state, named as gobreaker and
// restclient name them.
type BreakerState string

// The states of a circuit breaker, and the gauge's value for each.
const (
	BreakerClosed   BreakerState = "closed"    // 0
	BreakerHalfOpen BreakerState = "half-open" // 1
	BreakerOpen     BreakerState = "open"      // 2
)

var breakerValues = map[BreakerState]float64{BreakerClosed: 0, BreakerHalfOpen: 1, BreakerOpen: 2}

// SetBreakerState sets the circuit-breaker state of service's upstream:
// call it once at start (closed) and from the breaker's state-change hook,
// e.g. restclient.BreakerConfig.OnStateChange:
//
//	func(name, _, to string) { m.SetBreakerState(name, metrics.BreakerState(to)) }
//
// A state it does not know leaves the gauge as it is.
func (m *Metrics) SetBreakerState(service string, state BreakerState) {
	if m == nil {
		return
	}
	if v, ok := breakerValues[state]; ok {
		m.breaker.WithLabelValues(service).Set(v)
	}
}

// ObserveHedge counts a hedge sent to service's upstream (won false) or one
// that answered first (won true); see upstream.WithHedgeObserver.
func (m *Metrics) ObserveHedge(service string, won bool) {
	if m == nil {
		return
	}
	result := "sent"
	if won {
		result = "won"
	}
	m.hedges.WithLabelValues(service, result).Inc()
}

func (m *Metrics) operation(name string) string {
	if m.operations[name] {
		return name
	}
	return Other
}

func (m *Metrics) code(c string) string {
	if m.codes[c] {
		return c
	}
	return Other
}

func operationType(t string) string {
	switch t {
	case "query", "mutation", "subscription":
		return t
	}
	return "none"
}

func httpMethod(method string) string {
	switch method {
	case "":
		return http.MethodGet
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return Other
}

// statusClass returns the status label of an upstream call: "2xx" … "5xx",
// or without an answer "timeout", "canceled" or "error".
func statusClass(status int, err error) string {
	if err != nil {
		return errorClass(err)
	}
	if status < 100 || status > 599 {
		return Other
	}
	return strconv.Itoa(status/100) + "xx"
}

func set(values []string) map[string]bool {
	s := make(map[string]bool, len(values))
	for _, v := range values {
		if v != "" && v != Other {
			s[v] = true
		}
	}
	return s
}
