package authtest_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/frontdesk/frontdesk/shared/authtest"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// decode returns a token's header and claims without verifying it.
func decode(t *testing.T, token string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts, want 3", len(parts))
	}
	for n, dst := range []*map[string]any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[n])
		if err != nil {
			t.Fatalf("decoding part %d: %v", n, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			t.Fatalf("decoding part %d: %v", n, err)
		}
	}
	return header, claims
}

func get(t *testing.T, url string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

func TestMintDefaults(t *testing.T) {
	iss := authtest.NewIssuer(t, authtest.WithClock(clock))
	header, claims := decode(t, iss.Mint(authtest.Claims{
		Subject: "usr_0001", Audience: []string{"frontdesk-web"}, Roles: []string{"customer"}, ClientID: "web-admin", Tier: "free",
	}))
	wantHeader := map[string]any{"alg": "RS256", "kid": iss.CurrentKID(), "typ": "JWT"}
	if !reflect.DeepEqual(header, wantHeader) {
		t.Fatalf("header = %v, want %v", header, wantHeader)
	}
	wantClaims := map[string]any{
		"iss": iss.URL(), "sub": "usr_0001", "aud": []any{"frontdesk-web"}, "azp": "web-admin",
		"roles": []any{"customer"}, "tier": "free",
		"iat": float64(now.Unix()), "nbf": float64(now.Unix()), "exp": float64(now.Add(time.Hour).Unix()),
	}
	if !reflect.DeepEqual(claims, wantClaims) {
		t.Fatalf("claims = %v, want %v", claims, wantClaims)
	}
}

func TestMintOptions(t *testing.T) {
	iss := authtest.NewIssuer(t, authtest.WithClock(clock))
	c := authtest.Claims{Subject: "usr_0001", Roles: []string{"customer"}}
	plain := iss.Mint(c)

	t.Run("WithKID", func(t *testing.T) {
		header, _ := decode(t, iss.Mint(c, authtest.WithKID("other")))
		if header["kid"] != "other" {
			t.Fatalf("kid = %v, want other", header["kid"])
		}
	})
	t.Run("WithAlgNone", func(t *testing.T) {
		token := iss.Mint(c, authtest.WithAlgNone())
		header, _ := decode(t, token)
		if header["alg"] != "none" || !strings.HasSuffix(token, ".") {
			t.Fatalf("alg none token = %s, header %v", token, header)
		}
	})
	t.Run("WithHS256PublicKey", func(t *testing.T) {
		header, _ := decode(t, iss.Mint(c, authtest.WithHS256PublicKey()))
		if header["alg"] != "HS256" || header["kid"] != iss.CurrentKID() {
			t.Fatalf("header = %v, want HS256 with kid %s", header, iss.CurrentKID())
		}
	})
	t.Run("WithIssuer", func(t *testing.T) {
		_, claims := decode(t, iss.Mint(c, authtest.WithIssuer("https://other.example")))
		if claims["iss"] != "https://other.example" {
			t.Fatalf("iss = %v", claims["iss"])
		}
	})
	t.Run("Tampered", func(t *testing.T) {
		token := iss.Mint(c, authtest.Tampered())
		_, claims := decode(t, token)
		if !reflect.DeepEqual(claims["roles"], []any{"admin"}) {
			t.Fatalf("roles = %v, want [admin]", claims["roles"])
		}
		if got, want := strings.Split(token, ".")[2], strings.Split(plain, ".")[2]; got != want {
			t.Fatal("tampering changed the signature")
		}
	})
	t.Run("WithExtraBytes", func(t *testing.T) {
		if got := len(iss.Mint(c, authtest.WithExtraBytes(1000))) - len(plain); got < 1000 {
			t.Fatalf("token grew by %d bytes, want at least 1000", got)
		}
	})
}

func TestDiscoveryAndRotation(t *testing.T) {
	iss := authtest.NewIssuer(t)
	var discovery struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	get(t, iss.URL()+"/.well-known/openid-configuration", &discovery)
	if discovery.Issuer != iss.URL() || discovery.JWKSURI != iss.URL()+"/jwks" {
		t.Fatalf("discovery = %+v", discovery)
	}

	kids := func() []string {
		var set jose.JSONWebKeySet
		get(t, discovery.JWKSURI, &set)
		var out []string
		for _, k := range set.Keys {
			if !k.IsPublic() || k.Algorithm != "RS256" || k.Use != "sig" {
				t.Fatalf("JWKS key %s: public %t, alg %s, use %s", k.KeyID, k.IsPublic(), k.Algorithm, k.Use)
			}
			out = append(out, k.KeyID)
		}
		slices.Sort(out)
		return out
	}
	first := iss.CurrentKID()
	if got := kids(); !slices.Equal(got, []string{first}) {
		t.Fatalf("JWKS kids = %v, want [%s]", got, first)
	}
	iss.Rotate()
	second := iss.CurrentKID()
	if got, want := kids(), []string{first, second}; !slices.Equal(got, want) {
		t.Fatalf("JWKS kids after a rotation = %v, want %v", got, want)
	}
	iss.Rotate()
	third := iss.CurrentKID()
	if got, want := kids(), []string{second, third}; !slices.Equal(got, want) {
		t.Fatalf("JWKS kids after two rotations = %v, want %v", got, want)
	}
	if got := iss.JWKSRequests(); got != 3 {
		t.Fatalf("JWKSRequests = %d, want 3", got)
	}
	if got := iss.DiscoveryRequests(); got != 1 {
		t.Fatalf("DiscoveryRequests = %d, want 1", got)
	}
}
