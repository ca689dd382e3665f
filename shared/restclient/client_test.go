package restclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/restclient"
)

type thing struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// newClient returns a client of service "catalog" at srv, with cfg.
func newClient(t *testing.T, baseURL string, cfg restclient.Config) *restclient.Client {
	t.Helper()
	c, err := restclient.New("catalog", baseURL, restclient.NewHTTPClient(cfg), cfg)
	if err != nil {
		t.Fatalf("New(%q): %v", baseURL, err)
	}
	return c
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// asError returns err as *restclient.Error or fails the test.
func asError(t *testing.T, err error) *restclient.Error {
	t.Helper()
	e, ok := errors.AsType[*restclient.Error](err)
	if !ok {
		t.Fatalf("err = %v (%T), want *restclient.Error", err, err)
	}
	return e
}

func TestDoStatusKinds(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantKind restclient.Kind
		wantCode string
	}{
		{"404 not found", http.StatusNotFound, `{"error":{"code":"not_found","message":"product prd_9999 not found"}}`, restclient.KindNotFound, "not_found"},
		{"409 conflict", http.StatusConflict, `{"error":{"code":"conflict","message":"nope"}}`, restclient.KindConflict, "conflict"},
		{"403 forbidden", http.StatusForbidden, `{"error":{"code":"forbidden","message":"nope"}}`, restclient.KindForbidden, "forbidden"},
		{"400 bad request", http.StatusBadRequest, `{"error":{"code":"bad_request","message":"limit"}}`, restclient.KindBadRequest, "bad_request"},
		{"422 unprocessable", http.StatusUnprocessableEntity, `{"error":{"code":"invalid"}}`, restclient.KindBadRequest, "invalid"},
		{"500 internal", http.StatusInternalServerError, `{"error":{"code":"internal","message":"injected"}}`, restclient.KindUnavailable, "internal"},
		{"502 bad gateway", http.StatusBadGateway, `<html>bad gateway</html>`, restclient.KindUnavailable, ""},
		{"503 unavailable", http.StatusServiceUnavailable, `{"error":{"code":"unavailable","message":"down"}}`, restclient.KindUnavailable, "unavailable"},
		{"429 too many requests", http.StatusTooManyRequests, ``, restclient.KindUnavailable, ""},
		{"504 gateway timeout", http.StatusGatewayTimeout, `{"error":{"code":"timeout"}}`, restclient.KindTimeout, "timeout"},
		{"408 request timeout", http.StatusRequestTimeout, ``, restclient.KindTimeout, ""},
		{"304 not modified", http.StatusNotModified, ``, restclient.KindBadResponse, ""},
		{"401 unauthorized", http.StatusUnauthorized, `{"error":{"code":"unauthorized"}}`, restclient.KindBadResponse, "unauthorized"},
		{"403 with a body that is not JSON", http.StatusForbidden, `not json`, restclient.KindForbidden, ""},
		{"405 method not allowed", http.StatusMethodNotAllowed, `{"error":"flat string"}`, restclient.KindBadResponse, ""},
		{"418 teapot", http.StatusTeapot, `{"error":{"code":"teapot"}}`, restclient.KindBadResponse, "teapot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			})
			var out thing
			err := newClient(t, srv.URL, restclient.Config{}).Get(t.Context(), "/products/prd_9999", nil, &out)
			e := asError(t, err)
			if e.Service != "catalog" || e.Op != "GET /products/prd_9999" {
				t.Errorf("Service, Op = %q, %q; want catalog, GET /products/prd_9999", e.Service, e.Op)
			}
			if e.Kind != tt.wantKind {
				t.Errorf("Kind = %v, want %v", e.Kind, tt.wantKind)
			}
			if e.Status != tt.status {
				t.Errorf("Status = %d, want %d", e.Status, tt.status)
			}
			if e.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", e.Code, tt.wantCode)
			}
			if got, want := errors.Is(err, restclient.ErrNotFound), tt.status == http.StatusNotFound; got != want {
				t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v", got, want)
			}
			if out != (thing{}) {
				t.Errorf("out = %+v, want it untouched", out)
			}
		})
	}
}

// bodyPaths are the two ways Client.Do meets an answer's body: read into
// memory by the Attempt layer (NewHTTPClient, the usual stack), or straight
// from the transport (a client without Attempt), decoded as it streams.
var bodyPaths = []struct {
	name string
	hc   func(cfg restclient.Config) *http.Client
}{
	{"attempt", restclient.NewHTTPClient},
	{"streamed", func(restclient.Config) *http.Client { return &http.Client{Transport: &http.Transport{}} }},
}

