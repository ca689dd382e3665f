package graph_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/authtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
	"github.com/frontdesk/frontdesk/shared/ratelimit/ratelimittest"
	"github.com/frontdesk/frontdesk/shared/telemetry/metrics"
)

const productsQuery = `{ products(first: 1) { totalCount } }`

// limited starts a kit whose budgets are small enough to exhaust.
func limited(t *testing.T, adjust func(*config.Config)) *bfftest.Kit {
	t.Helper()
	return graphtest.NewWithConfig(t, func(c *config.Config) {
		c.RateLimit.Tiers = ratelimit.Rules{
			ratelimit.AnonymousTier: ratelimit.PerMinute(3),
			"free":                  ratelimit.PerMinute(5),
			"pro":                   ratelimit.PerMinute(8),
		}
		c.RateLimit.Mutations = ratelimit.Rules{"placeOrder": ratelimit.PerMinute(2)}
		if adjust != nil {
			adjust(c)
		}
	})
}

// post sends query as the kit's caller from remote (an address:port).
func post(t *testing.T, kit *bfftest.Kit, query, remote string, header map[string]string) bfftest.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = remote
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return kit.Do(req)
}

// burst sends n requests and returns how many were allowed, checking every
// answer's headers and that refused ones are typed 429s without upstream calls.
func burst(t *testing.T, kit *bfftest.Kit, n int, query, remote string, header map[string]string, wantLimit int) int {
	t.Helper()
	allowed := 0
	for i := range n {
		before := kit.CallsByService()
		resp := post(t, kit, query, remote, header)
		if got := resp.Header.Get("RateLimit-Limit"); got != strconv.Itoa(wantLimit) {
			t.Errorf("request %d: RateLimit-Limit = %q, want %d", i, got, wantLimit)
		}
		for _, h := range []string{"RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("request %d: no %s header", i, h)
			}
		}
		switch resp.Status {
		case http.StatusOK:
			allowed++
			if got, want := resp.Header.Get("RateLimit-Remaining"), strconv.Itoa(wantLimit-allowed); got != want {
				t.Errorf("request %d: RateLimit-Remaining = %s, want %s", i, got, want)
			}
		case http.StatusTooManyRequests:
			retry, err := strconv.Atoi(resp.Header.Get("Retry-After"))
			if err != nil || retry < 1 {
				t.Errorf("request %d: Retry-After = %q", i, resp.Header.Get("Retry-After"))
			}
			var body struct {
				Errors []struct {
					Extensions struct {
						Code       string `json:"code"`
						RetryAfter int    `json:"retryAfter"`
					} `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(resp.Body, &body); err != nil || len(body.Errors) != 1 ||
				body.Errors[0].Extensions.Code != "RATE_LIMITED" || body.Errors[0].Extensions.RetryAfter != retry {
				t.Errorf("request %d: body %s, want one RATE_LIMITED error with retryAfter %d", i, resp.Body, retry)
			}
			if after := kit.CallsByService(); len(after) != len(before) || after["catalog"] != before["catalog"] || after["orders"] != before["orders"] {
				t.Errorf("request %d: a refused request reached upstreams: %v → %v", i, before, after)
			}
		default:
			t.Fatalf("request %d: status %d %s", i, resp.Status, resp.Body)
		}
	}
	return allowed
}

func TestRateLimitBurst(t *testing.T) {
	kit := limited(t, nil)
	if got := burst(t, kit, 8, productsQuery, "192.0.2.1:1234", nil, 5); got != 5 {
		t.Fatalf("allowed %d of 8 for the free tier, want exactly 5", got)
	}
}

func TestRateLimitTiersDiffer(t *testing.T) {
	kit := limited(t, nil)
	pro := kit.Mint(authtest.Claims{Subject: "usr_0002", Roles: []string{"customer"}, Tier: "pro"})
	if got := burst(t, kit, 10, productsQuery, "192.0.2.1:1234", map[string]string{"Authorization": "Bearer " + pro}, 8); got != 8 {
		t.Fatalf("pro allowed %d of 10, want 8", got)
	}
	kit.Anonymous()
	if got := burst(t, kit, 5, productsQuery, "192.0.2.9:1234", nil, 3); got != 3 {
		t.Fatalf("anonymous allowed %d of 5, want 3", got)
	}
}

func TestRateLimitMutationBucket(t *testing.T) {
	kit := limited(t, func(c *config.Config) {
		c.RateLimit.Tiers["free"] = ratelimit.PerMinute(100)
	})
	place := `mutation { placeOrder(input: {items: [{productId: "prd_0059", quantity: 1}]}) { order { id } } }`
	codes := []int{}
	for range 3 {
		codes = append(codes, post(t, kit, place, "192.0.2.1:1", nil).Status)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != http.StatusTooManyRequests {
		t.Fatalf("placeOrder statuses = %v, want 200, 200, 429", codes)
	}
	// The query budget is a separate bucket: still open.
	if resp := post(t, kit, productsQuery, "192.0.2.1:1", nil); resp.Status != 200 {
		t.Fatalf("a query after the mutation budget ran out: %d %s", resp.Status, resp.Body)
	}
	// And a refused mutation placed nothing.
	if n := kit.Upstreams.Routes("orders")["POST /orders"]; n != 2 {
		t.Fatalf("POST /orders calls = %d, want 2", n)
	}
}

func TestRateLimitCostBased(t *testing.T) {
	kit := limited(t, func(c *config.Config) {
		c.RateLimit.Cost = true
		c.RateLimit.Tiers["free"] = ratelimit.PerMinute(20)
	})
	// Complexity 3: products, totalCount, plus one per field of the selection.
	resp := post(t, kit, productsQuery, "192.0.2.1:1", nil)
	spent := 20 - mustAtoi(t, resp.Header.Get("RateLimit-Remaining"))
	if resp.Status != 200 || spent < 2 {
		t.Fatalf("status %d, spent %d points; want 200 and the operation's complexity (> 1)", resp.Status, spent)
	}
	bigger := `{ products(first: 1) { totalCount edges { node { id name price } } } }`
	resp = post(t, kit, bigger, "192.0.2.1:1", nil)
	if spentBig := 20 - spent - mustAtoi(t, resp.Header.Get("RateLimit-Remaining")); spentBig <= spent {
		t.Fatalf("a bigger operation spent %d points, the small one %d", spentBig, spent)
	}
	for range 10 {
		resp = post(t, kit, bigger, "192.0.2.1:1", nil)
	}
	if resp.Status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("after spending the budget: %d %s", resp.Status, resp.Body)
	}
	// An operation that costs more than the whole budget is refused for good.
	kit2 := limited(t, func(c *config.Config) {
		c.RateLimit.Cost = true
		c.RateLimit.Tiers["free"] = ratelimit.PerMinute(2)
	})
	resp = post(t, kit2, bigger, "192.0.2.1:1", nil)
	if resp.Status != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "" || !strings.Contains(string(resp.Body), "RATE_LIMITED") {
		t.Fatalf("an operation over the whole budget: %d %v %s", resp.Status, resp.Header, resp.Body)
	}
	if calls := kit2.CallsByService(); len(calls) != 0 {
		t.Fatalf("refused by cost, yet upstream calls %v", calls)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return n
}

func TestRateLimitAnonymousByIP(t *testing.T) {
	kit := limited(t, func(c *config.Config) { c.RateLimit.TrustedProxies = []string{"10.0.0.0/8"} })
	kit.Anonymous()
	// Spoofed X-Forwarded-For from an untrusted peer: ignored, one bucket.
	for i := range 3 {
		spoof := map[string]string{"X-Forwarded-For": "198.51.100." + strconv.Itoa(i)}
		if resp := post(t, kit, productsQuery, "192.0.2.50:999", spoof); resp.Status != 200 {
			t.Fatalf("request %d: %d", i, resp.Status)
		}
	}
	if resp := post(t, kit, productsQuery, "192.0.2.50:999", map[string]string{"X-Forwarded-For": "198.51.100.77"}); resp.Status != http.StatusTooManyRequests {
		t.Fatalf("a spoofed X-Forwarded-For escaped the peer's bucket: %d", resp.Status)
	}
	// Another peer has its own bucket.
	if resp := post(t, kit, productsQuery, "192.0.2.51:999", nil); resp.Status != 200 {
		t.Fatalf("another IP: %d", resp.Status)
	}
	// Behind a trusted proxy, each forwarded client has its own bucket.
	for i := range 4 {
		fwd := map[string]string{"X-Forwarded-For": "203.0.113." + strconv.Itoa(i) + ", 10.1.2.3"}
		if resp := post(t, kit, productsQuery, "10.0.0.1:5000", fwd); resp.Status != 200 {
			t.Fatalf("client %d behind the trusted proxy: %d", i, resp.Status)
		}
	}
}

// TestRateLimitSharedAcrossInstances: three BFF instances on one Redis
// share one budget (REDIS_ADDR in CI; a miniredis otherwise).
func TestRateLimitSharedAcrossInstances(t *testing.T) {
	r := ratelimittest.NewRedis(t)
	prefix := ratelimittest.KeyPrefix(t)
	var kits []*bfftest.Kit
	for range 3 {
		kits = append(kits, limited(t, func(c *config.Config) {
			c.Redis.Addr, c.Redis.KeyPrefix, c.Redis.Timeout = []string{r.Addr}, prefix, time.Second
		}))
	}
	allowed := 0
	for i := range 12 {
		if resp := post(t, kits[i%3], productsQuery, "192.0.2.1:1", nil); resp.Status == 200 {
			allowed++
		}
	}
	if allowed != 5 {
		t.Fatalf("three instances allowed %d of 12, want the one budget of 5", allowed)
	}
}

// TestRateLimitRedisDown: with Redis unreachable, the tier policy fails open
// to the in-memory limiter by default, and answers 503 when it fails closed.
func TestRateLimitRedisDown(t *testing.T) {
	dead := ratelimittest.ClosedAddr(t)
	m := metrics.New(metrics.Config{BFF: "bff-mobile"})
	open := graphtest.NewObserved(t, func(c *config.Config) {
		c.RateLimit.Tiers = ratelimit.Rules{ratelimit.AnonymousTier: ratelimit.PerMinute(3), "free": ratelimit.PerMinute(5)}
		c.Redis.Addr = []string{dead}
	}, slog.New(slog.DiscardHandler), m)
	if got := burst(t, open, 7, productsQuery, "192.0.2.1:1", nil, 5); got != 5 {
		t.Fatalf("fail-open allowed %d of 7, want the in-memory budget of 5", got)
	}
	if got := metricValue(t, m, "frontdesk_ratelimit_store_failures_total", map[string]string{"mode": "open"}); got != 7 {
		t.Errorf("store failures counted = %v, want 7", got)
	}

	closed := limited(t, func(c *config.Config) {
		c.Redis.Addr = []string{dead}
		c.RateLimit.FailClosed = []string{ratelimit.PolicyTiers}
	})
	resp := post(t, closed, productsQuery, "192.0.2.1:1", nil)
	if resp.Status != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("fail-closed: %d %v", resp.Status, resp.Header)
	}
	bfftest.AssertJSON(t, resp.Body, `{"errors":[{"message":"rate limiting is unavailable; try again shortly","extensions":{"code":"UPSTREAM_UNAVAILABLE"}}]}`)
	if calls := closed.CallsByService(); len(calls) != 0 {
		t.Fatalf("fail-closed made upstream calls: %v", calls)
	}
}
