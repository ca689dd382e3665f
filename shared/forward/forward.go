// Package forward decides what an upstream REST call carries of the client's
// request: the verified identity (X-User-ID, X-User-Roles, X-Client-ID) and
// the request id, plus only the client headers configured by name
// (Config.Headers). The client's Authorization header, cookies and any
// identity headers it sent are never forwarded.
//
// Middleware captures the configured headers of the incoming request into
// its context; Transport, the outermost decorator of every upstream
// *http.Client (shared/upstream), builds each upstream request's headers
// from that context, the verified principal (auth.FromContext) and the
// request id (requestid.FromContext).
package forward

import (
	"context"
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/requestid"
)

// The identity headers an upstream receives. Upstreams may trust them only
// because no client can set them: Transport always replaces them.
const (
	HeaderUserID    = "X-User-ID"    // auth.Principal.Subject
	HeaderUserRoles = "X-User-Roles" // auth.Principal.Roles, comma-separated
	HeaderClientID  = "X-Client-ID"  // auth.Principal.ClientID
)

// Bounds on what Middleware captures of one configured header.
const (
	MaxValueBytes    = 1024 // longer values are skipped
	MaxValuesPerName = 4    // further values are skipped
)

type ctxKey struct{}

// Middleware returns the middleware that copies the headers named in cfg
// from the incoming request into its context, for Transport to send
// upstream. A value longer than MaxValueBytes or holding control characters
// is skipped, and at most MaxValuesPerName values are kept per name. Names
// that Config.Validate refuses are ignored: validate cfg at start-up. With
// no names configured it returns next unchanged.
func Middleware(cfg Config) func(http.Handler) http.Handler {
	names := cfg.names()
	return func(next http.Handler) http.Handler {
		if len(names) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			captured := make(http.Header, len(names))
			for _, name := range names {
				for _, v := range r.Header.Values(name) {
					if len(captured[name]) == MaxValuesPerName {
						break
					}
					if len(v) <= MaxValueBytes && !hasControl(v) {
						captured[name] = append(captured[name], v)
					}
				}
			}
			if len(captured) > 0 {
				r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, captured))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Transport returns next (http.DefaultTransport when nil) wrapped so that
// every request it sends carries exactly the forwarded headers of its
// context. On a clone of the request (the caller's is never changed) it
//
//  1. deletes Authorization, Proxy-Authorization, Cookie, X-User-*,
//     X-Client-ID and X-Request-ID, whoever set them;
//  2. adds the headers Middleware captured, except a name the request
//     already has (the BFF's own headers, e.g. Accept, win);
//  3. when auth.FromContext reports a principal, sets X-User-ID to its
//     subject, X-User-Roles to its roles joined with "," and X-Client-ID to
//     its client id, each omitted when empty (roles that are empty or hold a
//     comma or control character are left out);
//  4. sets X-Request-ID from requestid.FromContext, omitted when empty.
//
// An anonymous request carries no identity headers at all.
func Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{next: next}
}

type transport struct{ next http.RoundTripper }

var _ http.RoundTripper = (*transport)(nil)

// RoundTrip sends a clone of req with the forwarded headers set.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	out := req.Clone(ctx)
	if out.Header == nil {
		out.Header = make(http.Header)
	}
	h := out.Header
	for name := range h {
		if stripped(textproto.CanonicalMIMEHeaderKey(name)) {
			delete(h, name)
		}
	}

	if captured, ok := ctx.Value(ctxKey{}).(http.Header); ok {
		for name, vs := range captured {
			if _, set := h[name]; !set && refusal(name) == "" {
				h[name] = slices.Clone(vs)
			}
		}
	}
	if p, ok := auth.FromContext(ctx); ok {
		setIfNotEmpty(h, canonicalUserID, p.Subject)
		setIfNotEmpty(h, canonicalUserRoles, joinRoles(p.Roles))
		setIfNotEmpty(h, canonicalClientID, p.ClientID)
	}
	setIfNotEmpty(h, canonicalRequestID, requestid.FromContext(ctx))

	return t.next.RoundTrip(out)
}

// stripped reports whether the canonical header name is removed from every
// outgoing request before the forwarded headers are set.
func stripped(name string) bool {
	switch name {
	case "Authorization", "Proxy-Authorization", "Cookie", "X-Client-Id", "X-Request-Id":
		return true
	}
	return strings.HasPrefix(name, "X-User-")
}

// The forwarded headers' names in canonical form, computed once: h.Set
// would canonicalize (and allocate) each of them on every upstream call.
var (
	canonicalUserID    = http.CanonicalHeaderKey(HeaderUserID)
	canonicalUserRoles = http.CanonicalHeaderKey(HeaderUserRoles)
	canonicalClientID  = http.CanonicalHeaderKey(HeaderClientID)
	canonicalRequestID = http.CanonicalHeaderKey(requestid.Header)
)

// setIfNotEmpty sets the header of canonical name to value, unless value is
// empty or holds a control character.
func setIfNotEmpty(h http.Header, canonical, value string) {
	if value != "" && !hasControl(value) {
		h[canonical] = []string{value}
	}
}

// joinRoles joins roles with ",", leaving out any role that could not be
// told apart from its neighbours or would break the header.
func joinRoles(roles []string) string {
	kept := slices.DeleteFunc(slices.Clone(roles), func(r string) bool {
		return r == "" || strings.Contains(r, ",") || hasControl(r)
	})
	return strings.Join(kept, ",")
}

// hasControl reports whether s holds a control character other than a tab,
// which no header value may carry.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f })
}
