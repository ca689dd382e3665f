package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"
)

const (
	testPrefix = "/playground/assets/"
	testPage   = "/playground"
)

func newTestHandler(t *testing.T, cfg Config) http.Handler {
	t.Helper()
	if cfg.AssetPrefix == "" {
		cfg.AssetPrefix = testPrefix
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return h
}

func do(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// parseCSP splits a Content-Security-Policy header into directive -> sources.
func parseCSP(t *testing.T, csp string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		if _, dup := out[f[0]]; dup {
			t.Errorf("CSP directive %s repeated", f[0])
		}
		out[f[0]] = f[1:]
	}
	return out
}

var (
	metaNonceRE  = regexp.MustCompile(`<meta name="csp-nonce" content="([^"]*)">`)
	scriptTagRE  = regexp.MustCompile(`<script\b([^>]*)>`)
	linkTagRE    = regexp.MustCompile(`<link\b([^>]*)>`)
	attrRE       = regexp.MustCompile(`([a-zA-Z-]+)="([^"]*)"`)
	configRE     = regexp.MustCompile(`(?s)<script type="application/json" id="playground-config">(.*?)</script>`)
	urlRE        = regexp.MustCompile(`https?://[^\s"'<>)]*`)
	cssURLRE     = regexp.MustCompile(`url\(\s*["']?([^"')\s]{0,16})`)
	cdnHostNames = []string{"unpkg.com", "cdn.jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com", "esm.sh", "ajax.googleapis.com", "cdn.skypack.dev"}
)

func attrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

func TestPage(t *testing.T) {
	h := newTestHandler(t, Config{})
	tests := []struct {
		name, method, path string
		wantBody           bool
	}{
		{"GET page", http.MethodGet, testPage, true},
		{"HEAD page", http.MethodHead, testPage, false},
		{"GET page with query", http.MethodGet, testPage + "?x=1", true},
		{"GET other path is the page", http.MethodGet, "/", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			hdr := rec.Header()
			for k, want := range map[string]string{
				"Content-Type":           "text/html; charset=utf-8",
				"Cache-Control":          "no-cache",
				"X-Content-Type-Options": "nosniff",
				"X-Frame-Options":        "DENY",
				"Referrer-Policy":        "no-referrer",
			} {
				if got := hdr.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			csp := parseCSP(t, hdr.Get("Content-Security-Policy"))
			for dir, want := range map[string]string{
				"default-src":     "'none'",
				"script-src":      "'self'",
				"connect-src":     "'self'",
				"font-src":        "'self' data:",
				"img-src":         "'self' data:",
				"base-uri":        "'none'",
				"frame-ancestors": "'none'",
			} {
				if got := strings.Join(csp[dir], " "); got != want {
					t.Errorf("CSP %s = %q, want %q", dir, got, want)
				}
			}
			style := csp["style-src"]
			if len(style) != 2 || style[0] != "'self'" || !strings.HasPrefix(style[1], "'nonce-") {
				t.Fatalf("CSP style-src = %q, want 'self' 'nonce-…'", style)
			}
			for dir, srcs := range csp {
				for _, s := range srcs {
					if s == "*" || strings.Contains(s, "unsafe") || strings.Contains(s, "://") || s == "http:" || s == "https:" {
						t.Errorf("CSP %s allows %s", dir, s)
					}
				}
			}
			if !tc.wantBody {
				if rec.Body.Len() != 0 {
					t.Errorf("HEAD returned a %d-byte body", rec.Body.Len())
				}
				if hdr.Get("Content-Length") == "" {
					t.Error("HEAD has no Content-Length")
				}
				return
			}
			body := rec.Body.String()
			m := metaNonceRE.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("page has no csp-nonce meta")
			}
			if want := "'nonce-" + m[1] + "'"; style[1] != want {
				t.Errorf("CSP style nonce %s, page meta has %s", style[1], want)
			}
		})
	}

	// A fresh nonce per response.
	n1 := metaNonceRE.FindStringSubmatch(do(t, h, "GET", testPage, nil).Body.String())
	n2 := metaNonceRE.FindStringSubmatch(do(t, h, "GET", testPage, nil).Body.String())
	if n1 == nil || n2 == nil || n1[1] == n2[1] || len(n1[1]) < 16 {
		t.Errorf("nonces %q and %q: want distinct, at least 16 characters", n1, n2)
	}
}

