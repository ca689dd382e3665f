package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
)

func TestBatchIDs(t *testing.T) {
	ids := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = "x"
		}
		return strings.Join(parts, ",")
	}
	tests := []struct {
		name    string
		query   string
		want    []string
		wantErr bool
	}{
		{name: "order kept", query: "ids=c,a,b", want: []string{"c", "a", "b"}},
		{name: "duplicates once", query: "ids=a,b,a,b", want: []string{"a", "b"}},
		{name: "blanks dropped", query: "ids=+a+,,b,", want: []string{"a", "b"}},
		{name: "repeated key", query: "ids=a&ids=b,a", want: []string{"a", "b"}},
		{name: "empty", query: "ids=", want: []string{}},
		{name: "200 duplicates allowed", query: "ids=" + ids(200), want: []string{"x"}},
		{name: "201 rejected", query: "ids=" + ids(201), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := httpapi.BatchIDs(q, "ids")
			if tt.wantErr {
				if err == nil {
					t.Fatalf("BatchIDs = %v, want error", got)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("BatchIDs = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	tests := []struct {
		query   string
		want    httpapi.Page
		wantErr bool
	}{
		{query: "", want: httpapi.Page{Limit: 20, Offset: 0}},
		{query: "limit=1&offset=7", want: httpapi.Page{Limit: 1, Offset: 7}},
		{query: "limit=200", want: httpapi.Page{Limit: 200}},
		{query: "limit=0", wantErr: true},
		{query: "limit=201", wantErr: true},
		{query: "limit=ten", wantErr: true},
		{query: "offset=-1", wantErr: true},
		{query: "offset=1.5", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got, err := httpapi.ParsePage(q)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParsePage(%q) = %+v, %v; want %+v, error %v", tt.query, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestSlice(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	tests := []struct {
		name string
		page httpapi.Page
		want []int
	}{
		{"first page", httpapi.Page{Limit: 2}, []int{1, 2}},
		{"middle", httpapi.Page{Limit: 2, Offset: 2}, []int{3, 4}},
		{"short last page", httpapi.Page{Limit: 2, Offset: 4}, []int{5}},
		{"past the end", httpapi.Page{Limit: 2, Offset: 9}, []int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := httpapi.Slice(items, tt.page)
			if got == nil || !slices.Equal(got, tt.want) {
				t.Fatalf("Slice = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	const secret = "s3cr3t-value"
	tests := []struct {
		name    string
		body    string
		want    body
		wantErr string
	}{
		{name: "valid", body: `{"name":"a","count":2}`, want: body{Name: "a", Count: 2}},
		{name: "empty", body: ``, wantErr: "body must be a JSON object"},
		{name: "syntax", body: `{"name":"` + secret, wantErr: "body is not valid JSON"},
		{name: "wrong type", body: `{"count":"` + secret + `"}`, wantErr: "field count has the wrong type"},
		{name: "not an object", body: `["` + secret + `"]`, wantErr: "body must be a JSON object"},
		{name: "unknown field", body: `{"` + secret + `":1}`, wantErr: "body has unknown or invalid fields"},
		{name: "trailing data", body: `{"name":"a"} {"name":"` + secret + `"}`, wantErr: "body must contain a single JSON object"},
		{name: "too large", body: `{"name":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}`, wantErr: "body exceeds 65536 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			var got body
			err := httpapi.DecodeJSON(httptest.NewRecorder(), req, &got)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("DecodeJSON = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q echoes the body", err)
			}
		})
	}
}

func TestRouter(t *testing.T) {
	rt := httpapi.NewRouter()
	rt.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	rt.HandleFunc("POST /things", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	if got, want := rt.Patterns(), []string{"GET /things/{id}", "POST /things"}; !slices.Equal(got, want) {
		t.Fatalf("Patterns = %v, want %v", got, want)
	}

	t.Run("match", func(t *testing.T) {
		got := apitest.Get[map[string]string](t, rt, "/things/t1")
		if got["id"] != "t1" {
			t.Fatalf("id = %q, want t1", got["id"])
		}
	})
	t.Run("unknown route is a JSON 404", func(t *testing.T) {
		rec := apitest.Do(t, rt, http.MethodGet, "/nope", "")
		apitest.ExpectError(t, rec, http.StatusNotFound, httpapi.CodeNotFound)
		apitest.CacheControl(t, rec, httpapi.CacheNoStore)
	})
	t.Run("wrong method is a JSON 405 with Allow", func(t *testing.T) {
		rec := apitest.Do(t, rt, http.MethodDelete, "/things", "")
		apitest.ExpectError(t, rec, http.StatusMethodNotAllowed, httpapi.CodeMethodNotAllowed)
		if allow := rec.Header().Get("Allow"); allow != "POST" {
			t.Fatalf("Allow = %q, want POST", allow)
		}
	})
	t.Run("Handler reports the pattern", func(t *testing.T) {
		_, pattern := rt.Handler(httptest.NewRequest(http.MethodGet, "/things/x", nil))
		if pattern != "GET /things/{id}" {
			t.Fatalf("pattern = %q", pattern)
		}
		if _, pattern := rt.Handler(httptest.NewRequest(http.MethodGet, "/nope", nil)); pattern != "" {
			t.Fatalf("pattern for unknown route = %q, want empty", pattern)
		}
	})
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	httpapi.WriteError(rec, http.StatusConflict, httpapi.CodeConflict, "product prd_0001 conflicts")
	want := `{"error":{"code":"conflict","message":"product prd_0001 conflicts"}}` + "\n"
	if rec.Code != http.StatusConflict || rec.Body.String() != want {
		t.Fatalf("got %d %q, want 409 %q", rec.Code, rec.Body, want)
	}
}
