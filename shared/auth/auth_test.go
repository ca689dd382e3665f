package auth

import (
	"context"
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
