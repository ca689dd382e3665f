// Package inventory serves the demo inventory service: per-warehouse stock
// levels of products and stock adjustments.
package inventory

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// Warehouses lists the warehouse codes in their canonical order.
func Warehouses() []string { return []string{"ams", "nyc", "sgp"} }

// Errors returned by Store.Adjust.
var (
	ErrNotFound         = errors.New("stock record not found")
	ErrUnknownWarehouse = errors.New("unknown warehouse")
	ErrZeroDelta        = errors.New("delta must not be zero")
	ErrInsufficient     = errors.New("insufficient stock")
)

// WarehouseStock is the quantity of a product held in one warehouse.
type WarehouseStock struct {
	Warehouse string `json:"warehouse"`
	Quantity  int64  `json:"quantity"`
}

// Stock is the stock of one product across all warehouses, in the order of
// Warehouses. Total is the sum of the quantities.
type Stock struct {
	ProductID  string           `json:"productId"`
	Warehouses []WarehouseStock `json:"warehouses"`
	Total      int64            `json:"total"`
}

// NewStock returns a Stock for productID with the given quantity per
// warehouse code; missing warehouses hold 0.
func NewStock(productID string, quantities map[string]int64) Stock {
	st := Stock{ProductID: productID}
	for _, wh := range Warehouses() {
		st.Warehouses = append(st.Warehouses, WarehouseStock{Warehouse: wh, Quantity: quantities[wh]})
		st.Total += quantities[wh]
	}
	return st
}

func (st Stock) clone() Stock {
	st.Warehouses = slices.Clone(st.Warehouses)
	return st
}

// Adjustment changes the quantity of a product in one warehouse.
type Adjustment struct {
	Warehouse string `json:"warehouse"`
	Delta     int64  `json:"delta"`
	Reason    string `json:"reason"`
}

// Validate checks the adjustment's fields.
func (a Adjustment) Validate() error {
	if !slices.Contains(Warehouses(), a.Warehouse) {
		return fmt.Errorf("%w: warehouse must be one of ams, nyc, sgp", ErrUnknownWarehouse)
	}
	if a.Delta == 0 {
		return ErrZeroDelta
	}
	if len(a.Reason) > 500 {
		return errors.New("reason must be at most 500 bytes")
	}
	return nil
}

// Store is a concurrency-safe in-memory set of stock records.
type Store struct {
	mu   sync.RWMutex
	byID map[string]Stock
}

// NewStore returns a store holding a copy of records. Each record is
// normalised to list every warehouse in canonical order.
func NewStore(records []Stock) *Store {
	s := &Store{byID: make(map[string]Stock, len(records))}
	for _, st := range records {
		q := make(map[string]int64, len(st.Warehouses))
		for _, w := range st.Warehouses {
			q[w.Warehouse] += w.Quantity
		}
		s.byID[st.ProductID] = NewStock(st.ProductID, q)
	}
	return s
}

// Get returns the stock of productID.
func (s *Store) Get(productID string) (Stock, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.byID[productID]
	if !ok {
		return Stock{}, false
	}
	return st.clone(), true
}

// GetMany returns the stock records found among productIDs, in their order.
func (s *Store) GetMany(productIDs []string) []Stock {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Stock, 0, len(productIDs))
	for _, id := range productIDs {
		if st, ok := s.byID[id]; ok {
			out = append(out, st.clone())
		}
	}
	return out
}

// Adjust applies a to the stock of productID and returns the new stock. It
// fails with ErrNotFound, a validation error, or ErrInsufficient when the
// warehouse quantity would drop below zero.
func (s *Store) Adjust(productID string, a Adjustment) (Stock, error) {
	if err := a.Validate(); err != nil {
		return Stock{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.byID[productID]
	if !ok {
		return Stock{}, fmt.Errorf("product %s: %w", productID, ErrNotFound)
	}
	st = st.clone()
	i := slices.Index(Warehouses(), a.Warehouse)
	if next := st.Warehouses[i].Quantity + a.Delta; next < 0 {
		return Stock{}, fmt.Errorf("%w: %s holds %d of %s", ErrInsufficient, a.Warehouse, st.Warehouses[i].Quantity, productID)
	}
	st.Warehouses[i].Quantity += a.Delta
	st.Total += a.Delta
	s.byID[productID] = st
	return st.clone(), nil
}
