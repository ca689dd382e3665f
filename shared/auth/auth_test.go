package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestContextRoundTrip(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("empty context has a principal")
	}
	want := Principal{Subject: "usr_0001", Roles: []string{"customer"}}
	got, ok := FromContext(NewContext(context.Background(), want))
	if !ok || got.Subject != want.Subject || !got.HasRole("customer") || got.HasRole("admin") {
		t.Fatalf("FromContext = %+v, %v", got, ok)
	}
}

func TestStatic(t *testing.T) {
	var seen Principal
	h := Static(Principal{Subject: "usr_0002"})(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		seen, _ = FromContext(r.Context())
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if seen.Subject != "usr_0002" {
		t.Fatalf("subject = %q, want usr_0002", seen.Subject)
	}
}
