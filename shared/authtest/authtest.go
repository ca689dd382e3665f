// Package authtest is a test OIDC issuer: it serves discovery and a JWKS on
// an httptest.Server and mints access tokens as docs/auth.md describes them,
// valid or forged, for tests of code that verifies them.
package authtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// DefaultLifetime is how long a minted token is valid when Claims.Expiry is
// zero.
const DefaultLifetime = time.Hour

// Issuer is a test OIDC issuer signing with RS256. It keeps the current key
// and, after Rotate, the previous one in its JWKS. It is safe for concurrent
// use, but Mint reports failures with t.Fatal, so call it from the test's
// goroutine.
type Issuer struct {
	t   testing.TB
	srv *httptest.Server
	now func() time.Time

	discoveryRequests atomic.Int64
	jwksRequests      atomic.Int64

	mu       sync.Mutex
	current  signingKey
	previous *signingKey
	next     int // index of the next pool key
}

type signingKey struct {
	kid  string
	priv *rsa.PrivateKey
}

// Option adjusts an Issuer made by NewIssuer.
type Option func(*Issuer)

// WithClock makes the Issuer take the default token times from now instead
// of time.Now.
func WithClock(now func() time.Time) Option { return func(i *Issuer) { i.now = now } }

// NewIssuer starts an Issuer; it stops when the test ends.
func NewIssuer(t testing.TB, opts ...Option) *Issuer {
	t.Helper()
	i := &Issuer{t: t, now: time.Now}
	for _, opt := range opts {
		opt(i)
	}
	i.current = i.newKey()

	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", i.serveDiscovery)
	mux.HandleFunc("GET /jwks", i.serveJWKS)
	i.srv = httptest.NewServer(mux)
	t.Cleanup(i.srv.Close)
	return i
}

// URL is the issuer URL: the iss of the tokens it mints and the base of its
// discovery document.
func (i *Issuer) URL() string { return i.srv.URL }

// CurrentKID is the kid of the key Mint signs with.
func (i *Issuer) CurrentKID() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.current.kid
}

// Rotate makes a new key current; the old one stays in the JWKS (until the
// next rotation), so tokens it signed still verify.
func (i *Issuer) Rotate() {
	i.t.Helper()
	k := i.newKey()
	i.mu.Lock()
	defer i.mu.Unlock()
	prev := i.current
	i.previous, i.current = &prev, k
}

// JWKSRequests is how many times the JWKS has been fetched.
func (i *Issuer) JWKSRequests() int { return int(i.jwksRequests.Load()) }

// DiscoveryRequests is how many times the discovery document has been fetched.
func (i *Issuer) DiscoveryRequests() int { return int(i.discoveryRequests.Load()) }

func (i *Issuer) newKey() signingKey {
	i.t.Helper()
	i.mu.Lock()
	n := i.next
	i.next++
	i.mu.Unlock()
	priv, err := poolKey(n)
	if err != nil {
		i.t.Fatalf("authtest: generating RSA key: %v", err)
	}
	return signingKey{kid: fmt.Sprintf("authtest-%d", n), priv: priv}
}

// keys holds the RSA keys issuers sign with, generated on first use and
// shared by every Issuer in the process: generating a 2048-bit key is slow.
var keys struct {
	mu   sync.Mutex
	pool []*rsa.PrivateKey
}

func poolKey(n int) (*rsa.PrivateKey, error) {
	keys.mu.Lock()
	defer keys.mu.Unlock()
	for len(keys.pool) <= n {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		keys.pool = append(keys.pool, k)
	}
	return keys.pool[n], nil
}

func (i *Issuer) serveDiscovery(w http.ResponseWriter, _ *http.Request) {
	i.discoveryRequests.Add(1)
	writeJSON(w, map[string]any{
		"issuer":                                i.URL(),
		"jwks_uri":                              i.URL() + "/jwks",
		"token_endpoint":                        i.URL() + "/token",
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{string(jose.RS256)},
	})
}

func (i *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	i.jwksRequests.Add(1)
	i.mu.Lock()
	published := []signingKey{i.current}
	if i.previous != nil {
		published = append(published, *i.previous)
	}
	i.mu.Unlock()
	var set jose.JSONWebKeySet
	for _, k := range published {
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key: &k.priv.PublicKey, KeyID: k.kid, Algorithm: string(jose.RS256), Use: "sig",
		})
	}
	writeJSON(w, set)
}

func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// Claims are the claims of a minted token (docs/auth.md). Empty strings and
// slices are left out of the token; zero times get defaults from the
// Issuer's clock: iat and nbf now, exp now + DefaultLifetime.
type Claims struct {
	Subject   string
	Audience  []string
	Roles     []string
	ClientID  string // azp
	Tier      string
	IssuedAt  time.Time
	NotBefore time.Time
	Expiry    time.Time
	// Extra claims are added last and replace any claim of the same name.
	Extra map[string]any
}

