// Package playground serves a GraphiQL page that works without internet
// access.
//
// GraphiQL 3 and React 18 (their UMD builds, vendored from npm by
// scripts/playground/vendor.sh into assets/, versions in assets/VERSIONS.md)
// are embedded in the binary with go:embed, together with this package's boot
// script and stylesheet (static/). The page references nothing but those
// files, loads no inline script, and is served with a Content-Security-Policy
// that allows scripts, styles and connections only to its own origin.
//
// Mount one handler at the page path and at the asset prefix, without
// http.StripPrefix (the handler matches the full request path):
//
//	pg := playground.Handler(playground.Config{
//		Title:       "Frontdesk GraphQL",
//		Endpoint:    "/graphql",
//		AssetPrefix: "/playground/assets/",
//	})
//	mux.Handle("/playground", pg)
//	mux.Handle("/playground/assets/", pg)
//
// Requests whose path starts with AssetPrefix are answered from the embedded
// assets (404 for unknown names); every other path gets the page. Only GET
// and HEAD are allowed; other methods get 405 with an Allow header.
//
// With Config.Login set, the page also offers a demo login helper, and the
// handler answers POST requests to "token" in AssetPrefix's parent (e.g.
// /playground/token for /playground/assets/) with a token from the demo
// issuer; see Login. Mount it there too (mux.Handle("/playground/", pg)
// covers both).
package playground

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Defaults used for empty Config fields.
const (
	DefaultTitle       = "GraphiQL"
	DefaultEndpoint    = "/graphql"
	DefaultAssetPrefix = "/playground/assets/"
)

// Config configures the playground page. The zero value is usable: empty
// fields take the Default* constants.
type Config struct {
	// Title is the page title.
	Title string

	// Endpoint is the GraphQL endpoint the page sends queries to, as an
	// absolute path on the page's own origin (e.g. "/graphql"), optionally
	// with a query string. Absolute URLs and protocol-relative URLs are
	// rejected: the page's connect-src is 'self'.
	Endpoint string

	// AssetPrefix is the URL path under which the embedded scripts and
	// stylesheets are served, e.g. "/playground/assets/". It must start and
	// end with "/". The handler must receive requests for this prefix.
	AssetPrefix string

	// DefaultQuery, if set, is the query shown in a new GraphiQL tab.
	DefaultQuery string

	// DefaultHeaders, if set, must be a JSON object whose values are strings,
	// e.g. `{"Authorization": "Bearer …"}`. It pre-fills GraphiQL's headers
	// editor (which is then opened) and is sent with every request until the
	// user edits it. Headers are not persisted in the browser's storage.
	DefaultHeaders string

	// Login, if set, adds the demo login helper and its token proxy. Nil
	// leaves the page without it. Development only.
	Login *Login
}

// pageConfig is the JSON read by static/playground.js.
type pageConfig struct {
	Endpoint       string `json:"endpoint"`
	DefaultQuery   string `json:"defaultQuery,omitempty"`
	DefaultHeaders string `json:"defaultHeaders,omitempty"`
	TokenPath      string `json:"tokenPath,omitempty"` // the login helper's token proxy
}

// pageData is the input of page.html.tmpl.
type pageData struct {
	Title   string
	Nonce   string
	Icon    string // URL of the favicon
	Styles  []assetRef
	Scripts []assetRef
	Config  pageConfig
	Users   []LoginUser // the login helper's choices, nil without one
}

var pageTemplate = template.Must(template.ParseFS(embedded, "page.html.tmpl"))

// handler implements http.Handler for one Config.
type handler struct {
	assetPrefix string
	tokenPath   string      // "" without a login helper
	login       *tokenProxy // nil without a login helper
	bundle      *bundle
	data        pageData // Nonce is filled in per response
}

