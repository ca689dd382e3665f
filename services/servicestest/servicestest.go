// Package servicestest starts the six demo services on local test servers
// for the tests of other modules, with request counters and fault knobs.
package servicestest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/seed"
)

// Option configures Start.
type Option func(*config)

type config struct {
	demo []demo.Option
}

// WithHandler serves h instead of the named service's handler. Requests to
// h are still counted (by ServeMux pattern when h is a *http.ServeMux) and
// subject to faults.
func WithHandler(name string, h http.Handler) Option {
	return func(c *config) { c.demo = append(c.demo, demo.WithHandler(name, h)) }
}

// WithFaults starts the named service with faults f.
func WithFaults(name string, f ops.Faults) Option {
	return func(c *config) {
		c.demo = append(c.demo, demo.WithFaults(map[string]ops.Faults{name: f}))
	}
}

// WithOpsOptions passes options, such as a deterministic random source, to
// every service's ops middleware.
func WithOpsOptions(opts ...ops.Option) Option {
	return func(c *config) { c.demo = append(c.demo, demo.WithOpsOptions(opts...)) }
}

// WithClock stamps the services' writes with now (default: a fixed instant,
// seed.BaseTime, so answers are deterministic).
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.demo = append(c.demo, demo.WithClock(now)) }
}

// Upstreams are the running test services.
type Upstreams struct {
	t    testing.TB
	set  *demo.Set
	urls map[string]string
}

// Start serves every demo service over a fresh seed on its own
// httptest.Server; the servers are closed when the test ends.
func Start(t testing.TB, opts ...Option) *Upstreams {
	t.Helper()
	fixed := seed.BaseTime()
	c := config{demo: []demo.Option{demo.WithClock(func() time.Time { return fixed })}}
	for _, opt := range opts {
		opt(&c)
	}
	set, err := demo.New(c.demo...)
	if err != nil {
		t.Fatalf("servicestest: %v", err)
	}
	u := &Upstreams{t: t, set: set, urls: map[string]string{}}
	for _, name := range demo.Names() {
		srv := httptest.NewServer(set.Handler(name))
		t.Cleanup(srv.Close)
		u.urls[name] = srv.URL
	}
	return u
}

// URL returns the base URL (no trailing slash) of the named service.
func (u *Upstreams) URL(name string) string {
	u.t.Helper()
	url, ok := u.urls[name]
	if !ok {
		u.t.Fatalf("servicestest: unknown service %q", name)
	}
	return url
}

// Calls returns how many requests reached a route of the named service.
func (u *Upstreams) Calls(name string) int64 {
	u.t.Helper()
	u.URL(name) // fails the test for unknown names
	return u.set.Calls(name)
}

// Routes returns the named service's request counts by route pattern, e.g.
// {"GET /products/{id}": 2}.
func (u *Upstreams) Routes(name string) map[string]int64 {
	u.t.Helper()
	u.URL(name)
	return u.set.Stats(name)
}

// Reset zeroes every service's request counters (faults are kept).
func (u *Upstreams) Reset() { u.set.ResetStats() }

// SetFaults replaces the named service's fault knobs.
func (u *Upstreams) SetFaults(name string, f ops.Faults) {
	u.t.Helper()
	if err := u.set.SetFaults(name, f); err != nil {
		u.t.Fatalf("servicestest: %v", err)
	}
}

// ClearFaults removes every service's faults.
func (u *Upstreams) ClearFaults() { u.set.ClearFaults() }

// Set returns the underlying services, for direct access to their handlers.
func (u *Upstreams) Set() *demo.Set { return u.set }
