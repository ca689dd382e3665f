package persisted

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Memory is an APQ store in this process: an LRU of at most size
// documents of at most maxBytes each. It is the store when no Redis is
// configured. Safe for concurrent use.
type Memory struct {
	docs     *lru.Cache[string, string]
	maxBytes int
}

var _ graphql.Cache[string] = (*Memory)(nil)

// NewMemory returns a store of at most size documents of at most maxBytes.
func NewMemory(size, maxBytes int) (*Memory, error) {
	if maxBytes < 1 {
		return nil, fmt.Errorf("apq memory store: max bytes %d below 1", maxBytes)
	}
	docs, err := lru.New[string, string](size)
	if err != nil {
		return nil, fmt.Errorf("apq memory store: %w", err)
	}
	return &Memory{docs: docs, maxBytes: maxBytes}, nil
}

// Get implements graphql.Cache.
func (m *Memory) Get(_ context.Context, id string) (string, bool) { return m.docs.Get(id) }

// Add implements graphql.Cache; a document over maxBytes is not kept.
func (m *Memory) Add(_ context.Context, id, document string) {
	if len(document) <= m.maxBytes {
		m.docs.Add(id, document)
	}
}
