package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"
)

// maxJWKSBytes bounds the JWKS document read from the issuer.
const maxJWKSBytes = 1 << 20

// keySet is an oidc.KeySet over the issuer's JWKS. Unlike
// oidc.RemoteKeySet, which refetches for every unknown kid, it refetches at
// most once per minInterval, and concurrent callers share one fetch: a burst
// of tokens with made-up kids costs the issuer at most one request. A key
// added by a rotation is picked up by the first token that names it once the
// interval allows. When a fetch changes the keys, onChanged runs (the
// Verifier drops its cache of verified tokens).
type keySet struct {
	url         string
	client      *http.Client
	now         func() time.Time
	minInterval time.Duration
	onChanged   func() // called with mu held; may be nil

	fetches singleflight.Group

	mu      sync.Mutex
	keys    map[string]jose.JSONWebKey // by kid
	fetched time.Time                  // end of the last fetch; zero before the first
}

var _ oidc.KeySet = (*keySet)(nil)

// newKeySet returns a keySet for the JWKS at url; onChanged, if not nil,
// runs whenever a fetch replaces keys with different ones.
func newKeySet(url string, client *http.Client, now func() time.Time, minInterval time.Duration, onChanged func()) *keySet {
	return &keySet{url: url, client: client, now: now, minInterval: minInterval, onChanged: onChanged}
}

// VerifySignature verifies jwt's signature with the JWKS key its kid names
// and returns the payload.
func (s *keySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(jwt, signingAlgs)
	if err != nil {
		return nil, fmt.Errorf("parsing JWS: %w", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("JWS has %d signatures, want 1", len(jws.Signatures))
	}
	hdr := jws.Signatures[0].Header
	if hdr.KeyID == "" {
		return nil, errors.New("JWS header has no kid")
	}
	key, ok := s.key(hdr.KeyID)
	if !ok {
		if err := s.refresh(ctx); err != nil {
			return nil, err
		}
		if key, ok = s.key(hdr.KeyID); !ok {
			return nil, fmt.Errorf("no JWKS key with kid %q", hdr.KeyID)
		}
	}
	if key.Algorithm != "" && key.Algorithm != hdr.Algorithm {
		return nil, fmt.Errorf("JWS alg %s does not match key %q's alg %s", hdr.Algorithm, hdr.KeyID, key.Algorithm)
	}
	payload, err := jws.Verify(key.Key)
	if err != nil {
		return nil, fmt.Errorf("verifying signature with key %q: %w", hdr.KeyID, err)
	}
	return payload, nil
}

func (s *keySet) key(kid string) (jose.JSONWebKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[kid]
	return k, ok
}

// due reports whether the interval since the last fetch has passed.
func (s *keySet) due() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetched.IsZero() || s.now().Sub(s.fetched) >= s.minInterval
}

// refresh refetches the JWKS if the interval allows, sharing one fetch among
// concurrent callers. A failed fetch counts against the interval too, and
// keeps the cached keys.
func (s *keySet) refresh(ctx context.Context) error {
	if !s.due() {
		return nil
	}
	// The fetch outlives a caller that gives up: it is shared, and bounded by
	// the client's timeout.
	fetchCtx := context.WithoutCancel(ctx)
	// The flight's value reports whether it fetched; callers only need its error.
	ch := s.fetches.DoChan("jwks", func() (any, error) {
		if !s.due() { // another fetch ended since this caller checked
			return false, nil
		}
		keys, err := s.fetch(fetchCtx)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.fetched = s.now()
		if err != nil {
			return true, err
		}
		// Under mu, like every read of the keys: no verification sees the
		// new keys before the change is announced. Nothing verifies without
		// keys, so replacing none (the first fetch) is no change.
		if len(s.keys) > 0 && !sameKeys(s.keys, keys) && s.onChanged != nil {
			s.onChanged()
		}
		s.keys = keys
		return true, nil
	})
	select {
	case <-ctx.Done():
		return fmt.Errorf("waiting for the JWKS: %w", ctx.Err())
	case res := <-ch:
		return res.Err
	}
}

// fetch reads the JWKS, keeping the public RSA and EC signing keys that have
// a kid and skipping any other.
func (s *keySet) fetch(ctx context.Context) (map[string]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, fmt.Errorf("building JWKS request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching JWKS: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching JWKS: status %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading JWKS: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, fmt.Errorf("JWKS is larger than %d bytes", maxJWKSBytes)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decoding JWKS: %w", err)
	}
	keys := make(map[string]jose.JSONWebKey, len(doc.Keys))
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := json.Unmarshal(raw, &k); err != nil {
			continue // an unsupported key type must not hide the others (RFC 7517 §5)
		}
		switch k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
		default:
			continue
		}
		if k.KeyID == "" || (k.Use != "" && k.Use != "sig") || !k.Valid() {
			continue
		}
		if _, dup := keys[k.KeyID]; !dup {
			keys[k.KeyID] = k
		}
	}
	return keys, nil
}

// sameKeys reports whether a and b hold the same keys: the same kids, each
// with the same algorithm, use and public key.
func sameKeys(a, b map[string]jose.JSONWebKey) bool {
	if len(a) != len(b) {
		return false
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	for kid, ka := range a {
		kb, ok := b[kid]
		if !ok || ka.Algorithm != kb.Algorithm || ka.Use != kb.Use {
			return false
		}
		// fetch keeps only *rsa.PublicKey and *ecdsa.PublicKey, which both
		// have Equal.
		pub, ok := ka.Key.(equaler)
		if !ok || !pub.Equal(kb.Key) {
			return false
		}
	}
	return true
}
