package forward_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/forward"
	"github.com/frontdesk/frontdesk/shared/requestid"
)

// recorder is an upstream that records the headers of the last request.
type recorder struct {
	mu     sync.Mutex
	header http.Header
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec.mu.Lock()
	rec.header = r.Header.Clone()
	rec.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (rec *recorder) last() http.Header {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.header
}

// incomingContext returns the context a BFF handler sees for an incoming
// request with the given headers, after requestid.Middleware, a stand-in for
// auth.Authenticate that verifies principal (anonymous when nil) and
// forward.Middleware(cfg).
func incomingContext(t *testing.T, cfg forward.Config, header http.Header, principal *auth.Principal) context.Context {
	t.Helper()
	var ctx context.Context
	authenticate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if principal != nil {
				r = r.WithContext(auth.NewContext(r.Context(), *principal))
			}
			next.ServeHTTP(w, r)
		})
	}
	h := requestid.Middleware(authenticate(forward.Middleware(cfg)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		ctx = r.Context()
	}))))
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	for name, vs := range header {
		for _, v := range vs {
			req.Header.Add(name, v)
		}
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	if ctx == nil {
		t.Fatal("handler not called")
	}
	return ctx
}

// call sends one GET with ctx and the BFF's own headers through Transport to
// a recording upstream and returns what it received.
func call(ctx context.Context, t *testing.T, own http.Header) http.Header {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: forward.Transport(srv.Client().Transport)}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/users?ids=usr_0001", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = own.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	// The caller's request must be untouched.
	for name := range req.Header {
		if !slices.Equal(req.Header[name], own[name]) {
			t.Errorf("caller's header %s changed to %q", name, req.Header[name])
		}
	}
	if len(req.Header) != len(own) {
		t.Errorf("caller's headers changed: %v, want %v", req.Header, own)
	}
	return rec.last()
}

func TestForwardIdentity(t *testing.T) {
	tests := []struct {
		name      string
		principal *auth.Principal
		want      map[string]string // "" means absent
	}{
		{
			name:      "principal with roles and client",
			principal: &auth.Principal{Subject: "usr_0001", Roles: []string{"customer", "admin"}, ClientID: "mobile-app", Tier: "pro"},
			want:      map[string]string{"X-User-ID": "usr_0001", "X-User-Roles": "customer,admin", "X-Client-ID": "mobile-app"},
		},
		{
			name:      "principal without roles or client",
			principal: &auth.Principal{Subject: "usr_0002"},
			want:      map[string]string{"X-User-ID": "usr_0002", "X-User-Roles": "", "X-Client-ID": ""},
		},
		{
			name:      "roles that would split or break the header are left out",
			principal: &auth.Principal{Subject: "usr_0003", Roles: []string{"customer", "x,admin", "", "a\r\nb", "support"}},
			want:      map[string]string{"X-User-ID": "usr_0003", "X-User-Roles": "customer,support"},
		},
		{
			name: "anonymous",
			want: map[string]string{"X-User-ID": "", "X-User-Roles": "", "X-Client-ID": ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := incomingContext(t, forward.Config{}, http.Header{"X-Request-Id": {"req-42"}}, tt.principal)
			got := call(ctx, t, nil)
			for name, want := range tt.want {
				if vs := got.Values(name); want == "" && len(vs) != 0 || want != "" && !slices.Equal(vs, []string{want}) {
					t.Errorf("upstream got %s = %q, want %q", name, vs, want)
				}
			}
			if got := got.Get("X-Request-ID"); got != "req-42" {
				t.Errorf("upstream got X-Request-ID %q, want req-42", got)
			}
			if tt.principal == nil {
				for name := range got {
					if strings.HasPrefix(name, "X-User-") || name == "X-Client-Id" {
						t.Errorf("anonymous request carried %s: %q", name, got[name])
					}
				}
			}
		})
	}
}

