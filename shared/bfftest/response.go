package bfftest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Response is a raw answer of the BFF.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Post sends one GraphQL request (application/json) to /graphql as the
// current caller and returns the raw answer, so tests can assert the exact
// JSON a client receives.
func (k *Kit) Post(t testing.TB, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("bfftest: encoding request: %v", err)
	}
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return k.Do(req)
}

// Do serves req with the BFF's handler, adding the current caller's token
// unless req has an Authorization header, and returns the raw answer.
func (k *Kit) Do(req *http.Request) Response {
	rec := httptest.NewRecorder()
	k.withToken(k.Handler).ServeHTTP(rec, req)
	return Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// Indent returns body re-indented with sorted keys, for stable comparisons
// and readable golden files. A top-level "errors" list is sorted by path
// and message: sibling fields resolve concurrently, so the order of their
// errors varies, and GraphQL gives it no meaning. Each error's
// extensions.requestId (a fresh id per request) is left out; tests of
// request ids read the raw body.
func Indent(t testing.TB, body []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("bfftest: response is not JSON: %v\n%s", err, body)
	}
	if obj, ok := v.(map[string]any); ok {
		if errs, ok := obj["errors"].([]any); ok {
			for _, e := range errs {
				if ext, ok := e.(map[string]any)["extensions"].(map[string]any); ok {
					delete(ext, "requestId")
				}
			}
			slices.SortStableFunc(errs, func(a, b any) int {
				return strings.Compare(errorKey(a), errorKey(b))
			})
		}
	}
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// AssertJSON fails unless got and want are the same JSON document.
func AssertJSON(t testing.TB, got []byte, want string) {
	t.Helper()
	if g, w := Indent(t, got), Indent(t, []byte(want)); !bytes.Equal(g, w) {
		t.Errorf("response differs\n got: %s\nwant: %s", g, w)
	}
}

// AssertGolden compares got (JSON) with the golden file at path, rewriting the
// file instead when update is set (the -update flag of the calling test).
func AssertGolden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	got = Indent(t, got)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run `make update-golden`): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("response differs from %s (run `make update-golden` if the change is intended)\n got: %s", path, got)
	}
}

// errorKey orders GraphQL errors: by path, then message.
func errorKey(e any) string {
	m, _ := e.(map[string]any)
	path, _ := json.Marshal(m["path"])
	msg, _ := m["message"].(string)
	return string(path) + "\x00" + msg
}
