package gqlserver

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
)

// NewGraphQL returns the gqlgen server of a BFF: handler.New (never the
// default server) with only the GET and POST transports, a bounded document
// cache, frontdesk's presenter and recover function, and introspection only
// when configured.
func NewGraphQL(es graphql.ExecutableSchema, logger *slog.Logger, cfg Config) *handler.Server {
	srv := handler.New(es)
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](max(cfg.QueryCacheSize, 1)))
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	// No "Did you mean" in any validation message: gqlgen's switch alone
	// leaves the argument, type and enum-value suggestions in place.
	srv.SetValidationRulesFn(ValidationRules)
	srv.SetDisableSuggestion(true)
	srv.SetErrorPresenter(gqlerr.Presenter(logger))
	srv.SetRecoverFunc(gqlerr.Recover(logger))
	return srv
}

// checkRequest guards the GraphQL endpoint: it answers what gqlgen's
// transports would answer without an error code (wrong method or content
// type, mutations over GET) and caps the body, so every rejection carries
// `extensions.code` and none reaches execution or an upstream.
func checkRequest(maxBody int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if !queryOnly(r) {
				w.Header().Set("Allow", "POST")
				gqlerr.WriteHTTP(w, http.StatusMethodNotAllowed,
					gqlerr.New(gqlerr.BadRequest, "only queries may be sent with GET; use POST"))
				return
			}
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				gqlerr.WriteHTTP(w, http.StatusUnsupportedMediaType,
					gqlerr.New(gqlerr.BadRequest, "the request body must be application/json"))
				return
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
			if err != nil {
				if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
					gqlerr.WriteHTTP(w, http.StatusRequestEntityTooLarge,
						gqlerr.New(gqlerr.BadRequest, "the request body is too large"))
					return
				}
				gqlerr.WriteHTTP(w, http.StatusBadRequest, gqlerr.New(gqlerr.BadRequest, "the request body could not be read"))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		default:
			w.Header().Set("Allow", "GET, POST")
			gqlerr.WriteHTTP(w, http.StatusMethodNotAllowed,
				gqlerr.New(gqlerr.BadRequest, "use GET for queries or POST"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// getTokenLimit bounds the parse that tells a GET query from a mutation.
const getTokenLimit = 10000

// queryOnly reports whether a GET request's operation is a query. Documents
// that do not parse pass, so gqlgen reports them with GRAPHQL_PARSE_FAILED.
func queryOnly(r *http.Request) bool {
	q := r.URL.Query()
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
	var gql = o.GraphQL
	for i := len(o.Middleware) - 1; i >= 0; i-- {
		gql = o.Middleware[i](gql)
	}
	mux := http.NewServeMux()
	// Shed load before reading the body; one deadline for everything the
	// request does, set inside Outcomes so every middleware's context has it.
	endpoint := Limit(o.Config.MaxInFlight)(checkRequest(o.Config.MaxBodyBytes, Outcomes(Deadline(o.Config.RequestTimeout)(gql))))
	for i := len(o.Edge) - 1; i >= 0; i-- {
		endpoint = o.Edge[i](endpoint)
	}
	mux.Handle("/graphql", endpoint)
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
