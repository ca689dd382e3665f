package graph_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

func TestEdgeRejections(t *testing.T) {
	kit := graphtest.New(t)
	const json = "application/json"
	nested := strings.Repeat("{ orders { edges { node ", 40) + "{ id }" + strings.Repeat(" } } }", 40)
	fanOut := "query { ...F30 } fragment F0 on Query { orders(first: 1) { totalCount } }"
	for i := 1; i <= 30; i++ {
		fanOut += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	cases := []bfftest.EdgeCase{
		{Name: "deep nesting", Body: bfftest.GQLBody(nested, nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "deep nesting, application/json", Accept: json, Body: bfftest.GQLBody(nested, nil, nil), WantStatus: 200, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "1 MB query", Body: bfftest.GQLBody("{ "+strings.Repeat("id ", 340_000)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "body over MAX_BODY_BYTES", Body: bfftest.GQLBody("{ "+strings.Repeat("id ", 400_000)+"}", nil, nil), WantStatus: 413, WantCode: "BAD_REQUEST"},
		{Name: "10,000 aliases", Body: bfftest.GQLBody("{ "+bfftest.Repeat("a%d: __typename ", 10_000)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "40 aliases", Body: bfftest.GQLBody("{ "+bfftest.Repeat("a%d: __typename ", 40)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "fragment cycle", Body: bfftest.GQLBody("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "fragment spreading itself", Body: bfftest.GQLBody("query { ...A } fragment A on Query { orders { totalCount } ...A }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "exponential fragment fan-out", Body: bfftest.GQLBody(fanOut, nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "too many fragments", Body: bfftest.GQLBody("{ __typename }"+bfftest.Repeat(" fragment F%d on Query { __typename }", 60), nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "too many operations", Body: bfftest.GQLBody(bfftest.Repeat("query Q%d { __typename } ", 6), nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "too many directives", Body: bfftest.GQLBody("{ __typename "+strings.Repeat("@include(if: true) ", 60)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "too many root fields", Body: bfftest.GQLBody("{ "+strings.Repeat("orders { totalCount } ", 11)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "huge first, 32 bits", Body: bfftest.GQLBody("{ orders(first: 2147483647) { totalCount } }", nil, nil), WantStatus: 200, WantCode: "BAD_USER_INPUT", Executed: true},
		// gqlgen accepts a 64-bit literal (its Int is a Go int); the resolver refuses the page size.
		{Name: "64-bit int literal", Body: bfftest.GQLBody("{ orders(first: 9223372036854775807) { totalCount } }", nil, nil), WantStatus: 200, WantCode: "BAD_USER_INPUT", Executed: true},
		{Name: "64-bit int variable", Body: bfftest.GQLBody("query($n: Int) { orders(first: $n) { totalCount } }", map[string]any{"n": int64(1) << 40}, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "int variable beyond 64 bits", Body: `{"query":"query($n: Int) { orders(first: $n) { totalCount } }","variables":{"n":1e30}}`, WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "variables too large", Body: bfftest.GQLBody("query($s: String) { customers(search: $s) { totalCount } }", map[string]any{"s": strings.Repeat("x", 70_000)}, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "variable list too long", Body: bfftest.GQLBody("query($x: [Int]) { __typename }", map[string]any{"x": make([]int, 101)}, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "unknown persisted id", Body: bfftest.GQLBody("", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("ab", 32)}}), WantStatus: 404, WantCode: "PERSISTED_QUERY_NOT_FOUND"},
		{Name: "persisted id not matching its text", Body: bfftest.GQLBody("{ __typename }", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("ab", 32)}}), WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "persisted query malformed", Body: bfftest.GQLBody("{ __typename }", nil, map[string]any{"persistedQuery": "x"}), WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "malformed JSON", Body: `{"query": "{ orders { totalCount } }"`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "JSON not an object", Body: `"{ orders { totalCount } }"`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "query not a string", Body: `{"query": 42}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "variables not an object", Body: `{"query": "{ __typename }", "variables": [1, 2]}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "empty body", Body: ``, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "invalid UTF-8 in the document", Body: "{\"query\": \"{ orders { totalCount \xff\xfe } }\"}", WantStatus: 400, WantCode: "GRAPHQL_PARSE_FAILED"},
		{Name: "invalid UTF-8 outside strings", Body: "{\"query\": \"{ __typename }\" \xff}", WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "document does not parse", Body: bfftest.GQLBody("{ orders { totalCount ", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_PARSE_FAILED"},
		{Name: "no document", Body: `{}`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "unknown operation name", Body: `{"query": "query A { __typename }", "operationName": "B"}`, WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "unknown field", Body: bfftest.GQLBody("{ ordrs { totalCount } }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "unknown field, application/json", Accept: json, Body: bfftest.GQLBody("{ ordrs { totalCount } }", nil, nil), WantStatus: 200, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "unknown argument", Body: bfftest.GQLBody("{ orders(frist: 1) { totalCount } }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "subscription", Body: bfftest.GQLBody("subscription { orders { totalCount } }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "batched array", Body: `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "text/plain (CSRF simple request)", ContentType: "text/plain", Body: bfftest.GQLBody(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`, nil, nil), WantStatus: 415, WantCode: "BAD_REQUEST"},
		{Name: "form", ContentType: "application/x-www-form-urlencoded", Body: "query=%7B__typename%7D", WantStatus: 415, WantCode: "BAD_REQUEST"},
		{Name: "multipart", ContentType: "multipart/form-data; boundary=x", Body: "--x\r\n\r\n--x--", WantStatus: 415, WantCode: "BAD_REQUEST"},
		{Name: "application/graphql", ContentType: "application/graphql", Body: "{ __typename }", WantStatus: 415, WantCode: "BAD_REQUEST"},
		{Name: "no content type", ContentType: "-", Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 415, WantCode: "BAD_REQUEST"},
		{Name: "PUT", Method: http.MethodPut, Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "DELETE", Method: http.MethodDelete, WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "PATCH", Method: http.MethodPatch, Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "OPTIONS preflight without an allow-list", Method: http.MethodOptions, Header: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "GET mutation", Method: http.MethodGet, Target: "/graphql?query=" + url.QueryEscape(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`), WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "GET mutation by operation name", Method: http.MethodGet, Target: "/graphql?operationName=M&query=" + url.QueryEscape(`query Q { __typename } mutation M { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`), WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "GET undecodable query string", Method: http.MethodGet, Target: "/graphql?query=%zz", WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "GET undecodable variables", Method: http.MethodGet, Target: "/graphql?query=%7B__typename%7D&variables=%7B%22a", WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "Accept neither JSON type", Accept: "text/html", Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 406, WantCode: "BAD_REQUEST"},
		{Name: "cross-site POST (CSRF)", Header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, Body: bfftest.GQLBody(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELLED}) { order { id } } }`, nil, nil), WantStatus: 403, WantCode: "FORBIDDEN"},
		{Name: "forged token", Header: map[string]string{"Authorization": "Bearer not.a.token"}, Body: bfftest.GQLBody("{ orders { totalCount } }", nil, nil), WantStatus: 401, WantCode: "UNAUTHENTICATED"},
	}
	bfftest.RunEdgeCases(t, kit, append(cases, bfftest.StrictBodyCases()...))
}

// TestProductionIntrospection: a BFF configured for production refuses
// introspection, and its validation errors suggest nothing.
func TestProductionIntrospection(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Env = "production"
		c.Server.Introspection, c.Server.Playground = false, false
	})
	bfftest.RunEdgeCases(t, kit, []bfftest.EdgeCase{
		{Name: "__schema", Body: bfftest.GQLBody("{ __schema { types { name } } }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "__type", Body: bfftest.GQLBody(`{ __type(name: "Order") { fields { name } } }`, nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "__schema over GET", Method: http.MethodGet, Target: "/graphql?query=" + url.QueryEscape("{ __schema { queryType { name } } }"), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "unknown field suggests nothing", Body: bfftest.GQLBody("{ ordrs { totalCount } }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "unknown enum value suggests nothing", Body: bfftest.GQLBody(`mutation { updateOrderStatus(input: {orderId: "ord_00001", status: CANCELED}) { order { id } } }`, nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
	})
}

// BenchmarkRejections measures what refusing a hostile request costs.
func BenchmarkRejections(b *testing.B) {
	kit := graphtest.New(b)
	fanOut := "query { ...F30 } fragment F0 on Query { orders(first: 1) { totalCount } }"
	for i := 1; i <= 30; i++ {
		fanOut += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	for _, c := range []bfftest.EdgeCase{
		{Name: "1MB", Body: bfftest.GQLBody("{ "+strings.Repeat("id ", 340_000)+"}", nil, nil)},
		{Name: "10k-aliases", Body: bfftest.GQLBody("{ "+bfftest.Repeat("a%d: __typename ", 10_000)+"}", nil, nil)},
		{Name: "deep", Body: bfftest.GQLBody(strings.Repeat("{ a ", 600)+strings.Repeat("} ", 600), nil, nil)},
		{Name: "fan-out", Body: bfftest.GQLBody(fanOut, nil, nil)},
		{Name: "cycle", Body: bfftest.GQLBody("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil, nil)},
		{Name: "batch", Body: `[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`},
	} {
		b.Run(c.Name, func(b *testing.B) {
			for b.Loop() {
				if resp := kit.Do(c.Request(b)); resp.Status < 400 {
					b.Fatalf("accepted: %d", resp.Status)
				}
			}
		})
	}
}
