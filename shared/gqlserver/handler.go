package gqlserver

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// NewGraphQL returns the gqlgen server of a BFF: handler.New (never the
// default server) with only GET and POST transports (frontdesk's, which
// write the executor's data without re-encoding it), a bounded document
// cache, frontdesk's presenter and recover function, and introspection only
// when configured.
func NewGraphQL(es graphql.ExecutableSchema, logger *slog.Logger, cfg Config) *handler.Server {
	srv := handler.New(es)
	srv.AddTransport(getTransport{})
	srv.AddTransport(postTransport{})
	// First, so outermost: the error cap sees the final list, and the
	// marker tells respond the operation ran.
	srv.Use(errorCap{})
	srv.Use(executedMarker{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](max(cfg.QueryCacheSize, 1)))
	// No "Did you mean" in any validation message: gqlgen's switch alone
	// leaves the argument, type and enum-value suggestions in place.
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
		srv.SetValidationRulesFn(ValidationRules)
	} else {
		srv.SetValidationRulesFn(ValidationRulesWithoutIntrospection)
	}
	srv.SetDisableSuggestion(true)
	srv.SetErrorPresenter(gqlerr.Presenter(logger))
	srv.SetRecoverFunc(gqlerr.Recover(logger))
	return srv
}

// checkRequest guards the GraphQL endpoint: it answers what gqlgen's
// transports would answer without an error code (wrong method or content
// type, mutations over GET, an undecodable query string), refuses answers
// the client does not accept (406) and batches unless enabled, and caps the
// body, so every rejection carries `extensions.code` and none reaches
// execution or an upstream. It puts the negotiated media type on the
// request's context for respond.
func checkRequest(cfg Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt := negotiate(r.Header.Values("Accept"))
		w.Header().Add("Vary", "Accept")
		if cfg.MaxHeaderBytes > 0 && headerBytes(r) > cfg.MaxHeaderBytes {
			writeError(w, cmp.Or(mt, MediaJSON), http.StatusRequestHeaderFieldsTooLarge,
				gqlerr.New(gqlerr.BadRequest, "the request headers are too large"))
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST")
			writeError(w, cmp.Or(mt, MediaJSON), http.StatusMethodNotAllowed,
				gqlerr.New(gqlerr.BadRequest, "use GET for queries or POST"))
			return
		}
		if mt == "" {
			writeError(w, MediaJSON, http.StatusNotAcceptable, gqlerr.New(gqlerr.BadRequest,
				"the answer is sent as application/graphql-response+json or application/json; the Accept header allows neither"))
			return
		}
		r = r.WithContext(withIncremental(context.WithValue(r.Context(), mediaTypeKey{}, mt), r))
		w = &contentTypeWriter{ResponseWriter: w, contentType: mt}
		if r.Method == http.MethodGet {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				writeError(w, mt, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, "the query string could not be decoded"))
				return
			}
			if !queryOnly(q) {
				w.Header().Set("Allow", "POST")
				writeError(w, mt, http.StatusMethodNotAllowed,
					gqlerr.New(gqlerr.BadRequest, "only queries may be sent with GET; use POST"))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || ct != "application/json" {
			writeError(w, mt, http.StatusUnsupportedMediaType,
				gqlerr.New(gqlerr.BadRequest, "the request body must be application/json"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes))
		if err != nil {
			if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
				writeError(w, mt, http.StatusRequestEntityTooLarge,
					gqlerr.New(gqlerr.BadRequest, "the request body is too large"))
				return
			}
			writeError(w, mt, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, "the request body could not be read"))
			return
		}
		batch, err := checkBody(body)
		if err != nil {
			writeError(w, mt, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, err.Error()))
			return
		}
		if batch {
			if !cfg.BatchingEnabled {
				writeError(w, mt, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, "batching is not enabled"))
				return
			}
			serveBatch(w, r, body, cfg.BatchMax, next)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

