package payments

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Errors returned by Store.Refund.
var (
	ErrNotFound      = errors.New("payment not found")
	ErrInvalid       = errors.New("invalid refund")
	ErrNotRefundable = errors.New("refund not possible")
)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used to stamp writes (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// Store is a concurrency-safe in-memory set of payments.
type Store struct {
	mu           sync.RWMutex
	byID         map[string]Payment
	nextRefundID int
	now          func() time.Time
}

// NewStore returns a store holding a copy of ps.
func NewStore(ps []Payment, opts ...Option) *Store {
	s := &Store{byID: make(map[string]Payment, len(ps)), now: time.Now, nextRefundID: 1}
	for _, p := range ps {
		s.byID[p.ID] = p.clone()
		s.nextRefundID += len(p.Refunds)
	}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Get returns the payment with id.
func (s *Store) Get(id string) (Payment, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.byID[id]
	if !ok {
		return Payment{}, false
	}
	return p.clone(), true
}

// GetMany returns the payments found among ids, in the order of ids.
func (s *Store) GetMany(ids []string) []Payment {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Payment, 0, len(ids))
	for _, id := range ids {
		if p, ok := s.byID[id]; ok {
			out = append(out, p.clone())
		}
	}
	return out
}

// Refund refunds part of payment id and returns the updated payment. It
// fails with ErrInvalid, ErrNotFound, or ErrNotRefundable when the payment
// FAILED or the amount exceeds what is left to refund.
func (s *Store) Refund(id string, req RefundRequest) (Payment, error) {
	if err := req.Validate(); err != nil {
		return Payment{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[id]
	if !ok {
		return Payment{}, fmt.Errorf("payment %s: %w", id, ErrNotFound)
	}
	if p.Status == StatusFailed {
		return Payment{}, fmt.Errorf("%w: payment %s failed", ErrNotRefundable, id)
	}
	if left := p.AmountCents - p.RefundedCents; req.AmountCents > left {
		return Payment{}, fmt.Errorf("%w: only %d cents left to refund on payment %s", ErrNotRefundable, left, id)
	}
	p = p.clone()
	p.Refunds = append(p.Refunds, Refund{
		ID:          fmt.Sprintf("ref_%05d", s.nextRefundID),
		AmountCents: req.AmountCents,
		Reason:      req.Reason,
		CreatedAt:   s.now().UTC().Truncate(time.Millisecond),
	})
	s.nextRefundID++
	p.RefundedCents += req.AmountCents
	p.Status = StatusPartiallyRefunded
	if p.RefundedCents == p.AmountCents {
		p.Status = StatusRefunded
	}
	s.byID[id] = p
	return p.clone(), nil
}
