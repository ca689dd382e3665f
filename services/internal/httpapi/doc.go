// Package httpapi holds the HTTP plumbing shared by the demo services: JSON
// responses, the error body of the contract, query parsing for batch reads and
// lists, strict request-body decoding, the caller identity forwarded by the
// gateway (Caller) and a ServeMux wrapper that answers unknown routes with
// JSON errors.
package httpapi