func TestDoDecodesAnswer(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		fault   fault // instead of status and body
		maxBody int64
		want    thing
		// wantKind is 0 for success.
		wantKind restclient.Kind
	}{
		{name: "200 json", status: http.StatusOK, body: `{"id":"prd_0001","name":"Lamp","extra":true}`, want: thing{ID: "prd_0001", Name: "Lamp"}},
		{name: "201 json", status: http.StatusCreated, body: `{"id":"prd_0002","name":"Desk"}`, want: thing{ID: "prd_0002", Name: "Desk"}},
		{name: "body exactly at the cap", status: http.StatusOK, body: `{"id":"abc","name":"d"}`, maxBody: int64(len(`{"id":"abc","name":"d"}`)), want: thing{ID: "abc", Name: "d"}},
		{name: "body one byte over the cap", status: http.StatusOK, body: `{"id":"abc","name":"de"}`, maxBody: int64(len(`{"id":"abc","name":"d"}`)), wantKind: restclient.KindBadResponse},
		{name: "chunked body over the cap", status: http.StatusOK, fault: chunked(`{"id":"abc",`, `"name":"de"}`), maxBody: int64(len(`{"id":"abc","name":"d"}`)), wantKind: restclient.KindBadResponse},
		{name: "body over the cap whose start does not decode", status: http.StatusOK, body: `{"id":42,"name":"` + strings.Repeat("x", 64) + `"}`, maxBody: 32, wantKind: restclient.KindBadResponse},
		{name: "error body over the cap", status: http.StatusNotFound, body: strings.Repeat("x", 64), maxBody: 16, wantKind: restclient.KindBadResponse},
		{name: "not json", status: http.StatusOK, body: `<html>hello</html>`, wantKind: restclient.KindBadResponse},
		{name: "truncated json", status: http.StatusOK, body: `{"id":"prd_0001"`, wantKind: restclient.KindBadResponse},
		{name: "trailing data", status: http.StatusOK, body: `{"id":"prd_0001"} {}`, wantKind: restclient.KindBadResponse},
		{name: "wrong json type", status: http.StatusOK, body: `{"id":42}`, wantKind: restclient.KindBadResponse},
		{name: "empty body", status: http.StatusOK, body: ``, wantKind: restclient.KindBadResponse},
	}
	for _, path := range bodyPaths {
		for _, tt := range tests {
			t.Run(path.name+"/"+tt.name, func(t *testing.T) {
				f := tt.fault
				if f == nil {
					f = status(tt.status, tt.body)
				}
				u := newUpstream(t, f)
				cfg := restclient.Config{MaxResponseBytes: tt.maxBody}
				c, err := restclient.New("catalog", u.URL, path.hc(cfg), cfg)
				if err != nil {
					t.Fatal(err)
				}
				var out thing
				err = c.Get(t.Context(), "/products/x", nil, &out)
				if tt.wantKind == 0 {
					if err != nil {
						t.Fatalf("Get: %v", err)
					}
					if out != tt.want {
						t.Errorf("out = %+v, want %+v", out, tt.want)
					}
					return
				}
				e := asError(t, err)
				if e.Kind != tt.wantKind || e.Status != tt.status {
					t.Errorf("Kind, Status = %v, %d; want %v, %d (%v)", e.Kind, e.Status, tt.wantKind, tt.status, err)
				}
				if e.Err == nil {
					t.Errorf("Err = nil, want the decoding or size cause")
				}
			})
		}
	}
}

// TestDoTruncatedBody: a body cut off by the connection is a failed call
// (unavailable, as a transport failure), not a bad answer, on both paths.
func TestDoTruncatedBody(t *testing.T) {
	for _, path := range bodyPaths {
		t.Run(path.name, func(t *testing.T) {
			u := newUpstream(t, truncated(t))
			c, err := restclient.New("catalog", u.URL, path.hc(restclient.Config{}), restclient.Config{})
			if err != nil {
				t.Fatal(err)
			}
			var out thing
			e := asError(t, c.Get(t.Context(), "/products/x", nil, &out))
			if e.Kind != restclient.KindUnavailable || !errors.Is(e, io.ErrUnexpectedEOF) {
				t.Errorf("Kind = %v, err %v; want unavailable with io.ErrUnexpectedEOF", e.Kind, e)
			}
		})
	}
}

