package gqlserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

// rawAnswer is data as an executor could write it: valid JSON, not
// compact, with characters json.Marshal would escape.
const rawAnswer = `{"raw": "Tea <loose> & bags"}`

// bigAnswer is larger than the compression threshold of newEdge.
var bigAnswer = strings.Repeat("frontdesk ", 300)

// newEdge returns the routes of NewMux over NewGraphQL with a small schema:
// ok answers true, big a 3 KB string, errs 25 errors, fail null with an
// error (data null after execution).
func newEdge(t testing.TB, cfg gqlserver.Config) http.Handler {
	t.Helper()
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { ok: Boolean  big: String  errs: Boolean  fail: String!  n(x: Int): Int  raw: String }
		type Mutation { m: Boolean }
	`})
	es := &graphql.ExecutableSchemaMock{
		SchemaFunc:     func() *ast.Schema { return schema },
		ComplexityFunc: func(context.Context, string, string, int, map[string]any) (int, bool) { return 0, false },
		ExecFunc: func(ctx context.Context) graphql.ResponseHandler {
			f, _ := graphql.GetOperationContext(ctx).Operation.SelectionSet[0].(*ast.Field)
			field := f.Name
			switch field {
			case "big":
				return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"big":"` + bigAnswer + `"}`)})
			case "errs":
				var errs gqlerror.List
				for i := range 25 {
					errs = append(errs, &gqlerror.Error{Message: fmt.Sprint("e", i), Extensions: map[string]any{"code": "NOT_FOUND"}})
				}
				return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"errs":null}`), Errors: errs})
			case "raw":
				return graphql.OneShot(&graphql.Response{Data: json.RawMessage(rawAnswer)})
			case "fail":
				return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`null`),
					Errors: gqlerror.List{{Message: "not found", Extensions: map[string]any{"code": "NOT_FOUND"}}}})
			}
			return graphql.OneShot(&graphql.Response{Data: json.RawMessage(`{"` + field + `":true}`)})
		},
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	cfg.CompressMinBytes = 1024
	return gqlserver.NewMux(gqlserver.Options{
		Name: "bff-test", GraphQL: gqlserver.NewGraphQL(es, slog.New(slog.DiscardHandler), cfg), Config: cfg,
	})
}

type edgeRequest struct {
	method, target, contentType, body string
	header                            map[string]string
}

func (e edgeRequest) serve(h http.Handler) *httptest.ResponseRecorder {
	method := e.method
	if method == "" {
		method = http.MethodPost
	}
	target := e.target
	if target == "" {
		target = "/graphql"
	}
	req := httptest.NewRequest(method, target, strings.NewReader(e.body))
	if method == http.MethodPost && e.contentType == "" {
		req.Header.Set("Content-Type", "application/json")
	} else if e.contentType != "" {
		req.Header.Set("Content-Type", e.contentType)
	}
	for k, v := range e.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

const graphQLResponse = "application/graphql-response+json"

// TestResponses: answers per Accept with the statuses of docs/http.md.
func TestResponses(t *testing.T) {
	h := newEdge(t, gqlserver.Config{})
	gqlAccept := map[string]string{"Accept": graphQLResponse}
	tests := []struct {
		name       string
		req        edgeRequest
		wantStatus int
		wantCType  string
		wantCode   string // of the first error, "" for none
		wantData   string // the "data" entry, "-" for none
	}{
		{"no Accept: application/json", edgeRequest{body: `{"query":"{ ok }"}`}, 200, "application/json", "", `{"ok":true}`},
		{"Accept graphql-response", edgeRequest{body: `{"query":"{ ok }"}`, header: gqlAccept}, 200, graphQLResponse, "", `{"ok":true}`},
		{"Accept wildcard", edgeRequest{body: `{"query":"{ ok }"}`, header: map[string]string{"Accept": "*/*"}}, 200, "application/json", "", `{"ok":true}`},
		{"Accept by quality", edgeRequest{body: `{"query":"{ ok }"}`, header: map[string]string{"Accept": "application/json;q=0.9, application/graphql-response+json"}}, 200, graphQLResponse, "", `{"ok":true}`},
		{"Accept json preferred", edgeRequest{body: `{"query":"{ ok }"}`, header: map[string]string{"Accept": "application/graphql-response+json;q=0.5, application/json"}}, 200, "application/json", "", `{"ok":true}`},
		{"Accept neither: 406", edgeRequest{body: `{"query":"{ ok }"}`, header: map[string]string{"Accept": "text/html"}}, 406, "application/json", "BAD_REQUEST", "-"},
		{"Accept graphql-response at q=0: 406", edgeRequest{body: `{"query":"{ ok }"}`, header: map[string]string{"Accept": "application/graphql-response+json;q=0"}}, 406, "application/json", "BAD_REQUEST", "-"},
		{"GET query", edgeRequest{method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape("{ ok }")}, 200, "application/json", "", `{"ok":true}`},
		{"parse error, json: 200", edgeRequest{body: `{"query":"{ ok "}`}, 200, "application/json", "GRAPHQL_PARSE_FAILED", "-"},
		{"parse error, graphql-response: 400", edgeRequest{body: `{"query":"{ ok "}`, header: gqlAccept}, 400, graphQLResponse, "GRAPHQL_PARSE_FAILED", "-"},
		{"validation error, json: 200", edgeRequest{body: `{"query":"{ nope }"}`}, 200, "application/json", "GRAPHQL_VALIDATION_FAILED", "-"},
		{"validation error, graphql-response: 400", edgeRequest{body: `{"query":"{ nope }"}`, header: gqlAccept}, 400, graphQLResponse, "GRAPHQL_VALIDATION_FAILED", "-"},
		{"64-bit variable, graphql-response: 400", edgeRequest{body: `{"query":"query($x: Int) { n(x: $x) }","variables":{"x":"a"}}`, header: gqlAccept}, 400, graphQLResponse, "GRAPHQL_VALIDATION_FAILED", "-"},
		{"no query: 400", edgeRequest{body: `{}`}, 400, "application/json", "BAD_REQUEST", "-"},
		{"malformed JSON: 400", edgeRequest{body: `{"query":`}, 400, "application/json", "BAD_REQUEST", "-"},
		{"malformed JSON, graphql-response: 400", edgeRequest{body: `{"query":`, header: gqlAccept}, 400, graphQLResponse, "BAD_REQUEST", "-"},
		{"batch refused", edgeRequest{body: `[{"query":"{ ok }"}]`}, 400, "application/json", "BAD_REQUEST", "-"},
		{"text/plain refused (CSRF simple request)", edgeRequest{body: `{"query":"mutation { m }"}`, contentType: "text/plain"}, 415, "application/json", "BAD_REQUEST", "-"},
		{"multipart refused", edgeRequest{body: `--x--`, contentType: "multipart/form-data; boundary=x"}, 415, "application/json", "BAD_REQUEST", "-"},
		{"415 in the accepted type", edgeRequest{body: `x`, contentType: "text/plain", header: gqlAccept}, 415, graphQLResponse, "BAD_REQUEST", "-"},
		{"GET bad query string", edgeRequest{method: http.MethodGet, target: "/graphql?query=%zz"}, 400, "application/json", "BAD_REQUEST", "-"},
		{"GET bad variables", edgeRequest{method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape("{ ok }") + "&variables=%7B"}, 400, "application/json", "BAD_REQUEST", "-"},
		{"GET mutation", edgeRequest{method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape("mutation { m }")}, 405, "application/json", "BAD_REQUEST", "-"},
		{"executed with data null keeps it", edgeRequest{body: `{"query":"{ fail }"}`, header: gqlAccept}, 200, graphQLResponse, "NOT_FOUND", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.req.serve(h)
			if rec.Code != tt.wantStatus || rec.Header().Get("Content-Type") != tt.wantCType {
				t.Errorf("status %d, Content-Type %q; want %d, %q\n%s", rec.Code, rec.Header().Get("Content-Type"), tt.wantStatus, tt.wantCType, rec.Body)
			}
			var body struct {
				Data   *json.RawMessage
				Errors []struct{ Extensions struct{ Code string } }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, rec.Body)
			}
			var raw map[string]json.RawMessage
			_ = json.Unmarshal(rec.Body.Bytes(), &raw)
			data, hasData := raw["data"]
			switch {
			case tt.wantData == "-" && hasData:
				t.Errorf("a data entry in %s", rec.Body)
			case tt.wantData != "-" && string(data) != tt.wantData:
				t.Errorf("data %s, want %s", data, tt.wantData)
			}
			code := ""
			if len(body.Errors) > 0 {
				code = body.Errors[0].Extensions.Code
			}
			if code != tt.wantCode {
				t.Errorf("code %q, want %q\n%s", code, tt.wantCode, rec.Body)
			}
			for _, e := range body.Errors {
				if e.Extensions.Code == "" {
					t.Errorf("an error without a code: %s", rec.Body)
				}
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept") {
				t.Errorf("Vary = %q", rec.Header().Values("Vary"))
			}
		})
	}
}

// TestErrorCap: an answer lists at most 20 errors and counts the others.
func TestErrorCap(t *testing.T) {
	rec := edgeRequest{body: `{"query":"{ errs }"}`}.serve(newEdge(t, gqlserver.Config{}))
	var body struct {
		Errors     []json.RawMessage
		Extensions struct{ ErrorsOmitted int }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Errors) != gqlserver.MaxErrors || body.Extensions.ErrorsOmitted != 5 || rec.Code != 200 {
		t.Errorf("status %d, %d errors, %d omitted; want 200, 20, 5", rec.Code, len(body.Errors), body.Extensions.ErrorsOmitted)
	}
}

// TestCompression: large answers are compressed as Accept-Encoding allows,
// small ones are not.
func TestCompression(t *testing.T) {
	h := newEdge(t, gqlserver.Config{})
	gz := map[string]string{"Accept-Encoding": "gzip"}

	rec := edgeRequest{body: `{"query":"{ big }"}`, header: gz}.serve(h)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("large answer: Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Contains(plain, []byte(bigAnswer)) {
		t.Fatalf("decompressed %d bytes, err %v", len(plain), err)
	}
	if rec.Header().Get("Content-Type") != "application/json" || !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Errorf("headers %v", rec.Header())
	}

	rec = edgeRequest{body: `{"query":"{ ok }"}`, header: gz}.serve(h)
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != `{"data":{"ok":true}}` {
		t.Errorf("small answer: Content-Encoding %q, body %s", rec.Header().Get("Content-Encoding"), rec.Body)
	}
	rec = edgeRequest{body: `{"query":"{ big }"}`}.serve(h)
	if rec.Header().Get("Content-Encoding") != "" || !strings.Contains(rec.Body.String(), bigAnswer) {
		t.Errorf("no Accept-Encoding: Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
}

// TestCrossOrigin: CORS for allowed origins only; cross-origin POSTs from
// other origins refused (CSRF); non-browser clients unaffected.
func TestCrossOrigin(t *testing.T) {
	const app = "https://app.example.com"
	closed := newEdge(t, gqlserver.Config{})
	open := newEdge(t, gqlserver.Config{CORSAllowedOrigins: []string{app}})
	query := `{"query":"mutation { m }"}`
	preflight := map[string]string{"Origin": app, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}
	tests := []struct {
		name       string
		h          http.Handler
		req        edgeRequest
		wantStatus int
		wantACAO   string
	}{
		{"no browser headers", closed, edgeRequest{body: query}, 200, ""},
		{"same origin", closed, edgeRequest{body: query, header: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}}, 200, ""},
		{"cross-site POST refused", closed, edgeRequest{body: query, header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}}, 403, ""},
		{"cross-origin POST by Origin refused", closed, edgeRequest{body: query, header: map[string]string{"Origin": "https://evil.example"}}, 403, ""},
		{"cross-site GET query passes CSRF, no CORS", closed, edgeRequest{method: http.MethodGet, target: "/graphql?query=%7Bok%7D", header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": app}}, 200, ""},
		{"preflight without allow-list", closed, edgeRequest{method: http.MethodOptions, header: preflight}, 405, ""},
		{"preflight from allowed origin", open, edgeRequest{method: http.MethodOptions, header: preflight}, 204, app},
		{"POST from allowed origin", open, edgeRequest{body: query, header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": app}}, 200, app},
		{"POST from another origin", open, edgeRequest{body: query, header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}}, 403, ""},
		{"preflight from another origin", open, edgeRequest{method: http.MethodOptions, header: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}}, 204, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.req.serve(tt.h)
			if rec.Code != tt.wantStatus || rec.Header().Get("Access-Control-Allow-Origin") != tt.wantACAO {
				t.Errorf("status %d, Access-Control-Allow-Origin %q; want %d, %q\n%s", rec.Code,
					rec.Header().Get("Access-Control-Allow-Origin"), tt.wantStatus, tt.wantACAO, rec.Body)
			}
			if rec.Code == 403 && !strings.Contains(rec.Body.String(), `"code":"FORBIDDEN"`) {
				t.Errorf("body %s", rec.Body)
			}
		})
	}
}

// TestBatching: arrays are refused unless enabled, then capped.
func TestBatching(t *testing.T) {
	h := newEdge(t, gqlserver.Config{BatchingEnabled: true, BatchMax: 2})
	rec := edgeRequest{body: ` [{"query":"{ ok }"}, {"query":"{ nope }"}]`}.serve(h)
	var answers []map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &answers); err != nil || rec.Code != 200 || len(answers) != 2 {
		t.Fatalf("status %d, %s (%v)", rec.Code, rec.Body, err)
	}
	if string(answers[0]["data"]) != `{"ok":true}` || answers[1]["data"] != nil || !strings.Contains(string(answers[1]["errors"]), "GRAPHQL_VALIDATION_FAILED") {
		t.Errorf("answers %s", rec.Body)
	}
	for _, tt := range []struct{ name, body string }{
		{"over the cap", `[{"query":"{ ok }"},{"query":"{ ok }"},{"query":"{ ok }"}]`},
		{"empty", `[]`},
		{"not an array", `[{"query":`},
	} {
		rec := edgeRequest{body: tt.body}.serve(h)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"code":"BAD_REQUEST"`) {
			t.Errorf("%s: status %d %s", tt.name, rec.Code, rec.Body)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  gqlserver.Config
		ok   bool
	}{
		{"defaults", gqlserver.Config{}, true},
		{"origins", gqlserver.Config{CORSAllowedOrigins: []string{"https://a.example", "http://localhost:5173"}}, true},
		{"wildcard", gqlserver.Config{CORSAllowedOrigins: []string{"*"}}, false},
		{"path", gqlserver.Config{CORSAllowedOrigins: []string{"https://a.example/app"}}, false},
		{"batch cap", gqlserver.Config{BatchingEnabled: true}, false},
		{"negative compression size", gqlserver.Config{CompressMinBytes: -1}, false},
	} {
		if err := tt.cfg.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestAnswerDataAsExecuted: the executor's data reaches the client byte for
// byte over POST and GET (gqlgen's transports re-encode it with
// json.Marshal: escapes and compaction, a tenth of the CPU of a big answer).
func TestAnswerDataAsExecuted(t *testing.T) {
	h := newEdge(t, gqlserver.Config{})
	for name, req := range map[string]edgeRequest{
		"POST": {body: `{"query":"{ raw }"}`},
		"GET":  {method: http.MethodGet, target: "/graphql?query=" + url.QueryEscape("{ raw }")},
	} {
		t.Run(name, func(t *testing.T) {
			rec := req.serve(h)
			if want := `{"data":` + rawAnswer + `}`; rec.Code != 200 || rec.Body.String() != want {
				t.Errorf("%d %s, want 200 %s", rec.Code, rec.Body.String(), want)
			}
		})
	}
}