func TestPageReferencesResolveToEmbeddedAssets(t *testing.T) {
	for _, prefix := range []string{testPrefix, "/x/static/"} {
		t.Run(prefix, func(t *testing.T) {
			h := newTestHandler(t, Config{AssetPrefix: prefix})
			body := do(t, h, "GET", testPage, nil).Body.String()

			type ref struct{ url, integrity, wantType string }
			var refs []ref
			var scripts, styles int
			for _, m := range scriptTagRE.FindAllStringSubmatch(body, -1) {
				a := attrs(m[1])
				src, ok := a["src"]
				if !ok {
					// The only script without src is the JSON config data
					// block, which browsers do not execute.
					if a["type"] != "application/json" {
						t.Errorf("inline script %q: want none (CSP script-src 'self')", m[0])
					}
					continue
				}
				scripts++
				refs = append(refs, ref{src, a["integrity"], "text/javascript; charset=utf-8"})
			}
			for _, m := range linkTagRE.FindAllStringSubmatch(body, -1) {
				a := attrs(m[1])
				want := ""
				switch a["rel"] {
				case "stylesheet":
					styles++
					want = "text/css; charset=utf-8"
				case "icon":
					want = "image/svg+xml"
				default:
					t.Errorf("unexpected link %q", m[0])
					continue
				}
				refs = append(refs, ref{a["href"], a["integrity"], want})
			}
			if scripts != 4 || styles != 2 {
				t.Errorf("page has %d scripts and %d stylesheets, want 4 (react, react-dom, graphiql, playground) and 2", scripts, styles)
			}
			for _, r := range refs {
				if !strings.HasPrefix(r.url, prefix) {
					t.Errorf("%s is not under the asset prefix %s", r.url, prefix)
					continue
				}
				rec := do(t, h, "GET", r.url, nil)
				if rec.Code != http.StatusOK {
					t.Errorf("GET %s: status %d", r.url, rec.Code)
					continue
				}
				if got := rec.Header().Get("Content-Type"); got != r.wantType {
					t.Errorf("GET %s: Content-Type %q, want %q", r.url, got, r.wantType)
				}
				if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
					t.Errorf("GET %s: Cache-Control %q, want immutable", r.url, got)
				}
				if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("GET %s: X-Content-Type-Options %q", r.url, got)
				}
				if r.integrity != "" {
					sum := sha512.Sum384(rec.Body.Bytes())
					if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); r.integrity != want {
						t.Errorf("GET %s: integrity attribute %s, body hashes to %s", r.url, r.integrity, want)
					}
				} else if r.wantType != "image/svg+xml" {
					t.Errorf("%s has no integrity attribute", r.url)
				}
			}
		})
	}
}

func TestPageHasNoExternalURLs(t *testing.T) {
	h := newTestHandler(t, Config{
		Title:          "Frontdesk",
		DefaultQuery:   "{ hello }",
		DefaultHeaders: `{"Authorization": "Bearer t"}`,
	})
	body := do(t, h, "GET", testPage, nil).Body.String()
	if u := urlRE.FindAllString(body, -1); len(u) > 0 {
		t.Errorf("served HTML contains URLs %q; the page must reference only embedded assets", u)
	}
	lower := strings.ToLower(body)
	for _, host := range cdnHostNames {
		if strings.Contains(lower, host) {
			t.Errorf("served HTML mentions %s", host)
		}
	}
}

func TestEmbeddedFilesHaveNoCDNReferences(t *testing.T) {
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	names := b.names()
	if len(names) < 8 {
		t.Fatalf("only %d embedded assets: %q", len(names), names)
	}
	for _, name := range names {
		a := b.byName[name]
		t.Run(name, func(t *testing.T) {
			lower := strings.ToLower(string(a.data))
			for _, host := range cdnHostNames {
				if i := strings.Index(lower, host); i >= 0 {
					t.Errorf("mentions CDN host %s: …%s…", host, lower[max(0, i-80):min(len(lower), i+80)])
				}
			}
			if path.Ext(name) != ".css" {
				return
			}
			if strings.Contains(lower, "@import") {
				t.Error("stylesheet uses @import")
			}
			// Everything a stylesheet loads (fonts, images) must be inline.
			for _, m := range cssURLRE.FindAllStringSubmatch(string(a.data), -1) {
				if !strings.HasPrefix(m[1], "data:") {
					t.Errorf("stylesheet loads url(%s…), want only data: URLs", m[1])
				}
			}
		})
	}
}

