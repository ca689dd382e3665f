package restclient_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

func TestNewTargets(t *testing.T) {
	tests := []struct {
		name        string
		bases       []string
		wantPrimary string
		wantErr     string
	}{
		{"one", []string{"http://a:1"}, "http://a:1", ""},
		{"primary and backups", []string{"http://a:1/api/", "https://b:2", "http://c:3/v2"}, "http://a:1/api", ""},
		{"none", nil, "", "upstream catalog: no base URL"},
		{"empty backup", []string{"http://a:1", ""}, "", `upstream catalog: base URL "" must be absolute http(s)`},
		{"relative backup", []string{"http://a:1", "/b"}, "", `upstream catalog: base URL "/b" must be absolute http(s)`},
		{"unparseable primary", []string{"http://[::1"}, "", "upstream catalog: parsing base URL: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := restclient.NewTargets("catalog", tt.bases, 0, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("NewTargets = %v, %v; want an error starting %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Primary() != tt.wantPrimary || got.Len() != len(tt.bases) {
				t.Errorf("Primary, Len = %q, %d; want %q, %d", got.Primary(), got.Len(), tt.wantPrimary, len(tt.bases))
			}
		})
	}
}

// TestRetryOverTargets: attempts move over the targets round-robin from the
// first one that has not failed within the cool-down; requests that may not
// be retried go to the primary only.
func TestRetryOverTargets(t *testing.T) {
	bases := []string{"http://a.internal:3002/api", "http://b.internal:3002/v2/", "http://c.internal:3002"}
	type req struct {
		advance  time.Duration
		method   string
		path     string // under the primary's base
		steps    []step
		wantSent []string // method, URL and Host of each attempt
	}
	tests := []struct {
		name string
		reqs []req
	}{
		{
			name: "retries move to the backups, with their base paths and hosts",
			reqs: []req{{method: "GET", path: "/products/a%2Fb?ids=1,2", steps: []step{answer(503), answer(502), answer(200)}, wantSent: []string{
				"GET http://a.internal:3002/api/products/a%2Fb?ids=1,2 a.internal:3002",
				"GET http://b.internal:3002/v2/products/a%2Fb?ids=1,2 b.internal:3002",
				"GET http://c.internal:3002/products/a%2Fb?ids=1,2 c.internal:3002",
			}}},
		},
		{
			name: "a failed primary is skipped during its cool-down, then tried again",
			reqs: []req{
				{method: "GET", path: "/x", steps: []step{failure(errReset), answer(200)}, wantSent: []string{
					"GET http://a.internal:3002/api/x a.internal:3002", "GET http://b.internal:3002/v2/x b.internal:3002",
				}},
				{advance: 9 * time.Second, method: "GET", path: "/y", steps: []step{answer(200)}, wantSent: []string{
					"GET http://b.internal:3002/v2/y b.internal:3002",
				}},
				{advance: time.Second, method: "GET", path: "/z", steps: []step{answer(200)}, wantSent: []string{
					"GET http://a.internal:3002/api/z a.internal:3002",
				}},
			},
		},
		{
			name: "round-robin wraps to the primary",
			reqs: []req{
				{method: "GET", path: "/x", steps: []step{answer(503), answer(200)}, wantSent: []string{
					"GET http://a.internal:3002/api/x a.internal:3002", "GET http://b.internal:3002/v2/x b.internal:3002",
				}},
				{method: "GET", path: "/y", steps: []step{answer(503), answer(503), answer(200)}, wantSent: []string{
					"GET http://b.internal:3002/v2/y b.internal:3002", "GET http://c.internal:3002/y c.internal:3002",
					"GET http://a.internal:3002/api/y a.internal:3002",
				}},
			},
		},
		{
			name: "all failed: start at the primary",
			reqs: []req{
				{method: "GET", path: "/x", steps: []step{answer(503)}, wantSent: []string{
					"GET http://a.internal:3002/api/x a.internal:3002", "GET http://b.internal:3002/v2/x b.internal:3002",
					"GET http://c.internal:3002/x c.internal:3002",
				}},
				{method: "GET", path: "/y", steps: []step{answer(200)}, wantSent: []string{
					"GET http://a.internal:3002/api/y a.internal:3002",
				}},
			},
		},
		{
			name: "mutations go to the primary only, even in its cool-down",
			reqs: []req{
				{method: "GET", path: "/x", steps: []step{failure(errReset), answer(200)}, wantSent: []string{
					"GET http://a.internal:3002/api/x a.internal:3002", "GET http://b.internal:3002/v2/x b.internal:3002",
				}},
				{method: "POST", path: "/orders", steps: []step{failure(errReset), answer(200)}, wantSent: []string{
					"POST http://a.internal:3002/api/orders a.internal:3002",
				}},
				{method: "DELETE", path: "/orders/1", steps: []step{answer(503), answer(200)}, wantSent: []string{
					"DELETE http://a.internal:3002/api/orders/1 a.internal:3002",
				}},
			},
		},
		{
			name: "a timed-out attempt is retried on the next target, never on the same one",
			reqs: []req{
				{method: "GET", path: "/x", steps: []step{failure(restclient.ErrAttemptTimeout), failure(restclient.ErrAttemptTimeout), failure(restclient.ErrAttemptTimeout)},
					wantSent: []string{
						"GET http://a.internal:3002/api/x a.internal:3002", "GET http://b.internal:3002/v2/x b.internal:3002",
						"GET http://c.internal:3002/x c.internal:3002",
					}},
			},
		},
		{
			name: "4xx is an answer, not a failed target",
			reqs: []req{
				{method: "GET", path: "/x", steps: []step{answer(404)}, wantSent: []string{"GET http://a.internal:3002/api/x a.internal:3002"}},
				{method: "GET", path: "/y", steps: []step{answer(200)}, wantSent: []string{"GET http://a.internal:3002/api/y a.internal:3002"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
			targets, err := restclient.NewTargets("catalog", bases, 10*time.Second, clk.Now)
			if err != nil {
				t.Fatal(err)
			}
			var sl sleeper
			for i, r := range tt.reqs {
				clk.Advance(r.advance)
				next := &script{steps: r.steps}
				rt := restclient.NewRetry(next, restclient.RetryConfig{Targets: targets, Rand: half, Sleep: sl.Sleep})
				req, err := http.NewRequestWithContext(t.Context(), r.method, targets.Primary()+r.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				if resp, err := rt.RoundTrip(req); err == nil {
					_ = resp.Body.Close()
				}
				var got []string
				for _, s := range next.sent {
					got = append(got, s.method+" "+s.url+" "+s.host)
				}
				if strings.Join(got, "\n") != strings.Join(r.wantSent, "\n") {
					t.Errorf("request %d sent\n%s\nwant\n%s", i+1, strings.Join(got, "\n"), strings.Join(r.wantSent, "\n"))
				}
			}
		})
	}
}
