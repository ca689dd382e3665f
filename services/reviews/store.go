package reviews

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// Errors returned by Store writes.
var (
	ErrNotFound = errors.New("review not found")
	ErrInvalid  = errors.New("invalid review")
)

// Filter selects reviews in Store.List. Zero fields match everything.
type Filter struct {
	ProductID string
	UserID    string
	Statuses  []string
	// Viewer, when set, leaves out the reviews VisibleTo hides from it.
	Viewer string
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used to stamp writes (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Store is a concurrency-safe in-memory set of reviews.
type Store struct {
	mu     sync.RWMutex
	byID   map[string]Review
	nextID int
	now    func() time.Time
}

// NewStore returns a store holding a copy of rs.
func NewStore(rs []Review, opts ...Option) *Store {
	s := &Store{byID: make(map[string]Review, len(rs)), now: time.Now}
	for _, r := range rs {
		s.byID[r.ID] = r
	}
	s.nextID = len(s.byID) + 1
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Get returns the review with id.
func (s *Store) Get(id string) (Review, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byID[id]
	return r, ok
}

// List returns the reviews matching f, newest first, ties by ascending id.
func (s *Store) List(f Filter) []Review {
	s.mu.RLock()
	out := []Review{}
	for _, r := range s.byID {
		if (f.ProductID == "" || r.ProductID == f.ProductID) &&
			(f.UserID == "" || r.UserID == f.UserID) &&
			(len(f.Statuses) == 0 || slices.Contains(f.Statuses, r.Status)) &&
			VisibleTo(r, f.Viewer) {
			out = append(out, r)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Review) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Summary aggregates the approved reviews of productID.
func (s *Store) Summary(productID string) Summary {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sum := Summary{ProductID: productID}
	var ratings int
	for _, r := range s.byID {
		if r.ProductID == productID && r.Status == StatusApproved {
			sum.Count++
			ratings += r.Rating
		}
	}
	if sum.Count > 0 {
		sum.Average = math.Round(float64(ratings)/float64(sum.Count)*100) / 100
	}
	return sum
}

// Create stores a new PENDING review and returns it.
func (s *Store) Create(n NewReview) (Review, error) {
	if err := n.Validate(); err != nil {
		return Review{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var id string
	for {
		id = fmt.Sprintf("rev_%06d", s.nextID)
		s.nextID++
		if _, taken := s.byID[id]; !taken {
			break
		}
	}
	r := Review{
		ID:        id,
		ProductID: n.ProductID,
		UserID:    n.UserID,
		Rating:    n.Rating,
		Title:     n.Title,
		Body:      n.Body,
		Status:    StatusPending,
		CreatedAt: s.now().UTC().Truncate(time.Millisecond),
	}
	s.byID[id] = r
	return r, nil
}

// SetStatus moderates review id and returns it.
func (s *Store) SetStatus(id string, c StatusChange) (Review, error) {
	if err := c.Validate(); err != nil {
		return Review{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return Review{}, fmt.Errorf("review %s: %w", id, ErrNotFound)
	}
	r.Status = c.Status
	s.byID[id] = r
	return r, nil
}
