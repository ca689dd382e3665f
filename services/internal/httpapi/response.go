package httpapi

import (
	"encoding/json"
	"net/http"
)

// Error codes of the contract's error body.
const (
	CodeBadRequest       = "bad_request"
	CodeNotFound         = "not_found"
	CodeForbidden        = "forbidden"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeConflict         = "conflict"
	CodeInternal         = "internal"
	CodeUnavailable      = "unavailable"
)

// Cache-Control values used by the services.
const (
	CacheNoStore = "no-store"
	CachePrivate = "private, max-age=0"
)

// ErrorBody is the JSON body of every 4xx/5xx answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inner object of ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// WriteJSON writes v as a JSON body with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, CodeInternal, "encoding response failed")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// WriteError writes the contract's error body. Errors are never cached.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Cache-Control", CacheNoStore)
	WriteJSON(w, status, ErrorBody{Error: ErrorDetail{Code: code, Message: message}})
}

// BadRequest answers 400 bad_request.
func BadRequest(w http.ResponseWriter, message string) {
	WriteError(w, http.StatusBadRequest, CodeBadRequest, message)
}

// NotFound answers 404 not_found.
func NotFound(w http.ResponseWriter, message string) {
	WriteError(w, http.StatusNotFound, CodeNotFound, message)
}

// Forbidden answers 403 forbidden: the caller's identity does not allow the
// request (see Caller).
func Forbidden(w http.ResponseWriter, message string) {
	WriteError(w, http.StatusForbidden, CodeForbidden, message)
}

// Conflict answers 409 conflict.
func Conflict(w http.ResponseWriter, message string) {
	WriteError(w, http.StatusConflict, CodeConflict, message)
}

// WriteRead writes a successful read answer with the given Cache-Control value.
func WriteRead(w http.ResponseWriter, cacheControl string, v any) {
	w.Header().Set("Cache-Control", cacheControl)
	WriteJSON(w, http.StatusOK, v)
}
