// Package demo assembles the six demo services over one fresh seed, each
// wrapped with the operational middleware of package ops.
package demo

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/inventory"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/orders"
	"github.com/frontdesk/frontdesk/services/payments"
	"github.com/frontdesk/frontdesk/services/reviews"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/users"
)

// Logical service names.
const (
	Users     = "users"
	Catalog   = "catalog"
	Inventory = "inventory"
	Orders    = "orders"
	Reviews   = "reviews"
	Payments  = "payments"
)

// Service names a demo service and its default port.
type Service struct {
	Name string
	Port int
}

// Services returns the six services in port order (3001–3006).
func Services() []Service {
	return []Service{
		{Users, 3001}, {Catalog, 3002}, {Inventory, 3003},
		{Orders, 3004}, {Reviews, 3005}, {Payments, 3006},
	}
}

// Names returns the logical service names in port order.
func Names() []string {
	var names []string
	for _, s := range Services() {
		names = append(names, s.Name)
	}
	return names
}

// DefaultPort returns the default port of the named service.
func DefaultPort(name string) (int, bool) {
	for _, s := range Services() {
		if s.Name == name {
			return s.Port, true
		}
	}
	return 0, false
}

// Routes returns the route patterns of the named service's own handler (not
// counting the operational endpoints listed by ops.Routes).
func Routes(name string) ([]string, bool) {
	switch name {
	case Users:
		return users.Routes(), true
	case Catalog:
		return catalog.Routes(), true
	case Inventory:
		return inventory.Routes(), true
	case Orders:
		return orders.Routes(), true
	case Reviews:
		return reviews.Routes(), true
	case Payments:
		return payments.Routes(), true
	}
	return nil, false
}

// Option configures New.
type Option func(*config)

type config struct {
	handlers map[string]http.Handler
	faults   map[string]ops.Faults
	opsOpts  []ops.Option
	now      func() time.Time
}

// WithHandler replaces the named service's handler by h; h is still wrapped
// with the ops middleware, so its requests are counted and faults apply.
func WithHandler(name string, h http.Handler) Option {
	return func(c *config) { c.handlers[name] = h }
}

// WithFaults sets start-up faults per service name, such as those returned
// by ops.ParseFaultSpec.
func WithFaults(faults map[string]ops.Faults) Option {
	return func(c *config) { maps.Copy(c.faults, faults) }
}

// WithOpsOptions passes options (random source, sleep, logger) to every
// service's ops middleware.
func WithOpsOptions(opts ...ops.Option) Option {
	return func(c *config) { c.opsOpts = append(c.opsOpts, opts...) }
}

// WithClock stamps the services' writes (new orders, reviews, refunds) with
// now instead of the wall clock, so tests get deterministic answers.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// Set is the six wrapped services over one seed. It is safe for concurrent
// use.
type Set struct {
	services map[string]*ops.Handler
}

// New builds every service over a fresh seed.New data set. It fails on
// unknown service names or invalid faults in the options.
func New(opts ...Option) (*Set, error) {
	c := config{handlers: map[string]http.Handler{}, faults: map[string]ops.Faults{}, now: time.Now}
	for _, opt := range opts {
		opt(&c)
	}
	for _, name := range slices.Sorted(maps.Keys(c.handlers)) {
		if _, ok := DefaultPort(name); !ok {
			return nil, fmt.Errorf("demo: handler for unknown service %q", name)
		}
	}
	handlers := defaultHandlers(seed.New(), c.now)
	maps.Copy(handlers, c.handlers)

	s := &Set{services: make(map[string]*ops.Handler, len(handlers))}
	for name, h := range handlers {
		s.services[name] = ops.Wrap(name, h, c.opsOpts...)
	}
	for _, name := range slices.Sorted(maps.Keys(c.faults)) {
		if err := s.SetFaults(name, c.faults[name]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func defaultHandlers(d *seed.Data, now func() time.Time) map[string]http.Handler {
	return map[string]http.Handler{
		Users:     users.NewHandler(users.NewStore(d.Users)),
		Catalog:   catalog.NewHandler(catalog.NewStore(d.Products)),
		Inventory: inventory.NewHandler(inventory.NewStore(d.Stock)),
		Orders:    orders.NewHandler(orders.NewStore(d.Orders, orders.WithClock(now))),
		Reviews:   reviews.NewHandler(reviews.NewStore(d.Reviews, reviews.WithClock(now))),
		Payments:  payments.NewHandler(payments.NewStore(d.Payments, payments.WithClock(now))),
	}
}

// Handler returns the wrapped handler of the named service, or nil for an
// unknown name.
func (s *Set) Handler(name string) *ops.Handler { return s.services[name] }

// Stats returns a copy of the named service's per-route request counts, or
// nil for an unknown name.
func (s *Set) Stats(name string) map[string]int64 {
	h := s.services[name]
	if h == nil {
		return nil
	}
	return h.Stats().Routes
}

// Calls returns the named service's total request count.
func (s *Set) Calls(name string) int64 {
	h := s.services[name]
	if h == nil {
		return 0
	}
	return h.Stats().Total
}

// ResetStats zeroes every service's counters.
func (s *Set) ResetStats() {
	for _, h := range s.services {
		h.ResetStats()
	}
}

// Faults returns the named service's fault knobs.
func (s *Set) Faults(name string) (ops.Faults, error) {
	h := s.services[name]
	if h == nil {
		return ops.Faults{}, fmt.Errorf("demo: unknown service %q", name)
	}
	return h.Faults(), nil
}

// SetFaults replaces the named service's fault knobs.
func (s *Set) SetFaults(name string, f ops.Faults) error {
	h := s.services[name]
	if h == nil {
		return fmt.Errorf("demo: unknown service %q", name)
	}
	if err := h.SetFaults(f); err != nil {
		return fmt.Errorf("demo: faults for %s: %w", name, err)
	}
	return nil
}

// ClearFaults removes the faults of every service.
func (s *Set) ClearFaults() {
	for _, h := range s.services {
		_ = h.SetFaults(ops.Faults{}) // the zero value is always valid
	}
}
