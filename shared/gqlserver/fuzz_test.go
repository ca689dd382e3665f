package gqlserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

var fuzzMethods = []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodOptions, http.MethodHead, http.MethodDelete}

// FuzzGraphQLEndpoint sends random requests through NewMux and NewGraphQL:
// no panic, no 5xx but the deliberate 503/504, every answer (HEAD aside) a
// JSON object whose errors all carry extensions.code, at least one error
// on every non-200 answer. Its seed corpus is testdata/fuzz.
func FuzzGraphQLEndpoint(f *testing.F) {
	f.Add(uint8(0), "application/json", "", `{"query":"{ ok }"}`, "")
	f.Add(uint8(0), "application/json", "application/graphql-response+json", `{"query":"{ nope }"}`, "")
	f.Add(uint8(0), "text/plain", "", `{"query":"mutation { m }"}`, "")
	f.Add(uint8(0), "application/json", "*/*", `[{"query":"{ ok }"}]`, "")
	f.Add(uint8(1), "", "", "", "query=%7B%20ok%20%7D&variables=%7B")
	f.Add(uint8(1), "", "text/html", "", "query=mutation%7Bm%7D")
	f.Add(uint8(2), "application/json", "", `{}`, "")
	f.Add(uint8(0), "application/json; charset=utf-8", "application/json;q=0", "{\"query\":\"{ \xff }\"}", "")
	f.Add(uint8(0), "application/json", "", `{"query":"{ errs }","variables":{"x":9223372036854775807}}`, "a=%zz")
	h := newEdge(f, gqlserver.Config{MaxBodyBytes: 4096, BatchMax: 3})
	f.Fuzz(func(t *testing.T, method uint8, contentType, accept, body, rawQuery string) {
		req := httptest.NewRequest(fuzzMethods[int(method)%len(fuzzMethods)], "/graphql", strings.NewReader(body))
		req.URL.RawQuery = rawQuery
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable && rec.Code != http.StatusGatewayTimeout {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		if req.Method == http.MethodHead {
			return
		}
		var answer struct {
			Errors []struct {
				Extensions struct{ Code string }
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("status %d, not a JSON object (%v): %q", rec.Code, err, rec.Body)
		}
		if rec.Code != http.StatusOK && len(answer.Errors) == 0 {
			t.Fatalf("status %d without errors: %s", rec.Code, rec.Body)
		}
		for _, e := range answer.Errors {
			if e.Extensions.Code == "" {
				t.Fatalf("an error without a code: %s", rec.Body)
			}
		}
	})
}
