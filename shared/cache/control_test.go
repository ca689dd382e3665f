package cache

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestParseCacheControl(t *testing.T) {
	cases := []struct {
		in   string
		want Directives
	}{
		{"", Directives{MaxAge: -1, SMaxAge: -1}},
		{"max-age=60", Directives{MaxAge: time.Minute, SMaxAge: -1}},
		{"private, max-age=0", Directives{Private: true, MaxAge: 0, SMaxAge: -1}},
		{"no-store", Directives{NoStore: true, MaxAge: -1, SMaxAge: -1}},
		{"No-Cache, MAX-AGE=5", Directives{NoCache: true, MaxAge: 5 * time.Second, SMaxAge: -1}},
		{`public, max-age="30", s-maxage=10`, Directives{Public: true, MaxAge: 30 * time.Second, SMaxAge: 10 * time.Second}},
		{"max-age=-3, s-maxage=x", Directives{MaxAge: -1, SMaxAge: -1}},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := ParseCacheControl(c.in); got != c.want {
				t.Errorf("ParseCacheControl(%q) = %+v, want %+v", c.in, got, c.want)
			}
		})
	}
}

func TestFreshness(t *testing.T) {
	const def = 7 * time.Second
	cases := []struct {
		name      string
		header    string
		vary      bool
		scope     Scope
		wantTTL   time.Duration
		wantStore bool
	}{
		{"max-age", "max-age=60", false, Public, time.Minute, true},
		{"no header: the service default", "", false, Public, def, true},
		{"no-store", "no-store", false, Public, 0, false},
		{"no-store private", "no-store, private", false, Private, 0, false},
		{"private answer of a public kind", "private, max-age=60", false, Public, 0, false},
		{"private answer of a private kind", "private, max-age=60", false, Private, time.Minute, true},
		{"private max-age=0: stale fallback only", "private, max-age=0", false, Private, 0, true},
		{"no-cache: stale fallback only", "no-cache, max-age=60", false, Public, 0, true},
		{"s-maxage for shared entries", "max-age=60, s-maxage=10", false, Public, 10 * time.Second, true},
		{"s-maxage is not for private entries", "max-age=60, s-maxage=10", false, Private, time.Minute, true},
		{"vary on a request header", "max-age=60", true, Public, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ttl, ok := ParseCacheControl(c.header).freshness(c.scope, c.vary, def)
			if ttl != c.wantTTL || ok != c.wantStore {
				t.Errorf("freshness = %s, %v; want %s, %v", ttl, ok, c.wantTTL, c.wantStore)
			}
		})
	}
}

func TestCaptureTakesTheLeastOfSeveralAnswers(t *testing.T) {
	headers := []http.Header{
		{"Cache-Control": {"max-age=60"}},
		{"Cache-Control": {"max-age=30"}, "Vary": {"Accept-Encoding"}},
	}
	n := 0
	rt := Transport("catalog", roundTripFunc(func(*http.Request) (*http.Response, error) {
		h := headers[n]
		n++
		return &http.Response{StatusCode: http.StatusOK, Header: h, Body: http.NoBody}, nil
	}))
	ctx, rec := NewContext(t.Context())
	ctx, c := withCapture(ctx)
	for range headers {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "http://catalog/products", nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	if ttl, ok := c.freshness(Public, time.Hour, time.Hour); ttl != 30*time.Second || !ok {
		t.Errorf("freshness = %s, %v; want the least, 30s", ttl, ok)
	}
	if ttl, ok := c.freshness(Public, time.Hour, 10*time.Second); ttl != 10*time.Second || !ok {
		t.Errorf("freshness = %s, %v; want MaxTTL, 10s", ttl, ok)
	}
	if got := rec.Services(); len(got) != 1 || got[0] != "catalog" {
		t.Errorf("Record.Services = %v, want [catalog]", got)
	}
	if _, ok := (&capture{}).freshness(Public, time.Hour, time.Hour); ok {
		t.Error("nothing captured, yet storable")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
