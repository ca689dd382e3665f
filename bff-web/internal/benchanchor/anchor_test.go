package benchanchor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/benchanchor"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
)

// queryBody is the JSON body of a GraphQL request of query.
func queryBody(tb testing.TB, query string) []byte {
	tb.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		tb.Fatal(err)
	}
	return body
}

// serve sends body to h as the benchmark's client does: a JSON POST to
// /graphql.
func serve(ctx context.Context, h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// post sends query to h as the benchmark does.
func post(t *testing.T, h http.Handler, query string) *httptest.ResponseRecorder {
	t.Helper()
	return serve(t.Context(), h, queryBody(t, query))
}

// TestSameAnswerAsBFF holds the anchor to its purpose: for the benchmark's
// order list it answers byte for byte what bff-web answers the same admin
// over the same seed.
func TestSameAnswerAsBFF(t *testing.T) {
	d, err := benchanchor.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	kit := graphtest.New(t)
	kit.As(benchanchor.Caller.Subject, benchanchor.Caller.Roles...)
	want := kit.Post(t, app.ExampleQuery, nil)
	if want.Status != http.StatusOK || bytes.Contains(want.Body, []byte(`"errors"`)) {
		t.Fatalf("bff-web: status %d: %s", want.Status, want.Body)
	}

	got := post(t, benchanchor.NewHandler(d), app.ExampleQuery)
	if got.Code != http.StatusOK {
		t.Fatalf("anchor: status %d: %s", got.Code, got.Body)
	}
	if !bytes.Equal(got.Body.Bytes(), want.Body) {
		t.Errorf("the anchor's answer differs from bff-web's\nanchor: %s\nbff-web: %s", got.Body, want.Body)
	}
}

func TestPages(t *testing.T) {
	d, err := benchanchor.Load(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Orders) != benchanchor.MaxOrders || d.TotalOrders <= benchanchor.MaxOrders {
		t.Fatalf("loaded %d of %d orders, want %d of more", len(d.Orders), d.TotalOrders, benchanchor.MaxOrders)
	}
	h := benchanchor.NewHandler(d)
	tests := []struct {
		name, query, want string
	}{
		{
			name:  "second page",
			query: `{ orders(first: 2, after: "bzE6MQ") { totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { id } } } }`,
			want: `{"data":{"orders":{"totalCount":` + itoa(d.TotalOrders) + `,"pageInfo":{"hasNextPage":true,"hasPreviousPage":true},` +
				`"edges":[{"cursor":"bzE6Mg","node":{"id":"` + d.Orders[2].ID + `"}},{"cursor":"bzE6Mw","node":{"id":"` + d.Orders[3].ID + `"}}]}}}`,
		},
		{
			name:  "not served",
			query: `{ customers(first: 1) { totalCount } }`,
			want:  `{"errors":[{"message":"benchanchor: field not served by the anchor","path":["customers"],"locations":[{"line":1,"column":3}]}],"data":null}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := post(t, h, tt.query).Body.String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
