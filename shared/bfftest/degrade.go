package bfftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// The degradation runners hold a BFF to "optional data never takes
// essential data down" (docs/resilience.md): a field whose data comes from
// another upstream than its parent's answers null or empty with one typed
// error at its path when that upstream fails, and the rest of the screen is
// answered with 200. Only a screen whose root data comes from the failed
// upstream may fail. Each BFF keeps its own tables (its fields, screens and
// bad inputs) and runs them with these.

// UpstreamKit starts a BFF the way its degradation tests want it: with
// quick retries, its upstream settings then adjusted by up (never nil),
// over demo services shaped by opts.
type UpstreamKit func(t testing.TB, up func(*upstream.Config), opts ...servicestest.Option) *Kit

// slowTimeout is the per-attempt timeout of the "slow" outage. The slow
// upstream never answers, so every attempt to it ends at this timeout; the
// healthy ones answer within it by a wide margin, even under -race.
const slowTimeout = 200 * time.Millisecond

// budgetTimeout is the per-attempt timeout of the "over budget" outage: far
// beyond its latency budget (slowTimeout), so only the budget can end the
// call, and an answer within half of it shows the budget did.
const budgetTimeout = 30 * time.Second

// Outage is one way an upstream fails, and the error an optional field that
// depends on it then carries.
type Outage struct {
	Name   string
	Faults ops.Faults // of the failing service
	// Configure adjusts the BFF's upstream settings for the failing
	// service; nil for none.
	Configure func(c *upstream.Config, service string)
	// Within, when set, bounds how long the answer may take: the outage
	// must be cut short by something other than the attempt timeout.
	Within time.Duration
	// WarmUp sends the query once before the answer checked (it opens the
	// breaker).
	WarmUp  bool
	Code    string
	Message string // %s is the service
}

// Outages are the ways an upstream fails that every optional field must
// survive: down, never answering, and behind an open breaker.
var Outages = []Outage{
	{
		Name: "down", Faults: ops.Faults{Down: true},
		Code: "UPSTREAM_UNAVAILABLE", Message: "the %s service is unavailable",
	},
	{
		// The demo service holds every request until the caller gives up: an
		// upstream that never answers.
		Name: "slow", Faults: ops.Faults{LatencyMs: ops.MaxDelayMs},
		Configure: func(c *upstream.Config, _ string) { c.Timeout = slowTimeout },
		Code:      "UPSTREAM_TIMEOUT", Message: "the %s service did not answer in time",
	},
	{
		// The same upstream that never answers, with an attempt timeout far
		// away: only the optional data's latency budget ends the call
		// (docs/resilience.md, "Latency budgets"). The budget is the failing
		// service's alone, so the healthy ones never run into it.
		Name: "over budget", Faults: ops.Faults{LatencyMs: ops.MaxDelayMs},
		Configure: func(c *upstream.Config, service string) {
			c.Timeout = budgetTimeout
			c.OptionalBudgets = map[string]time.Duration{service: slowTimeout}
		},
		Within: budgetTimeout / 2,
		Code:   "UPSTREAM_TIMEOUT", Message: "the %s service did not answer in time",
	},
	{
		Name: "circuit open", Faults: ops.Faults{Down: true},
		Configure: func(c *upstream.Config, _ string) { c.BreakerFailures = 1 },
		WarmUp:    true,
		Code:      "CIRCUIT_OPEN", Message: "the %s service is failing; calls to it are paused",
	},
}

// Kit starts the BFF with service failing as o says. Each GET is tried once
// and the breaker stays closed (unless o opens it), so every affected field
// carries o's code.
func (o Outage) Kit(t testing.TB, newKit UpstreamKit, service string) *Kit {
	t.Helper()
	return newKit(t, func(c *upstream.Config) {
		c.Retries, c.BreakerFailures = 1, 1000
		if o.Configure != nil {
			o.Configure(c, service)
		}
	}, servicestest.WithFaults(service, o.Faults))
}

// Post sends query as the kit's caller, twice when o warms up.
func (o Outage) Post(t testing.TB, kit *Kit, query string) Response {
	t.Helper()
	if o.WarmUp {
		kit.Post(t, query, nil)
	}
	return kit.Post(t, query, nil)
}

