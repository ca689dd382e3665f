// Package catalog serves the demo catalog service: products in categories,
// readable one by one, in batches and as a filtered list.
package catalog

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Product is a catalog entry. Prices are in cents of Currency.
type Product struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Category    string    `json:"category"`
	PriceCents  int64     `json:"priceCents"`
	Currency    string    `json:"currency"`
	ImageURL    string    `json:"imageUrl"`
	Featured    bool      `json:"featured"`
	CreatedAt   time.Time `json:"createdAt"`
}

// Filter selects products in Search. Zero fields match everything.
type Filter struct {
	Query    string // case-insensitive substring of name or description
	Category string // exact category
	Featured *bool  // featured flag
}

func (f Filter) match(p Product, lowerQuery string) bool {
	if f.Category != "" && p.Category != f.Category {
		return false
	}
	if f.Featured != nil && p.Featured != *f.Featured {
		return false
	}
	return lowerQuery == "" ||
		strings.Contains(strings.ToLower(p.Name), lowerQuery) ||
		strings.Contains(strings.ToLower(p.Description), lowerQuery)
}

// Store is a concurrency-safe in-memory catalog.
type Store struct {
	mu       sync.RWMutex
	byID     map[string]Product
	sorted   []Product // by id
	category []string  // sorted, distinct
}

// NewStore returns a store holding a copy of ps.
func NewStore(ps []Product) *Store {
	s := &Store{byID: make(map[string]Product, len(ps))}
	for _, p := range ps {
		s.byID[p.ID] = p
	}
	for _, p := range s.byID {
		s.sorted = append(s.sorted, p)
		s.category = append(s.category, p.Category)
	}
	slices.SortFunc(s.sorted, func(a, b Product) int { return cmp.Compare(a.ID, b.ID) })
	slices.Sort(s.category)
	s.category = slices.Compact(s.category)
	return s
}

// Get returns the product with id.
func (s *Store) Get(id string) (Product, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.byID[id]
	return p, ok
}

// GetMany returns the products found among ids, in the order of ids.
func (s *Store) GetMany(ids []string) []Product {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Product, 0, len(ids))
	for _, id := range ids {
		if p, ok := s.byID[id]; ok {
			out = append(out, p)
		}
	}
	return out
}

// Search returns the products matching f, sorted by id.
func (s *Store) Search(f Filter) []Product {
	q := strings.ToLower(f.Query)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []Product{}
	for _, p := range s.sorted {
		if f.match(p, q) {
			out = append(out, p)
		}
	}
	return out
}

// Categories returns the distinct categories, sorted.
func (s *Store) Categories() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.category)
}
