// Package payments serves the demo payments service: card payments of orders
// and their refunds.
package payments

import (
	"errors"
	"slices"
	"time"
)

// Payment statuses.
const (
	StatusCaptured          = "CAPTURED"
	StatusPartiallyRefunded = "PARTIALLY_REFUNDED"
	StatusRefunded          = "REFUNDED"
	StatusFailed            = "FAILED"
)

// Refund is a (partial) refund of a payment.
type Refund struct {
	ID          string    `json:"id"`
	AmountCents int64     `json:"amountCents"`
	Reason      string    `json:"reason"`
	CreatedAt   time.Time `json:"createdAt"`
}

// Payment is the payment of an order. UserID is the order's owner, copied
// onto the payment so that the service can scope answers without asking the
// orders service.
type Payment struct {
	ID            string    `json:"id"`
	OrderID       string    `json:"orderId"`
	UserID        string    `json:"userId"`
	Status        string    `json:"status"`
	AmountCents   int64     `json:"amountCents"`
	RefundedCents int64     `json:"refundedCents"`
	Currency      string    `json:"currency"`
	Method        string    `json:"method"`
	Last4         string    `json:"last4"`
	Refunds       []Refund  `json:"refunds"`
	CreatedAt     time.Time `json:"createdAt"`
}

func (p Payment) clone() Payment {
	p.Refunds = slices.Clone(p.Refunds)
	if p.Refunds == nil {
		p.Refunds = []Refund{}
	}
	return p
}

// MaxReasonLen bounds a refund's reason.
const MaxReasonLen = 500

// RefundRequest is the body of POST /payments/{id}/refunds.
type RefundRequest struct {
	AmountCents int64  `json:"amountCents"`
	Reason      string `json:"reason"`
}

// Validate checks a refund request's fields.
func (r RefundRequest) Validate() error {
	if r.AmountCents < 1 {
		return errors.New("amountCents must be at least 1")
	}
	if len(r.Reason) > MaxReasonLen {
		return errors.New("reason must be at most 500 bytes")
	}
	return nil
}
