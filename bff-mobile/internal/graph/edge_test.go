package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// edgeCase is one hostile or malformed request and the answer it must get.
type edgeCase struct {
	name        string
	method      string // POST when empty
	target      string // /graphql when empty
	contentType string // application/json for POST when empty; "-" for none
	accept      string // application/graphql-response+json when empty; "-" for none
	header      map[string]string
	body        string
	wantStatus  int
	wantCode    string // extensions.code of the first error
	executed    bool   // the operation ran (refused by a resolver): "data" may be present
}

// gqlBody is a POST body for query with variables and extensions.
func gqlBody(query string, vars, ext map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars, "extensions": ext})
	return string(b)
}

func repeat(format string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

func (c edgeCase) request(t testing.TB) *http.Request {
	method, target := c.method, c.target
	if method == "" {
		method = http.MethodPost
	}
	if target == "" {
		target = "/graphql"
	}
	req := httptest.NewRequestWithContext(t.Context(), method, target, strings.NewReader(c.body))
	switch {
	case c.contentType == "" && method == http.MethodPost:
		req.Header.Set("Content-Type", "application/json")
	case c.contentType != "" && c.contentType != "-":
		req.Header.Set("Content-Type", c.contentType)
	}
	switch c.accept {
	case "":
		req.Header.Set("Accept", "application/graphql-response+json")
	case "-":
	default:
		req.Header.Set("Accept", c.accept)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	return req
}

// leaks are what no answer may contain.
var edgeLeaks = []string{"127.0.0.1", "http://", "goroutine", ".go:", "Did you mean", "panic"}

// runEdgeCases sends every case to kit's real handler and checks status,
// code, no upstream call, no internal detail and no echo of the body.
func runEdgeCases(t *testing.T, kit *bfftest.Kit, cases []edgeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kit.ResetCalls()
			resp := kit.Do(c.request(t))
			if resp.Status != c.wantStatus {
				t.Errorf("status %d, want %d", resp.Status, c.wantStatus)
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
			if len(body.Errors) == 0 || body.Errors[0].Extensions.Code != c.wantCode {
				t.Errorf("errors %+v, want first code %s\n%.300s", body.Errors, c.wantCode, resp.Body)
			}
			if _, ok := raw["data"]; ok && !c.executed {
				t.Errorf("a data entry in an answer to a request that never ran: %.300s", resp.Body)
			}
			if calls := kit.CallsByService(); len(calls) != 0 {
				t.Errorf("upstream calls %v, want none", calls)
			}
			for _, leak := range edgeLeaks {
				if bytes.Contains(resp.Body, []byte(leak)) {
					t.Errorf("answer contains %q: %.300s", leak, resp.Body)
				}
			}
			if len(c.body) >= 48 && bytes.Contains(resp.Body, []byte(c.body[:48])) {
				t.Errorf("answer echoes the request body: %.300s", resp.Body)
			}
		})
	}
}

func TestEdgeRejections(t *testing.T) {
	kit := graphtest.New(t)
	fanOut := "query { ...F30 } fragment F0 on Query { products(first: 1) { totalCount } }"
	for i := 1; i <= 30; i++ {
		fanOut += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	runEdgeCases(t, kit, []edgeCase{
		{name: "deep nesting", body: gqlBody(strings.Repeat("{ a ", 40)+strings.Repeat("} ", 40), nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "1 MB query", body: gqlBody("{ "+strings.Repeat("id ", 340_000)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "10,000 aliases", body: gqlBody("{ "+repeat("a%d: __typename ", 10_000)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "fragment cycle", body: gqlBody("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "exponential fragment fan-out", body: gqlBody(fanOut, nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "huge first", body: gqlBody("{ products(first: 2147483647) { totalCount } }", nil, nil), wantStatus: 200, wantCode: "BAD_USER_INPUT", executed: true},
		{name: "64-bit int variable", body: gqlBody("query($n: Int) { products(first: $n) { totalCount } }", map[string]any{"n": int64(1) << 40}, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variables too large", body: gqlBody("query($s: String) { products(search: $s) { totalCount } }", map[string]any{"s": strings.Repeat("x", 70_000)}, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "unknown persisted id", body: gqlBody("", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("cd", 32)}}), wantStatus: 404, wantCode: "PERSISTED_QUERY_NOT_FOUND"},
		{name: "malformed JSON", body: `{"query": `, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "invalid UTF-8", body: "{\"query\": \"{ products { totalCount \xff } }\"}", wantStatus: 400, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "batched array", body: `[{"query": "{ __typename }"}]`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "text/plain", contentType: "text/plain", body: gqlBody("{ __typename }", nil, nil), wantStatus: 415, wantCode: "BAD_REQUEST"},
		{name: "PUT", method: http.MethodPut, body: gqlBody("{ __typename }", nil, nil), wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "GET mutation", method: http.MethodGet, target: "/graphql?query=mutation%7B__typename%7D", wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "body over MAX_BODY_BYTES", body: gqlBody("{ "+strings.Repeat("id ", 400_000)+"}", nil, nil), wantStatus: 413, wantCode: "BAD_REQUEST"},
		{name: "Accept neither JSON type", accept: "application/xml", body: gqlBody("{ __typename }", nil, nil), wantStatus: 406, wantCode: "BAD_REQUEST"},
		{name: "cross-site POST (CSRF)", header: map[string]string{"Sec-Fetch-Site": "cross-site"}, body: gqlBody("{ __typename }", nil, nil), wantStatus: 403, wantCode: "FORBIDDEN"},
	})
}

// TestProductionEdge: bff-mobile in production runs trusted documents only
// and answers no introspection.
func TestProductionEdge(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Env = "production"
		c.Server.Introspection, c.Server.Playground = false, false
		c.Persisted.TrustedOnly = true
	})
	runEdgeCases(t, kit, []edgeCase{
		{name: "unknown persisted id", body: gqlBody("", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("cd", 32)}}), wantStatus: 400, wantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
		{name: "free-form document", body: gqlBody("{ products(first: 1) { totalCount } }", nil, nil), wantStatus: 400, wantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
		{name: "introspection", body: gqlBody("{ __schema { types { name } } }", nil, nil), wantStatus: 400, wantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
		{name: "free-form document, application/json", accept: "application/json", body: gqlBody("{ me { id } }", nil, nil), wantStatus: 200, wantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
	})
}