// headerBytes is the size of r's target and headers as sent, about as
// http.Server counts them.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + len(v) + 4 // ": " and CRLF
		}
	}
	return n
}

// getTokenLimit bounds the parse that tells a GET query from a mutation.
const getTokenLimit = 10000

// queryOnly reports whether a GET request's operation is a query. Documents
// that do not parse pass, so gqlgen reports them with GRAPHQL_PARSE_FAILED.
func queryOnly(q url.Values) bool {
	// Bounded: this parse runs before the document limits; a document over
	// the bound passes here and is refused by them.
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: q.Get("query")}, getTokenLimit)
	if err != nil {
		return true
	}
	name := q.Get("operationName")
	for _, op := range doc.Operations {
		if (name == "" || op.Name == name) && op.Operation != ast.Query {
			return false
		}
	}
	return true
}

// browserDoor sends a browser that opens /graphql itself (a GET without a
// query, asking for HTML) to the playground when one is served; every other
// request, and every request when there is no playground (production), goes
// to next.
func browserDoor(playground bool, next http.Handler) http.Handler {
	if !playground {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && !r.URL.Query().Has("query") && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/playground", http.StatusFound)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Options assemble a BFF's HTTP routes.
type Options struct {
	// Name is the BFF's name, e.g. "bff-mobile"; it titles the playground.
	Name string
	// GraphQL is the executable GraphQL handler (NewGraphQL).
	GraphQL http.Handler
	// Edge wraps the whole GraphQL endpoint, outermost first, outside the
	// request checks: what must see every answer with its final status
	// (tracing, request ids, the access log, request metrics).
	Edge []func(http.Handler) http.Handler
	// Middleware wraps the GraphQL handler inside the request checks,
	// outermost first (identity, rate limits, loaders, ...).
	Middleware []func(http.Handler) http.Handler
	// Playground is the handler of /playground and its assets, nil to serve none.
	Playground http.Handler
	// Ready reports readiness for /readyz.
	Ready  func() bool
	Config Config
}

// NewMux returns the routes of a BFF:
//
//	GET|POST /graphql   GraphQL over HTTP
//	/playground         GraphiQL with embedded assets (when enabled)
//	GET /healthz        liveness: 200 while the process serves
//	GET /readyz         readiness: 200 until shutdown starts, then 503
func NewMux(o Options) *http.ServeMux {
	var gql = respond(o.GraphQL)
	for i := len(o.Middleware) - 1; i >= 0; i-- {
		gql = o.Middleware[i](gql)
	}
	mux := http.NewServeMux()
	// Shed load before reading the body; one deadline for everything the
	// request does, set inside Outcomes so every middleware's context has it.
	endpoint := Limit(o.Config.MaxInFlight)(checkRequest(o.Config, Outcomes(Deadline(o.Config.RequestTimeout)(gql))))
	// Browsers: CORS answers preflights and marks allowed answers before
	// anything else; cross-origin POSTs from other origins are refused
	// before they take an in-flight slot; answers are compressed last.
	endpoint = crossOrigin(o.Config.CORSAllowedOrigins, compress(o.Config.CompressMinBytes, csrf(o.Config.CORSAllowedOrigins, endpoint)))
	for i := len(o.Edge) - 1; i >= 0; i-- {
		endpoint = o.Edge[i](endpoint)
	}
	mux.Handle("/graphql", browserDoor(o.Playground != nil, endpoint))
	if o.Playground != nil {
		mux.Handle("/playground", o.Playground)
		mux.Handle("/playground/", o.Playground)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if o.Ready != nil && !o.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "shutting down\n")
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && o.Playground != nil && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, "/playground", http.StatusFound)
			return
		}
		gqlerr.WriteHTTP(w, http.StatusNotFound, gqlerr.New(gqlerr.NotFound, "no such endpoint; GraphQL is served at /graphql"))
	})
	return mux
}
