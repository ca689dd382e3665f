package catalog_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/seed"
)

func newHandler() http.Handler {
	return catalog.NewHandler(catalog.NewStore(seed.New().Products))
}

func ids(ps []catalog.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestBatch(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"request order", "ids=prd_0500,prd_0001,prd_0250", []string{"prd_0500", "prd_0001", "prd_0250"}},
		{"duplicates once", "ids=prd_0002,prd_0001,prd_0002", []string{"prd_0002", "prd_0001"}},
		{"unknown absent", "ids=prd_9999,prd_0010,prd_0501", []string{"prd_0010"}},
		{"empty", "ids=", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.Do(t, h, http.MethodGet, "/products?"+tt.query, "")
			got := apitest.Decode[catalog.BatchResponse](t, rec, http.StatusOK)
			if !slices.Equal(ids(got.Products), tt.want) {
				t.Fatalf("ids = %v, want %v", ids(got.Products), tt.want)
			}
			apitest.CacheControl(t, rec, "max-age=60")
		})
	}
	t.Run("more than 200", func(t *testing.T) {
		rec := apitest.Do(t, h, http.MethodGet, "/products?ids="+strings.Repeat("prd_0001,", 201), "")
		apitest.ExpectError(t, rec, http.StatusBadRequest, httpapi.CodeBadRequest)
	})
}

func TestList(t *testing.T) {
	d := seed.New()
	h := catalog.NewHandler(catalog.NewStore(d.Products))
	audio, featured := 0, 0
	for _, p := range d.Products {
		if p.Category == "Audio" {
			audio++
		}
		if p.Featured {
			featured++
		}
	}
	tests := []struct {
		name      string
		query     string
		wantLen   int
		wantTotal int
		check     func(catalog.Product) bool
	}{
		{name: "defaults", query: "", wantLen: 20, wantTotal: 500},
		{name: "paged", query: "limit=7&offset=495", wantLen: 5, wantTotal: 500},
		{name: "category", query: "category=Audio&limit=200", wantLen: audio, wantTotal: audio,
			check: func(p catalog.Product) bool { return p.Category == "Audio" }},
		{name: "unknown category", query: "category=Nope", wantLen: 0, wantTotal: 0},
		{name: "featured", query: "featured=true&limit=200", wantLen: 24, wantTotal: 24,
			check: func(p catalog.Product) bool { return p.Featured }},
		{name: "not featured", query: "featured=false&limit=1", wantLen: 1, wantTotal: 500 - featured,
			check: func(p catalog.Product) bool { return !p.Featured }},
		{name: "q on name and description", query: "q=KETTLE&limit=200", wantLen: -1, wantTotal: -1,
			check: func(p catalog.Product) bool {
				return strings.Contains(strings.ToLower(p.Name+" "+p.Description), "kettle")
			}},
		{name: "q and category combined", query: "q=kettle&category=Audio", wantLen: 0, wantTotal: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Get[catalog.ListResponse](t, h, "/products?"+tt.query)
			if tt.wantLen >= 0 && (len(got.Products) != tt.wantLen || got.Total != tt.wantTotal) {
				t.Fatalf("got %d products, total %d; want %d, %d", len(got.Products), got.Total, tt.wantLen, tt.wantTotal)
			}
			if tt.wantLen < 0 && (len(got.Products) == 0 || got.Total != len(got.Products)) {
				t.Fatalf("got %d products, total %d; want some, all on one page", len(got.Products), got.Total)
			}
			if !slices.IsSorted(ids(got.Products)) {
				t.Fatalf("not sorted by id: %v", ids(got.Products))
			}
			for _, p := range got.Products {
				if tt.check != nil && !tt.check(p) {
					t.Fatalf("product %+v does not match the filter", p)
				}
			}
		})
	}
	for _, q := range []string{"limit=0", "limit=500", "offset=x", "featured=maybe"} {
		t.Run("bad "+q, func(t *testing.T) {
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/products?"+q, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
		})
	}
}

func TestGet(t *testing.T) {
	d := seed.New()
	h := catalog.NewHandler(catalog.NewStore(d.Products))
	t.Run("found", func(t *testing.T) {
		got := apitest.Get[catalog.Product](t, h, "/products/prd_0042")
		if got != d.Products[41] {
			t.Fatalf("product = %+v, want %+v", got, d.Products[41])
		}
	})
	t.Run("not found", func(t *testing.T) {
		msg := apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/products/prd_9999", ""), http.StatusNotFound, httpapi.CodeNotFound)
		if msg != "product prd_9999 not found" {
			t.Fatalf("message = %q", msg)
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		apitest.ExpectError(t, apitest.Do(t, h, http.MethodDelete, "/products/prd_0001", ""), http.StatusMethodNotAllowed, httpapi.CodeMethodNotAllowed)
	})
}

func TestCategories(t *testing.T) {
	got := apitest.Get[catalog.CategoriesResponse](t, newHandler(), "/categories")
	want := []string{"Audio", "Books", "Cameras", "Clothing", "Computers", "Garden", "Home", "Kitchen", "Sports", "Toys"}
	if !slices.Equal(got.Categories, want) {
		t.Fatalf("categories = %v, want %v", got.Categories, want)
	}
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /products", "GET /products/{id}", "GET /categories"}
	if got := catalog.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}

// TestIdentityIgnored checks that the catalog is public: identity headers,
// whoever they name, change nothing.
func TestIdentityIgnored(t *testing.T) {
	h := newHandler()
	for _, target := range []string{"/products?featured=true", "/products/prd_0001", "/products?ids=prd_0002,prd_0001", "/categories"} {
		want := apitest.Do(t, h, http.MethodGet, target, "")
		for _, header := range []http.Header{apitest.Identity("usr_0001", "customer"), apitest.Identity("usr_0196", "admin")} {
			got := apitest.DoWith(t, h, header, http.MethodGet, target, "")
			if got.Code != want.Code || got.Body.String() != want.Body.String() {
				t.Fatalf("%s as %v: %d %s, want %d %s", target, header, got.Code, got.Body, want.Code, want.Body)
			}
		}
	}
}
