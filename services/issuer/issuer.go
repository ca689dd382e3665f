// Package issuer is the demo OIDC token issuer of docs/auth.md: it mints
// RS256-signed JWT access tokens for the seeded users, publishes its public
// keys as a JWKS and can rotate its signing key at run time. There is no
// password and no authorization endpoint: it is a demo.
package issuer

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/frontdesk/frontdesk/services/users"
)

// Clients and the audiences of the tokens issued to them.
const (
	ClientMobileApp = "mobile-app"
	ClientWebAdmin  = "web-admin"

	AudienceMobile = "frontdesk-mobile"
	AudienceWeb    = "frontdesk-web"
)

// Algorithm is the signing algorithm of every token and key.
const Algorithm = jose.RS256

// DefaultTokenTTL is the lifetime of a token when Config.TokenTTL is zero.
const DefaultTokenTTL = time.Hour

// rsaBits is the size of the generated signing keys.
const rsaBits = 2048

// Errors of Mint.
var (
	ErrUnknownClient  = errors.New("unknown client_id")
	ErrUnknownSubject = errors.New("unknown subject")
)

// Audience returns the audience of the tokens issued to clientID.
func Audience(clientID string) (string, bool) {
	switch clientID {
	case ClientMobileApp:
		return AudienceMobile, true
	case ClientWebAdmin:
		return AudienceWeb, true
	}
	return "", false
}

// User is what the issuer puts in a token about its subject.
type User struct {
	Roles []string
	Tier  string
}

// UsersFrom returns a lookup over a copy of us, such as seed.New().Users.
func UsersFrom(us []users.User) func(id string) (User, bool) {
	byID := make(map[string]User, len(us))
	for _, u := range us {
		byID[u.ID] = User{Roles: slices.Clone(u.Roles), Tier: u.Tier}
	}
	return func(id string) (User, bool) {
		u, ok := byID[id]
		u.Roles = slices.Clone(u.Roles)
		return u, ok
	}
}

// Config configures New.
type Config struct {
	// IssuerURL is the externally visible base URL, e.g.
	// "http://127.0.0.1:3000": the tokens' iss and the prefix of the
	// discovery document's URLs. Required; no trailing slash, query or
	// fragment.
	IssuerURL string
	// Users looks a subject up by user id. Required.
	Users func(id string) (User, bool)
	// Clock stamps iat, nbf and exp. Default: time.Now.
	Clock func() time.Time
	// TokenTTL is the lifetime of a token, whole seconds. Default:
	// DefaultTokenTTL (1 h).
	TokenTTL time.Duration
}

// Claims are the claims of an issued token, exactly those of docs/auth.md.
type Claims struct {
	Issuer          string   `json:"iss"`
	Subject         string   `json:"sub"`
	Audience        []string `json:"aud"`
	AuthorizedParty string   `json:"azp"`
	Roles           []string `json:"roles"`
	Tier            string   `json:"tier"`
	IssuedAt        int64    `json:"iat"`
	NotBefore       int64    `json:"nbf"`
	Expiry          int64    `json:"exp"`
}

// Issuer mints tokens and holds the signing keys. It is safe for concurrent
// use.
type Issuer struct {
	url   string
	users func(string) (User, bool)
	clock func() time.Time
	ttl   time.Duration

	mu       sync.RWMutex
	current  *signingKey
	previous *signingKey // nil until the first rotation
}

// signingKey is one RSA key with its key id and signer.
type signingKey struct {
	kid    string
	public *rsa.PublicKey
	signer jose.Signer
}

// New validates cfg and generates the first signing key.
func New(cfg Config) (*Issuer, error) {
	if err := validateIssuerURL(cfg.IssuerURL); err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	if cfg.Users == nil {
		return nil, errors.New("issuer: Users is required")
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	switch {
	case cfg.TokenTTL == 0:
		cfg.TokenTTL = DefaultTokenTTL
	case cfg.TokenTTL < time.Second || cfg.TokenTTL%time.Second != 0:
		return nil, fmt.Errorf("issuer: TokenTTL %v is not a positive whole number of seconds", cfg.TokenTTL)
	}
	key, err := newSigningKey()
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	return &Issuer{url: cfg.IssuerURL, users: cfg.Users, clock: cfg.Clock, ttl: cfg.TokenTTL, current: key}, nil
}

func validateIssuerURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return errors.New("IssuerURL is required")
	case err != nil:
		return fmt.Errorf("IssuerURL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return errors.New("IssuerURL must be an absolute http(s) URL")
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(s, "/"):
		return errors.New("IssuerURL must not have a query, a fragment or a trailing slash")
	}
	return nil
}

// newSigningKey generates an RSA key; its kid is the RFC 7638 thumbprint of
// the public key, so kids of different keys differ.
func newSigningKey() (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("generating RSA key: %w", err)
	}
	thumb, err := (&jose.JSONWebKey{Key: &priv.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("computing key thumbprint: %w", err)
	}
	kid := base64.RawURLEncoding.EncodeToString(thumb)
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: Algorithm, Key: jose.JSONWebKey{Key: priv, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"),
	)
	if err != nil {
		return nil, fmt.Errorf("creating signer: %w", err)
	}
	return &signingKey{kid: kid, public: &priv.PublicKey, signer: signer}, nil
}

// URL returns the issuer URL (the tokens' iss).
func (is *Issuer) URL() string { return is.url }

// Mint returns a signed access token for subject issued to clientID, and
// its lifetime. It fails with ErrUnknownClient or ErrUnknownSubject.
func (is *Issuer) Mint(clientID, subject string) (string, time.Duration, error) {
	aud, ok := Audience(clientID)
	if !ok {
		return "", 0, ErrUnknownClient
	}
	u, ok := is.users(subject)
	if !ok {
		return "", 0, ErrUnknownSubject
	}
	roles := slices.Clone(u.Roles)
	if roles == nil {
		roles = []string{}
	}
	now := is.clock()
	claims := Claims{
		Issuer:          is.url,
		Subject:         subject,
		Audience:        []string{aud},
		AuthorizedParty: clientID,
		Roles:           roles,
		Tier:            u.Tier,
		IssuedAt:        now.Unix(),
		NotBefore:       now.Unix(),
		Expiry:          now.Add(is.ttl).Unix(),
	}
	is.mu.RLock()
	signer := is.current.signer
	is.mu.RUnlock()
	token, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", 0, fmt.Errorf("signing token: %w", err)
	}
	return token, is.ttl, nil
}

// Rotate makes a new key current and keeps the current one as the previous
// key (still published, so tokens it signed verify until they expire). The
// key before that is dropped. It returns the new key id.
func (is *Issuer) Rotate() (string, error) {
	key, err := newSigningKey()
	if err != nil {
		return "", fmt.Errorf("issuer: rotate: %w", err)
	}
	is.mu.Lock()
	is.previous, is.current = is.current, key
	is.mu.Unlock()
	return key.kid, nil
}

// KeyID returns the id of the current signing key.
func (is *Issuer) KeyID() string {
	is.mu.RLock()
	defer is.mu.RUnlock()
	return is.current.kid
}

// JWKS returns the public keys: the current one first, then the previous
// one after a rotation.
func (is *Issuer) JWKS() jose.JSONWebKeySet {
	is.mu.RLock()
	keys := []*signingKey{is.current}
	if is.previous != nil {
		keys = append(keys, is.previous)
	}
	is.mu.RUnlock()
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(keys))}
	for _, k := range keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{
			Key:       k.public,
			KeyID:     k.kid,
			Algorithm: string(Algorithm),
			Use:       "sig",
		})
	}
	return set
}