func TestForwardNeverForwardsClientCredentialsOrSpoofedIdentity(t *testing.T) {
	incoming := http.Header{
		"Authorization":       {"Bearer x"},
		"Proxy-Authorization": {"Basic eDp5"},
		"Cookie":              {"session=abc"},
		"X-User-Id":           {"usr_9999"},
		"X-User-Roles":        {"admin"},
		"X-Client-Id":         {"web-admin"},
		"X-Request-Id":        {"bad id with spaces"},
		"Accept-Language":     {"fr-CH"},
		"X-Custom":            {"1"},
	}
	// Even a configuration that skipped Validate cannot forward them.
	cfg := forward.Config{Headers: []string{"accept-language", "Authorization", "Cookie", "X-User-ID", "x-client-id"}}
	principal := &auth.Principal{Subject: "usr_0001", Roles: []string{"customer"}, ClientID: "mobile-app"}
	ctx := incomingContext(t, cfg, incoming, principal)
	// Headers another layer put on the outgoing request are replaced too.
	own := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer internal"}, "Cookie": {"a=b"}, "X-User-Id": {"usr_7777"}}

	got := call(ctx, t, own)

	for _, name := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Custom"} {
		if vs := got.Values(name); len(vs) != 0 {
			t.Errorf("upstream got %s: %q", name, vs)
		}
	}
	want := map[string][]string{
		"X-User-Id":       {"usr_0001"},
		"X-User-Roles":    {"customer"},
		"X-Client-Id":     {"mobile-app"},
		"Accept-Language": {"fr-CH"},
		"Accept":          {"application/json"},
	}
	for name, vs := range want {
		if !slices.Equal(got.Values(name), vs) {
			t.Errorf("upstream got %s = %q, want %q", name, got.Values(name), vs)
		}
	}
	if id := got.Get("X-Request-ID"); id == "" || id == "bad id with spaces" {
		t.Errorf("upstream got X-Request-ID %q, want the fresh id", id)
	}
}

