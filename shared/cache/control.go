package cache

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Directives are the parts of a Cache-Control header the cache honours.
type Directives struct {
	NoStore, NoCache, Private, Public bool
	// MaxAge and SMaxAge are -1 when absent.
	MaxAge, SMaxAge time.Duration
}

// ParseCacheControl reads a Cache-Control header value. Unknown directives
// are ignored; a malformed max-age counts as absent.
func ParseCacheControl(v string) Directives {
	d := Directives{MaxAge: -1, SMaxAge: -1}
	for part := range strings.SplitSeq(v, ",") {
		name, arg, _ := strings.Cut(strings.TrimSpace(part), "=")
		arg = strings.Trim(strings.TrimSpace(arg), `"`)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "no-store":
			d.NoStore = true
		case "no-cache":
			d.NoCache = true
		case "private":
			d.Private = true
		case "public":
			d.Public = true
		case "max-age":
			d.MaxAge = seconds(arg)
		case "s-maxage":
			d.SMaxAge = seconds(arg)
		}
	}
	return d
}

func seconds(s string) time.Duration {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return time.Duration(min(n, int64(365*24*3600))) * time.Second
}

// freshness returns how long an answer with directives d (and whether it
// has a Vary other than Accept-Encoding) stays fresh in an entry of scope,
// and whether it may be stored at all:
//   - no-store, or a Vary on a request header the key does not hold: not stored;
//   - private: stored only by a private kind (keyed by subject);
//   - no-cache: stored with no freshness, as a stale-if-error fallback;
//   - else s-maxage (public entries), max-age, or def when neither is sent.
func (d Directives) freshness(scope Scope, vary bool, def time.Duration) (time.Duration, bool) {
	switch {
	case d.NoStore, vary, d.Private && scope != Private:
		return 0, false
	case d.NoCache:
		return 0, true
	case scope == Public && d.SMaxAge >= 0:
		return d.SMaxAge, true
	case d.MaxAge >= 0:
		return d.MaxAge, true
	}
	return def, true
}

// capture collects the Cache-Control of the answers of one fetch.
type capture struct {
	mu      sync.Mutex
	answers []answerHeaders
}

type answerHeaders struct {
	directives Directives
	vary       bool
}

type captureKey struct{}

// withCapture returns ctx whose upstream answers (through Transport) are
// recorded in the returned capture.
func withCapture(ctx context.Context) (context.Context, *capture) {
	c := &capture{}
	return context.WithValue(ctx, captureKey{}, c), c
}

// freshness returns the freshness of the captured answers together: the
// least of theirs, and storable only when all are. Without any answer
// nothing is stored.
func (c *capture) freshness(scope Scope, def, maxTTL time.Duration) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.answers) == 0 {
		return 0, false
	}
	least := time.Duration(-1)
	for _, a := range c.answers {
		ttl, ok := a.directives.freshness(scope, a.vary, def)
		if !ok {
			return 0, false
		}
		if least < 0 || ttl < least {
			least = ttl
		}
	}
	return min(least, maxTTL), true
}

// Transport records, for the cache, what each answer of the upstream named
// service said: its Cache-Control (for the entity cache's TTL) and that the
// request read from service (for the response cache's invalidation, see
// Record). shared/upstream puts it on every upstream's client; it changes
// nothing of the request or the answer.
func Transport(service string, next http.RoundTripper) http.RoundTripper {
	return &transport{service: service, next: next}
}

type transport struct {
	service string
	next    http.RoundTripper
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if rec, ok := FromContext(ctx); ok && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
		rec.read(t.service)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, err
	}
	if c, ok := ctx.Value(captureKey{}).(*capture); ok {
		c.mu.Lock()
		c.answers = append(c.answers, answerHeaders{
			directives: ParseCacheControl(strings.Join(resp.Header.Values("Cache-Control"), ",")),
			vary:       varies(resp.Header.Values("Vary")),
		})
		c.mu.Unlock()
	}
	return resp, nil
}

// varies reports whether a Vary header names anything but Accept-Encoding
// (which the upstream transport negotiates the same way for every caller).
func varies(values []string) bool {
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			if n := strings.TrimSpace(name); n != "" && !strings.EqualFold(n, "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}
