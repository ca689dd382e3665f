package orders

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Errors returned by Store writes.
var (
	ErrNotFound          = errors.New("order not found")
	ErrInvalidTransition = errors.New("status transition not allowed")
	ErrInvalid           = errors.New("invalid order")
)

// Sort orders of Store.List.
const (
	SortCreatedDesc = "createdAt_desc"
	SortCreatedAsc  = "createdAt_asc"
	SortTotalDesc   = "total_desc"
	SortTotalAsc    = "total_asc"
)

// ValidSort reports whether s is a supported sort order.
func ValidSort(s string) bool {
	return slices.Contains([]string{SortCreatedDesc, SortCreatedAsc, SortTotalDesc, SortTotalAsc}, s)
}

// Filter selects orders in Store.List. Zero fields match everything.
type Filter struct {
	UserID   string
	Statuses []string
	Sort     string // one of the Sort constants; default SortCreatedDesc
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used to stamp writes (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Store is a concurrency-safe in-memory set of orders.
type Store struct {
	mu     sync.RWMutex
	byID   map[string]Order
	nextID int
	now    func() time.Time
}

// NewStore returns a store holding a copy of os.
func NewStore(os []Order, opts ...Option) *Store {
	s := &Store{byID: make(map[string]Order, len(os)), now: time.Now}
	for _, o := range os {
		s.byID[o.ID] = o.clone()
	}
	s.nextID = len(s.byID) + 1
	for _, opt := range opts {
		opt(s)
	}
	return s
}

func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Get returns the order with id.
func (s *Store) Get(id string) (Order, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.byID[id]
	if !ok {
		return Order{}, false
	}
	return o.clone(), true
}

// GetMany returns the orders found among ids, in the order of ids.
func (s *Store) GetMany(ids []string) []Order {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Order, 0, len(ids))
	for _, id := range ids {
		if o, ok := s.byID[id]; ok {
			out = append(out, o.clone())
		}
	}
	return out
}

// List returns the orders matching f in the requested sort order; ties are
// broken by ascending id.
func (s *Store) List(f Filter) []Order {
	s.mu.RLock()
	out := []Order{}
	for _, o := range s.byID {
		if f.UserID != "" && o.UserID != f.UserID {
			continue
		}
		if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, o.Status) {
			continue
		}
		out = append(out, o.clone())
	}
	s.mu.RUnlock()
	slices.SortFunc(out, compareFor(f.Sort))
	return out
}

func compareFor(sort string) func(a, b Order) int {
	var primary func(a, b Order) int
	switch sort {
	case SortCreatedAsc:
		primary = func(a, b Order) int { return a.CreatedAt.Compare(b.CreatedAt) }
	case SortTotalDesc:
		primary = func(a, b Order) int { return cmp.Compare(b.TotalCents, a.TotalCents) }
	case SortTotalAsc:
		primary = func(a, b Order) int { return cmp.Compare(a.TotalCents, b.TotalCents) }
	default:
		primary = func(a, b Order) int { return b.CreatedAt.Compare(a.CreatedAt) }
	}
	return func(a, b Order) int {
		return cmp.Or(primary(a, b), cmp.Compare(a.ID, b.ID))
	}
}

// Create stores a new PENDING order without payment and returns it.
func (s *Store) Create(n NewOrder) (Order, error) {
	if err := n.Validate(); err != nil {
		return Order{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.allocateID()
	now := s.stamp()
	o := Order{
		ID:         id,
		UserID:     n.UserID,
		Status:     StatusPending,
		Items:      slices.Clone(n.Items),
		TotalCents: TotalCents(n.Items),
		Currency:   Currency,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	s.byID[id] = o
	return o.clone(), nil
}

func (s *Store) allocateID() string {
	for {
		id := fmt.Sprintf("ord_%05d", s.nextID)
		s.nextID++
		if _, taken := s.byID[id]; !taken {
			return id
		}
	}
}

// SetStatus moves order id to status and returns it. It fails with
// ErrInvalid for an unknown status, ErrNotFound, or ErrInvalidTransition.
func (s *Store) SetStatus(id, status string) (Order, error) {
	if !ValidStatus(status) {
		return Order{}, fmt.Errorf("%w: status must be one of %s", ErrInvalid, strings.Join(Statuses(), ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.byID[id]
	if !ok {
		return Order{}, fmt.Errorf("order %s: %w", id, ErrNotFound)
	}
	if !CanTransition(o.Status, status) {
		return Order{}, fmt.Errorf("%w: %s → %s", ErrInvalidTransition, o.Status, status)
	}
	o = o.clone()
	o.Status = status
	o.UpdatedAt = s.stamp()
	s.byID[id] = o
	return o.clone(), nil
}