// MintOption makes Mint forge a token in a specific way.
type MintOption func(*mintOptions)

type mintOptions struct {
	kid        string
	issuer     *string
	algNone    bool
	hs256      bool
	tampered   bool
	extraBytes int
}

// WithKID names kid in the token's header instead of the signing key's kid;
// the token is still signed with the current key.
func WithKID(kid string) MintOption { return func(o *mintOptions) { o.kid = kid } }

// WithAlgNone makes an unsigned token: alg "none" and an empty signature.
func WithAlgNone() MintOption { return func(o *mintOptions) { o.algNone = true } }

// WithHS256PublicKey signs the token with HMAC-SHA256 keyed with the current
// public key's PEM bytes (the algorithm-confusion attack) and names that
// key's kid.
func WithHS256PublicKey() MintOption { return func(o *mintOptions) { o.hs256 = true } }

// WithIssuer sets iss to iss instead of the Issuer's URL.
func WithIssuer(iss string) MintOption { return func(o *mintOptions) { o.issuer = &iss } }

// Tampered changes the payload after signing (roles become ["admin"]), so
// the signature no longer matches.
func Tampered() MintOption { return func(o *mintOptions) { o.tampered = true } }

// WithExtraBytes adds a "pad" claim of n bytes, making the token at least n
// bytes longer. The token is validly signed.
func WithExtraBytes(n int) MintOption { return func(o *mintOptions) { o.extraBytes = n } }

// Mint returns a compact JWS access token with c's claims, signed with the
// current key unless opts forge it.
func (i *Issuer) Mint(c Claims, opts ...MintOption) string {
	i.t.Helper()
	var o mintOptions
	for _, opt := range opts {
		opt(&o)
	}
	i.mu.Lock()
	key := i.current
	i.mu.Unlock()
	kid := key.kid
	if o.kid != "" {
		kid = o.kid
	}

	payload, err := json.Marshal(i.claims(c, o))
	if err != nil {
		i.t.Fatalf("authtest: encoding claims: %v", err)
	}

	var token string
	switch {
	case o.algNone:
		header, err := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": kid})
		if err != nil {
			i.t.Fatalf("authtest: encoding header: %v", err)
		}
		token = b64(header) + "." + b64(payload) + "."
	case o.hs256:
		der, err := x509.MarshalPKIXPublicKey(&key.priv.PublicKey)
		if err != nil {
			i.t.Fatalf("authtest: encoding public key: %v", err)
		}
		secret := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		token = i.sign(jose.HS256, secret, kid, payload)
	default:
		token = i.sign(jose.RS256, key.priv, kid, payload)
	}

	if o.tampered {
		token = i.tamper(token)
	}
	return token
}

func (i *Issuer) claims(c Claims, o mintOptions) map[string]any {
	now := i.now()
	iat, nbf, exp := c.IssuedAt, c.NotBefore, c.Expiry
	if iat.IsZero() {
		iat = now
	}
	if nbf.IsZero() {
		nbf = now
	}
	if exp.IsZero() {
		exp = now.Add(DefaultLifetime)
	}
	iss := i.URL()
	if o.issuer != nil {
		iss = *o.issuer
	}
	m := map[string]any{"iss": iss, "iat": iat.Unix(), "nbf": nbf.Unix(), "exp": exp.Unix()}
	for name, v := range map[string]string{"sub": c.Subject, "azp": c.ClientID, "tier": c.Tier} {
		if v != "" {
			m[name] = v
		}
	}
	if len(c.Audience) > 0 {
		m["aud"] = c.Audience
	}
	if len(c.Roles) > 0 {
		m["roles"] = c.Roles
	}
	if o.extraBytes > 0 {
		m["pad"] = strings.Repeat("x", o.extraBytes)
	}
	for name, v := range c.Extra {
		m[name] = v
	}
	return m
}

func (i *Issuer) sign(alg jose.SignatureAlgorithm, key any, kid string, payload []byte) string {
	i.t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader(jose.HeaderKey("kid"), kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	if err != nil {
		i.t.Fatalf("authtest: making %s signer: %v", alg, err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		i.t.Fatalf("authtest: signing: %v", err)
	}
	token, err := jws.CompactSerialize()
	if err != nil {
		i.t.Fatalf("authtest: serializing: %v", err)
	}
	return token
}

// tamper rewrites a signed token's payload, keeping its header and signature.
func (i *Issuer) tamper(token string) string {
	i.t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		i.t.Fatalf("authtest: decoding payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		i.t.Fatalf("authtest: decoding payload: %v", err)
	}
	m["roles"] = []string{"admin"}
	m["tampered"] = true
	payload, err := json.Marshal(m)
	if err != nil {
		i.t.Fatalf("authtest: encoding payload: %v", err)
	}
	parts[1] = b64(payload)
	return strings.Join(parts, ".")
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
