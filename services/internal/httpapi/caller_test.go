package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

func TestCallerFrom(t *testing.T) {
	tests := []struct {
		name           string
		header         http.Header
		wantUser       string
		wantRoles      []string
		wantScoped     bool
		wantStaff      bool
		wantAdminister bool
	}{
		{name: "no headers: internal", header: http.Header{}, wantAdminister: true},
		{name: "roles without user: internal", header: http.Header{"X-User-Roles": {"customer"}},
			wantRoles: []string{"customer"}, wantAdminister: true},
		{name: "blank user: internal", header: http.Header{"X-User-Id": {"  "}, "X-User-Roles": {"customer"}},
			wantRoles: []string{"customer"}, wantAdminister: true},
		{name: "customer", header: http.Header{"X-User-Id": {"usr_0001"}, "X-User-Roles": {"customer"}},
			wantUser: "usr_0001", wantRoles: []string{"customer"}, wantScoped: true},
		{name: "user without roles is scoped", header: http.Header{"X-User-Id": {" usr_0001 "}},
			wantUser: "usr_0001", wantScoped: true},
		{name: "support", header: http.Header{"X-User-Id": {"usr_0191"}, "X-User-Roles": {"support"}},
			wantUser: "usr_0191", wantRoles: []string{"support"}, wantStaff: true},
		{name: "admin, spaces and blanks", header: http.Header{"X-User-Id": {"usr_0196"}, "X-User-Roles": {" admin , ,support,"}},
			wantUser: "usr_0196", wantRoles: []string{"admin", "support"}, wantStaff: true, wantAdminister: true},
		{name: "repeated roles header", header: http.Header{"X-User-Id": {"usr_0196"}, "X-User-Roles": {"customer", "admin"}},
			wantUser: "usr_0196", wantRoles: []string{"customer", "admin"}, wantStaff: true, wantAdminister: true},
		{name: "roles compared exactly", header: http.Header{"X-User-Id": {"usr_0001"}, "X-User-Roles": {"Admin,SUPPORT"}},
			wantUser: "usr_0001", wantRoles: []string{"Admin", "SUPPORT"}, wantScoped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header = tt.header
			c := httpapi.CallerFrom(req)
			if c.UserID != tt.wantUser || !slices.Equal(c.Roles, tt.wantRoles) {
				t.Fatalf("caller = %+v, want user %q roles %q", c, tt.wantUser, tt.wantRoles)
			}
			if c.Scoped() != tt.wantScoped || c.IsStaff() != tt.wantStaff || c.CanAdminister() != tt.wantAdminister {
				t.Fatalf("Scoped %v IsStaff %v CanAdminister %v; want %v %v %v",
					c.Scoped(), c.IsStaff(), c.CanAdminister(), tt.wantScoped, tt.wantStaff, tt.wantAdminister)
			}
		})
	}
	t.Run("client and request ids", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("X-Client-ID", "mobile-app")
		req.Header.Set("X-Request-ID", "req-1")
		if c := httpapi.CallerFrom(req); c.ClientID != "mobile-app" || c.RequestID != "req-1" {
			t.Fatalf("caller = %+v", c)
		}
	})
}

func TestCallerCanAccess(t *testing.T) {
	tests := []struct {
		name   string
		caller httpapi.Caller
		owner  string
		want   bool
	}{
		{"internal, anyone's", httpapi.Caller{}, "usr_0002", true},
		{"customer, own", httpapi.Caller{UserID: "usr_0001", Roles: []string{"customer"}}, "usr_0001", true},
		{"customer, other's", httpapi.Caller{UserID: "usr_0001", Roles: []string{"customer"}}, "usr_0002", false},
		{"customer, unowned", httpapi.Caller{UserID: "usr_0001", Roles: []string{"customer"}}, "", false},
		{"support, other's", httpapi.Caller{UserID: "usr_0191", Roles: []string{"support"}}, "usr_0002", true},
		{"admin, other's", httpapi.Caller{UserID: "usr_0196", Roles: []string{"admin"}}, "usr_0002", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.caller.CanAccess(tt.owner); got != tt.want {
				t.Fatalf("CanAccess(%q) = %v, want %v", tt.owner, got, tt.want)
			}
		})
	}
}
