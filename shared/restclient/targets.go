package restclient

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Targets are the base URLs of one upstream: the primary first, then its
// backups. Client builds every request against the primary; Retry moves an
// idempotent request's attempts over the targets (see Retry) and reports
// each attempt's outcome here. A target whose last attempt failed (transport
// error or 5xx) is skipped as the starting point for Cooldown. Safe for
// concurrent use.
type Targets struct {
	bases    []*url.URL
	cooldown time.Duration
	now      func() time.Time

	mu       sync.Mutex
	failedAt []time.Time // zero: healthy
}

// NewTargets validates bases (at least one, each an absolute http(s) URL)
// and returns them as targets of service whose failed members are avoided
// for cooldown (default 10s). now is the clock (nil: time.Now).
func NewTargets(service string, bases []string, cooldown time.Duration, now func() time.Time) (*Targets, error) {
	if len(bases) == 0 {
		return nil, fmt.Errorf("upstream %s: no base URL", service)
	}
	t := &Targets{cooldown: cooldown, now: now, failedAt: make([]time.Time, len(bases))}
	if t.cooldown <= 0 {
		t.cooldown = 10 * time.Second
	}
	if t.now == nil {
		t.now = time.Now
	}
	for _, b := range bases {
		u, err := parseBase(service, b)
		if err != nil {
			return nil, err
		}
		t.bases = append(t.bases, u)
	}
	return t, nil
}

// parseBase parses and checks one base URL of service.
func parseBase(service, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("upstream %s: parsing base URL: %w", service, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("upstream %s: base URL %q must be absolute http(s)", service, raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// Primary returns the primary base URL, the one Client builds requests on.
func (t *Targets) Primary() string { return t.bases[0].String() }

// Len returns the number of targets.
func (t *Targets) Len() int { return len(t.bases) }

// start returns the index of the first target not failed within the
// cool-down, or 0 (the primary) when all failed.
func (t *Targets) start() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for i, at := range t.failedAt {
		if at.IsZero() || now.Sub(at) >= t.cooldown {
			return i
		}
	}
	return 0
}

// report records the outcome of an attempt on target i.
func (t *Targets) report(i int, o outcome) {
	if o == outcomeIgnored {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if o == outcomeFailed {
		t.failedAt[i] = t.now()
	} else {
		t.failedAt[i] = time.Time{}
	}
}

// route returns req aimed at target i: the primary's scheme, host and base
// path replaced by target i's. req must have been built on the primary.
func (t *Targets) route(req *http.Request, i int) *http.Request {
	out := req.Clone(req.Context())
	if i == 0 {
		return out
	}
	primary, target := t.bases[0], t.bases[i]
	u := *req.URL
	u.Scheme, u.Host, u.User = target.Scheme, target.Host, target.User
	rest := strings.TrimPrefix(req.URL.EscapedPath(), primary.EscapedPath())
	escaped := target.EscapedPath() + rest
	if p, err := url.PathUnescape(escaped); err == nil {
		u.Path, u.RawPath = p, escaped
	}
	out.URL = &u
	out.Host = target.Host
	return out
}
