package authz

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

// Authenticate returns the middleware of a BFF's GraphQL endpoint that turns
// the request's access token into an auth.Principal:
//
//   - no Authorization header: the request goes on anonymously; whatever
//     later needs a caller refuses it (Extension), and Challenge turns
//     the answer into HTTP 401 (the request must have a gqlserver.Outcome,
//     as NewMux's GraphQL endpoint gives it);
//   - a valid Bearer token: the request goes on with the token's Principal
//     in its context (auth.FromContext); the token itself goes no further;
//   - anything else (malformed, expired, wrong issuer or audience, bad
//     signature, oversized): HTTP 401 with
//     `WWW-Authenticate: Bearer realm="<realm>", error="invalid_token"` and
//     one UNAUTHENTICATED error with auth.PublicMessage, before the GraphQL
//     document is even parsed.
//
// Why a token failed is logged at debug level, never sent to the client.
func Authenticate(v *auth.Verifier, realm string, logger *slog.Logger) func(http.Handler) http.Handler {
	quoted := strconv.Quote(realm)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			token, present, err := v.BearerToken(r)
			var p auth.Principal
			if err == nil && present {
				p, err = v.Verify(r.Context(), token)
			}
			if err != nil {
				logger.LogAttrs(r.Context(), slog.LevelDebug, "access token refused", slog.String("reason", err.Error()))
				w.Header().Set("WWW-Authenticate", "Bearer realm="+quoted+`, error="invalid_token"`)
				gqlerr.WriteHTTP(w, http.StatusUnauthorized, gqlerr.Wrap(gqlerr.Unauthenticated, auth.PublicMessage(err), err))
				return
			}
			ctx := r.Context()
			if present {
				ctx = auth.NewContext(ctx, p)
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, realmKey{}, quoted)))
		})
	}
}

type realmKey struct{}

// Challenge marks the answer to ctx's request as "authentication required":
// unless a status other than 200 is written, it goes out as HTTP 401 with a
// `WWW-Authenticate: Bearer realm=...` challenge (RFC 6750), through the
// request's gqlserver.Outcome. It must be called before the answer is
// written and reports whether the request came through Authenticate (false:
// nothing to mark).
func Challenge(ctx context.Context) bool {
	realm, ok := ctx.Value(realmKey{}).(string)
	if !ok {
		return false
	}
	o := gqlserver.OutcomeFrom(ctx)
	o.SetStatus(http.StatusUnauthorized, "WWW-Authenticate", "Bearer realm="+realm)
	return o != nil
}
