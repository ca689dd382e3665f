package playground

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

const testTokenPath = "/playground/token"

// issuerStub is a demo issuer's token endpoint that records the forms it
// receives and answers with respond.
type issuerStub struct {
	srv     *httptest.Server
	respond func(w http.ResponseWriter, form url.Values)

	mu    sync.Mutex
	calls []issuerCall
}

type issuerCall struct {
	contentType string
	form        url.Values
}

func newIssuerStub(t *testing.T, respond func(w http.ResponseWriter, form url.Values)) *issuerStub {
	t.Helper()
	s := &issuerStub{respond: respond}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/token" {
			http.Error(w, "stub: unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		_ = r.ParseForm()
		s.mu.Lock()
		s.calls = append(s.calls, issuerCall{contentType: r.Header.Get("Content-Type"), form: r.PostForm})
		s.mu.Unlock()
		s.respond(w, r.PostForm)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *issuerStub) tokenURL() string { return s.srv.URL + "/token" }

func (s *issuerStub) recorded() []issuerCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]issuerCall(nil), s.calls...)
}

// issueToken answers like services/issuer: a token naming the subject.
func issueToken(w http.ResponseWriter, form url.Values) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": "tok-" + form.Get("subject"),
		"token_type":   "Bearer",
		"expires_in":   3600,
	})
}

var testUsers = []LoginUser{
	{Subject: "usr_0001", Label: "Ada Lovelace (customer)"},
	{Subject: "usr_0191", Label: "Support agent"},
}

func loginConfig(tokenURL string) Config {
	return Config{
		AssetPrefix: testPrefix,
		Login:       &Login{TokenURL: tokenURL, ClientID: "mobile-app", Users: testUsers},
	}
}

func post(h http.Handler, target, contentType, body string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestLoginHelperOnPage(t *testing.T) {
	stub := newIssuerStub(t, issueToken)
	evil := `Ada <b>"Lovelace"</b> & </select><script>alert(1)</script>`
	tests := []struct {
		name          string
		cfg           Config
		wantBar       bool
		wantTokenPath string
		wantInPage    []string
	}{
		{name: "without Login", cfg: Config{}, wantBar: false},
		{
			name:          "with Login",
			cfg:           loginConfig(stub.tokenURL()),
			wantBar:       true,
			wantTokenPath: testTokenPath,
			wantInPage: []string{
				`<option value="usr_0001">Ada Lovelace (customer)</option>`,
				`<option value="usr_0191">Support agent</option>`,
				`<button type="button" id="playground-login-signin" disabled>Sign in</button>`,
				`id="playground-login-signout">Sign out</button>`,
			},
		},
		{
			name: "labels are escaped, empty label is the subject",
			cfg: Config{AssetPrefix: "/x/static/", Login: &Login{
				TokenURL: stub.tokenURL(), ClientID: "web-admin",
				Users: []LoginUser{{Subject: "usr_0196", Label: evil}, {Subject: `usr_"0200"`}},
			}},
			wantBar:       true,
			wantTokenPath: "/x/token",
			wantInPage: []string{
				`<option value="usr_0196">Ada &lt;b&gt;&#34;Lovelace&#34;&lt;/b&gt; &amp; &lt;/select&gt;&lt;script&gt;alert(1)&lt;/script&gt;</option>`,
				`<option value="usr_&#34;0200&#34;">usr_&#34;0200&#34;</option>`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, newTestHandler(t, tc.cfg), http.MethodGet, testPage, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			body := rec.Body.String()
			if got := strings.Contains(body, `id="playground-login"`); got != tc.wantBar {
				t.Errorf("page has the login bar: %v, want %v", got, tc.wantBar)
			}
			for _, s := range tc.wantInPage {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %s", s)
				}
			}
			if strings.Contains(body, "<b>") || strings.Contains(body, "alert(1)</") {
				t.Error("a label appears unescaped")
			}
			if strings.Contains(body, stub.srv.URL) || strings.Contains(body, "mobile-app") {
				t.Error("the page reveals the token URL or the client id")
			}
			// No inline styles or event handlers: the CSP forbids them.
			for _, s := range []string{" style=", " onclick=", " onchange=", "<style"} {
				if strings.Contains(body, s) {
					t.Errorf("page contains %q", s)
				}
			}
			m := configRE.FindStringSubmatch(body)
			var cfg pageConfig
			if m == nil || json.Unmarshal([]byte(m[1]), &cfg) != nil {
				t.Fatal("no valid config block")
			}
			if cfg.TokenPath != tc.wantTokenPath {
				t.Errorf("config tokenPath %q, want %q", cfg.TokenPath, tc.wantTokenPath)
			}
			for dir, srcs := range parseCSP(t, rec.Header().Get("Content-Security-Policy")) {
				for _, s := range srcs {
					if strings.Contains(s, "unsafe") || s == "*" || strings.Contains(s, "://") {
						t.Errorf("CSP %s allows %s", dir, s)
					}
				}
			}
		})
	}
}

