// Package gqlserver is the HTTP edge both BFFs share: the gqlgen handler with
// explicit transports and frontdesk's error model, the request checks in
// front of it, the playground, health endpoints, and an http.Server with
// explicit timeouts and graceful shutdown.
package gqlserver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ServerMaxHeaderBytes is the HTTP server's own bound on a request's
// headers (http.DefaultMaxHeaderBytes, set explicitly): past it Go answers
// a plain-text 431 before any handler runs; MAX_HEADER_BYTES, below it,
// gives every other oversized request a JSON answer with a code.
const ServerMaxHeaderBytes = http.DefaultMaxHeaderBytes

// Config configures the HTTP edge of a BFF. Each field documents its default.
type Config struct {
	// MaxBodyBytes caps a request body; larger requests get 413.
	MaxBodyBytes int64 `env:"MAX_BODY_BYTES" envDefault:"1048576" json:"maxBodyBytes"`
	// MaxHeaderBytes caps a GraphQL request's target and headers; larger
	// requests get 431 with a JSON error. At most ServerMaxHeaderBytes, the
	// server's own limit, past which Go answers a plain-text 431.
	MaxHeaderBytes int `env:"MAX_HEADER_BYTES" envDefault:"65536" json:"maxHeaderBytes"`
	// Playground serves the GraphiQL playground at /playground.
	Playground bool `env:"PLAYGROUND" envDefault:"true" json:"playground"`
	// Introspection answers __schema and __type queries.
	Introspection bool `env:"INTROSPECTION" envDefault:"true" json:"introspection"`
	// MaxInFlight caps the GraphQL requests this instance handles at once;
	// more are answered 503 + Retry-After + OVERLOADED at once, never
	// queued (Limit). 0 means no cap.
	MaxInFlight int `env:"MAX_IN_FLIGHT" envDefault:"512" json:"maxInFlight"`
	// RequestTimeout is the deadline of one GraphQL request, shared by every
	// fan-out level and upstream call it makes (Deadline). 0 means none.
	RequestTimeout time.Duration `env:"REQUEST_TIMEOUT" envDefault:"10s" json:"requestTimeout"`
	// QueryCacheSize is how many parsed and validated documents are kept.
	QueryCacheSize int `env:"QUERY_CACHE_SIZE" envDefault:"1000" json:"queryCacheSize"`
	// ReadHeaderTimeout bounds reading request headers.
	ReadHeaderTimeout time.Duration `env:"READ_HEADER_TIMEOUT" envDefault:"5s" json:"readHeaderTimeout"`
	// ReadTimeout bounds reading a whole request.
	ReadTimeout time.Duration `env:"READ_TIMEOUT" envDefault:"10s" json:"readTimeout"`
	// WriteTimeout bounds handling a request and writing its answer.
	WriteTimeout time.Duration `env:"WRITE_TIMEOUT" envDefault:"30s" json:"writeTimeout"`
	// IdleTimeout closes idle keep-alive connections.
	IdleTimeout time.Duration `env:"IDLE_TIMEOUT" envDefault:"120s" json:"idleTimeout"`
	// ShutdownDelay is how long, once shutdown starts, readiness reports
	// 503 while requests are still accepted, so load balancers stop sending
	// before the listener closes. 0 closes it at once.
	ShutdownDelay time.Duration `env:"SHUTDOWN_DELAY" envDefault:"0s" json:"shutdownDelay"`
	// ShutdownTimeout bounds the drain of in-flight requests on shutdown.
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"15s" json:"shutdownTimeout"`
	// CORSAllowedOrigins are the origins (scheme://host[:port], exactly;
	// no wildcards) whose browser pages may call /graphql cross-origin.
	// Empty, the default, allows none: same-origin pages (the playground)
	// need no CORS. They are also the only cross-origin pages whose POSTs
	// pass the CSRF check (docs/http.md).
	CORSAllowedOrigins []string `env:"CORS_ALLOWED_ORIGINS" json:"corsAllowedOrigins"`
	// BatchingEnabled accepts a JSON array of requests in one POST;
	// otherwise, the default, an array is refused with 400 BAD_REQUEST.
	BatchingEnabled bool `env:"BATCHING_ENABLED" envDefault:"false" json:"batchingEnabled"`
	// BatchMax caps the requests of one batch when batching is enabled.
	BatchMax int `env:"BATCH_MAX" envDefault:"10" json:"batchMax"`
	// CompressMinBytes is the smallest answer compressed (gzip or zstd, as
	// the client's Accept-Encoding allows); smaller ones are sent as they
	// are. 0 turns compression off.
	CompressMinBytes int `env:"COMPRESS_MIN_BYTES" envDefault:"1024" json:"compressMinBytes"`
}

// Validate rejects inconsistent settings.
func (c Config) Validate() error {
	for _, o := range c.CORSAllowedOrigins {
		if err := http.NewCrossOriginProtection().AddTrustedOrigin(o); err != nil || strings.Contains(o, "*") {
			return fmt.Errorf("CORS_ALLOWED_ORIGINS: %q is not an origin (scheme://host[:port])", o)
		}
	}
	if c.BatchingEnabled && c.BatchMax < 1 {
		return errors.New("BATCH_MAX must be at least 1 when BATCHING_ENABLED is set")
	}
	if c.CompressMinBytes < 0 {
		return errors.New("COMPRESS_MIN_BYTES must be >= 0")
	}
	if c.MaxHeaderBytes < 0 || c.MaxHeaderBytes > ServerMaxHeaderBytes {
		return fmt.Errorf("MAX_HEADER_BYTES must be between 0 and %d", ServerMaxHeaderBytes)
	}
	return nil
}