// TestDoDecodesAsEncodingJSON: answers decode into the models as
// encoding/json decodes them, leniency included.
func TestDoDecodesAsEncodingJSON(t *testing.T) {
	type item struct {
		ProductID string `json:"productId"`
		Quantity  int    `json:"quantity"`
	}
	type model struct {
		ID        string     `json:"id"`
		Tags      []string   `json:"tags"`
		Items     []item     `json:"items"`
		PaymentID *string    `json:"paymentId"`
		Price     float64    `json:"price"`
		CreatedAt time.Time  `json:"createdAt"`
		UpdatedAt *time.Time `json:"updatedAt"`
	}
	tests := []struct{ name, body string }{
		{"every kind of field", `{"id":"ord_1","tags":["a","b"],"items":[{"productId":"prd_1","quantity":2}],"paymentId":"pay_1","price":12.5,"createdAt":"2026-01-01T10:00:00Z","updatedAt":"2026-01-02T10:00:00.123+02:00"}`},
		{"unknown members at every depth", `{"id":"ord_1","extra":{"deep":[1,{"x":null}]},"items":[{"productId":"prd_1","more":"x","quantity":1}]}`},
		{"nulls", `{"id":null,"tags":null,"items":null,"paymentId":null,"createdAt":null,"updatedAt":null}`},
		{"duplicate names: the last wins", `{"id":"first","id":"second"}`},
		{"names in another case", `{"ID":"ord_1","Items":[{"PRODUCTID":"prd_1"}]}`},
		{"escapes", `{"id":"a\u00e9\n\"b\"","tags":["\ud83d\ude00"]}`},
		{"invalid UTF-8", "{\"id\":\"a\xffb\"}"},
		{"whitespace around", " \n\t{\"id\" : \"ord_1\" }\n"},
	}
	for _, path := range bodyPaths {
		for _, tt := range tests {
			t.Run(path.name+"/"+tt.name, func(t *testing.T) {
				var want model
				if err := json.Unmarshal([]byte(tt.body), &want); err != nil {
					t.Fatalf("encoding/json: %v", err)
				}
				u := newUpstream(t, ok(tt.body))
				c, err := restclient.New("catalog", u.URL, path.hc(restclient.Config{}), restclient.Config{})
				if err != nil {
					t.Fatal(err)
				}
				var got model
				if err := c.Get(t.Context(), "/orders/x", nil, &got); err != nil {
					t.Fatalf("Get: %v", err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("decoded %+v, encoding/json decodes %+v", got, want)
				}
			})
		}
	}
}

func TestDoNilOutIgnoresBody(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	if err := newClient(t, srv.URL, restclient.Config{}).Do(t.Context(), http.MethodDelete, "/x", nil, nil, nil); err != nil {
		t.Fatalf("Do with nil out on 204: %v", err)
	}
}

func TestDoSendsRequest(t *testing.T) {
	type seen struct {
		method, path, rawQuery, accept, contentType, body string
	}
	tests := []struct {
		name   string
		base   string // appended to the server URL
		method string
		path   string
		query  url.Values
		body   any
		want   seen
	}{
		{
			name: "GET without body or query", method: http.MethodGet, path: "/products/prd_0001",
			want: seen{method: "GET", path: "/products/prd_0001", accept: "application/json"},
		},
		{
			name: "GET with encoded query", method: http.MethodGet, path: "/products",
			query: url.Values{"q": {"a b&c"}, "ids": {"prd_0001,prd_0002"}, "limit": {"5"}},
			want:  seen{method: "GET", path: "/products", rawQuery: "ids=prd_0001%2Cprd_0002&limit=5&q=a+b%26c", accept: "application/json"},
		},
		{
			name: "POST with JSON body", method: http.MethodPost, path: "/orders",
			body: map[string]any{"userId": "usr_0001", "items": []map[string]int{{"quantity": 2}}},
			want: seen{method: "POST", path: "/orders", accept: "application/json", contentType: "application/json",
				body: `{"items":[{"quantity":2}],"userId":"usr_0001"}`},
		},
		{
			name: "PATCH under a base path with a trailing slash", base: "/api/v1/", method: http.MethodPatch, path: "/orders/ord_00001",
			body: map[string]string{"status": "SHIPPED"},
			want: seen{method: "PATCH", path: "/api/v1/orders/ord_00001", accept: "application/json", contentType: "application/json",
				body: `{"status":"SHIPPED"}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan seen, 1)
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got <- seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Accept"), r.Header.Get("Content-Type"), string(b)}
				_, _ = io.WriteString(w, `{}`)
			})
			var out struct{}
			if err := newClient(t, srv.URL+tt.base, restclient.Config{}).Do(t.Context(), tt.method, tt.path, tt.query, tt.body, &out); err != nil {
				t.Fatalf("Do: %v", err)
			}
			if s := <-got; s != tt.want {
				t.Errorf("request = %+v\nwant      %+v", s, tt.want)
			}
		})
	}
}

func TestDoUnbuildableRequest(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		body    any
		wantErr string
		// wantJSONCause: err wraps the *json.UnsupportedTypeError.
		wantJSONCause bool
	}{
		{
			name: "unencodable body", method: http.MethodPost, body: map[string]any{"f": func() {}},
			wantErr:       "catalog POST /x: encoding request: json: unsupported type: func()",
			wantJSONCause: true,
		},
		{
			name: "invalid method", method: "PO ST",
			wantErr: `catalog PO ST /x: building request: net/http: invalid method "PO ST"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := serve(t, func(http.ResponseWriter, *http.Request) { calls.Add(1) })

			err := newClient(t, srv.URL, restclient.Config{}).Do(t.Context(), tt.method, "/x", nil, tt.body, nil)

			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			// The upstream never saw the request, so it is no upstream failure
			// (gqlerr would present a *Error as the service's fault).
			if e, ok := errors.AsType[*restclient.Error](err); ok {
				t.Errorf("err is a *restclient.Error %+v, want a plain error", e)
			}
			if k, ok := restclient.KindOf(err); ok {
				t.Errorf("KindOf = %v, true; want no kind", k)
			}
			if _, ok := errors.AsType[*json.UnsupportedTypeError](err); ok != tt.wantJSONCause {
				t.Errorf("err wraps *json.UnsupportedTypeError = %v, want %v", ok, tt.wantJSONCause)
			}
			if n := calls.Load(); n != 0 {
				t.Errorf("upstream calls = %d, want 0", n)
			}
		})
	}
}

func TestDoDoesNotFollowRedirects(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var followed atomic.Int32
			mux := http.NewServeMux()
			mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "/new", status)
			})
			mux.HandleFunc("/new", func(w http.ResponseWriter, _ *http.Request) {
				followed.Add(1)
				_, _ = io.WriteString(w, `{"id":"x"}`)
			})
			srv := httptest.NewServer(mux)
			t.Cleanup(srv.Close)
			var out thing
			e := asError(t, newClient(t, srv.URL, restclient.Config{}).Get(t.Context(), "/old", nil, &out))
			if e.Kind != restclient.KindBadResponse || e.Status != status {
				t.Errorf("Kind, Status = %v, %d; want bad response, %d", e.Kind, e.Status, status)
			}
			if n := followed.Load(); n != 0 {
				t.Errorf("redirect target called %d times, want 0", n)
			}
		})
	}
}

func TestDoConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	e := asError(t, newClient(t, base, restclient.Config{}).Get(t.Context(), "/products", nil, &thing{}))
	if e.Kind != restclient.KindUnavailable || e.Status != 0 || e.Err == nil {
		t.Errorf("Kind, Status, Err = %v, %d, %v; want unavailable, 0, the dial error", e.Kind, e.Status, e.Err)
	}
	if !e.Kind.Transient() {
		t.Errorf("connection refused must be transient")
	}
}

// blockingServer answers only once release is closed; entered receives a
// value when a request reached the handler. Requests unblock at cleanup.
func blockingServer(t *testing.T, writeHeaderFirst bool) (srv *httptest.Server, entered <-chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	in := make(chan struct{}, 8)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if writeHeaderFirst {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, `{"id":`)
			w.(http.Flusher).Flush() //nolint:forcetypeassert // httptest's ResponseWriter always flushes
		}
		in <- struct{}{}
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs before srv.Close (LIFO)
	return srv, in
}

func TestDoContextAndTimeouts(t *testing.T) {
	tests := []struct {
		name             string
		clientTimeout    time.Duration
		writeHeaderFirst bool
		// call returns the context of the call and, when cancel is not nil, a
		// cancel to run once the handler was entered.
		ctx      func(t *testing.T) (context.Context, context.CancelFunc)
		wantKind restclient.Kind
	}{
		{
			name: "caller canceled", clientTimeout: time.Minute,
			ctx:      func(t *testing.T) (context.Context, context.CancelFunc) { return context.WithCancel(t.Context()) },
			wantKind: restclient.KindCanceled,
		},
		{
			name: "caller canceled while reading the body", clientTimeout: time.Minute, writeHeaderFirst: true,
			ctx:      func(t *testing.T) (context.Context, context.CancelFunc) { return context.WithCancel(t.Context()) },
			wantKind: restclient.KindCanceled,
		},
		{
			name: "caller deadline", clientTimeout: time.Minute,
			ctx: func(t *testing.T) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				t.Cleanup(cancel)
				return ctx, nil
			},
			wantKind: restclient.KindTimeout,
		},
		{
			name: "client timeout", clientTimeout: 50 * time.Millisecond,
			ctx:      func(t *testing.T) (context.Context, context.CancelFunc) { return t.Context(), nil },
			wantKind: restclient.KindTimeout,
		},
		{
			name: "client timeout while reading the body", clientTimeout: 50 * time.Millisecond, writeHeaderFirst: true,
			ctx:      func(t *testing.T) (context.Context, context.CancelFunc) { return t.Context(), nil },
			wantKind: restclient.KindTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, entered := blockingServer(t, tt.writeHeaderFirst)
			c := newClient(t, srv.URL, restclient.Config{Timeout: tt.clientTimeout})
			ctx, cancel := tt.ctx(t)
			errc := make(chan error, 1)
			go func() { errc <- c.Get(ctx, "/slow", nil, &thing{}) }()
			<-entered
			if cancel != nil {
				cancel()
			}
			e := asError(t, <-errc)
			if e.Kind != tt.wantKind {
				t.Errorf("Kind = %v, want %v (err %v)", e.Kind, tt.wantKind, e)
			}
			if e.Service != "catalog" || e.Op != "GET /slow" {
				t.Errorf("Service, Op = %q, %q", e.Service, e.Op)
			}
			if !e.Kind.Transient() {
				t.Errorf("%v must be transient", e.Kind)
			}
		})
	}
}

