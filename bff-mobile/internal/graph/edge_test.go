package graph_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

func TestEdgeRejections(t *testing.T) {
	kit := graphtest.New(t)
	fanOut := "query { ...F30 } fragment F0 on Query { products(first: 1) { totalCount } }"
	for i := 1; i <= 30; i++ {
		fanOut += fmt.Sprintf(" fragment F%d on Query { ...F%d ...F%d }", i, i-1, i-1)
	}
	bfftest.RunEdgeCases(t, kit, append([]bfftest.EdgeCase{
		{Name: "deep nesting", Body: bfftest.GQLBody(strings.Repeat("{ a ", 40)+strings.Repeat("} ", 40), nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "1 MB query", Body: bfftest.GQLBody("{ "+strings.Repeat("id ", 340_000)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "10,000 aliases", Body: bfftest.GQLBody("{ "+bfftest.Repeat("a%d: __typename ", 10_000)+"}", nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "fragment cycle", Body: bfftest.GQLBody("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }", nil, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "exponential fragment fan-out", Body: bfftest.GQLBody(fanOut, nil, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "huge first", Body: bfftest.GQLBody("{ products(first: 2147483647) { totalCount } }", nil, nil), WantStatus: 200, WantCode: "BAD_USER_INPUT", Executed: true},
		{Name: "64-bit int variable", Body: bfftest.GQLBody("query($n: Int) { products(first: $n) { totalCount } }", map[string]any{"n": int64(1) << 40}, nil), WantStatus: 400, WantCode: "GRAPHQL_VALIDATION_FAILED"},
		{Name: "variables too large", Body: bfftest.GQLBody("query($s: String) { products(search: $s) { totalCount } }", map[string]any{"s": strings.Repeat("x", 70_000)}, nil), WantStatus: 400, WantCode: "QUERY_LIMIT_EXCEEDED"},
		{Name: "unknown persisted id", Body: bfftest.GQLBody("", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("cd", 32)}}), WantStatus: 404, WantCode: "PERSISTED_QUERY_NOT_FOUND"},
		{Name: "malformed JSON", Body: `{"query": `, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "invalid UTF-8", Body: "{\"query\": \"{ products { totalCount \xff } }\"}", WantStatus: 400, WantCode: "GRAPHQL_PARSE_FAILED"},
		{Name: "batched array", Body: `[{"query": "{ __typename }"}]`, WantStatus: 400, WantCode: "BAD_REQUEST"},
		{Name: "text/plain", ContentType: "text/plain", Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 415, WantCode: "BAD_REQUEST"},
		{Name: "PUT", Method: http.MethodPut, Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "GET mutation", Method: http.MethodGet, Target: "/graphql?query=mutation%7B__typename%7D", WantStatus: 405, WantCode: "BAD_REQUEST"},
		{Name: "body over MAX_BODY_BYTES", Body: bfftest.GQLBody("{ "+strings.Repeat("id ", 400_000)+"}", nil, nil), WantStatus: 413, WantCode: "BAD_REQUEST"},
		{Name: "Accept neither JSON type", Accept: "application/xml", Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 406, WantCode: "BAD_REQUEST"},
		{Name: "cross-site POST (CSRF)", Header: map[string]string{"Sec-Fetch-Site": "cross-site"}, Body: bfftest.GQLBody("{ __typename }", nil, nil), WantStatus: 403, WantCode: "FORBIDDEN"},
	}, bfftest.StrictBodyCases()...))
}

// TestProductionEdge: bff-mobile in production runs trusted documents only
// and answers no introspection.
func TestProductionEdge(t *testing.T) {
	kit := graphtest.NewWithConfig(t, func(c *config.Config) {
		c.Env = "production"
		c.Server.Introspection, c.Server.Playground = false, false
		c.Persisted.TrustedOnly = true
	})
	bfftest.RunEdgeCases(t, kit, []bfftest.EdgeCase{
		{Name: "unknown persisted id", Body: bfftest.GQLBody("", nil, map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("cd", 32)}}), WantStatus: 400, WantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
		{Name: "free-form document", Body: bfftest.GQLBody("{ products(first: 1) { totalCount } }", nil, nil), WantStatus: 400, WantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
		{Name: "introspection", Body: bfftest.GQLBody("{ __schema { types { name } } }", nil, nil), WantStatus: 400, WantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
		{Name: "free-form document, application/json", Accept: "application/json", Body: bfftest.GQLBody("{ me { id } }", nil, nil), WantStatus: 200, WantCode: "PERSISTED_QUERY_NOT_IN_LIST"},
	})
}