func TestVendoredAssets(t *testing.T) {
	// Licenses and provenance of the vendored packages ship with them.
	for _, f := range []string{"VERSIONS.md", "LICENSE.graphiql.txt", "LICENSE.react.txt", "LICENSE.react-dom.txt", "manifest.json"} {
		data, err := fs.ReadFile(embedded, "assets/"+f)
		if err != nil || len(data) == 0 {
			t.Errorf("assets/%s missing: %v", f, err)
		}
	}
	versions, _ := fs.ReadFile(embedded, "assets/VERSIONS.md")
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range append(b.scripts, b.styles...) {
		if _, err := fs.Stat(embedded, "static/"+a.name); err == nil {
			continue // this package's own file
		}
		if !bytes.Contains(versions, []byte("| "+a.name+" |")) {
			t.Errorf("%s is not listed in VERSIONS.md", a.name)
		}
	}
	// The GraphiQL bundle carries vendor.sh's CSP nonce patch (without it,
	// the <style> GraphiQL injects for dialogs breaks the page's CSP).
	var graphiql *asset
	for _, a := range b.scripts {
		if strings.HasPrefix(a.name, "graphiql-") {
			graphiql = a
		}
	}
	if graphiql == nil {
		t.Fatal("no graphiql bundle in the manifest")
	}
	for _, s := range []string{`meta[name="csp-nonce"]`, "patched by scripts/playground/vendor.sh", "window.GraphiQL ="} {
		if !bytes.Contains(graphiql.data, []byte(s)) {
			t.Errorf("%s does not contain %q", graphiql.name, s)
		}
	}
	if bytes.Contains(graphiql.data, []byte("__webpack_require__.nc = undefined")) {
		t.Errorf("%s is not patched", graphiql.name)
	}
	if bytes.Contains(graphiql.data, []byte("sourceMappingURL=")) {
		t.Errorf("%s still references a source map that is not vendored", graphiql.name)
	}
}