func TestTokenProxy(t *testing.T) {
	const sameOrigin = "http://example.com" // httptest.NewRequest's host
	fail := func(status int, body string) func(http.ResponseWriter, url.Values) {
		return func(w http.ResponseWriter, _ url.Values) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	tests := []struct {
		name        string
		method      string
		target      string
		contentType string
		body        string
		hdr         map[string]string
		issuer      func(http.ResponseWriter, url.Values) // nil: issueToken
		issuerDown  bool

		wantStatus  int
		wantBody    string // exact JSON
		wantSubject string // the issuer's one call; "" means no call
		wantAllow   string
	}{
		{
			name: "JSON body", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			hdr:        map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": sameOrigin},
			wantStatus: 200, wantBody: `{"access_token":"tok-usr_0001","expires_in":3600}`, wantSubject: "usr_0001",
		},
		{
			name: "form body, no fetch metadata (curl)", contentType: "application/x-www-form-urlencoded", body: "subject=usr_0191",
			wantStatus: 200, wantBody: `{"access_token":"tok-usr_0191","expires_in":3600}`, wantSubject: "usr_0191",
		},
		{
			name: "JSON with charset", contentType: "application/json; charset=utf-8", body: `{"subject":"usr_0191"}`,
			hdr:        map[string]string{"Origin": sameOrigin},
			wantStatus: 200, wantBody: `{"access_token":"tok-usr_0191","expires_in":3600}`, wantSubject: "usr_0191",
		},
		{
			name: "unknown subject", contentType: "application/json", body: `{"subject":"usr_0196<script>"}`,
			wantStatus: 400, wantBody: `{"error":"unknown demo user"}`,
		},
		{
			name: "seeded but not offered", contentType: "application/x-www-form-urlencoded", body: "subject=usr_0200",
			wantStatus: 400, wantBody: `{"error":"unknown demo user"}`,
		},
		{
			name: "missing subject", contentType: "application/json", body: `{}`,
			wantStatus: 400, wantBody: `{"error":"the body must be {\"subject\": \"\u003cone of the offered users\u003e\"}"}`,
		},
		{
			name: "not JSON", contentType: "application/json", body: `subject=usr_0001`,
			wantStatus: 400, wantBody: `{"error":"the body must be {\"subject\": \"\u003cone of the offered users\u003e\"}"}`,
		},
		{
			name: "form subject twice", contentType: "application/x-www-form-urlencoded", body: "subject=usr_0001&subject=usr_0191",
			wantStatus: 400, wantBody: `{"error":"the body must be {\"subject\": \"\u003cone of the offered users\u003e\"}"}`,
		},
		{
			name: "oversized body", contentType: "application/json", body: `{"subject":"usr_0001","pad":"` + strings.Repeat("x", 2000) + `"}`,
			wantStatus: 413, wantBody: `{"error":"the body is too large"}`,
		},
		{
			name: "other media type", contentType: "text/plain", body: `{"subject":"usr_0001"}`,
			wantStatus: 415, wantBody: `{"error":"the body must be application/json or application/x-www-form-urlencoded"}`,
		},
		{
			name: "GET", method: http.MethodGet,
			wantStatus: 405, wantBody: `{"error":"use POST"}`, wantAllow: "POST",
		},
		{
			name: "PUT", method: http.MethodPut, contentType: "application/json", body: `{"subject":"usr_0001"}`,
			wantStatus: 405, wantBody: `{"error":"use POST"}`, wantAllow: "POST",
		},
		{
			name: "cross-site", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			hdr:        map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
			wantStatus: 403, wantBody: `{"error":"cross-origin request refused"}`,
		},
		{
			name: "same-site", contentType: "application/x-www-form-urlencoded", body: "subject=usr_0001",
			hdr:        map[string]string{"Sec-Fetch-Site": "same-site"},
			wantStatus: 403, wantBody: `{"error":"cross-origin request refused"}`,
		},
		{
			name: "user-initiated (none)", contentType: "application/x-www-form-urlencoded", body: "subject=usr_0001",
			hdr:        map[string]string{"Sec-Fetch-Site": "none"},
			wantStatus: 403, wantBody: `{"error":"cross-origin request refused"}`,
		},
		{
			name: "foreign Origin without fetch metadata", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			hdr:        map[string]string{"Origin": "http://evil.example"},
			wantStatus: 403, wantBody: `{"error":"cross-origin request refused"}`,
		},
		{
			name: "foreign Origin claiming same-origin", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			hdr:        map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://evil.example"},
			wantStatus: 403, wantBody: `{"error":"cross-origin request refused"}`,
		},
		{
			name: "issuer 500", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			issuer:     fail(500, `{"error":"server_error","error_description":"secret upstream detail"}`),
			wantStatus: 502, wantBody: `{"error":"the demo issuer did not issue a token; is it running?"}`, wantSubject: "usr_0001",
		},
		{
			name: "issuer refuses", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			issuer:     fail(400, `{"error":"invalid_request","error_description":"secret upstream detail"}`),
			wantStatus: 502, wantBody: `{"error":"the demo issuer did not issue a token; is it running?"}`, wantSubject: "usr_0001",
		},
		{
			name: "issuer answers garbage", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			issuer:     fail(200, `secret upstream detail`),
			wantStatus: 502, wantBody: `{"error":"the demo issuer did not issue a token; is it running?"}`, wantSubject: "usr_0001",
		},
		{
			name: "issuer answers without a token", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			issuer:     fail(200, `{"token_type":"Bearer","expires_in":60}`),
			wantStatus: 502, wantBody: `{"error":"the demo issuer did not issue a token; is it running?"}`, wantSubject: "usr_0001",
		},
		{
			name: "issuer redirects (not followed)", contentType: "application/json", body: `{"subject":"usr_0001"}`,
			issuer: func(w http.ResponseWriter, _ url.Values) {
				w.Header().Set("Location", "/token")
				w.WriteHeader(http.StatusTemporaryRedirect)
			},
			wantStatus: 502, wantBody: `{"error":"the demo issuer did not issue a token; is it running?"}`, wantSubject: "usr_0001",
		},
		{
			name: "issuer down", contentType: "application/json", body: `{"subject":"usr_0001"}`, issuerDown: true,
			wantStatus: 502, wantBody: `{"error":"the demo issuer did not issue a token; is it running?"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			respond := tc.issuer
			if respond == nil {
				respond = issueToken
			}
			stub := newIssuerStub(t, respond)
			h := newTestHandler(t, loginConfig(stub.tokenURL()))
			if tc.issuerDown {
				stub.srv.Close()
			}
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, testTokenPath, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			for k, v := range tc.hdr {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if rec.Code != tc.wantStatus {
				t.Errorf("status %d, want %d (body %s)", rec.Code, tc.wantStatus, rec.Body)
			}
			if got := strings.TrimSpace(rec.Body.String()); got != tc.wantBody {
				t.Errorf("body %s, want %s", got, tc.wantBody)
			}
			for k, want := range map[string]string{
				"Content-Type":           "application/json",
				"Cache-Control":          "no-store",
				"X-Content-Type-Options": "nosniff",
				"Allow":                  tc.wantAllow,
			} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s %q, want %q", k, got, want)
				}
			}
			body := rec.Body.String()
			for _, leak := range []string{stub.srv.URL, "127.0.0.1", "secret upstream detail", "mobile-app", "<script>"} {
				if strings.Contains(body, leak) {
					t.Errorf("answer reveals %q", leak)
				}
			}

			calls := stub.recorded()
			if tc.wantSubject == "" {
				if len(calls) != 0 {
					t.Errorf("issuer was called %d times, want none", len(calls))
				}
				return
			}
			if len(calls) != 1 {
				t.Fatalf("issuer was called %d times, want once", len(calls))
			}
			want := url.Values{"client_id": {"mobile-app"}, "subject": {tc.wantSubject}}
			if got := calls[0].form; got.Encode() != want.Encode() {
				t.Errorf("issuer got form %v, want %v", got, want)
			}
			if ct := calls[0].contentType; ct != "application/x-www-form-urlencoded" {
				t.Errorf("issuer got Content-Type %q", ct)
			}
		})
	}
}

func TestTokenProxyRouting(t *testing.T) {
	stub := newIssuerStub(t, issueToken)
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name       string
		cfg        Config
		target     string
		wantStatus int
		wantAllow  string
	}{
		{"default prefix", loginConfig(stub.tokenURL()), "/playground/token", 200, ""},
		{"derived from another prefix", Config{AssetPrefix: "/x/static/", Login: loginConfig(stub.tokenURL()).Login}, "/x/token", 200, ""},
		{"root-level prefix", Config{AssetPrefix: "/assets/", Login: loginConfig(stub.tokenURL()).Login}, "/token", 200, ""},
		{"not under the asset prefix", loginConfig(stub.tokenURL()), testPrefix + "token", 405, "GET, HEAD"},
		{"without Login the path is the page's", Config{}, "/playground/token", 405, "GET, HEAD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := post(newTestHandler(t, tc.cfg), tc.target, form, "subject=usr_0001", nil)
			if rec.Code != tc.wantStatus {
				t.Errorf("POST %s: status %d, want %d", tc.target, rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow %q, want %q", got, tc.wantAllow)
			}
		})
	}
}

func TestTokenProxyClient(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		p := newTokenProxy(&Login{}, testUsers)
		if p.client == nil || p.client == http.DefaultClient {
			t.Fatal("default client is nil or http.DefaultClient")
		}
		if p.client.Timeout != 5*time.Second {
			t.Errorf("default client timeout %v, want 5s", p.client.Timeout)
		}
	})
	t.Run("given", func(t *testing.T) {
		var used bool
		c := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			used = true
			return http.DefaultTransport.RoundTrip(r)
		})}
		stub := newIssuerStub(t, issueToken)
		cfg := loginConfig(stub.tokenURL())
		cfg.Login.Client = c
		rec := post(newTestHandler(t, cfg), testTokenPath, "application/json", `{"subject":"usr_0001"}`, nil)
		if rec.Code != http.StatusOK || !used {
			t.Errorf("status %d, client used %v; want 200 through the given client", rec.Code, used)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewRejectsInvalidLogin(t *testing.T) {
	valid := func() *Login {
		return &Login{TokenURL: "http://127.0.0.1:3000/token", ClientID: "mobile-app", Users: []LoginUser{{Subject: "usr_0001"}}}
	}
	tests := []struct {
		name   string
		change func(c *Config)
	}{
		{"empty token URL", func(c *Config) { c.Login.TokenURL = "" }},
		{"relative token URL", func(c *Config) { c.Login.TokenURL = "/token" }},
		{"token URL without host", func(c *Config) { c.Login.TokenURL = "http:///token" }},
		{"non-http token URL", func(c *Config) { c.Login.TokenURL = "ftp://127.0.0.1/token" }},
		{"token URL with credentials", func(c *Config) { c.Login.TokenURL = "http://u:p@127.0.0.1/token" }},
		{"token URL with fragment", func(c *Config) { c.Login.TokenURL = "http://127.0.0.1/token#x" }},
		{"unparsable token URL", func(c *Config) { c.Login.TokenURL = "http://[::1/token" }},
		{"empty client id", func(c *Config) { c.Login.ClientID = "" }},
		{"no users", func(c *Config) { c.Login.Users = nil }},
		{"empty subject", func(c *Config) { c.Login.Users = []LoginUser{{Label: "nobody"}} }},
		{"duplicate subject", func(c *Config) {
			c.Login.Users = []LoginUser{{Subject: "usr_0001", Label: "a"}, {Subject: "usr_0002"}, {Subject: "usr_0001", Label: "b"}}
		}},
		{"asset prefix leaves no token path", func(c *Config) { c.AssetPrefix = "/" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Login: valid()}
			tc.change(&cfg)
			if _, err := New(cfg); err == nil {
				t.Errorf("New with Login %+v (asset prefix %q) succeeded, want an error", *cfg.Login, cfg.AssetPrefix)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		if _, err := New(Config{Login: valid()}); err != nil {
			t.Errorf("New with a valid Login: %v", err)
		}
	})
}

func TestTokenPathFor(t *testing.T) {
	for prefix, want := range map[string]string{
		"/playground/assets/": "/playground/token",
		"/x/static/":          "/x/token",
		"/a/b/c/":             "/a/b/token",
		"/assets/":            "/token",
	} {
		if got := tokenPathFor(prefix); got != want {
			t.Errorf("tokenPathFor(%q) = %q, want %q", prefix, got, want)
		}
	}
}
