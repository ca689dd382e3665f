package cache

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// envelope is how every entry is stored: the data with when it was stored,
// until when it is fresh and the generations it was read under.
type envelope struct {
	Version    int               `json:"v"`
	StoredAt   int64             `json:"s"` // Unix milliseconds
	FreshUntil int64             `json:"f"` // Unix milliseconds
	Gens       map[string]string `json:"g,omitempty"`
	Data       json.RawMessage   `json:"d"`
}

func encodeEnvelope(data []byte, stored time.Time, fresh time.Duration, gens map[string]string) ([]byte, error) {
	return json.Marshal(envelope{
		Version:    FormatVersion,
		StoredAt:   stored.UnixMilli(),
		FreshUntil: stored.Add(fresh).UnixMilli(),
		Gens:       gens,
		Data:       data,
	})
}

// decodeEnvelope returns the envelope in b; ok is false for no value or one
// of another format.
func decodeEnvelope(b []byte) (env envelope, ok bool) {
	if b == nil || json.Unmarshal(b, &env) != nil || env.Version != FormatVersion || env.Data == nil {
		return envelope{}, false
	}
	return env, true
}

// state is what an entry is good for at an instant.
type state int

const (
	missing state = iota // absent, of another format, invalidated, or too old
	fresh                // to be served
	stale                // only to be served when the upstream fails
)

// stateAt returns the state of env at now, given the generations current
// now (by key; "" for a generation never set) and the stale window.
func (env envelope) stateAt(now time.Time, current map[string]string, maxStale time.Duration) state {
	for k, v := range env.Gens {
		if current[k] != v {
			return missing
		}
	}
	until := time.UnixMilli(env.FreshUntil)
	switch {
	case now.Before(until):
		return fresh
	case now.Before(until.Add(maxStale)):
		return stale
	}
	return missing
}

// age returns how old env's data is at now.
func (env envelope) age(now time.Time) time.Duration {
	return max(now.Sub(time.UnixMilli(env.StoredAt)), 0)
}

// newGeneration returns a fresh generation token: generations are only
// compared, so a random one needs no atomic increment in the store.
func newGeneration() []byte {
	return []byte(rand.Text()[:16])
}

// Keys: everything the cache writes, below the store's prefix.
const (
	entityKeyPrefix  = "e"
	genEntityPrefix  = "g:e:"
	genServicePrefix = "g:s:"
	responseKeyPfx   = "r"
	maxIDInKey       = 128
)

// keyPart returns s for use as the last part of a key: as is when short,
// else a hash of it, so a client-chosen id cannot make keys unbounded.
func keyPart(s string) string {
	if len(s) <= maxIDInKey {
		return s
	}
	return "#" + hashHex(s)
}

// hashHex returns the hex SHA-256 of s, cut to 32 characters.
func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// entityKey is the key of one entity's entry in partition (see partition).
func entityKey(kind Kind, typeVersion, partition, id string) string {
	return fmt.Sprintf("%s%d:%s:%s:%s:%s", entityKeyPrefix, FormatVersion, kind.Name, typeVersion, partition, keyPart(id))
}

// entityGenKey is the key of one entity's generation, shared by its
// entries in every partition.
func entityGenKey(kind Kind, id string) string {
	return genEntityPrefix + kind.Name + ":" + keyPart(id)
}

// ServiceGenKey is the key of the generation of what was read from a
// service; Evict changes it, invalidating the responses that read it.
func ServiceGenKey(service string) string { return genServicePrefix + service }

// responseKey is the key of a whole response whose identity hashes to hash.
func responseKey(hash string) string {
	return fmt.Sprintf("%s%d:%s", responseKeyPfx, FormatVersion, hash)
}

var typeVersions sync.Map // reflect.Type → string

// typeVersion returns a short hash of the shape of t (field names, JSON
// tags and types, recursively), so changing an entity's Go type changes its
// keys and never decodes an old entry into the new type.
func typeVersion(t reflect.Type) string {
	if v, ok := typeVersions.Load(t); ok {
		return v.(string) //nolint:forcetypeassert // only strings are stored
	}
	var b strings.Builder
	describeType(&b, t, map[reflect.Type]bool{})
	v := hashHex(b.String())[:12]
	typeVersions.Store(t, v)
	return v
}

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

func describeType(b *strings.Builder, t reflect.Type, seen map[reflect.Type]bool) {
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
		b.WriteString(t.String()) // its own encoding, e.g. time.Time
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		b.WriteString("*")
		describeType(b, t.Elem(), seen)
	case reflect.Slice, reflect.Array:
		b.WriteString("[]")
		describeType(b, t.Elem(), seen)
	case reflect.Map:
		b.WriteString("map[" + t.Key().String() + "]")
		describeType(b, t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			b.WriteString(t.String())
			return
		}
		seen[t] = true
		b.WriteString("{")
		for f := range t.Fields() {
			if !f.IsExported() {
				continue
			}
			b.WriteString(f.Name + " " + f.Tag.Get("json") + " ")
			describeType(b, f.Type, seen)
			b.WriteString(";")
		}
		b.WriteString("}")
	default:
		b.WriteString(t.Kind().String())
	}
}
