package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
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
	const json = "application/json"
	nested := strings.Repeat("{ orders { edges { node ", 40) + "{ id }" + strings.Repeat(" } } }", 40)
	fanOut := "query { ...F30 } fragment F0 on Query { orders(first: 1) { totalCount } }"
	for i := 1; i <= 30; i++ {
		fanOut += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	cases := []edgeCase{
		{name: "deep nesting", body: gqlBody(nested, nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "deep nesting, application/json", accept: json, body: gqlBody(nested, nil, nil), wantStatus: 200, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "1 MB query", body: gqlBody("{ "+strings.Repeat("id ", 340_000)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "body over MAX_BODY_BYTES", body: gqlBody("{ "+strings.Repeat("id ", 400_000)+"}", nil, nil), wantStatus: 413, wantCode: "BAD_REQUEST"},
		{name: "10,000 aliases", body: gqlBody("{ "+repeat("a%d: __typename ", 10_000)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "40 aliases", body: gqlBody("{ "+repeat("a%d: __typename ", 40)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "fragment cycle", body: gqlBody("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "fragment spreading itself", body: gqlBody("query { ...A } fragment A on Query { orders { totalCount } ...A }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "exponential fragment fan-out", body: gqlBody(fanOut, nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "too many fragments", body: gqlBody("{ __typename }"+repeat(" fragment F%d on Query { __typename }", 60), nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "too many operations", body: gqlBody(repeat("query Q%d { __typename } ", 6), nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "too many directives", body: gqlBody("{ __typename "+strings.Repeat("@include(if: true) ", 60)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "too many root fields", body: gqlBody("{ "+strings.Repeat("orders { totalCount } ", 11)+"}", nil, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "huge first, 32 bits", body: gqlBody("{ orders(first: 2147483647) { totalCount } }", nil, nil), wantStatus: 200, wantCode: "BAD_USER_INPUT", executed: true},
		// gqlgen accepts a 64-bit literal (its Int is a Go int); the resolver refuses the page size.
		{name: "64-bit int literal", body: gqlBody("{ orders(first: 9223372036854775807) { totalCount } }", nil, nil), wantStatus: 200, wantCode: "BAD_USER_INPUT", executed: true},
		{name: "64-bit int variable", body: gqlBody("query($n: Int) { orders(first: $n) { totalCount } }", map[string]any{"n": int64(1) << 40}, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "int variable beyond 64 bits", body: `{"query":"query($n: Int) { orders(first: $n) { totalCount } }","variables":{"n":1e30}}`, wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "variables too large", body: gqlBody("query($s: String) { customers(search: $s) { totalCount } }", map[string]any{"s": strings.Repeat("x", 70_000)}, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "variable list too long", body: gqlBody("query($x: [Int]) { __typename }", map[string]any{"x": make([]int, 101)}, nil), wantStatus: 400, wantCode: "QUERY_LIMIT_EXCEEDED"},
		{name: "unknown persisted id", body: gqlBody("", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("ab", 32)}}), wantStatus: 404, wantCode: "PERSISTED_QUERY_NOT_FOUND"},
		{name: "persisted id not matching its text", body: gqlBody("{ __typename }", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("ab", 32)}}), wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "persisted query malformed", body: gqlBody("{ __typename }", nil, map[string]any{"persistedQuery": "x"}), wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "malformed JSON", body: `{"query": "{ orders { totalCount } }"`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "JSON not an object", body: `"{ orders { totalCount } }"`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "query not a string", body: `{"query": 42}`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "variables not an object", body: `{"query": "{ __typename }", "variables": [1, 2]}`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "empty body", body: ``, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "invalid UTF-8 in the document", body: "{\"query\": \"{ orders { totalCount \xff\xfe } }\"}", wantStatus: 400, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "invalid UTF-8 outside strings", body: "{\"query\": \"{ __typename }\" \xff}", wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "document does not parse", body: gqlBody("{ orders { totalCount ", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "no document", body: `{}`, wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown operation name", body: `{"query": "query A { __typename }", "operationName": "B"}`, wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown field", body: gqlBody("{ ordrs { totalCount } }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown field, application/json", accept: json, body: gqlBody("{ ordrs { totalCount } }", nil, nil), wantStatus: 200, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown argument", body: gqlBody("{ orders(frist: 1) { totalCount } }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "subscription", body: gqlBody("subscription { orders { totalCount } }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "batched array", body: `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`, wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "text/plain (CSRF simple request)", contentType: "text/plain", body: gqlBody(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`, nil, nil), wantStatus: 415, wantCode: "BAD_REQUEST"},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: "query=%7B__typename%7D", wantStatus: 415, wantCode: "BAD_REQUEST"},
		{name: "multipart", contentType: "multipart/form-data; boundary=x", body: "--x\r\n\r\n--x--", wantStatus: 415, wantCode: "BAD_REQUEST"},
		{name: "application/graphql", contentType: "application/graphql", body: "{ __typename }", wantStatus: 415, wantCode: "BAD_REQUEST"},
		{name: "no content type", contentType: "-", body: gqlBody("{ __typename }", nil, nil), wantStatus: 415, wantCode: "BAD_REQUEST"},
		{name: "PUT", method: http.MethodPut, body: gqlBody("{ __typename }", nil, nil), wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "DELETE", method: http.MethodDelete, wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "PATCH", method: http.MethodPatch, body: gqlBody("{ __typename }", nil, nil), wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "OPTIONS preflight without an allow-list", method: http.MethodOptions, header: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "GET mutation", method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`), wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "GET mutation by operation name", method: http.MethodGet, target: "/graphql?operationName=M&query=" + url.QueryEscape(`query Q { __typename } mutation M { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`), wantStatus: 405, wantCode: "BAD_REQUEST"},
		{name: "GET undecodable query string", method: http.MethodGet, target: "/graphql?query=%zz", wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "GET undecodable variables", method: http.MethodGet, target: "/graphql?query=%7B__typename%7D&variables=%7B%22a", wantStatus: 400, wantCode: "BAD_REQUEST"},
		{name: "Accept neither JSON type", accept: "text/html", body: gqlBody("{ __typename }", nil, nil), wantStatus: 406, wantCode: "BAD_REQUEST"},
		{name: "cross-site POST (CSRF)", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, body: gqlBody(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`, nil, nil), wantStatus: 403, wantCode: "FORBIDDEN"},
		{name: "forged token", header: map[string]string{"Authorization": "Bearer not.a.token"}, body: gqlBody("{ orders { totalCount } }", nil, nil), wantStatus: 401, wantCode: "UNAUTHENTICATED"},
	}
	runEdgeCases(t, kit, cases)
}

// TestProductionIntrospection: a BFF configured for production refuses
// introspection, and its validation errors suggest nothing.
func TestProductionIntrospection(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Env = "production"
		c.Server.Introspection, c.Server.Playground = false, false
	})
	runEdgeCases(t, kit, []edgeCase{
		{name: "__schema", body: gqlBody("{ __schema { types { name } } }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "__type", body: gqlBody(`{ __type(name: "Order") { fields { name } } }`, nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "__schema over GET", method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape("{ __schema { queryType { name } } }"), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown field suggests nothing", body: gqlBody("{ ordrs { totalCount } }", nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown enum value suggests nothing", body: gqlBody(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELED}) { order { id } } }`, nil, nil), wantStatus: 400, wantCode: "GRAPHQL_VALIDATION_FAILED"},
	})
}

// BenchmarkRejections measures what refusing a hostile request costs.
func BenchmarkRejections(b *testing.B) {
	kit := graphtest.New(b)
	fanOut := "query { ...F30 } fragment F0 on Query { orders(first: 1) { totalCount } }"
	for i := 1; i <= 30; i++ {
		fanOut += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	for _, c := range []edgeCase{
		{name: "1MB", body: gqlBody("{ "+strings.Repeat("id ", 340_000)+"}", nil, nil)},
		{name: "10k-aliases", body: gqlBody("{ "+repeat("a%d: __typename ", 10_000)+"}", nil, nil)},
		{name: "deep", body: gqlBody(strings.Repeat("{ a ", 600)+strings.Repeat("} ", 600), nil, nil)},
		{name: "fan-out", body: gqlBody(fanOut, nil, nil)},
		{name: "cycle", body: gqlBody("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil, nil)},
		{name: "batch", body: `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if resp := kit.Do(c.request(b)); resp.Status < 400 {
					b.Fatalf("accepted: %d", resp.Status)
				}
			}
		})
	}
}
