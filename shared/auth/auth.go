// Package auth verifies OIDC access tokens (Verifier) and carries the
// caller's verified identity (Principal) through a request.
//
// The token contract is docs/auth.md. Authenticate is the HTTP middleware
// that puts a verified Principal in the request's context; tests set one
// directly (NewContext) or mint real tokens with package authtest.
package auth

import (
	"context"
	"slices"
)

// Principal is a verified caller.
type Principal struct {
	Subject  string   // user id, e.g. usr_0001
	Roles    []string // e.g. customer, support, admin
	ClientID string   // the frontend the token was issued to
	Tier     string   // plan tier: free or pro
}

// HasRole reports whether p has role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

type ctxKey struct{}

// NewContext returns ctx carrying p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the request's principal; ok is false for anonymous requests.
func FromContext(ctx context.Context) (p Principal, ok bool) {
	p, ok = ctx.Value(ctxKey{}).(Principal)
	return p, ok
}
