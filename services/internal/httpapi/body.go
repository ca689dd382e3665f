package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// MaxBodyBytes bounds request bodies.
const MaxBodyBytes = 64 << 10

// DecodeJSON decodes exactly one JSON object from the request body into dst,
// rejecting unknown fields and trailing data. The returned error's message is
// safe to send back: it never quotes the body.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return describeDecodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("body must contain a single JSON object")
	}
	return nil
}

func describeDecodeError(err error) error {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		sizeErr   *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("body must be a JSON object")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("body is not valid JSON")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return errors.New("body must be a JSON object")
		}
		return fmt.Errorf("field %s has the wrong type", typeErr.Field)
	case errors.As(err, &sizeErr):
		return fmt.Errorf("body exceeds %d bytes", sizeErr.Limit)
	default:
		// Unknown fields and other decoder errors may quote the input.
		return errors.New("body has unknown or invalid fields")
	}
}
