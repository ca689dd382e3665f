// Package users serves the demo users service: user profiles with tiers and
// roles, readable one by one, in batches and as a searchable list.
package users

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Tiers of a user.
const (
	TierFree = "free"
	TierPro  = "pro"
)

// User is a user profile. Email, Tier and Roles are private: they are left
// out of the public view (see Public).
type User struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitzero"`
	Tier      string    `json:"tier,omitzero"`
	Roles     []string  `json:"roles,omitzero"`
	CreatedAt time.Time `json:"createdAt"`
}

// Public returns the part of u any signed-in user may see: id, name and
// creation time.
func (u User) Public() User {
	return User{ID: u.ID, Name: u.Name, CreatedAt: u.CreatedAt}
}

func (u User) clone() User {
	u.Roles = slices.Clone(u.Roles)
	if u.Roles == nil {
		u.Roles = []string{}
	}
	return u
}

// Store is a concurrency-safe in-memory set of users.
type Store struct {
	mu    sync.RWMutex
	byID  map[string]User
	order []string // ids, sorted
}

// NewStore returns a store holding a copy of us.
func NewStore(us []User) *Store {
	s := &Store{byID: make(map[string]User, len(us))}
	for _, u := range us {
		s.byID[u.ID] = u.clone()
	}
	s.order = sortedKeys(s.byID)
	return s
}

func sortedKeys(m map[string]User) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	return keys
}

// Get returns the user with id.
func (s *Store) Get(id string) (User, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.byID[id]
	if !ok {
		return User{}, false
	}
	return u.clone(), true
}

// GetMany returns the users found among ids, in the order of ids.
func (s *Store) GetMany(ids []string) []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		if u, ok := s.byID[id]; ok {
			out = append(out, u.clone())
		}
	}
	return out
}

// Search returns, sorted by id, the users whose name or email contains q
// (case-insensitively); an empty q matches everyone.
func (s *Store) Search(q string) []User {
	q = strings.ToLower(q)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []User{}
	for _, id := range s.order {
		u := s.byID[id]
		if q == "" || strings.Contains(strings.ToLower(u.Name), q) || strings.Contains(strings.ToLower(u.Email), q) {
			out = append(out, u.clone())
		}
	}
	return out
}
