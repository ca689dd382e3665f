package gqlserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

func gqlErrors(codes ...string) gqlerror.List {
	var list gqlerror.List
	for _, c := range codes {
		list = append(list, &gqlerror.Error{Message: "failed", Extensions: map[string]any{"code": c, "service": "reviews"}})
	}
	return list
}

func TestStatusMapper(t *testing.T) {
	tests := []struct {
		name       string
		mapper     gqlserver.StatusMapper
		data       string
		codes      []string
		preset     int // a status set before, e.g. by the authorization rules
		wantStatus int
		wantRetry  string
	}{
		{name: "no errors", data: `{"product":{"id":"prd_0001"}}`, wantStatus: 200},
		{name: "no errors, null data", data: `{"product":null}`, wantStatus: 200},
		{name: "partial data stays 200", data: `{"product":{"id":"prd_0001","rating":null}}`, codes: []string{"UPSTREAM_UNAVAILABLE"}, wantStatus: 200},
		{name: "one root of two answered", data: `{"a":null,"b":{"id":"1"}}`, codes: []string{"UPSTREAM_TIMEOUT"}, wantStatus: 200},
		{name: "false is data", data: `{"ok":false}`, codes: []string{"UPSTREAM_UNAVAILABLE"}, wantStatus: 200},
		{name: "unavailable, data null", data: `null`, codes: []string{"UPSTREAM_UNAVAILABLE"}, wantStatus: 503, wantRetry: "1"},
		{name: "unavailable, data absent", codes: []string{"UPSTREAM_UNAVAILABLE"}, wantStatus: 503, wantRetry: "1"},
		{name: "unavailable, every root null", data: `{"a":null, "b": null}`, codes: []string{"UPSTREAM_UNAVAILABLE", "UPSTREAM_UNAVAILABLE"}, wantStatus: 503, wantRetry: "1"},
		{name: "circuit open", data: `{"a":null}`, codes: []string{"CIRCUIT_OPEN"}, wantStatus: 503, wantRetry: "5"},
		{name: "circuit open, cool-down configured", mapper: gqlserver.StatusMapper{CircuitRetryAfter: 10 * time.Second}, data: `{"a":null}`, codes: []string{"CIRCUIT_OPEN"}, wantStatus: 503, wantRetry: "10"},
		{name: "unavailable and circuit open: the longer wait", mapper: gqlserver.StatusMapper{RetryAfter: 3 * time.Second, CircuitRetryAfter: 2 * time.Second}, data: `{"a":null,"b":null}`, codes: []string{"UPSTREAM_UNAVAILABLE", "CIRCUIT_OPEN"}, wantStatus: 503, wantRetry: "3"},
		{name: "retry-after rounds up to whole seconds", mapper: gqlserver.StatusMapper{RetryAfter: 1500 * time.Millisecond}, data: `null`, codes: []string{"UPSTREAM_UNAVAILABLE"}, wantStatus: 503, wantRetry: "2"},
		{name: "only timeouts", data: `{"a":null,"b":null}`, codes: []string{"UPSTREAM_TIMEOUT", "UPSTREAM_TIMEOUT"}, wantStatus: 504},
		{name: "timeout and unavailable", data: `null`, codes: []string{"UPSTREAM_TIMEOUT", "UPSTREAM_UNAVAILABLE"}, wantStatus: 503, wantRetry: "1"},
		{name: "bad response", data: `null`, codes: []string{"UPSTREAM_BAD_RESPONSE"}, wantStatus: 502},
		{name: "bad response and timeout", data: `null`, codes: []string{"UPSTREAM_BAD_RESPONSE", "UPSTREAM_TIMEOUT"}, wantStatus: 502},
		{name: "bad response and circuit open", data: `null`, codes: []string{"UPSTREAM_BAD_RESPONSE", "CIRCUIT_OPEN"}, wantStatus: 503, wantRetry: "5"},
		{name: "not found is an answer", data: `{"product":null}`, codes: []string{"NOT_FOUND"}, wantStatus: 200},
		{name: "an error of the client's keeps 200", data: `null`, codes: []string{"UPSTREAM_UNAVAILABLE", "BAD_USER_INPUT"}, wantStatus: 200},
		{name: "an internal error keeps 200", data: `null`, codes: []string{"INTERNAL_SERVER_ERROR", "UPSTREAM_TIMEOUT"}, wantStatus: 200},
		{name: "an error without a code keeps 200", data: `null`, codes: []string{""}, wantStatus: 200},
		{name: "an earlier status wins", data: `null`, codes: []string{"UPSTREAM_UNAVAILABLE"}, preset: 401, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := &graphql.Response{Errors: gqlErrors(tt.codes...)}
			if tt.data != "" {
				want.Data = json.RawMessage(tt.data)
			}
			h := gqlserver.Outcomes(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.preset != 0 {
					gqlserver.OutcomeFrom(r.Context()).SetStatus(tt.preset)
				}
				got := tt.mapper.InterceptResponse(r.Context(), func(context.Context) *graphql.Response { return want })
				if got != want {
					t.Error("the response was replaced")
				}
				_ = json.NewEncoder(w).Encode(got)
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, post())
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.wantRetry {
				t.Errorf("Retry-After = %q, want %q", got, tt.wantRetry)
			}
		})
	}
}

func TestStatusMapperEndOfStream(t *testing.T) {
	ctx, o := gqlserver.WithOutcome(t.Context())
	if resp := (gqlserver.StatusMapper{}).InterceptResponse(ctx, func(context.Context) *graphql.Response { return nil }); resp != nil {
		t.Errorf("response = %v, want nil", resp)
	}
	if o.Status() != 0 {
		t.Errorf("status = %d, want none", o.Status())
	}
}

// TestStatusMapperInGQLGen runs the extension inside a gqlgen server behind
// Outcomes, as NewMux serves it.
func TestStatusMapperInGQLGen(t *testing.T) {
	upstreamDown := func(context.Context, error) *gqlerror.Error {
		return &gqlerror.Error{Message: "the reviews service is unavailable",
			Extensions: map[string]any{"code": "UPSTREAM_UNAVAILABLE", "service": "reviews"}}
	}
	tests := []struct {
		name       string
		srv        *testserver.TestServer
		wantStatus int
		wantRetry  string
		wantBody   string
	}{
		{"data answered", testserver.New(), 200, "", `{"data":{"name":"test"}}`},
		{"nothing usable, upstream down", testserver.NewError(), 503, "1",
			`{"errors":[{"message":"the reviews service is unavailable","extensions":{"code":"UPSTREAM_UNAVAILABLE","service":"reviews"}}],"data":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.srv.AddTransport(transport.POST{})
			tt.srv.SetErrorPresenter(upstreamDown)
			tt.srv.Use(gqlserver.StatusMapper{})
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ name }"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			gqlserver.Outcomes(tt.srv).ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || rec.Header().Get("Retry-After") != tt.wantRetry {
				t.Errorf("status = %d, Retry-After %q; want %d, %q", rec.Code, rec.Header().Get("Retry-After"), tt.wantStatus, tt.wantRetry)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != tt.wantBody {
				t.Errorf("body = %s\nwant %s", got, tt.wantBody)
			}
		})
	}
}
