// Package persisted serves persisted GraphQL documents: clients send a
// document's SHA-256 instead of its text.
//
//   - APQ is Automatic Persisted Queries (the `extensions.persistedQuery`
//     protocol of Apollo clients): a client sends the hash alone; on
//     PERSISTED_QUERY_NOT_FOUND it sends hash and text once, and the
//     document is stored for everyone. The store is any
//     graphql.Cache[string]: Redis (shared by every instance) or Memory (a
//     bounded LRU), both of which also plug into gqlgen's own
//     extension.AutomaticPersistedQuery.
//   - Trusted is an allow-list of documents known at build time (a mobile
//     app's committed operations, LoadList): when enforcing, only those run,
//     by id or by identical text; anything else is
//     PERSISTED_QUERY_NOT_IN_LIST.
//
// Both run as gqlgen OperationParameterMutators and must come before the
// document limits (doclimit), which then see the document that will run.
package persisted

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// Public error codes of this package. They belong in gqlerr's closed set.
const (
	// CodeNotFound: the hash is not in the APQ store; an APQ client sends
	// the text next (message "PersistedQueryNotFound", which clients match).
	CodeNotFound = gqlerr.PersistedQueryNotFound
	// CodeNotInList: the document is not a trusted document.
	CodeNotInList = gqlerr.PersistedQueryNotInList
)

// Config configures persisted documents; each field documents its default.
type Config struct {
	// APQ answers Automatic Persisted Queries.
	APQ bool `env:"APQ_ENABLED" envDefault:"true" json:"apq"`
	// CacheSize is how many APQ documents an instance keeps in memory when
	// no Redis is configured (LRU).
	CacheSize int `env:"APQ_CACHE_SIZE" envDefault:"1000" json:"cacheSize"`
	// TTL is how long Redis keeps an APQ document after its last use.
	TTL time.Duration `env:"APQ_TTL" envDefault:"24h" json:"ttl"`
	// MaxBytes caps the APQ documents stored; a larger document is served
	// but not stored.
	MaxBytes int `env:"APQ_MAX_BYTES" envDefault:"65536" json:"maxBytes"`
	// TrustedOnly accepts only trusted documents (Trusted enforcing);
	// bff-mobile turns it on in production.
	TrustedOnly bool `env:"TRUSTED_DOCUMENTS_ONLY" envDefault:"false" json:"trustedOnly"`
}

// Validate rejects settings out of range, naming their variable.
func (c Config) Validate() error {
	switch {
	case c.CacheSize < 1:
		return errors.New("APQ_CACHE_SIZE must be at least 1")
	case c.TTL < time.Second:
		return errors.New("APQ_TTL must be at least 1s")
	case c.MaxBytes < 1:
		return errors.New("APQ_MAX_BYTES must be at least 1")
	}
	return nil
}

// Hash returns a document's id: the lower-case hex SHA-256 of its text,
// byte for byte.
func Hash(document string) string {
	sum := sha256.Sum256([]byte(document))
	return hex.EncodeToString(sum[:])
}

// persistedID reads `extensions.persistedQuery` ({"version": 1,
// "sha256Hash": "<64 hex>"}): the id, whether the request has one, and a
// BAD_REQUEST when it is malformed.
func persistedID(extensions map[string]any) (string, bool, *gqlerror.Error) {
	raw, ok := extensions["persistedQuery"]
	if !ok || raw == nil {
		return "", false, nil
	}
	pq, ok := raw.(map[string]any)
	if !ok {
		return "", false, public(gqlerr.BadRequest, "extensions.persistedQuery must be an object")
	}
	if !isOne(pq["version"]) {
		return "", false, public(gqlerr.BadRequest, "extensions.persistedQuery.version must be 1")
	}
	id, _ := pq["sha256Hash"].(string)
	id = strings.ToLower(id)
	if len(id) != 2*sha256.Size || strings.Trim(id, "0123456789abcdef") != "" {
		return "", false, public(gqlerr.BadRequest, "extensions.persistedQuery.sha256Hash must be 64 hex digits")
	}
	return id, true, nil
}

func isOne(v any) bool {
	switch v := v.(type) {
	case json.Number:
		return v == "1"
	case float64:
		return v == 1
	case int:
		return v == 1
	case int64:
		return v == 1
	}
	return false
}

// public returns a request error with a public code: `extensions.code` for
// gqlgen's transports, around a *gqlerr.Error for frontdesk's presenter.
func public(code gqlerr.Code, message string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    message,
		Extensions: map[string]any{"code": string(code)},
		Err:        gqlerr.New(code, message),
	}
}

func errNotFound() *gqlerror.Error { return public(CodeNotFound, "PersistedQueryNotFound") }

func errNotInList() *gqlerror.Error {
	return public(CodeNotInList, "only trusted documents are accepted, and this one is not among them")
}

func errMismatch() *gqlerror.Error {
	return public(gqlerr.BadRequest, "the query does not match extensions.persistedQuery.sha256Hash")
}