// New validates cfg and returns the playground handler.
func New(cfg Config) (http.Handler, error) {
	b, err := loadBundle()
	if err != nil {
		return nil, err
	}
	if cfg.Title == "" {
		cfg.Title = DefaultTitle
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	if cfg.AssetPrefix == "" {
		cfg.AssetPrefix = DefaultAssetPrefix
	}
	if err := checkEndpoint(cfg.Endpoint); err != nil {
		return nil, err
	}
	if err := checkAssetPrefix(cfg.AssetPrefix); err != nil {
		return nil, err
	}
	if cfg.DefaultHeaders != "" {
		var headers map[string]string
		if err := json.Unmarshal([]byte(cfg.DefaultHeaders), &headers); err != nil || headers == nil {
			return nil, fmt.Errorf("playground: DefaultHeaders must be a JSON object of strings: %w", err)
		}
	}
	h := &handler{
		assetPrefix: cfg.AssetPrefix,
		bundle:      b,
		data: pageData{
			Title:   cfg.Title,
			Icon:    cfg.AssetPrefix + b.icon.hashedName,
			Styles:  refs(cfg.AssetPrefix, b.styles),
			Scripts: refs(cfg.AssetPrefix, b.scripts),
			Config: pageConfig{
				Endpoint:       cfg.Endpoint,
				DefaultQuery:   cfg.DefaultQuery,
				DefaultHeaders: cfg.DefaultHeaders,
			},
		},
	}
	if cfg.Login != nil {
		users, err := checkLogin(cfg.Login)
		if err != nil {
			return nil, err
		}
		h.tokenPath = tokenPathFor(cfg.AssetPrefix)
		if !strings.HasPrefix(h.tokenPath, "/") || strings.HasPrefix(h.tokenPath, cfg.AssetPrefix) {
			return nil, fmt.Errorf("playground: AssetPrefix %q leaves no path for the login helper's token proxy", cfg.AssetPrefix)
		}
		h.login = newTokenProxy(cfg.Login, users)
		h.data.Users = users
		h.data.Config.TokenPath = h.tokenPath
	}
	return h, nil
}

// Handler is like New but panics if cfg is invalid. It is meant for
// configurations fixed in code.
func Handler(cfg Config) http.Handler {
	h, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return h
}

func checkEndpoint(e string) error {
	u, err := url.Parse(e)
	if err != nil {
		return fmt.Errorf("playground: invalid Endpoint %q: %w", e, err)
	}
	if u.Scheme != "" || u.Host != "" || u.Opaque != "" || u.User != nil ||
		!strings.HasPrefix(e, "/") || strings.HasPrefix(e, "//") ||
		strings.ContainsAny(e, "\\#") {
		return fmt.Errorf("playground: Endpoint %q must be an absolute path on the same origin, like %q", e, DefaultEndpoint)
	}
	return nil
}

func checkAssetPrefix(p string) error {
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.ContainsAny(p, "\\?#%\"'<> ") || strings.Contains(p, "/../") || strings.Contains(p, "/./") {
		return fmt.Errorf("playground: AssetPrefix %q must be a clean URL path starting and ending with \"/\"", p)
	}
	return nil
}

// ServeHTTP serves the login helper's token proxy (when configured), the
// embedded assets under the asset prefix and the page everywhere else.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.login != nil && r.URL.Path == h.tokenPath {
		h.login.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	if name, ok := strings.CutPrefix(r.URL.Path, h.assetPrefix); ok {
		a := h.bundle.byName[name]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		a.serve(w, r, name == a.hashedName)
		return
	}
	h.servePage(w, r)
}

// contentSecurityPolicy returns the page's CSP. The style nonce is only
// needed for the one <style> element GraphiQL's bundle injects while a
// dialog is open (see assets/VERSIONS.md); scripts are 'self' only.
func contentSecurityPolicy(nonce string) string {
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self' 'nonce-" + nonce + "'",
		"font-src 'self' data:",
		"img-src 'self' data:",
		"connect-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	data := h.data
	data.Nonce = rand.Text()
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, data); err != nil {
		http.Error(w, "playground: rendering page failed", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Security-Policy", contentSecurityPolicy(data.Nonce))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}
