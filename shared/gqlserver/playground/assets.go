package playground

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// embedded holds the vendored third-party bundles (assets/, written by
// scripts/playground/vendor.sh), this package's own boot script and
// stylesheet (static/) and the page template.
//
//go:embed assets static page.html.tmpl
var embedded embed.FS

// contentTypes lists the file extensions served as assets. Files with any
// other extension (manifest.json, VERSIONS.md) are embedded but not served.
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
	".svg": "image/svg+xml",
}

// asset is one embedded file that the handler serves.
type asset struct {
	name        string // file name, e.g. "graphiql-3.8.3.min.js"
	hashedName  string // name with a content hash, e.g. "graphiql-3.8.3.min.0123456789ab.js"
	contentType string
	data        []byte
	etag        string // strong ETag of data
	integrity   string // Subresource Integrity value (sha384)

	gzOnce sync.Once
	gz     []byte // gzip-compressed data, nil if compression does not help
}

// gzipped returns the gzip-compressed body, computed on first use, or nil if
// compressing does not make the body smaller.
func (a *asset) gzipped() []byte {
	a.gzOnce.Do(func() {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return
		}
		if _, err := zw.Write(a.data); err != nil {
			return
		}
		if err := zw.Close(); err != nil {
			return
		}
		if buf.Len() < len(a.data) {
			a.gz = buf.Bytes()
		}
	})
	return a.gz
}

// assetRef is how the page template refers to an asset.
type assetRef struct {
	URL       string
	Integrity string
}

// bundle is the parsed set of embedded assets, shared by all handlers.
type bundle struct {
	byName  map[string]*asset // plain and hashed names
	scripts []*asset          // in load order
	styles  []*asset
	icon    *asset
}

// manifest mirrors assets/manifest.json written by vendor.sh.
type manifest struct {
	Scripts []string `json:"scripts"`
	Styles  []string `json:"styles"`
}

// ownScripts, ownStyles and ownIcon are this package's files in static/; the
// scripts and styles are loaded after the vendored ones.
var (
	ownScripts = []string{"playground.js"}
	ownStyles  = []string{"playground.css"}
	ownIcon    = "favicon.svg"
)

var loadBundle = sync.OnceValues(func() (*bundle, error) { return newBundle(embedded) })

// newBundle indexes the servable files of fsys (directories assets/ and
// static/) and resolves the page's script and style lists.
func newBundle(fsys fs.FS) (*bundle, error) {
	b := &bundle{byName: map[string]*asset{}}
	for _, dir := range []string{"assets", "static"} {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("playground: reading embedded %s: %w", dir, err)
		}
		for _, e := range entries {
			ext := path.Ext(e.Name())
			ctype, ok := contentTypes[ext]
			if e.IsDir() || !ok {
				continue
			}
			data, err := fs.ReadFile(fsys, dir+"/"+e.Name())
			if err != nil {
				return nil, fmt.Errorf("playground: reading embedded %s/%s: %w", dir, e.Name(), err)
			}
			sum := sha256.Sum256(data)
			hash := hex.EncodeToString(sum[:])
			sri := sha512.Sum384(data)
			a := &asset{
				name:        e.Name(),
				hashedName:  strings.TrimSuffix(e.Name(), ext) + "." + hash[:12] + ext,
				contentType: ctype,
				data:        data,
				etag:        `"` + hash[:32] + `"`,
				integrity:   "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
			}
			for _, n := range []string{a.name, a.hashedName} {
				if _, dup := b.byName[n]; dup {
					return nil, fmt.Errorf("playground: duplicate embedded asset name %q", n)
				}
				b.byName[n] = a
			}
		}
	}

	raw, err := fs.ReadFile(fsys, "assets/manifest.json")
	if err != nil {
		return nil, fmt.Errorf("playground: reading embedded manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("playground: parsing embedded manifest: %w", err)
	}
	resolve := func(names []string, ext string) ([]*asset, error) {
		var out []*asset
		for _, n := range names {
			a, ok := b.byName[n]
			if !ok || a.name != n || path.Ext(n) != ext {
				return nil, fmt.Errorf("playground: manifest names %q, which is not an embedded %s asset", n, ext)
			}
			out = append(out, a)
		}
		return out, nil
	}
	if b.scripts, err = resolve(append(m.Scripts, ownScripts...), ".js"); err != nil {
		return nil, err
	}
	if b.styles, err = resolve(append(m.Styles, ownStyles...), ".css"); err != nil {
		return nil, err
	}
	icon, err := resolve([]string{ownIcon}, ".svg")
	if err != nil {
		return nil, err
	}
	b.icon = icon[0]
	return b, nil
}

// names returns the plain names of all servable assets, sorted.
func (b *bundle) names() []string {
	var out []string
	for n, a := range b.byName {
		if n == a.name {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// refs turns assets into template references under prefix.
func refs(prefix string, as []*asset) []assetRef {
	out := make([]assetRef, len(as))
	for i, a := range as {
		out[i] = assetRef{URL: prefix + a.hashedName, Integrity: a.integrity}
	}
	return out
}

// serve writes a to w. Hashed names are immutable and cached for a year;
// plain names must be revalidated (ETag).
func (a *asset) serve(w http.ResponseWriter, r *http.Request, immutable bool) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	// Applies only if an asset is opened as a document (e.g. the SVG icon).
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")

	body, etag := a.data, a.etag
	if acceptsGzip(r) {
		if gz := a.gzipped(); gz != nil {
			h.Set("Content-Encoding", "gzip")
			body, etag = gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip
// (explicitly; a bare "*" is not taken as consent).
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" {
				continue
			}
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			return q > 0
		}
	}
	return false
}
