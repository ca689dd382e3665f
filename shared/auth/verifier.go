package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// ErrInvalidToken is wrapped by every error that rejects a token: missing,
// malformed, oversized, badly signed, expired, not yet valid, for another
// issuer or audience, or without a subject. The wrapping error's text names
// the reason and is for logs only; clients get PublicMessage.
var ErrInvalidToken = errors.New("invalid access token")

const publicMessage = "the access token is missing, invalid or expired"

// PublicMessage returns the text a client may see for an authentication
// failure. It is the same fixed text for every err, so it never carries the
// issuer, the audience, key ids or any other detail of why a token was
// refused.
func PublicMessage(err error) string { return publicMessage }

// signingAlgs are the algorithms a token may be signed with: asymmetric only,
// never none or HMAC (docs/auth.md).
var signingAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.ES256, jose.ES384, jose.ES512,
	jose.PS256, jose.PS384, jose.PS512,
}

// Option adjusts a Verifier made by NewVerifier.
type Option func(*options)

type options struct {
	client *http.Client
	now    func() time.Time
	// wrapKeys, when set, wraps the key set the signatures are checked
	// with (tests count signature checks with it).
	wrapKeys func(oidc.KeySet) oidc.KeySet
}

// WithHTTPClient makes the Verifier talk to the issuer through c (for its
// transport). A c without a Timeout gets Config.HTTPTimeout.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.client = c } }

// WithClock makes the Verifier read the time from now instead of time.Now,
// both for token times and for the JWKS refetch interval.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Verifier checks access tokens from one issuer for one audience. It
// remembers the tokens it verified (Config.TokenCacheSize, docs/auth.md), so
// a repeated token costs a hash and a map lookup instead of a signature
// check. It is safe for concurrent use.
type Verifier struct {
	cfg    Config
	now    func() time.Time
	tokens *oidc.IDTokenVerifier
	cache  *tokenCache // nil when disabled
}

// NewVerifier discovers cfg.Issuer's OIDC configuration and returns a
// Verifier for tokens it issues for cfg.Audience. The JWKS is fetched on the
// first verification. ctx bounds discovery only.
func NewVerifier(ctx context.Context, cfg Config, opts ...Option) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	client := httpClient(o.client, cfg.HTTPTimeout)

	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discovering OIDC issuer %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("reading OIDC discovery of %s: %w", cfg.Issuer, err)
	}
	if u, err := url.Parse(meta.JWKSURI); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("OIDC discovery of %s: jwks_uri %q is not an http(s) URL", cfg.Issuer, meta.JWKSURI)
	}

	var cache *tokenCache
	var onKeysChanged func()
	if cfg.TokenCacheSize > 0 {
		cache = newTokenCache(cfg.TokenCacheSize)
		onKeysChanged = cache.clear
	}
	var keys oidc.KeySet = newKeySet(meta.JWKSURI, client, o.now, cfg.JWKSRefetchInterval, onKeysChanged)
	if o.wrapKeys != nil {
		keys = o.wrapKeys(keys)
	}
	algs := make([]string, len(signingAlgs))
	for i, a := range signingAlgs {
		algs[i] = string(a)
	}
	now, skew := o.now, cfg.ClockSkew
	tokens := oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		ClientID:             cfg.Audience,
		SupportedSigningAlgs: algs,
		// go-oidc compares exp with no leeway: shifting its clock back by
		// the skew allows exp up to skew in the past. nbf and iat are
		// checked in Verify.
		Now: func() time.Time { return now().Add(-skew) },
	})
	return &Verifier{cfg: cfg, now: o.now, tokens: tokens, cache: cache}, nil
}

// httpClient returns c, or a new client, with a timeout; it never returns
// http.DefaultClient, which has none.
func httpClient(c *http.Client, timeout time.Duration) *http.Client {
	if c == nil {
		return &http.Client{Timeout: timeout}
	}
	if c.Timeout == 0 {
		cp := *c
		cp.Timeout = timeout
		return &cp
	}
	return c
}

// claims are the token claims Verify reads (docs/auth.md).
type claims struct {
	jwt.Claims
	AuthorizedParty string `json:"azp"`
	ClientID        string `json:"client_id"`
	Tier            string `json:"tier"`
}

