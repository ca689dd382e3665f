package issuer_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/issuer"
	"github.com/frontdesk/frontdesk/services/seed"
)

const issuerURL = "http://127.0.0.1:3000"

// now is the fixed clock of the tests.
var now = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

func newIssuer(t *testing.T) *issuer.Issuer {
	t.Helper()
	is, err := issuer.New(issuer.Config{
		IssuerURL: issuerURL,
		Users:     issuer.UsersFrom(seed.New().Users),
		Clock:     func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

// postForm serves POST target with a form body to h.
func postForm(t *testing.T, h http.Handler, target, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// mint gets a token through POST /token.
func mint(t *testing.T, h http.Handler, clientID, subject string) string {
	t.Helper()
	form := url.Values{"client_id": {clientID}, "subject": {subject}}
	rec := postForm(t, h, issuer.TokenPath, "application/x-www-form-urlencoded", form.Encode())
	apitest.CacheControl(t, rec, "no-store")
	if got := rec.Header().Get("Pragma"); got != "no-cache" {
		t.Errorf("Pragma = %q, want no-cache", got)
	}
	resp := apitest.Decode[issuer.TokenResponse](t, rec, http.StatusOK)
	if resp.TokenType != "Bearer" || resp.ExpiresIn != 3600 || resp.AccessToken == "" {
		t.Fatalf("token response = %+v, want Bearer, 3600 s and a token", resp)
	}
	return resp.AccessToken
}

// fetchJWKS gets GET /jwks.
func fetchJWKS(t *testing.T, h http.Handler) jose.JSONWebKeySet {
	t.Helper()
	return apitest.Get[jose.JSONWebKeySet](t, h, issuer.JWKSPath)
}

// verify checks token's RS256 signature with the key of set named by the
// token's kid header and returns that kid and the raw claims.
func verify(t *testing.T, set jose.JSONWebKeySet, token string) (string, map[string]any) {
	t.Helper()
	tok, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	if len(tok.Headers) != 1 {
		t.Fatalf("token has %d headers, want 1", len(tok.Headers))
	}
	hdr := tok.Headers[0]
	if hdr.Algorithm != "RS256" || hdr.ExtraHeaders["typ"] != "JWT" || hdr.JSONWebKey != nil {
		t.Fatalf("header = alg %q typ %v jwk %v, want RS256, JWT, no embedded key", hdr.Algorithm, hdr.ExtraHeaders["typ"], hdr.JSONWebKey)
	}
	keys := set.Key(hdr.KeyID)
	if len(keys) != 1 {
		t.Fatalf("JWKS has %d keys with kid %q, want 1", len(keys), hdr.KeyID)
	}
	var claims map[string]any
	if err := tok.Claims(keys[0].Key, &claims); err != nil {
		t.Fatalf("verify token with kid %q: %v", hdr.KeyID, err)
	}
	return hdr.KeyID, claims
}

func TestNewRejectsBadConfig(t *testing.T) {
	lookup := issuer.UsersFrom(seed.New().Users)
	tests := []struct {
		name string
		cfg  issuer.Config
	}{
		{"no issuer URL", issuer.Config{Users: lookup}},
		{"relative URL", issuer.Config{IssuerURL: "127.0.0.1:3000", Users: lookup}},
		{"not http", issuer.Config{IssuerURL: "ftp://127.0.0.1:3000", Users: lookup}},
		{"trailing slash", issuer.Config{IssuerURL: issuerURL + "/", Users: lookup}},
		{"query", issuer.Config{IssuerURL: issuerURL + "?a=b", Users: lookup}},
		{"no users", issuer.Config{IssuerURL: issuerURL}},
		{"negative TTL", issuer.Config{IssuerURL: issuerURL, Users: lookup, TokenTTL: -time.Hour}},
		{"fractional TTL", issuer.Config{IssuerURL: issuerURL, Users: lookup, TokenTTL: 1500 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if is, err := issuer.New(tt.cfg); err == nil {
				t.Fatalf("New = %v, want an error", is)
			}
		})
	}
}

func TestDiscovery(t *testing.T) {
	h := newIssuer(t).Handler()
	rec := apitest.Do(t, h, http.MethodGet, issuer.DiscoveryPath, "")
	got := apitest.Decode[map[string]any](t, rec, http.StatusOK)
	want := map[string]any{
		"issuer":                                "http://127.0.0.1:3000",
		"jwks_uri":                              "http://127.0.0.1:3000/jwks",
		"token_endpoint":                        "http://127.0.0.1:3000/token",
		"token_endpoint_auth_methods_supported": []any{"none"},
		"subject_types_supported":               []any{"public"},
		"id_token_signing_alg_values_supported": []any{"RS256"},
		"claims_supported":                      []any{"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "roles", "tier"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("discovery =\n%v\nwant\n%v", got, want)
	}
	apitest.CacheControl(t, rec, "no-cache")
}

func TestJWKS(t *testing.T) {
	is := newIssuer(t)
	rec := apitest.Do(t, is.Handler(), http.MethodGet, issuer.JWKSPath, "")
	apitest.CacheControl(t, rec, "no-cache")

	// The raw document: public RSA members only.
	var raw struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Keys) != 1 {
		t.Fatalf("JWKS has %d keys, want 1", len(raw.Keys))
	}
	var members []string
	for k := range raw.Keys[0] {
		members = append(members, k)
	}
	slices.Sort(members)
	if want := []string{"alg", "e", "kid", "kty", "n", "use"}; !slices.Equal(members, want) {
		t.Fatalf("JWK members = %v, want %v (no private parts)", members, want)
	}
	for k, want := range map[string]string{"alg": "RS256", "kid": is.KeyID(), "kty": "RSA", "use": "sig"} {
		if raw.Keys[0][k] != want {
			t.Errorf("JWK %s = %v, want %q", k, raw.Keys[0][k], want)
		}
	}

	set := apitest.Decode[jose.JSONWebKeySet](t, rec, http.StatusOK)
	key := set.Keys[0]
	if !key.IsPublic() || !key.Valid() || key.KeyID == "" {
		t.Fatalf("key %q: public %v, valid %v; want a valid public key with a kid", key.KeyID, key.IsPublic(), key.Valid())
	}
}

func TestToken(t *testing.T) {
	tests := []struct {
		name, clientID, subject string
		want                    map[string]any // claims besides iss, sub, azp and times
	}{
		{
			name: "customer via mobile app", clientID: "mobile-app", subject: "usr_0001",
			want: map[string]any{"aud": []any{"frontdesk-mobile"}, "roles": []any{"customer"}, "tier": "pro"},
		},
		{
			name: "free customer via mobile app", clientID: "mobile-app", subject: "usr_0003",
			want: map[string]any{"aud": []any{"frontdesk-mobile"}, "roles": []any{"customer"}, "tier": "free"},
		},
		{
			name: "customer via web admin", clientID: "web-admin", subject: "usr_0001",
			want: map[string]any{"aud": []any{"frontdesk-web"}, "roles": []any{"customer"}, "tier": "pro"},
		},
		{
			name: "support agent", clientID: "web-admin", subject: "usr_0191",
			want: map[string]any{"aud": []any{"frontdesk-web"}, "roles": []any{"support"}, "tier": "pro"},
		},
		{
			name: "first admin", clientID: "web-admin", subject: "usr_0196",
			want: map[string]any{"aud": []any{"frontdesk-web"}, "roles": []any{"admin", "support"}, "tier": "pro"},
		},
		{
			name: "last admin via mobile app", clientID: "mobile-app", subject: "usr_0200",
			want: map[string]any{"aud": []any{"frontdesk-mobile"}, "roles": []any{"admin", "support"}, "tier": "pro"},
		},
	}
	is := newIssuer(t)
	h := is.Handler()
	set := fetchJWKS(t, h)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kid, got := verify(t, set, mint(t, h, tt.clientID, tt.subject))
			if kid != is.KeyID() {
				t.Errorf("kid = %q, want the current %q", kid, is.KeyID())
			}
			want := map[string]any{
				"iss": "http://127.0.0.1:3000",
				"sub": tt.subject,
				"azp": tt.clientID,
				"iat": float64(now.Unix()),
				"nbf": float64(now.Unix()),
				"exp": float64(now.Add(time.Hour).Unix()),
			}
			for k, v := range tt.want {
				want[k] = v
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("claims =\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestTokenTTL(t *testing.T) {
	is, err := issuer.New(issuer.Config{
		IssuerURL: "https://issuer.example.com/demo",
		Users:     func(string) (issuer.User, bool) { return issuer.User{Tier: "free"}, true },
		Clock:     func() time.Time { return now },
		TokenTTL:  90 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	token, ttl, err := is.Mint(issuer.ClientWebAdmin, "usr_x")
	if err != nil || ttl != 90*time.Second {
		t.Fatalf("Mint = %v, %v; want 90s", ttl, err)
	}
	_, got := verify(t, is.JWKS(), token)
	if got["exp"] != float64(now.Unix()+90) || got["iss"] != "https://issuer.example.com/demo" {
		t.Fatalf("exp, iss = %v, %v; want %d, the configured URL", got["exp"], got["iss"], now.Unix()+90)
	}
	if roles, ok := got["roles"].([]any); !ok || len(roles) != 0 {
		t.Fatalf("roles = %#v, want []", got["roles"])
	}
}

func TestMintErrors(t *testing.T) {
	is := newIssuer(t)
	tests := []struct {
		clientID, subject string
		want              error
	}{
		{"mobile", "usr_0001", issuer.ErrUnknownClient},
		{"web-admin", "usr_0201", issuer.ErrUnknownSubject},
	}
	for _, tt := range tests {
		if _, _, err := is.Mint(tt.clientID, tt.subject); !errors.Is(err, tt.want) {
			t.Errorf("Mint(%q, %q) error = %v, want %v", tt.clientID, tt.subject, err, tt.want)
		}
	}
}

func TestTokenRejectsBadRequests(t *testing.T) {
	const secret = "s3cr3t-<input>"
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name, contentType, body, wantDescription string
	}{
		{"unknown client", form, "client_id=" + secret + "&subject=usr_0001", "unknown client_id"},
		{"client of another case", form, "client_id=Mobile-App&subject=usr_0001", "unknown client_id"},
		{"unknown subject", form, "client_id=mobile-app&subject=" + secret, "unknown subject"},
		{"out-of-range subject", form, "client_id=web-admin&subject=usr_0201", "unknown subject"},
		{"missing client", form, "subject=usr_0001", "missing client_id"},
		{"empty subject", form, "client_id=mobile-app&subject=", "missing subject"},
		{"repeated client", form, "client_id=mobile-app&client_id=web-admin&subject=usr_0001", "client_id must be given once"},
		{"repeated subject", form, "client_id=mobile-app&subject=usr_0001&subject=" + secret, "subject must be given once"},
		{"form charset allowed, bad escape", form + "; charset=utf-8", "client_id=%zz" + secret, "body is not a valid form"},
		{"too large", form, "client_id=mobile-app&subject=" + strings.Repeat("x", 9<<10) + secret, "body is not a valid form"},
		{"JSON body", "application/json", `{"client_id":"mobile-app","subject":"` + secret + `"}`, "body must be application/x-www-form-urlencoded"},
		{"no content type", "", "client_id=mobile-app&subject=usr_0001", "body must be application/x-www-form-urlencoded"},
	}
	h := newIssuer(t).Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := postForm(t, h, issuer.TokenPath, tt.contentType, tt.body)
			got := apitest.Decode[issuer.TokenError](t, rec, http.StatusBadRequest)
			want := issuer.TokenError{Error: "invalid_request", ErrorDescription: tt.wantDescription}
			if got != want {
				t.Fatalf("error = %+v, want %+v", got, want)
			}
			if strings.Contains(rec.Body.String(), "s3cr3t") {
				t.Fatalf("body %s echoes the request", rec.Body)
			}
			apitest.CacheControl(t, rec, "no-store")
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	tests := []struct {
		name, method, target string
		status               int
		code, allow          string
	}{
		{"GET token", http.MethodGet, "/token?client_id=s3cr3t&subject=usr_0001", http.StatusMethodNotAllowed, httpapi.CodeMethodNotAllowed, "POST"},
		{"GET rotate", http.MethodGet, "/__rotate", http.StatusMethodNotAllowed, httpapi.CodeMethodNotAllowed, "POST"},
		{"POST jwks", http.MethodPost, "/jwks", http.StatusMethodNotAllowed, httpapi.CodeMethodNotAllowed, "GET, HEAD"},
		{"unknown route", http.MethodGet, "/s3cr3t", http.StatusNotFound, httpapi.CodeNotFound, ""},
		{"no stats", http.MethodGet, "/__stats", http.StatusNotFound, httpapi.CodeNotFound, ""},
	}
	h := newIssuer(t).Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.Do(t, h, tt.method, tt.target, "")
			apitest.ExpectError(t, rec, tt.status, tt.code)
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if strings.Contains(rec.Body.String(), "s3cr3t") {
				t.Fatalf("body %s echoes the request", rec.Body)
			}
		})
	}
}

func TestRotate(t *testing.T) {
	is := newIssuer(t)
	h := is.Handler()
	kid1 := is.KeyID()
	before := mint(t, h, "mobile-app", "usr_0001")

	rec := postForm(t, h, issuer.RotatePath, "", "")
	apitest.CacheControl(t, rec, "no-store")
	kid2 := apitest.Decode[issuer.RotateResponse](t, rec, http.StatusOK).KeyID
	if kid2 == "" || kid2 == kid1 || is.KeyID() != kid2 {
		t.Fatalf("rotated kid = %q (current %q), want a new kid unlike %q", kid2, is.KeyID(), kid1)
	}
	after := mint(t, h, "mobile-app", "usr_0001")

	set := fetchJWKS(t, h)
	if got := kids(set); !slices.Equal(got, []string{kid2, kid1}) {
		t.Fatalf("JWKS kids = %v, want [%s %s]", got, kid2, kid1)
	}
	tests := []struct {
		name, token, wantKid string
	}{
		{"token minted before rotation", before, kid1},
		{"token minted after rotation", after, kid2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kid, claims := verify(t, set, tt.token)
			if kid != tt.wantKid || claims["sub"] != "usr_0001" {
				t.Fatalf("kid, sub = %q, %v; want %q, usr_0001", kid, claims["sub"], tt.wantKid)
			}
		})
	}

	// The old token does not verify with the new key.
	tok, err := jwt.ParseSigned(before, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := tok.Claims(set.Key(kid2)[0].Key, &claims); err == nil {
		t.Fatal("token signed by the previous key verified with the current key")
	}

	// A second rotation drops the oldest key.
	kid3, err := is.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if got := kids(fetchJWKS(t, h)); !slices.Equal(got, []string{kid3, kid2}) {
		t.Fatalf("JWKS kids after second rotation = %v, want [%s %s]", got, kid3, kid2)
	}
}

func kids(set jose.JSONWebKeySet) []string {
	var out []string
	for _, k := range set.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

func TestConcurrentMintAndRotate(t *testing.T) {
	is := newIssuer(t)
	var wg sync.WaitGroup
	tokens := make([]string, 8)
	for i := range tokens {
		wg.Go(func() {
			token, _, err := is.Mint(issuer.ClientMobileApp, "usr_0002")
			if err != nil {
				t.Error(err)
			}
			tokens[i] = token
		})
	}
	wg.Go(func() {
		if _, err := is.Rotate(); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	set := is.JWKS()
	for _, token := range tokens {
		verify(t, set, token)
	}
}

func TestHealthz(t *testing.T) {
	rec := apitest.Do(t, newIssuer(t).Handler(), http.MethodGet, issuer.HealthPath, "")
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Fatalf("GET /healthz = %d %q, want 200 ok", rec.Code, rec.Body)
	}
}

func TestUsersFromCopies(t *testing.T) {
	us := seed.New().Users
	lookup := issuer.UsersFrom(us)
	us[0].Roles[0] = "mutated"
	u, ok := lookup("usr_0001")
	if !ok || !slices.Equal(u.Roles, []string{"customer"}) || u.Tier != "pro" {
		t.Fatalf("lookup(usr_0001) = %+v, %v; want customer, pro", u, ok)
	}
	u.Roles[0] = "mutated"
	if again, _ := lookup("usr_0001"); again.Roles[0] != "customer" {
		t.Fatal("lookup shares its roles slice with callers")
	}
	if _, ok := lookup("usr_0000"); ok {
		t.Fatal("lookup(usr_0000) found a user")
	}
}