func TestForwardConfiguredHeaders(t *testing.T) {
	long := strings.Repeat("a", forward.MaxValueBytes+1)
	tests := []struct {
		name     string
		cfg      []string
		incoming http.Header
		own      http.Header
		want     http.Header // headers to check; a nil value means absent
	}{
		{
			name:     "configured forwarded, unconfigured not",
			cfg:      []string{"Accept-Language"},
			incoming: http.Header{"Accept-Language": {"de-CH, de;q=0.9"}, "X-Custom": {"1"}},
			want:     http.Header{"Accept-Language": {"de-CH, de;q=0.9"}, "X-Custom": nil},
		},
		{
			name:     "nothing configured",
			incoming: http.Header{"Accept-Language": {"de"}},
			want:     http.Header{"Accept-Language": nil},
		},
		{
			name:     "names trimmed and case-insensitive",
			cfg:      []string{" x-custom ", "X-CUSTOM"},
			incoming: http.Header{"X-Custom": {"1"}},
			want:     http.Header{"X-Custom": {"1"}},
		},
		{
			name:     "oversized value skipped, others kept",
			cfg:      []string{"X-Custom"},
			incoming: http.Header{"X-Custom": {long, "short"}},
			want:     http.Header{"X-Custom": {"short"}},
		},
		{
			name:     "at most four values",
			cfg:      []string{"X-Custom"},
			incoming: http.Header{"X-Custom": {"1", "2", "3", "4", "5", "6"}},
			want:     http.Header{"X-Custom": {"1", "2", "3", "4"}},
		},
		{
			name:     "the BFF's own header wins",
			cfg:      []string{"Accept"},
			incoming: http.Header{"Accept": {"text/html"}},
			own:      http.Header{"Accept": {"application/json"}},
			want:     http.Header{"Accept": {"application/json"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := incomingContext(t, forward.Config{Headers: tt.cfg}, tt.incoming, nil)
			got := call(ctx, t, tt.own)
			for name, want := range tt.want {
				if vs := got.Values(name); !slices.Equal(vs, want) {
					t.Errorf("upstream got %s = %q, want %q", name, vs, want)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		wantErr string // "" for valid
	}{
		{"none", nil, ""},
		{"accept-language", []string{"Accept-Language"}, ""},
		{"several, any case, spaces", []string{"accept-language", " X-Tenant ", "X-Feature-Flags"}, ""},
		{"authorization", []string{"Accept-Language", "Authorization"}, "FORWARD_HEADERS: Authorization: header may not be forwarded: credentials"},
		{"proxy-authorization", []string{"proxy-authorization"}, "FORWARD_HEADERS: Proxy-Authorization: header may not be forwarded: credentials"},
		{"cookie", []string{"Cookie"}, "FORWARD_HEADERS: Cookie: header may not be forwarded: credentials"},
		{"set-cookie", []string{"Set-Cookie"}, "FORWARD_HEADERS: Set-Cookie: header may not be forwarded: credentials"},
		{"x-user-id lower case", []string{"x-user-id"}, "FORWARD_HEADERS: X-User-Id: header may not be forwarded: identity is set from the verified token"},
		{"any x-user- header", []string{"X-User-Tier"}, "FORWARD_HEADERS: X-User-Tier: header may not be forwarded: identity is set from the verified token"},
		{"x-client-id", []string{"X-Client-ID"}, "FORWARD_HEADERS: X-Client-Id: header may not be forwarded: identity is set from the verified token"},
		{"x-request-id", []string{"X-Request-ID"}, "FORWARD_HEADERS: X-Request-Id: header may not be forwarded: set from the request id"},
		{"host", []string{"Host"}, "FORWARD_HEADERS: Host: header may not be forwarded: hop-by-hop or connection header"},
		{"te", []string{"TE"}, "FORWARD_HEADERS: Te: header may not be forwarded: hop-by-hop or connection header"},
		{"connection", []string{"Connection"}, "FORWARD_HEADERS: Connection: header may not be forwarded: hop-by-hop or connection header"},
		{"transfer-encoding", []string{"Transfer-Encoding"}, "FORWARD_HEADERS: Transfer-Encoding: header may not be forwarded: hop-by-hop or connection header"},
		{"content-length", []string{"Content-Length"}, "FORWARD_HEADERS: Content-Length: header may not be forwarded: describes the client's body, not the upstream call's"},
		{"forwarded", []string{"Forwarded"}, "FORWARD_HEADERS: Forwarded: header may not be forwarded: client address headers are spoofable"},
		{"x-forwarded-for", []string{"X-Forwarded-For"}, "FORWARD_HEADERS: X-Forwarded-For: header may not be forwarded: client address headers are spoofable"},
		{"traceparent", []string{"traceparent"}, "FORWARD_HEADERS: Traceparent: header may not be forwarded: set by tracing"},
		{"tracestate", []string{"Tracestate"}, "FORWARD_HEADERS: Tracestate: header may not be forwarded: set by tracing"},
		{"empty name", []string{"Accept-Language", ""}, `FORWARD_HEADERS: "" is not a header name`},
		{"name with space", []string{"Accept Language"}, `FORWARD_HEADERS: "Accept Language" is not a header name`},
		{"name with colon", []string{"X-A:b"}, `FORWARD_HEADERS: "X-A:b" is not a header name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := forward.Config{Headers: tt.headers}.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Validate: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Validate = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(tt.wantErr, "may not be forwarded") != errors.Is(err, forward.ErrRefusedHeader) {
				t.Errorf("errors.Is(%v, ErrRefusedHeader) = %v", err, !strings.Contains(tt.wantErr, "may not be forwarded"))
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	tests := []struct {
		name string
		env  string
		want []string
	}{
		{"unset", "", nil},
		{"one", "Accept-Language", []string{"Accept-Language"}},
		{"comma-separated", "Accept-Language,X-Tenant", []string{"Accept-Language", "X-Tenant"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg forward.Config
			getenv := func(k string) string {
				if k == "FORWARD_HEADERS" {
					return tt.env
				}
				return ""
			}
			if err := envconfig.Load(&cfg, getenv); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cfg.Headers, tt.want) {
				t.Errorf("Headers = %q, want %q", cfg.Headers, tt.want)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}
