package httpapi

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxBatchIDs is the largest number of ids a batch read accepts.
const MaxBatchIDs = 200

// Limits of list pagination.
const (
	DefaultLimit = 20
	MaxLimit     = 200
)

// SplitList returns the comma-separated values of every occurrence of key,
// trimmed, with empty entries dropped.
func SplitList(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// BatchIDs parses the ids of a batch read from query key. It returns each id
// once, in first-seen order. More than MaxBatchIDs ids (duplicates included)
// is an error.
func BatchIDs(q url.Values, key string) ([]string, error) {
	ids := SplitList(q, key)
	if len(ids) > MaxBatchIDs {
		return nil, fmt.Errorf("%s: at most %d ids are allowed, got %d", key, MaxBatchIDs, len(ids))
	}
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// Page is a parsed limit/offset pair.
type Page struct {
	Limit  int
	Offset int
}

// ParsePage reads limit (default 20, 1–200) and offset (default 0, ≥ 0).
func ParsePage(q url.Values) (Page, error) {
	p := Page{Limit: DefaultLimit}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return Page{}, fmt.Errorf("limit must be an integer between 1 and %d", MaxLimit)
		}
		p.Limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return Page{}, fmt.Errorf("offset must be a non-negative integer")
		}
		p.Offset = n
	}
	return p, nil
}

// Slice returns the window of items selected by p; never nil.
func Slice[T any](items []T, p Page) []T {
	if p.Offset >= len(items) {
		return []T{}
	}
	end := min(p.Offset+p.Limit, len(items))
	return items[p.Offset:end:end]
}
