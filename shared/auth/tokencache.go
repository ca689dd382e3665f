package auth

import (
	"crypto/sha256"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// tokenKey is the SHA-256 of a raw token: the cache never holds a token
// itself, and two different tokens have different keys.
type tokenKey [sha256.Size]byte

func keyOf(rawToken string) tokenKey { return sha256.Sum256([]byte(rawToken)) }

// cachedToken is what a full verification of a token returned, and the
// times between which it would return it again.
type cachedToken struct {
	principal Principal
	// validFrom is the earliest time the token verifies (its nbf and iat
	// less the clock skew); zero when it has neither.
	validFrom time.Time
	// expires is the token's exp: the entry is used strictly before it.
	expires time.Time
}

// usable reports whether e may answer for the token at now.
func (e cachedToken) usable(now time.Time) bool {
	return !now.Before(e.validFrom) && now.Before(e.expires)
}

// tokenCache is a bounded LRU of verified tokens by tokenKey
// (hashicorp/golang-lru). clear drops every entry and starts a new
// generation; add refuses an entry verified in an earlier generation, so a
// verification that read the keys before a key set change cannot put its
// result back after the clear. Safe for concurrent use.
type tokenCache struct {
	mu      sync.Mutex
	entries *simplelru.LRU[tokenKey, cachedToken]
	gen     uint64
}

// newTokenCache returns a cache of at most size (at least 1) entries.
func newTokenCache(size int) *tokenCache {
	// NewLRU fails only for a size below 1, excluded here.
	entries, _ := simplelru.NewLRU[tokenKey, cachedToken](max(size, 1), nil)
	return &tokenCache{entries: entries}
}

// get returns the principal cached for k if its entry is usable at now; an
// entry that is not is removed. gen is the current generation, to pass to
// add after a full verification.
func (c *tokenCache) get(k tokenKey, now time.Time) (p Principal, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries.Get(k)
	if ok && !e.usable(now) {
		c.entries.Remove(k)
		ok = false
	}
	if !ok {
		return Principal{}, false, c.gen
	}
	return e.principal.clone(), true, c.gen
}

// add caches e for k if the generation is still gen and e is usable at now.
func (c *tokenCache) add(gen uint64, k tokenKey, e cachedToken, now time.Time) {
	if !e.usable(now) {
		return
	}
	e.principal = e.principal.clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.entries.Add(k, e)
}

// clear drops every entry and starts a new generation.
func (c *tokenCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries.Purge()
}

// clone returns p with its own Roles, so that a caller changing them changes
// neither the cache nor another caller's copy.
func (p Principal) clone() Principal {
	p.Roles = slices.Clone(p.Roles)
	return p
}
