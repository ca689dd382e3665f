package gqlserver

import (
	"net/http"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/klauspost/compress/gzip"
	"github.com/rs/cors"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/requestid"
)

// corsMaxAge is how long a browser may reuse a preflight's answer.
const corsMaxAge = 10 * time.Minute

// crossOrigin returns next behind CORS for the allowed origins (exact
// matches; docs/http.md): preflights from them are answered, their pages
// may read the answers and the rate-limit and request-id headers. With no
// origin allowed it adds nothing, so browsers keep pages of other origins
// from reading answers, and a preflight meets 405 like any OPTIONS.
func crossOrigin(allowed []string, next http.Handler) http.Handler {
	if len(allowed) == 0 {
		// rs/cors reads an empty list as "every origin".
		return next
	}
	return cors.New(cors.Options{
		AllowedOrigins: allowed,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", requestid.Header},
		ExposedHeaders: []string{"Retry-After", "WWW-Authenticate", "RateLimit", "RateLimit-Policy",
			"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", requestid.Header},
		MaxAge: int(corsMaxAge / time.Second),
	}).Handler(next)
}

// csrf refuses cross-origin browser requests that are not GET, HEAD or
// OPTIONS (http.CrossOriginProtection: Sec-Fetch-Site, else Origin against
// Host) unless they come from an allowed CORS origin, with 403 FORBIDDEN.
// Clients that are not browsers send neither header and pass.
func csrf(trusted []string, next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	for _, o := range trusted {
		// Config.Validate has checked every origin; one that still fails
		// is left untrusted, the safe side.
		_ = p.AddTrustedOrigin(o)
	}
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		gqlerr.WriteHTTP(w, http.StatusForbidden,
			gqlerr.New(gqlerr.Forbidden, "cross-origin requests from this origin are not allowed"))
	}))
	return p.Handler(next)
}

// gzipLevel is the gzip level of compressed answers: BestSpeed (1).
// Measured by BenchmarkCompression on the 58,307-byte answer of bff-web's
// orders(first: 50) (docs/decisions.md, "Answers are gzipped at
// BestSpeed"): level 1 costs 57 µs of CPU and sends 8,017 bytes, the
// default level (5) 95 µs and 6,826 bytes: 40 % less CPU for 1.2 KB more.
// Clients that accept zstd get it instead (gzhttp's default, SpeedFastest:
// 73 µs, 6,849 bytes).
const gzipLevel = gzip.BestSpeed

// compress returns next with its answers compressed as the request's
// Accept-Encoding allows (gzip or zstd, klauspost/compress/gzhttp) once they
// reach minSize bytes; smaller answers go out as they are. minSize <= 0
// compresses nothing.
func compress(minSize int, next http.Handler) http.Handler {
	return compressWith(minSize, gzipLevel, next)
}

// compressWith is compress with gzip at level (BenchmarkCompression
// compares levels).
func compressWith(minSize, level int, next http.Handler) http.Handler {
	if minSize <= 0 {
		return next
	}
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(minSize), gzhttp.CompressionLevel(level))
	if err != nil {
		// Only invalid options fail, and these are fixed: serve uncompressed.
		return next
	}
	return wrap(next)
}
