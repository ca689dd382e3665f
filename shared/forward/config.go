package forward

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
)

// ErrRefusedHeader is wrapped by the error of Config.Validate for a header
// name that may never be forwarded as the client sent it.
var ErrRefusedHeader = errors.New("header may not be forwarded")

// Config selects the client request headers forwarded to every upstream.
type Config struct {
	// Headers names the client request headers copied to every upstream
	// call, e.g. Accept-Language (comma-separated in the environment, case
	// insensitive). Default: none. Credentials, identity, hop-by-hop, body
	// framing and tracing headers are refused (Validate).
	Headers []string `env:"FORWARD_HEADERS" json:"headers"`
}

// refused maps the canonical names that may never be forwarded from the
// client to the reason; refusedPrefixes does the same for name families.
var (
	refused = map[string]string{
		"Authorization":       "credentials",
		"Proxy-Authorization": "credentials",
		"Cookie":              "credentials",
		"Set-Cookie":          "credentials",
		"X-Client-Id":         "identity is set from the verified token",
		"X-Request-Id":        "set from the request id",
		"Host":                "hop-by-hop or connection header",
		"Connection":          "hop-by-hop or connection header",
		"Proxy-Connection":    "hop-by-hop or connection header",
		"Keep-Alive":          "hop-by-hop or connection header",
		"Te":                  "hop-by-hop or connection header",
		"Trailer":             "hop-by-hop or connection header",
		"Transfer-Encoding":   "hop-by-hop or connection header",
		"Upgrade":             "hop-by-hop or connection header",
		"Expect":              "hop-by-hop or connection header",
		"Content-Length":      "describes the client's body, not the upstream call's",
		"Content-Type":        "describes the client's body, not the upstream call's",
		"Content-Encoding":    "describes the client's body, not the upstream call's",
		"Accept-Encoding":     "negotiated by the upstream transport",
		"Forwarded":           "client address headers are spoofable",
		"X-Real-Ip":           "client address headers are spoofable",
		"Traceparent":         "set by tracing",
		"Tracestate":          "set by tracing",
		"Baggage":             "set by tracing",
	}
	refusedPrefixes = map[string]string{
		"X-Forwarded-": "client address headers are spoofable",
		"X-User-":      "identity is set from the verified token",
	}
)

// refusal returns why the canonical header name may not be forwarded from the
// client, or "" when it may.
func refusal(name string) string {
	if why, ok := refused[name]; ok {
		return why
	}
	for prefix, why := range refusedPrefixes {
		if strings.HasPrefix(name, prefix) {
			return why
		}
	}
	return ""
}

// Validate reports the first configured header name that is not a valid
// header name or that may not be forwarded (credentials, identity,
// hop-by-hop, body framing, client address or tracing headers).
func (c Config) Validate() error {
	for _, raw := range c.Headers {
		name := strings.TrimSpace(raw)
		if !validName(name) {
			return fmt.Errorf("FORWARD_HEADERS: %q is not a header name", raw)
		}
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if why := refusal(canon); why != "" {
			return fmt.Errorf("FORWARD_HEADERS: %s: %w: %s", canon, ErrRefusedHeader, why)
		}
	}
	return nil
}

// names returns the configured names canonicalised, without duplicates and
// without any name Validate refuses.
func (c Config) names() []string {
	var out []string
	seen := make(map[string]bool, len(c.Headers))
	for _, raw := range c.Headers {
		name := strings.TrimSpace(raw)
		if !validName(name) {
			continue
		}
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if seen[canon] || refusal(canon) != "" {
			continue
		}
		seen[canon] = true
		out = append(out, canon)
	}
	return out
}

// validName reports whether name is an HTTP field name (RFC 9110 token).
func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := range len(name) {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
