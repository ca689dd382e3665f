package auth

import (
	"fmt"
	"net/http"
	"strings"
)

// BearerToken returns the token of r's "Authorization: Bearer <token>"
// header (RFC 6750). present is false, with no error, when r has no
// Authorization header. The scheme is matched case-insensitively and may be
// followed by more than one space. Any other scheme, an empty token, a token
// with spaces inside, several Authorization headers, or a token longer than
// Config.MaxTokenBytes give an error wrapping ErrInvalidToken.
func (v *Verifier) BearerToken(r *http.Request) (token string, present bool, err error) {
	values := r.Header.Values("Authorization")
	switch len(values) {
	case 0:
		return "", false, nil
	case 1:
	default:
		return "", true, fmt.Errorf("%w: %d Authorization headers", ErrInvalidToken, len(values))
	}
	const scheme = "Bearer "
	h := values[0]
	if len(h) < len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", true, fmt.Errorf("%w: Authorization header is not a Bearer credential", ErrInvalidToken)
	}
	token = strings.Trim(h[len(scheme):], " \t")
	switch {
	case token == "":
		return "", true, fmt.Errorf("%w: empty Bearer token", ErrInvalidToken)
	case len(token) > v.cfg.MaxTokenBytes:
		return "", true, fmt.Errorf("%w: token is %d bytes, more than the limit of %d", ErrInvalidToken, len(token), v.cfg.MaxTokenBytes)
	case strings.ContainsAny(token, " \t"):
		return "", true, fmt.Errorf("%w: Bearer token contains spaces", ErrInvalidToken)
	}
	return token, true, nil
}
