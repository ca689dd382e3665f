package httpapi

import (
	"net/http"
	"slices"
	"strings"
)

// Identity headers the BFFs forward to every upstream after verifying the
// caller's access token.
const (
	HeaderUserID    = "X-User-ID"
	HeaderUserRoles = "X-User-Roles"
	HeaderClientID  = "X-Client-ID"
	HeaderRequestID = "X-Request-ID"
)

// Staff roles: a caller holding one of them is not scoped to its own data.
const (
	RoleSupport = "support"
	RoleAdmin   = "admin"
)

// Caller is the identity a request carries in the identity headers. The zero
// Caller (no X-User-ID) is an internal, trusted caller: tests, tools and
// anonymous requests relayed by the gateway.
type Caller struct {
	UserID    string
	Roles     []string
	ClientID  string
	RequestID string
}

// CallerFrom parses the identity headers of r. Values are trimmed; roles may
// be comma-separated and repeated, empty entries are dropped. Roles are
// compared exactly (the gateway forwards them in lower case), so an unknown
// spelling never grants staff rights.
func CallerFrom(r *http.Request) Caller {
	c := Caller{
		UserID:    strings.TrimSpace(r.Header.Get(HeaderUserID)),
		ClientID:  strings.TrimSpace(r.Header.Get(HeaderClientID)),
		RequestID: strings.TrimSpace(r.Header.Get(HeaderRequestID)),
	}
	for _, v := range r.Header.Values(HeaderUserRoles) {
		for role := range strings.SplitSeq(v, ",") {
			if role = strings.TrimSpace(role); role != "" {
				c.Roles = append(c.Roles, role)
			}
		}
	}
	return c
}

// HasRole reports whether the caller holds role.
func (c Caller) HasRole(role string) bool { return slices.Contains(c.Roles, role) }

// IsStaff reports whether the caller holds the support or admin role.
func (c Caller) IsStaff() bool { return c.HasRole(RoleSupport) || c.HasRole(RoleAdmin) }

// Scoped reports whether the caller is an identified end user without a
// staff role: such a caller only sees, and only acts on, its own data.
func (c Caller) Scoped() bool { return c.UserID != "" && !c.IsStaff() }

// CanAdminister reports whether the caller may make admin writes (order
// status changes, refunds, stock adjustments, review moderation): internal
// callers and holders of the admin role may, support agents and scoped
// callers may not.
func (c Caller) CanAdminister() bool { return c.UserID == "" || c.HasRole(RoleAdmin) }

// CanAccess reports whether the caller may see or act on data owned by
// ownerID: an unscoped caller may access anything, a scoped one only its own.
func (c Caller) CanAccess(ownerID string) bool { return !c.Scoped() || ownerID == c.UserID }
