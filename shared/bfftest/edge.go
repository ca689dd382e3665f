package bfftest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/servicestest"
)

// UpstreamSecret marks text only an upstream's answer holds (see Answering);
// it must never reach a client.
const UpstreamSecret = "upstream-secret-body-7c1f"

// Leaks are what no answer of a BFF may contain: internal addresses, Go
// error and dial texts, stacks, suggestions, fault-injection texts and
// upstream bodies.
var Leaks = []string{
	"127.0.0.1", "http://", "localhost", "dial tcp", "connection refused", "goroutine", ".go:", "panic",
	"Did you mean", "fault injection", "is down", UpstreamSecret, "invalid character", "unexpected EOF",
}

// AssertNoLeak fails t for each of Leaks that body contains.
func AssertNoLeak(t testing.TB, body []byte) {
	t.Helper()
	for _, s := range Leaks {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("the answer contains %q:\n%s", s, body)
		}
	}
}

// Answering replaces the named demo service with a handler that answers
// every request with status, body and the header name/value pairs.
func Answering(service string, status int, body string, header ...string) servicestest.Option {
	return servicestest.WithHandler(service, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
}

// EdgeCase is one hostile or malformed request to a BFF's GraphQL endpoint
// and the answer it must get (RunEdgeCases).
type EdgeCase struct {
	Name        string
	Method      string // POST when empty
	Target      string // /graphql when empty
	ContentType string // application/json for POST when empty; "-" for none
	Accept      string // application/graphql-response+json when empty; "-" for none
	Header      map[string]string
	Body        string
	WantStatus  int
	WantCode    string // extensions.code of the first error
	Executed    bool   // the operation ran (refused by a resolver): "data" may be present
	MaxBody     int    // when set, the answer's body must be at most this long
}

// StrictBodyCases are the edge cases every BFF answers alike for request
// bodies that are not one plain JSON request (docs/http.md): duplicate
// members, data after the request, a body that is no object, no query, and
// a name from the request quoted at length in an error.
func StrictBodyCases() []EdgeCase {
	longName := strings.Repeat("x", 500_000)
	return []EdgeCase{
		{Name: "duplicate query member", Body: `{"query":"{ __typename }","query":"{ __typename __typename }"}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "duplicate member in variables", Body: `{"query":"{ __typename }","variables":{"a":1,"a":2}}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "data after the request", Body: `{"query":"{ __typename }"} {"query":"{ __typename }"}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "null body", Body: `null`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "string body", Body: `"{ __typename }"`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "no query", Body: `{"variables":{}}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "empty query", Body: `{"query":""}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "GET without a query", Method: http.MethodGet, Target: "/graphql?operationName=A", WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "1 MB header", Header: map[string]string{"X-Padding": strings.Repeat("a", 1_000_000)}, Body: GQLBody("{ __typename }", nil, nil), WantStatus: 431, WantCode: "BAD_REQUEST"},
		{Name: "500 KB unknown field name", Body: GQLBody("{ "+longName+" }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED", MaxBody: 2048},
	}
}

// GQLBody is a POST body for query with variables and extensions.
func GQLBody(query string, vars, ext map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars, "extensions": ext})
	return string(b)
}

// Repeat writes format n times, with the index as its argument.
func Repeat(format string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// Request builds c's HTTP request.
func (c EdgeCase) Request(t testing.TB) *http.Request {
	method, target := c.Method, c.Target
	if method == "" {
		method = http.MethodPost
	}
	if target == "" {
		target = "/graphql"
	}
	req := httptest.NewRequestWithContext(t.Context(), method, target, strings.NewReader(c.Body))
	switch {
	case c.ContentType == "" && method == http.MethodPost:
		req.Header.Set("Content-Type", "application/json")
	case c.ContentType != "" && c.ContentType != "-":
		req.Header.Set("Content-Type", c.ContentType)
	}
	switch c.Accept {
	case "":
		req.Header.Set("Accept", "application/graphql-response+json")
	case "-":
	default:
		req.Header.Set("Accept", c.Accept)
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	return req
}

// RunEdgeCases sends every case to kit's real handler and checks status,
// code, no data entry unless executed, no upstream call, no internal detail
// (Leaks) and no echo of the body.
func RunEdgeCases(t *testing.T, kit *Kit, cases []EdgeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			kit.ResetCalls()
			resp := kit.Do(c.Request(t))
			if resp.Status != c.WantStatus {
				t.Errorf("status %d, want %d", resp.Status, c.WantStatus)
			}
			var body struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(resp.Body, &body); err != nil || json.Unmarshal(resp.Body, &raw) != nil {
				t.Fatalf("not a JSON object: %v\n%.300s", err, resp.Body)
			}
			if len(body.Errors) == 0 || body.Errors[0].Extensions.Code != c.WantCode {
				t.Errorf("errors %+v, want first code %s\n%.300s", body.Errors, c.WantCode, resp.Body)
			}
			if _, ok := raw["data"]; ok && !c.Executed {
				t.Errorf("a data entry in an answer to a request that never ran: %.300s", resp.Body)
			}
			if calls := kit.CallsByService(); len(calls) != 0 {
				t.Errorf("upstream calls %v, want none", calls)
			}
			AssertNoLeak(t, resp.Body)
			if c.MaxBody > 0 && len(resp.Body) > c.MaxBody {
				t.Errorf("answer of %d bytes, want at most %d: %.300s", len(resp.Body), c.MaxBody, resp.Body)
			}
			if len(c.Body) >= 48 && bytes.Contains(resp.Body, []byte(c.Body[:48])) {
				t.Errorf("answer echoes the request body: %.300s", resp.Body)
			}
		})
	}
}
