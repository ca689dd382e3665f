package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/frontdesk/frontdesk/internal/bench/gosource"
	"github.com/frontdesk/frontdesk/internal/bench/procs"
)

// The variants of a scenario.
const (
	variantBFF   = "bff"   // the BFF as configured for production (loaders on)
	variantFloor = "floor" // the ideal client, straight to the services
	variantNaive = "naive" // the BFF with LOADER_DISABLED=true: the N+1 baseline
)

// scenario is one query measured under load, through its variants.
type scenario struct {
	Name     string   `json:"name"`
	Title    string   `json:"title"`
	BFF      string   `json:"bff"`    // the BFF process: "mobile", "web" (caches off) or "mobile-cached" (caches on)
	Caller   string   `json:"caller"` // subject, "" for anonymous
	Query    string   `json:"query"`
	Variants []string `json:"variants"`
	Note     string   `json:"note,omitempty"`
	// Cached scenarios run against a BFF with its caches on; their calls of
	// one idle query are those of a repeat, after one query filled the cache.
	Cached bool   `json:"cached,omitempty"`
	Plan   string `json:"idealPlan,omitempty"` // the floor's levels, in markdown
	// SingleCalls are the upstream calls of one query on idle services, by
	// variant, then by service.
	SingleCalls map[string]map[string]int64 `json:"callsOfOneIdleQuery"`
	// Unloaded is each variant's latency with one client, by variant.
	Unloaded map[string]latency `json:"oneClientLatency"`

	token string                      // the caller's access token
	floor func(context.Context) error // the ideal client; nil without a floor
}

// The callers: a seeded customer on the mobile app and a seeded admin on
// the web admin, with tokens from the demo issuer.
const (
	mobileCaller = "usr_0001"
	webCaller    = "usr_0196"
	catalogFirst = 10
)

// catalogQuery is the cached query: a public product page (anonymous;
// `products` is @cacheControl(maxAge: 60), public), one catalog call on a
// miss and none on a hit.
var catalogQuery = fmt.Sprintf(`query Catalog { products(first: %d) { edges { node { id name price thumbnailUrl } } } }`, catalogFirst)

// ceilingQuery answers without any upstream call: the most a BFF serves
// per second on this machine for an authenticated caller.
const ceilingQuery = `query Ceiling { __typename }`

// latency is a latency distribution's summary, in milliseconds.
type latency struct {
	P50 float64 `json:"p50Ms"`
	P90 float64 `json:"p90Ms"`
}