func TestAssetServing(t *testing.T) {
	h := newTestHandler(t, Config{})
	b, err := loadBundle()
	if err != nil {
		t.Fatal(err)
	}
	js := b.scripts[0]
	tests := []struct {
		name      string
		method    string
		path      string
		hdr       map[string]string
		wantCode  int
		wantType  string
		wantCache string
		wantGzip  bool
		wantBody  []byte
	}{
		{"hashed name", "GET", testPrefix + js.hashedName, nil, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", false, js.data},
		{"plain name is revalidated", "GET", testPrefix + js.name, nil, 200, "text/javascript; charset=utf-8", "no-cache", false, js.data},
		{"HEAD", "HEAD", testPrefix + js.hashedName, nil, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", false, nil},
		{"gzip", "GET", testPrefix + js.hashedName, map[string]string{"Accept-Encoding": "br, gzip"}, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", true, js.data},
		{"gzip refused", "GET", testPrefix + js.hashedName, map[string]string{"Accept-Encoding": "gzip;q=0"}, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", false, js.data},
		{"license text", "GET", testPrefix + "LICENSE.graphiql.txt", nil, 200, "text/plain; charset=utf-8", "no-cache", false, nil},
		{"stylesheet", "GET", testPrefix + "playground.css", nil, 200, "text/css; charset=utf-8", "no-cache", false, nil},
		{"conditional", "GET", testPrefix + js.hashedName, map[string]string{"If-None-Match": js.etag}, 304, "", "", false, nil},
		{"unknown asset", "GET", testPrefix + "nope.js", nil, 404, "", "", false, nil},
		{"stale hash", "GET", testPrefix + strings.TrimSuffix(js.name, ".js") + ".000000000000.js", nil, 404, "", "", false, nil},
		{"prefix only", "GET", testPrefix, nil, 404, "", "", false, nil},
		{"not served: manifest", "GET", testPrefix + "manifest.json", nil, 404, "", "", false, nil},
		{"not served: versions", "GET", testPrefix + "VERSIONS.md", nil, 404, "", "", false, nil},
		{"not served: template", "GET", testPrefix + "page.html.tmpl", nil, 404, "", "", false, nil},
		{"no traversal", "GET", testPrefix + "../static/playground.js", nil, 404, "", "", false, nil},
		{"no subdirectories", "GET", testPrefix + "static/playground.js", nil, 404, "", "", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, tc.hdr)
			if rec.Code != tc.wantCode {
				t.Fatalf("%s %s: status %d, want %d", tc.method, tc.path, rec.Code, tc.wantCode)
			}
			if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			if tc.wantCode != 200 {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type %q, want %q", got, tc.wantType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.wantCache {
				t.Errorf("Cache-Control %q, want %q", got, tc.wantCache)
			}
			if rec.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Error("no Vary: Accept-Encoding")
			}
			body := rec.Body.Bytes()
			if got := rec.Header().Get("Content-Encoding"); (got == "gzip") != tc.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip=%v", got, tc.wantGzip)
			}
			if tc.wantGzip {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if tc.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD returned %d bytes", len(body))
			}
			if tc.wantBody != nil && !bytes.Equal(body, tc.wantBody) {
				t.Errorf("body differs from the embedded file (%d vs %d bytes)", len(body), len(tc.wantBody))
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h := newTestHandler(t, Config{})
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		for _, p := range []string{testPage, testPrefix + "playground.js", testPrefix + "nope.js"} {
			t.Run(method+" "+p, func(t *testing.T) {
				rec := do(t, h, method, p, nil)
				if rec.Code != http.StatusMethodNotAllowed {
					t.Errorf("status %d, want 405", rec.Code)
				}
				if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
					t.Errorf("Allow %q, want \"GET, HEAD\"", got)
				}
			})
		}
	}
}

func TestConfigIsEscaped(t *testing.T) {
	cfg := Config{
		Title:          `Front<b>desk</b> "&" </title><script>alert(1)</script>`,
		Endpoint:       "/api/graphql?tenant=a&x=</script>",
		DefaultQuery:   "# </script><script>alert(1)</script>\n{ hello }",
		DefaultHeaders: `{"Authorization": "Bearer </script><!--<script>"}`,
	}
	body := do(t, newTestHandler(t, cfg), "GET", testPage, nil).Body.String()
	if n := strings.Count(strings.ToLower(body), "</script>"); n != len(scriptTagRE.FindAllString(body, -1)) {
		t.Errorf("page has %d </script> for %d <script> tags: something was injected unescaped", n, len(scriptTagRE.FindAllString(body, -1)))
	}
	if strings.Contains(body, "<b>") || strings.Contains(body, "<!--") || strings.Contains(body, "alert(1)</") {
		t.Error("config text appears unescaped in the page")
	}
	if !strings.Contains(body, "<title>Front&lt;b&gt;desk&lt;/b&gt; &#34;&amp;&#34; &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>") {
		t.Error("title not HTML-escaped as expected")
	}
	m := configRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no playground-config block")
	}
	var got pageConfig
	if err := json.Unmarshal([]byte(m[1]), &got); err != nil {
		t.Fatalf("config block is not JSON: %v\n%s", err, m[1])
	}
	want := pageConfig{Endpoint: cfg.Endpoint, DefaultQuery: cfg.DefaultQuery, DefaultHeaders: cfg.DefaultHeaders}
	if got != want {
		t.Errorf("config block decodes to %+v, want %+v", got, want)
	}
}

func TestDefaults(t *testing.T) {
	body := do(t, newTestHandler(t, Config{AssetPrefix: ""}), "GET", testPage, nil).Body.String()
	m := configRE.FindStringSubmatch(body)
	var got pageConfig
	if m == nil || json.Unmarshal([]byte(m[1]), &got) != nil {
		t.Fatal("no valid config block")
	}
	if got != (pageConfig{Endpoint: DefaultEndpoint}) {
		t.Errorf("config %+v, want only the default endpoint", got)
	}
	if !strings.Contains(body, "<title>"+DefaultTitle+"</title>") {
		t.Error("default title missing")
	}
	if !strings.Contains(body, `src="`+DefaultAssetPrefix) {
		t.Error("default asset prefix not used")
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"absolute endpoint URL", Config{Endpoint: "https://example.com/graphql"}},
		{"protocol-relative endpoint", Config{Endpoint: "//example.com/graphql"}},
		{"backslash endpoint", Config{Endpoint: `/\example.com/graphql`}},
		{"relative endpoint", Config{Endpoint: "graphql"}},
		{"javascript endpoint", Config{Endpoint: "javascript:alert(1)"}},
		{"endpoint with fragment", Config{Endpoint: "/graphql#x"}},
		{"asset prefix without trailing slash", Config{AssetPrefix: "/assets"}},
		{"asset prefix without leading slash", Config{AssetPrefix: "assets/"}},
		{"asset prefix with quote", Config{AssetPrefix: `/a"b/`}},
		{"asset prefix with dot-dot", Config{AssetPrefix: "/a/../b/"}},
		{"headers not JSON", Config{DefaultHeaders: "Authorization: Bearer x"}},
		{"headers array", Config{DefaultHeaders: `["a"]`}},
		{"headers null", Config{DefaultHeaders: `null`}},
		{"headers non-string value", Config{DefaultHeaders: `{"X-N": 1}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(tc.cfg); err == nil {
				t.Errorf("New(%+v) succeeded, want an error", tc.cfg)
			}
		})
	}
	t.Run("Handler panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("Handler with an invalid config did not panic")
			}
		}()
		Handler(Config{Endpoint: "https://example.com/graphql"})
	})
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"br", false},
		{"*", false},
		{"x-gzip", true},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.header != "" {
			r.Header.Set("Accept-Encoding", tc.header)
		}
		if got := acceptsGzip(r); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}