// ErrorsAt are the errors o leaves at paths (JSON arrays) for service.
func (o Outage) ErrorsAt(service string, paths ...string) []WantError {
	out := make([]WantError, len(paths))
	for i, p := range paths {
		out[i] = ErrorAt(p, o.Code, service, fmt.Sprintf(o.Message, service))
	}
	return out
}

// DegradeCase is one optional field (or a list of them) and what a query of
// it answers when Service fails.
type DegradeCase struct {
	Name    string // the field, e.g. Product.rating
	Service string // the upstream the field's data comes from
	Query   string
	Data    string   // the exact data, the field null or empty
	Paths   []string // of the errors (JSON), one per affected field
}

// RunDegradeCases runs each case with its service failing in each of the
// Outages, on a kit from newKit: the answer must be 200 with the exact
// data, one typed error of the outage at each path (and no other), each
// error located at its field, and nothing leaked.
func RunDegradeCases(t *testing.T, newKit UpstreamKit, cases []DegradeCase) {
	t.Helper()
	for _, tc := range cases {
		for _, o := range Outages {
			t.Run(tc.Name+"/"+tc.Service+" "+o.Name, func(t *testing.T) {
				kit := o.Kit(t, newKit, tc.Service)
				start := time.Now()
				resp := o.Post(t, kit, tc.Query)
				if took := time.Since(start); o.Within > 0 && took > o.Within {
					t.Errorf("answered after %v, want within %v", took, o.Within)
				}
				CheckAnswer(t, resp, http.StatusOK, tc.Data, o.ErrorsAt(tc.Service, tc.Paths...)...)
				for _, e := range Decode(t, resp).Errors {
					if len(e.Locations) != 1 {
						t.Errorf("error at %v: locations %v, want the field's", e.Path, e.Locations)
					}
				}
			})
		}
	}
}

// Screen is one screen of a client as it asks for it, and the upstream its
// root data comes from.
type Screen struct {
	Name      string
	Query     string
	Operation string // the operation of Query to run; "" when it has one
	Vars      map[string]any
	Anonymous bool   // sent without a token
	Root      string // the screen's root field
	// RootService is the upstream the root's own data comes from; "" when
	// the BFF makes it. Only that upstream may take the screen down.
	RootService string
}

// post sends the screen's request to kit.
func (s Screen) post(t testing.TB, kit *Kit) Response {
	t.Helper()
	req := map[string]any{"query": s.Query, "variables": s.Vars}
	if s.Operation != "" {
		req["operationName"] = s.Operation
	}
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatalf("bfftest: encoding request: %v", err)
	}
	if s.Anonymous {
		kit.Anonymous()
	}
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return kit.Do(r)
}

