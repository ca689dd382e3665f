// Package relay implements offset-backed Relay cursor connections: opaque
// cursors, argument checks and page information.
//
// The REST services page with limit/offset, so a cursor encodes the offset of
// an item. Cursors are opaque to clients (base64 of a versioned prefix and
// the offset) so the encoding can change without breaking them.
package relay

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// cursorPrefix versions the cursor encoding.
const cursorPrefix = "o1:"

// ErrInvalidCursor reports an `after` cursor this package did not make.
var ErrInvalidCursor = errors.New("invalid cursor")

// ErrInvalidFirst reports a page size outside the allowed range.
var ErrInvalidFirst = errors.New("invalid page size")

// ArgumentError is a pagination argument a client got wrong. Message is safe
// to show to the client; Err is ErrInvalidCursor or ErrInvalidFirst, so
// errors.Is(err, ErrInvalidCursor) keeps working through any wrapping.
type ArgumentError struct {
	Message string
	Err     error
}

func (e *ArgumentError) Error() string { return e.Message }

func (e *ArgumentError) Unwrap() error { return e.Err }

// errNotACursor is the one error of a malformed `after`.
func errNotACursor() error {
	return &ArgumentError{Message: "invalid cursor: after is not a cursor from this API", Err: ErrInvalidCursor}
}

// PageInfo is the Relay PageInfo type, bound to the GraphQL PageInfo of every BFF.
type PageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
	EndCursor       *string `json:"endCursor"`
}

// Cursor returns the opaque cursor of the item at offset.
func Cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

// Window is the slice of a list one page covers.
type Window struct {
	Offset int // index of the first item of the page
	Limit  int // page size
}

// NewWindow checks the pagination arguments: first must lie in [1, maxFirst]
// (nil means def) and after, when present, must be a cursor made by Cursor.
// The errors are *ArgumentError values wrapping ErrInvalidFirst or
// ErrInvalidCursor; their text is safe to show.
func NewWindow(first *int, after *string, def, maxFirst int) (Window, error) {
	limit, err := Count("first", first, def, maxFirst)
	if err != nil {
		return Window{}, err
	}
	w := Window{Limit: limit}
	if after != nil {
		off, err := decode(*after)
		if err != nil {
			return Window{}, err
		}
		w.Offset = off + 1
	}
	return w, nil
}

func decode(cursor string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(cursor) > 32 {
		return 0, errNotACursor()
	}
	digits, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok {
		return 0, errNotACursor()
	}
	off, err := strconv.Atoi(digits)
	if err != nil || off < 0 {
		return 0, errNotACursor()
	}
	return off, nil
}

// Page returns the PageInfo of a page of n items starting at w.Offset out of
// total items, and the cursor of each of its items.
func (w Window) Page(n, total int) (PageInfo, []string) {
	cursors := make([]string, n)
	for i := range cursors {
		cursors[i] = Cursor(w.Offset + i)
	}
	info := PageInfo{
		HasNextPage:     w.Offset+n < total,
		HasPreviousPage: w.Offset > 0,
	}
	if n > 0 {
		info.StartCursor = &cursors[0]
		info.EndCursor = &cursors[n-1]
	}
	return info, cursors
}

// Count checks an optional count argument (a small fixed-size list's `first`)
// against [1, hi]; nil means def. The error is an *ArgumentError wrapping
// ErrInvalidFirst; its text is safe to show.
func Count(name string, v *int, def, hi int) (int, error) {
	n := def
	if v != nil {
		n = *v
	}
	if n < 1 || n > hi {
		return 0, &ArgumentError{
			Message: fmt.Sprintf("invalid page size: %s must be between 1 and %d", name, hi),
			Err:     ErrInvalidFirst,
		}
	}
	return n, nil
}