// Verify checks rawToken (without the "Bearer " prefix) and returns the
// caller it was issued for. Every rejection wraps ErrInvalidToken.
//
// A token verified before, under the same keys, and still before its exp
// (and not before its nbf and iat, less the skew) is answered from the
// cache with the principal its full verification returned; a rejection is
// never cached.
func (v *Verifier) Verify(ctx context.Context, rawToken string) (Principal, error) {
	if rawToken == "" {
		return Principal{}, fmt.Errorf("%w: empty token", ErrInvalidToken)
	}
	if len(rawToken) > v.cfg.MaxTokenBytes {
		return Principal{}, fmt.Errorf("%w: token is %d bytes, more than the limit of %d", ErrInvalidToken, len(rawToken), v.cfg.MaxTokenBytes)
	}
	if v.cache == nil {
		p, _, err := v.verify(ctx, rawToken)
		return p, err
	}
	key := keyOf(rawToken)
	p, ok, gen := v.cache.get(key, v.now())
	if ok {
		return p, nil
	}
	// gen was read before verify reads the keys: if they change meanwhile
	// (even through this token's own refetch), add refuses this result and
	// the next request caches it.
	p, entry, err := v.verify(ctx, rawToken)
	if err != nil {
		return Principal{}, err
	}
	v.cache.add(gen, key, entry, v.now())
	return p, nil
}

// verify checks rawToken in full: signature, issuer, audience, times and
// subject. It also returns what the cache keeps of the result.
func (v *Verifier) verify(ctx context.Context, rawToken string) (Principal, cachedToken, error) {
	tok, err := v.tokens.Verify(ctx, rawToken)
	if err != nil {
		return Principal{}, cachedToken{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	var c claims
	if err := tok.Claims(&c); err != nil {
		return Principal{}, cachedToken{}, fmt.Errorf("%w: decoding claims: %w", ErrInvalidToken, err)
	}
	// iss, aud and exp are checked by go-oidc; this adds nbf and iat.
	if err := c.ValidateWithLeeway(jwt.Expected{Time: v.now()}, v.cfg.ClockSkew); err != nil {
		return Principal{}, cachedToken{}, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if c.Subject == "" {
		return Principal{}, cachedToken{}, fmt.Errorf("%w: no sub claim", ErrInvalidToken)
	}
	var all map[string]any
	if err := tok.Claims(&all); err != nil {
		return Principal{}, cachedToken{}, fmt.Errorf("%w: decoding claims: %w", ErrInvalidToken, err)
	}
	clientID := c.AuthorizedParty
	if clientID == "" {
		clientID = c.ClientID
	}
	p := Principal{Subject: c.Subject, Roles: rolesAt(all, v.cfg.RolesClaim), ClientID: clientID, Tier: c.Tier}
	return p, v.cacheWindow(p, c.Claims), nil
}

// cacheWindow returns the cache entry of a token with claims c, verified as
// p: usable from the time its nbf and iat stop being in the future (less
// the skew, as ValidateWithLeeway allows) until its exp. The entry ends at
// exp, not at exp plus the skew as verification does: a hit is never an
// answer full verification would refuse, and a token in the skew after its
// exp is verified in full each time. A token without exp gets an entry that
// is never usable (go-oidc refuses it anyway).
func (v *Verifier) cacheWindow(p Principal, c jwt.Claims) cachedToken {
	e := cachedToken{principal: p}
	for _, t := range []*jwt.NumericDate{c.NotBefore, c.IssuedAt} {
		if t != nil {
			if from := t.Time().Add(-v.cfg.ClockSkew); from.After(e.validFrom) {
				e.validFrom = from
			}
		}
	}
	if c.Expiry != nil {
		e.expires = c.Expiry.Time()
	}
	return e
}

// rolesAt returns the roles in the claim named claim: a top-level claim of
// that exact name (such as Auth0's namespaced "https://example.com/roles"),
// else a dotted path into nested objects (Keycloak's "realm_access.roles").
// The value is an array of strings or one space-separated string; roles are
// lower-cased, other values ignored. No claim means no roles.
func rolesAt(claims map[string]any, claim string) []string {
	v, ok := claims[claim]
	if !ok {
		var cur any = claims
		for part := range strings.SplitSeq(claim, ".") {
			obj, isObj := cur.(map[string]any)
			if !isObj {
				return nil
			}
			cur = obj[part]
		}
		v = cur
	}
	var roles []string
	switch v := v.(type) {
	case []any:
		for _, r := range v {
			if s, ok := r.(string); ok && s != "" {
				roles = append(roles, strings.ToLower(s))
			}
		}
	case string:
		for _, r := range strings.Fields(v) {
			roles = append(roles, strings.ToLower(r))
		}
	}
	return roles
}
