// Package reviews serves the demo reviews service: product reviews with a
// moderation status and per-product rating summaries.
package reviews

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Review statuses.
const (
	StatusPending  = "PENDING"
	StatusApproved = "APPROVED"
	StatusRejected = "REJECTED"
)

// Statuses lists every review status.
func Statuses() []string { return []string{StatusPending, StatusApproved, StatusRejected} }

// Limits on new reviews.
const (
	MaxTitleLen = 200
	MaxBodyLen  = 5000
)

// Review is a user's review of a product.
type Review struct {
	ID        string    `json:"id"`
	ProductID string    `json:"productId"`
	UserID    string    `json:"userId"`
	Rating    int       `json:"rating"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"createdAt"`
}

// VisibleTo reports whether r may be shown to a caller scoped to viewer's
// data: approved reviews are public, other ones only to their author. An
// empty viewer (an unscoped caller) sees every review.
func VisibleTo(r Review, viewer string) bool {
	return viewer == "" || r.Status == StatusApproved || r.UserID == viewer
}

// Summary aggregates the approved reviews of a product. Average is rounded
// to two decimals and 0 when Count is 0.
type Summary struct {
	ProductID string  `json:"productId"`
	Count     int     `json:"count"`
	Average   float64 `json:"average"`
}

// NewReview is the body of POST /reviews.
type NewReview struct {
	ProductID string `json:"productId"`
	UserID    string `json:"userId"`
	Rating    int    `json:"rating"`
	Title     string `json:"title"`
	Body      string `json:"body"`
}

// Validate checks a new review's fields.
func (n NewReview) Validate() error {
	switch {
	case strings.TrimSpace(n.ProductID) == "":
		return errors.New("productId is required")
	case strings.TrimSpace(n.UserID) == "":
		return errors.New("userId is required")
	case n.Rating < 1 || n.Rating > 5:
		return errors.New("rating must be between 1 and 5")
	case strings.TrimSpace(n.Title) == "":
		return errors.New("title must not be empty")
	case len(n.Title) > MaxTitleLen:
		return fmt.Errorf("title must be at most %d bytes", MaxTitleLen)
	case len(n.Body) > MaxBodyLen:
		return fmt.Errorf("body must be at most %d bytes", MaxBodyLen)
	}
	return nil
}

// StatusChange is the body of PATCH /reviews/{id}.
type StatusChange struct {
	Status string `json:"status"`
}

// Validate checks that the new status is APPROVED or REJECTED.
func (c StatusChange) Validate() error {
	if !slices.Contains([]string{StatusApproved, StatusRejected}, c.Status) {
		return errors.New("status must be APPROVED or REJECTED")
	}
	return nil
}