// RunScreens is the table of issue 19: each demo service down in turn, each
// screen once, on kits from newKit. A screen answers 200 with its root data
// unless the root itself comes from the failed service (then 503 and a null
// root); everything that does not depend on the failed service is what the
// healthy services answer, every error names the failed service, and
// nothing leaks. It logs the status/root table by screen and service.
func RunScreens(t *testing.T, newKit UpstreamKit, screens []Screen) {
	t.Helper()
	keep := func(*upstream.Config) {}
	table := map[string]map[string]string{}
	width := len("screen")
	for _, s := range screens {
		width = max(width, len(s.Name))
		healthy := Decode(t, s.post(t, newKit(t, keep)))
		if len(healthy.Errors) > 0 {
			t.Fatalf("%s with every service up: errors %+v", s.Name, healthy.Errors)
		}
		table[s.Name] = map[string]string{}
		for _, service := range demo.Names() {
			t.Run(s.Name+"/"+service+" down", func(t *testing.T) {
				kit := newKit(t, keep, servicestest.WithFaults(service, ops.Faults{Down: true}))
				resp := s.post(t, kit)
				a := Decode(t, resp)
				rootNull := rootIsNull(a.Data, s.Root)
				table[s.Name][service] = fmt.Sprintf("%d/%s", resp.Status, map[bool]string{true: "null", false: "data"}[rootNull])

				wantStatus, wantNull := http.StatusOK, service == s.RootService
				if wantNull {
					wantStatus = http.StatusServiceUnavailable
				}
				if resp.Status != wantStatus || rootNull != wantNull {
					t.Errorf("status %d, %s null: %v; want %d, %v\n%s", resp.Status, s.Root, rootNull, wantStatus, wantNull, resp.Body)
				}
				var paths [][]any
				for _, e := range a.Errors {
					// Many calls to one service open its breaker (production
					// settings here): later calls fail fast.
					if code := e.Extensions["code"]; e.Extensions["service"] != service || code != "UPSTREAM_UNAVAILABLE" && code != "CIRCUIT_OPEN" {
						t.Errorf("error %q at %v: %v, want UPSTREAM_UNAVAILABLE or CIRCUIT_OPEN of %s", e.Message, e.Path, e.Extensions, service)
					}
					paths = append(paths, e.Path)
				}
				if !wantNull {
					assertRestOfScreen(t, healthy.Data, a.Data, paths)
				}
				AssertNoLeak(t, resp.Body)
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", width+2, "screen")
	for _, service := range demo.Names() {
		fmt.Fprintf(&b, " %-10s", service)
	}
	for _, s := range screens {
		fmt.Fprintf(&b, "\n%-*s", width+2, s.Name)
		for _, service := range demo.Names() {
			fmt.Fprintf(&b, " %-10s", table[s.Name][service])
		}
	}
	t.Logf("status/root by screen and service down:\n%s", b.String())
}

// rootIsNull reports whether data is null or its field root is.
func rootIsNull(data json.RawMessage, root string) bool {
	var roots map[string]json.RawMessage
	if err := json.Unmarshal(data, &roots); err != nil || roots == nil {
		return true
	}
	v, ok := roots[root]
	return !ok || string(v) == "null"
}

// assertRestOfScreen fails t unless got is healthy everywhere but at paths
// (the errors' paths): what an error nulled or emptied is set aside in both,
// and the rest must be equal. A failure that nulled a parent of an error's
// path (null propagation) shows as a difference.
func assertRestOfScreen(t testing.TB, healthy, got json.RawMessage, paths [][]any) {
	t.Helper()
	var h, g any
	if err := json.Unmarshal(healthy, &h); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		setAside(h, p)
		setAside(g, p)
	}
	hj, _ := json.Marshal(h)
	gj, _ := json.Marshal(g)
	if !bytes.Equal(hj, gj) {
		t.Errorf("the rest of the screen differs from the healthy answer (errors set aside)\n got: %s\nwant: %s", gj, hj)
	}
}

// setAside replaces the value at path in v with a marker, if v has it.
func setAside(v any, path []any) {
	for i, step := range path {
		last := i == len(path)-1
		switch node := v.(type) {
		case map[string]any:
			key, ok := step.(string)
			if _, has := node[key]; !ok || !has {
				return
			}
			if last {
				node[key] = "<failed>"
				return
			}
			v = node[key]
		case []any:
			f, ok := step.(float64)
			if !ok || int(f) < 0 || int(f) >= len(node) {
				return
			}
			if last {
				node[int(f)] = "<failed>"
				return
			}
			v = node[int(f)]
		default:
			return
		}
	}
}

// BadInputCase is an argument out of range for a field that degrades, and
// the error it must still get.
type BadInputCase struct {
	Name    string
	Service string // the upstream the field reads; it must get no call
	Query   string
	Data    string // the exact data, the error nulling the nearest nullable parent
	Path    string // of the BAD_USER_INPUT error (JSON)
	Message string
}

// RunBadInputCases holds that only upstream failures degrade: an argument
// out of range is the client's mistake and fails the field as it always
// did (BAD_USER_INPUT at its path), with its service up and down, and the
// service gets no call. An empty list must not pass for "none".
func RunBadInputCases(t *testing.T, newKit UpstreamKit, cases []BadInputCase) {
	t.Helper()
	keep := func(*upstream.Config) {}
	for _, tc := range cases {
		for _, state := range []string{"up", "down"} {
			t.Run(tc.Name+"/"+tc.Service+" "+state, func(t *testing.T) {
				var opts []servicestest.Option
				if state == "down" {
					opts = append(opts, servicestest.WithFaults(tc.Service, ops.Faults{Down: true}))
				}
				kit := newKit(t, keep, opts...)
				CheckAnswer(t, kit.Post(t, tc.Query, nil), http.StatusOK, tc.Data,
					ErrorAt(tc.Path, "BAD_USER_INPUT", "", tc.Message))
				if n := kit.Calls(tc.Service); n != 0 {
					t.Errorf("%s calls = %d, want none for a bad argument", tc.Service, n)
				}
			})
		}
	}
}
