// Package apitest drives handlers in the demo services' tests: it sends a
// request to an http.Handler and decodes or checks the answer.
package apitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

// Do serves one request to h. A non-empty body is sent as JSON.
func Do(t testing.TB, h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	return DoWith(t, h, nil, method, target, body)
}

// DoWith is Do with extra request headers, such as those of Identity.
func DoWith(t testing.TB, h http.Handler, header http.Header, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body)) //nolint:noctx // test helper: the request context is the test's
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Identity returns the identity headers the gateway forwards for userID
// holding roles (X-User-Roles is left out when roles is empty).
func Identity(userID string, roles ...string) http.Header {
	h := http.Header{}
	h.Set(httpapi.HeaderUserID, userID)
	if len(roles) > 0 {
		h.Set(httpapi.HeaderUserRoles, strings.Join(roles, ","))
	}
	h.Set(httpapi.HeaderClientID, "test-client")
	h.Set(httpapi.HeaderRequestID, "req-test")
	return h
}

// Decode checks that rec has status want and a JSON body, and decodes it.
func Decode[T any](t testing.TB, rec *httptest.ResponseRecorder, want int) T {
	t.Helper()
	var v T
	if rec.Code != want {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, want, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return v
}

// Get serves GET target to h and decodes a 200 answer.
func Get[T any](t testing.TB, h http.Handler, target string) T {
	t.Helper()
	return Decode[T](t, Do(t, h, http.MethodGet, target, ""), http.StatusOK)
}

// ExpectError checks that rec is an error answer with the given status and
// code and returns its message.
func ExpectError(t testing.TB, rec *httptest.ResponseRecorder, status int, code string) string {
	t.Helper()
	body := Decode[httpapi.ErrorBody](t, rec, status)
	if body.Error.Code != code {
		t.Fatalf("error code = %q, want %q (message %q)", body.Error.Code, code, body.Error.Message)
	}
	if body.Error.Message == "" {
		t.Fatal("error message is empty")
	}
	return body.Error.Message
}

// CacheControl checks rec's Cache-Control header.
func CacheControl(t testing.TB, rec *httptest.ResponseRecorder, want string) {
	t.Helper()
	if got := rec.Header().Get("Cache-Control"); got != want {
		t.Errorf("Cache-Control = %q, want %q", got, want)
	}
}
