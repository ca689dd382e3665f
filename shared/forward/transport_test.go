package forward_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/requestid"
)

// capture is the next transport: it records the request it is given.
type capture struct{ got *http.Request }

func (c *capture) RoundTrip(req *http.Request) (*http.Response, error) {
	c.got = req
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
}

// TestTransport tests Transport alone, on contexts built directly.
func TestTransport(t *testing.T) {
	absent := []string(nil)
	tests := []struct {
		name      string
		principal *auth.Principal // nil: anonymous
		requestID string
		own       http.Header // set on the request by the caller
		want      http.Header // checked names; absent means no header
	}{
		{
			name: "empty context: credentials stripped, nothing added",
			own:  http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer x"}, "Proxy-Authorization": {"x"}, "Cookie": {"a=b"}},
			want: http.Header{"Accept": {"application/json"}, "Authorization": absent, "Proxy-Authorization": absent, "Cookie": absent, "X-User-Id": absent, "X-Request-Id": absent},
		},
		{
			name:      "identity and request id",
			principal: &auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "admin"}, ClientID: "web-admin", Tier: "pro"},
			requestID: "req-1",
			want:      http.Header{"X-User-Id": {"usr_0001"}, "X-User-Roles": {"customer,admin"}, "X-Client-Id": {"web-admin"}, "X-Request-Id": {"req-1"}},
		},
		{
			name:      "empty roles and client omitted",
			principal: &auth.Principal{Subject: "usr_0002", Roles: []string{}},
			want:      http.Header{"X-User-Id": {"usr_0002"}, "X-User-Roles": absent, "X-Client-Id": absent},
		},
		{
			name:      "roles that would split or break the header left out",
			principal: &auth.Principal{Subject: "usr_0003", Roles: []string{"x,admin", "customer", "", "a\nb"}},
			want:      http.Header{"X-User-Roles": {"customer"}},
		},
		{
			name: "anonymous: identity set by anyone is removed",
			own:  http.Header{"X-User-Id": {"usr_9999"}, "X-User-Roles": {"admin"}, "X-Client-Id": {"web-admin"}, "X-Request-Id": {"spoof"}},
			want: http.Header{"X-User-Id": absent, "X-User-Roles": absent, "X-Client-Id": absent, "X-Request-Id": absent},
		},
		{
			name:      "verified identity replaces the caller's",
			principal: &auth.Principal{Subject: "usr_0001"},
			requestID: "req-2",
			own:       http.Header{"X-User-Id": {"usr_9999"}, "X-User-Roles": {"admin"}, "X-Request-Id": {"spoof"}},
			want:      http.Header{"X-User-Id": {"usr_0001"}, "X-User-Roles": absent, "X-Request-Id": {"req-2"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.principal != nil {
				ctx = auth.NewContext(ctx, *tt.principal)
			}
			if tt.requestID != "" {
				ctx = requestid.NewContext(ctx, tt.requestID)
			}
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, "http://users.internal/users", nil)
			req.Header = tt.own.Clone()
			if req.Header == nil {
				req.Header = http.Header{}
			}
			next := &capture{}
			resp, err := forward.Transport(next).RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()

			if next.got == req {
				t.Fatal("the caller's request was sent, not a clone")
			}
			if !equalHeader(req.Header, tt.own) {
				t.Errorf("caller's headers changed to %v, want %v", req.Header, tt.own)
			}
			for name, want := range tt.want {
				if got := next.got.Header.Values(name); !slices.Equal(got, want) {
					t.Errorf("sent %s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestTransportNilNext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-User-ID") != "usr_0001" {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	t.Cleanup(srv.Close)
	ctx := auth.NewContext(t.Context(), auth.Principal{Subject: "usr_0001"})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := forward.Transport(nil).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