// newScenarios builds the scenarios over the demo services at urls, with
// tokens from the issuer there.
func newScenarios(ctx context.Context, cfg config, urls map[string]string) ([]*scenario, error) {
	home, err := os.ReadFile(cfg.homeDoc)
	if err != nil {
		return nil, fmt.Errorf("reading the home operation: %w", err)
	}
	recent, err := defaultInt(string(home), "recent")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.homeDoc, err)
	}
	featured, err := defaultInt(string(home), "featured")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cfg.homeDoc, err)
	}
	orders, err := gosource.StringConst(cfg.webApp, "ExampleQuery")
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`orders\(first:\s*(\d+)\)`).FindStringSubmatch(orders)
	if m == nil {
		return nil, fmt.Errorf("%s: ExampleQuery has no orders(first: N)", cfg.webApp)
	}
	first, _ := strconv.Atoi(m[1])

	mobileToken, mobileWho, err := fetchToken(ctx, urls["issuer"], "mobile-app", mobileCaller)
	if err != nil {
		return nil, err
	}
	webToken, webWho, err := fetchToken(ctx, urls["issuer"], "web-admin", webCaller)
	if err != nil {
		return nil, err
	}
	ideal := newIdealClient(urls)
	return []*scenario{
		{
			Name: "home", Title: fmt.Sprintf("mobile `home` (home.graphql: %d recent orders, %d featured products)", recent, featured),
			BFF: "mobile", Caller: mobileCaller, Query: string(home), token: mobileToken,
			Variants: []string{variantBFF, variantFloor, variantNaive},
			floor:    homeFloor(ideal, mobileWho, recent, featured),
			Plan: fmt.Sprintf("level 1 in parallel: `GET /users?ids=<me>` (me and greeting), `GET /orders?userId=<me>&sort=createdAt_desc&limit=%d`, "+
				"`GET /products?featured=true&limit=%d`; level 2, once the featured products are known: `GET /stock?productIds=…` and one "+
				"`GET /products/{id}/reviews/summary` per product (the reviews service has no batch read). 2 levels, %d calls", recent, featured, 4+featured),
		},
		{
			Name: "orders", Title: fmt.Sprintf("web `orders(first: %d)` nested (app.ExampleQuery)", first),
			BFF: "web", Caller: webCaller, Query: orders, token: webToken,
			Variants: []string{variantBFF, variantFloor, variantNaive},
			floor:    ordersFloor(ideal, webWho, first),
			Plan: fmt.Sprintf("level 1: `GET /orders?sort=createdAt_desc&limit=%d`; level 2 in parallel: `GET /users?ids=…`, `GET /payments?ids=…`, "+
				"`GET /products?ids=…`, `GET /stock?productIds=…` (stock is keyed by product id, which order lines carry, so it does not wait "+
				"for the products). 2 levels, 5 calls", first),
		},
		{
			Name: "cached", Title: fmt.Sprintf("mobile public `products(first: %d)`, anonymous, answered from the response cache (public, maxAge 60 s)", catalogFirst),
			BFF: "mobile-cached", Query: catalogQuery, Cached: true,
			Variants: []string{variantBFF, variantFloor},
			Note: "the BFF runs with its caches on (the production default, in memory without `REDIS_ADDR`), so every query after the first " +
				"of each cache lifetime is a hit that calls no upstream; the floor is the same page fetched from the catalog service each time",
			floor: catalogFloor(ideal, catalogFirst),
			Plan:  fmt.Sprintf("`GET /products?limit=%d`, anonymous. 1 level, 1 call", catalogFirst),
		},
		{
			Name: "ceiling", Title: "mobile `{ __typename }` (no upstream call: the edge's ceiling)",
			BFF: "mobile", Caller: mobileCaller, Query: ceilingQuery, token: mobileToken,
			Variants: []string{variantBFF},
			Note:     "as usr_0001, caches off: token verification, parsing and execution only; context for the cached query, which is anonymous (no token to verify) but adds a cache lookup",
		},
	}, nil
}

// defaultInt returns the default of an Int variable of an operation,
// e.g. 3 for `$recent: Int = 3`.
func defaultInt(doc, variable string) (int, error) {
	m := regexp.MustCompile(`\$` + variable + `:\s*Int!?\s*=\s*(\d+)`).FindStringSubmatch(doc)
	if m == nil {
		return 0, fmt.Errorf("no default for $%s", variable)
	}
	return strconv.Atoi(m[1])
}

// fetchToken asks the demo issuer for an access token of subject for
// clientID and returns it with the identity the BFF will forward for it.
func fetchToken(ctx context.Context, issuer, clientID, subject string) (string, identity, error) {
	tok, err := procs.Token(ctx, issuer, clientID, subject)
	if err != nil {
		return "", identity{}, err
	}
	who, err := claims(tok)
	if err != nil {
		return "", identity{}, fmt.Errorf("token for %s: %w", subject, err)
	}
	return tok, who, nil
}

// claims reads the identity claims of a JWT without verifying it (the BFF
// verifies; the ideal client only needs what the BFF would forward).
func claims(jwt string) (identity, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return identity{}, fmt.Errorf("not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return identity{}, fmt.Errorf("JWT payload: %w", err)
	}
	var who identity
	if err := json.Unmarshal(payload, &who); err != nil {
		return identity{}, fmt.Errorf("JWT claims: %w", err)
	}
	if who.Subject == "" {
		return identity{}, errors.New("JWT claims without a subject")
	}
	return who, nil
}

// jsonDecode decodes one JSON value from r into v and drains the rest, so
// the connection can be reused.
func jsonDecode(r io.Reader, v any) error {
	err := json.NewDecoder(r).Decode(v)
	_, _ = io.Copy(io.Discard, r)
	return err
}

// singleCalls returns the upstream calls of one idle query of variant v.
func (s *scenario) singleCalls(v string) int64 {
	var n int64
	for _, c := range s.SingleCalls[v] {
		n += c
	}
	return n
}