func TestNewValidatesBaseURL(t *testing.T) {
	tests := []struct {
		name     string
		base     string
		wantPath string // request path of Get("/x"); "" when New must fail
	}{
		{"http", "http://127.0.0.1:3002", "/x"},
		{"https", "https://catalog.internal", "/x"},
		{"trailing slash trimmed", "http://127.0.0.1:3002/", "/x"},
		{"base path kept", "http://127.0.0.1:3002/api/", "/api/x"},
		{"empty", "", ""},
		{"relative path", "/products", ""},
		{"host without scheme", "catalog.internal:3002", ""},
		{"ftp scheme", "ftp://catalog.internal", ""},
		{"empty host", "http://", ""},
		{"empty host with path", "http:///products", ""},
		{"unparseable", "http://[::1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make(chan string, 1)
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				got <- r.URL.Path
				return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
			})
			c, err := restclient.New("catalog", tt.base, &http.Client{Transport: rt}, restclient.Config{})
			if tt.wantPath == "" {
				if err == nil {
					t.Fatalf("New(%q) = nil error, want one", tt.base)
				}
				if c != nil {
					t.Errorf("New(%q) returned a client with its error", tt.base)
				}
				if !strings.Contains(err.Error(), "upstream catalog") {
					t.Errorf("error %q does not name the upstream", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tt.base, err)
			}
			if c.Service() != "catalog" {
				t.Errorf("Service() = %q", c.Service())
			}
			if err := c.Get(t.Context(), "/x", nil, nil); err != nil {
				t.Fatalf("Get: %v", err)
			}
			if p := <-got; p != tt.wantPath {
				t.Errorf("request path = %q, want %q", p, tt.wantPath)
			}
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestJoinIDs(t *testing.T) {
	tests := []struct {
		name string
		ids  []string
		want string
	}{
		{"none", nil, ""},
		{"one", []string{"prd_0001"}, "prd_0001"},
		{"several", []string{"prd_0001", "prd_0002", "prd_0001"}, "prd_0001,prd_0002,prd_0001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := restclient.JoinIDs(tt.ids); got != tt.want {
				t.Errorf("JoinIDs(%q) = %q, want %q", tt.ids, got, tt.want)
			}
		})
	}
}

func TestPageQuery(t *testing.T) {
	tests := []struct {
		name          string
		limit, offset int
		want          string
	}{
		{"both", 20, 40, "limit=20&offset=40"},
		{"first page", 5, 0, "limit=5"},
		{"service defaults", 0, 0, ""},
		{"negative sent for the service to reject", -1, -3, "limit=-1&offset=-3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := restclient.PageQuery(tt.limit, tt.offset).Encode(); got != tt.want {
				t.Errorf("PageQuery(%d, %d) = %q, want %q", tt.limit, tt.offset, got, tt.want)
			}
		})
	}
}
