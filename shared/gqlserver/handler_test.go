package gqlserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

// stub is the GraphQL handler behind the checks: it records what reached it.
type stub struct {
	calls int
	body  string
	order string
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls++
	b, _ := io.ReadAll(r.Body)
	s.body = string(b)
	s.order = r.Header.Get("X-Order")
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"data":{"ok":true}}`)
}

func errBody(code, message string) string {
	return `{"errors":[{"message":"` + message + `","extensions":{"code":"` + code + `"}}]}`
}

func getURL(query, operationName string) string {
	v := url.Values{"query": {query}}
	if operationName != "" {
		v.Set("operationName", operationName)
	}
	return "/graphql?" + v.Encode()
}

func TestMux(t *testing.T) {
	const stubOK = `{"data":{"ok":true}}`
	playground := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "playground "+r.URL.Path)
	})
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		accept      string
		body        string
		playground  bool
		ready       func() bool

		wantStatus   int
		wantAllow    string
		wantLocation string
		wantCType    string
		wantBody     string
		wantStub     bool
	}{
		{
			name: "PUT rejected", method: http.MethodPut, target: "/graphql", contentType: "application/json", body: `{"query":"{ me { id } }"}`,
			wantStatus: http.StatusMethodNotAllowed, wantAllow: "GET, POST", wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "use GET for queries or POST"),
		},
		{
			name: "DELETE rejected", method: http.MethodDelete, target: "/graphql",
			wantStatus: http.StatusMethodNotAllowed, wantAllow: "GET, POST", wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "use GET for queries or POST"),
		},
		{
			name: "POST without content type", method: http.MethodPost, target: "/graphql", body: `{"query":"{ me { id } }"}`,
			wantStatus: http.StatusUnsupportedMediaType, wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "the request body must be application/json"),
		},
		{
			name: "POST form", method: http.MethodPost, target: "/graphql", contentType: "application/x-www-form-urlencoded", body: `query=%7Bme%7D`,
			wantStatus: http.StatusUnsupportedMediaType, wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "the request body must be application/json"),
		},
		{
			name: "POST graphql content type", method: http.MethodPost, target: "/graphql", contentType: "application/graphql", body: `{ me { id } }`,
			wantStatus: http.StatusUnsupportedMediaType, wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "the request body must be application/json"),
		},
		{
			name: "POST body over the cap", method: http.MethodPost, target: "/graphql", contentType: "application/json",
			body:       `{"query":"{ ` + strings.Repeat("a ", 40) + `}"}`,
			wantStatus: http.StatusRequestEntityTooLarge, wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "the request body is too large"),
		},
		{
			name: "POST body at the cap", method: http.MethodPost, target: "/graphql", contentType: "application/json; charset=utf-8",
			body:       `{"query":"{ me { id name } }"}` + strings.Repeat(" ", 64-len(`{"query":"{ me { id name } }"}`)),
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: stubOK, wantStub: true,
		},
		{
			name: "POST query", method: http.MethodPost, target: "/graphql", contentType: "application/json", body: `{"query":"{ me { id } }"}`,
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: stubOK, wantStub: true,
		},
		{
			name: "POST mutation", method: http.MethodPost, target: "/graphql", contentType: "application/json", body: `{"query":"mutation { a }"}`,
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: stubOK, wantStub: true,
		},
		{
			name: "GET mutation", method: http.MethodGet, target: getURL(`mutation { cancelOrder(id: "ord_00001") { id } }`, ""),
			wantStatus: http.StatusMethodNotAllowed, wantAllow: "POST", wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "only queries may be sent with GET; use POST"),
		},
		{
			name: "GET subscription", method: http.MethodGet, target: getURL(`subscription { ticks }`, ""),
			wantStatus: http.StatusMethodNotAllowed, wantAllow: "POST", wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "only queries may be sent with GET; use POST"),
		},
		{
			name: "GET named mutation among queries", method: http.MethodGet, target: getURL(`query A { me { id } } mutation B { a }`, "B"),
			wantStatus: http.StatusMethodNotAllowed, wantAllow: "POST", wantCType: "application/json",
			wantBody: errBody("BAD_REQUEST", "only queries may be sent with GET; use POST"),
		},
		{
			name: "GET named query beside a mutation", method: http.MethodGet, target: getURL(`query A { me { id } } mutation B { a }`, "A"),
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: stubOK, wantStub: true,
		},
		{
			name: "GET query", method: http.MethodGet, target: getURL(`{ me { id } }`, ""),
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: stubOK, wantStub: true,
		},
		{
			name: "GET unparseable document", method: http.MethodGet, target: getURL(`mutation {`, ""),
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: stubOK, wantStub: true,
		},
		{
			name: "healthz", method: http.MethodGet, target: "/healthz",
			wantStatus: http.StatusOK, wantCType: "text/plain; charset=utf-8", wantBody: "ok\n",
		},
		{
			name: "readyz without a Ready func", method: http.MethodGet, target: "/readyz",
			wantStatus: http.StatusOK, wantCType: "text/plain; charset=utf-8", wantBody: "ready\n",
		},
		{
			name: "readyz ready", method: http.MethodGet, target: "/readyz", ready: func() bool { return true },
			wantStatus: http.StatusOK, wantCType: "text/plain; charset=utf-8", wantBody: "ready\n",
		},
		{
			name: "readyz shutting down", method: http.MethodGet, target: "/readyz", ready: func() bool { return false },
			wantStatus: http.StatusServiceUnavailable, wantCType: "text/plain; charset=utf-8", wantBody: "shutting down\n",
		},
		{
			name: "unknown path", method: http.MethodGet, target: "/nope",
			wantStatus: http.StatusNotFound, wantCType: "application/json",
			wantBody: errBody("NOT_FOUND", "no such endpoint; GraphQL is served at /graphql"),
		},
		{
			name: "root from a browser without playground", method: http.MethodGet, target: "/", accept: "text/html,application/xhtml+xml",
			wantStatus: http.StatusNotFound, wantCType: "application/json",
			wantBody: errBody("NOT_FOUND", "no such endpoint; GraphQL is served at /graphql"),
		},
		{
			name: "root from a browser with playground", method: http.MethodGet, target: "/", accept: "text/html,application/xhtml+xml", playground: true,
			wantStatus: http.StatusFound, wantLocation: "/playground", wantCType: "text/html; charset=utf-8",
			wantBody: "<a href=\"/playground\">Found</a>.\n\n",
		},
		{
			name: "root from an API client with playground", method: http.MethodGet, target: "/", accept: "application/json", playground: true,
			wantStatus: http.StatusNotFound, wantCType: "application/json",
			wantBody: errBody("NOT_FOUND", "no such endpoint; GraphQL is served at /graphql"),
		},
		{
			name: "browser opening /graphql with playground", method: http.MethodGet, target: "/graphql", accept: "text/html,application/xhtml+xml,*/*;q=0.8", playground: true,
			wantStatus: http.StatusFound, wantLocation: "/playground", wantCType: "text/html; charset=utf-8",
			wantBody: "<a href=\"/playground\">Found</a>.\n\n",
		},
		{
			// Production: no playground, so the request is the endpoint's (which
			// answers a GET without a query 400 BAD_REQUEST, edge tests).
			name: "browser opening /graphql without playground", method: http.MethodGet, target: "/graphql", accept: "text/html,application/xhtml+xml,*/*;q=0.8",
			wantStatus: http.StatusOK, wantCType: "application/json", wantBody: `{"data":{"ok":true}}`, wantStub: true,
		},
		{
			name: "playground", method: http.MethodGet, target: "/playground", playground: true,
			wantStatus: http.StatusOK, wantCType: "text/plain; charset=utf-8", wantBody: "playground /playground",
		},
		{
			name: "playground asset", method: http.MethodGet, target: "/playground/app.js", playground: true,
			wantStatus: http.StatusOK, wantCType: "text/plain; charset=utf-8", wantBody: "playground /playground/app.js",
		},
		{
			name: "playground disabled", method: http.MethodGet, target: "/playground",
			wantStatus: http.StatusNotFound, wantCType: "application/json",
			wantBody: errBody("NOT_FOUND", "no such endpoint; GraphQL is served at /graphql"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gql := &stub{}
			opts := gqlserver.Options{Name: "bff-test", GraphQL: gql, Ready: tt.ready, Config: gqlserver.Config{MaxBodyBytes: 64}}
			if tt.playground {
				opts.Playground = playground
			}
			mux := gqlserver.NewMux(opts)

			req := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)

			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tt.wantAllow)
			}
			if got := rec.Header().Get("Location"); got != tt.wantLocation {
				t.Errorf("Location = %q, want %q", got, tt.wantLocation)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantCType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantCType)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body\n got %q\nwant %q", got, tt.wantBody)
			}
			if got := gql.calls == 1; got != tt.wantStub || gql.calls > 1 {
				t.Errorf("GraphQL handler calls = %d, want called: %v", gql.calls, tt.wantStub)
			}
			if tt.wantStub && tt.method == http.MethodPost && gql.body != tt.body {
				t.Errorf("GraphQL handler read body %q, want %q", gql.body, tt.body)
			}
		})
	}
}

func TestMuxMiddlewareOrder(t *testing.T) {
	tag := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				r.Header.Set("X-Order", r.Header.Get("X-Order")+name)
				next.ServeHTTP(w, r)
			})
		}
	}
	tests := []struct {
		name       string
		target     string
		wantStatus int
		wantOrder  string
		wantCalls  int
	}{
		{"query passes outermost first", getURL(`{ me { id } }`, ""), http.StatusOK, "abc", 1},
		{"rejected before any middleware", getURL(`mutation { a }`, ""), http.StatusMethodNotAllowed, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gql := &stub{}
			mux := gqlserver.NewMux(gqlserver.Options{
				GraphQL:    gql,
				Middleware: []func(http.Handler) http.Handler{tag("a"), tag("b"), tag("c")},
				Config:     gqlserver.Config{MaxBodyBytes: 1 << 10},
			})
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if rec.Code != tt.wantStatus || gql.calls != tt.wantCalls || gql.order != tt.wantOrder {
				t.Errorf("status, calls, order = %d, %d, %q; want %d, %d, %q",
					rec.Code, gql.calls, gql.order, tt.wantStatus, tt.wantCalls, tt.wantOrder)
			}
		})
	}
}
