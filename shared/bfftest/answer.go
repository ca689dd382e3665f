package bfftest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Answer is a GraphQL response as the failure and degradation tests read
// it: the data raw, each error with its path, locations and extensions.
type Answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []AnswerError   `json:"errors"`
}

// AnswerError is one error of an Answer.
type AnswerError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Locations  []any          `json:"locations"`
	Extensions map[string]any `json:"extensions"`
}

// Decode reads resp's body as an Answer, failing t unless it is JSON.
func Decode(t testing.TB, resp Response) Answer {
	t.Helper()
	var a Answer
	if err := json.Unmarshal(resp.Body, &a); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, resp.Body)
	}
	return a
}

// WantError is an error an answer must hold (CheckAnswer).
type WantError struct {
	Path    string // the error's path as JSON, e.g. ["product","rating"]
	Code    string // extensions.code
	Service string // extensions.service; "" when the error names none
	Message string
}

// ErrorAt is the WantError with path (JSON), code, upstream service and
// message.
func ErrorAt(path, code, service, message string) WantError {
	return WantError{Path: path, Code: code, Service: service, Message: message}
}

// CheckAnswer asserts the status, the exact data and the errors (in any
// order) of resp, and that it leaks nothing (AssertNoLeak).
func CheckAnswer(t testing.TB, resp Response, status int, data string, want ...WantError) {
	t.Helper()
	if resp.Status != status {
		t.Errorf("status = %d, want %d\n%s", resp.Status, status, resp.Body)
	}
	a := Decode(t, resp)
	AssertJSON(t, a.Data, data)
	var got []WantError
	for _, e := range a.Errors {
		path, _ := json.Marshal(e.Path)
		code, _ := e.Extensions["code"].(string)
		service, _ := e.Extensions["service"].(string)
		got = append(got, WantError{Path: string(path), Code: code, Service: service, Message: e.Message})
	}
	key := func(e WantError) string { return e.Path + e.Code + e.Service + e.Message }
	slices.SortFunc(got, func(a, b WantError) int { return strings.Compare(key(a), key(b)) })
	want = slices.Clone(want)
	slices.SortFunc(want, func(a, b WantError) int { return strings.Compare(key(a), key(b)) })
	if !slices.Equal(got, want) {
		t.Errorf("errors = %+v\nwant %+v", got, want)
	}
	AssertNoLeak(t, resp.Body)
}
