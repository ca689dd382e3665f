package gqlserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"
)

// checkBody holds a POST body to RFC 8259 before anything reads it as a
// request: one JSON value (no data after it), no duplicate member names (a
// body with two "query" members would otherwise run the last one), and an
// object, or an array for a batch. The error names the problem and its
// byte offset, never the body; batch reports whether the body is an array.
// Invalid UTF-8 inside strings is left for the GraphQL parser to report, as
// before.
func checkBody(body []byte) (batch bool, _ error) {
	dec := jsontext.NewDecoder(bytes.NewReader(body), jsontext.AllowInvalidUTF8(true))
	v, err := dec.ReadValue()
	if err != nil {
		return false, bodyError(err)
	}
	if rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return false, fmt.Errorf("the request body is not valid JSON: data after the request at byte offset %d", len(body)-len(rest))
	}
	switch v.Kind() {
	case '{':
		return false, nil
	case '[':
		return true, nil
	}
	return false, errors.New("the request body must be a JSON object (or, with batching, an array of them)")
}

// bodyError describes a syntax error of a body without quoting it.
func bodyError(err error) error {
	var se *jsontext.SyntacticError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return errors.New("the request body is not valid JSON: it ends before the request does")
	case !errors.As(err, &se):
		return errors.New("the request body is not valid JSON")
	case errors.Is(se.Err, jsontext.ErrDuplicateName):
		return fmt.Errorf("the request body is not valid JSON: a duplicate member name at byte offset %d", se.ByteOffset)
	case errors.Is(se.Err, io.ErrUnexpectedEOF):
		return errors.New("the request body is not valid JSON: it ends before the request does")
	}
	// Not se.Err's own text: a library's wording is no contract, and it
	// may quote the body.
	return fmt.Errorf("the request body is not valid JSON: a syntax error at byte offset %d", se.ByteOffset)
}
