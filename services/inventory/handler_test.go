package inventory_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/inventory"
)

// fixture returns a handler over three hand-made stock records.
func fixture() (http.Handler, *inventory.Store) {
	s := inventory.NewStore([]inventory.Stock{
		inventory.NewStock("prd_0001", map[string]int64{"ams": 12, "sgp": 3}),
		inventory.NewStock("prd_0002", nil),
		// Out of canonical order and missing nyc: NewStore normalises.
		{ProductID: "prd_0003", Warehouses: []inventory.WarehouseStock{{Warehouse: "sgp", Quantity: 1}, {Warehouse: "ams", Quantity: 2}}},
	})
	return inventory.NewHandler(s), s
}

func productIDs(sts []inventory.Stock) []string {
	out := make([]string, len(sts))
	for i, st := range sts {
		out[i] = st.ProductID
	}
	return out
}

func TestGet(t *testing.T) {
	h, _ := fixture()
	rec := apitest.Do(t, h, http.MethodGet, "/stock/prd_0003", "")
	got := apitest.Decode[inventory.Stock](t, rec, http.StatusOK)
	want := inventory.Stock{ProductID: "prd_0003", Total: 3, Warehouses: []inventory.WarehouseStock{
		{Warehouse: "ams", Quantity: 2}, {Warehouse: "nyc", Quantity: 0}, {Warehouse: "sgp", Quantity: 1},
	}}
	if got.ProductID != want.ProductID || got.Total != want.Total || !slices.Equal(got.Warehouses, want.Warehouses) {
		t.Fatalf("stock = %+v, want %+v", got, want)
	}
	apitest.CacheControl(t, rec, "max-age=5")

	msg := apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/stock/prd_9999", ""), http.StatusNotFound, httpapi.CodeNotFound)
	if !strings.Contains(msg, "prd_9999") {
		t.Fatalf("message = %q", msg)
	}
}

func TestBatch(t *testing.T) {
	h, _ := fixture()
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"request order", "productIds=prd_0003,prd_0001", []string{"prd_0003", "prd_0001"}},
		{"duplicates once", "productIds=prd_0002,prd_0002", []string{"prd_0002"}},
		{"unknown absent", "productIds=prd_0009,prd_0001", []string{"prd_0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Get[inventory.BatchResponse](t, h, "/stock?"+tt.query)
			if !slices.Equal(productIDs(got.Stock), tt.want) {
				t.Fatalf("ids = %v, want %v", productIDs(got.Stock), tt.want)
			}
		})
	}
	for name, q := range map[string]string{
		"more than 200": "productIds=" + strings.Repeat("prd_0001,", 201),
		"missing":       "ids=prd_0001",
	} {
		t.Run(name, func(t *testing.T) {
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/stock?"+q, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
		})
	}
}

func TestAdjust(t *testing.T) {
	tests := []struct {
		name       string
		product    string
		body       string
		wantStatus int
		wantCode   string
		wantQty    [3]int64 // after the request, for prd_0001
	}{
		{name: "decrement", product: "prd_0001", body: `{"warehouse":"ams","delta":-2,"reason":"damaged"}`, wantStatus: 200, wantQty: [3]int64{10, 0, 3}},
		{name: "increment without reason", product: "prd_0001", body: `{"warehouse":"nyc","delta":5}`, wantStatus: 200, wantQty: [3]int64{12, 5, 3}},
		{name: "down to zero", product: "prd_0001", body: `{"warehouse":"sgp","delta":-3,"reason":"sold"}`, wantStatus: 200, wantQty: [3]int64{12, 0, 0}},
		{name: "below zero", product: "prd_0001", body: `{"warehouse":"sgp","delta":-4,"reason":"sold"}`, wantStatus: 409, wantCode: httpapi.CodeConflict, wantQty: [3]int64{12, 0, 3}},
		{name: "unknown product", product: "prd_9999", body: `{"warehouse":"ams","delta":1}`, wantStatus: 404, wantCode: httpapi.CodeNotFound, wantQty: [3]int64{12, 0, 3}},
		{name: "unknown warehouse", product: "prd_0001", body: `{"warehouse":"lon","delta":1}`, wantStatus: 400, wantCode: httpapi.CodeBadRequest, wantQty: [3]int64{12, 0, 3}},
		{name: "zero delta", product: "prd_0001", body: `{"warehouse":"ams","delta":0}`, wantStatus: 400, wantCode: httpapi.CodeBadRequest, wantQty: [3]int64{12, 0, 3}},
		{name: "malformed", product: "prd_0001", body: `{"warehouse":`, wantStatus: 400, wantCode: httpapi.CodeBadRequest, wantQty: [3]int64{12, 0, 3}},
		{name: "unknown field", product: "prd_0001", body: `{"warehouse":"ams","delta":1,"qty":1}`, wantStatus: 400, wantCode: httpapi.CodeBadRequest, wantQty: [3]int64{12, 0, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.Do(t, h, http.MethodPost, "/stock/"+tt.product+"/adjustments", tt.body)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.wantStatus, tt.wantCode)
			} else {
				got := apitest.Decode[inventory.Stock](t, rec, tt.wantStatus)
				if got.Total != tt.wantQty[0]+tt.wantQty[1]+tt.wantQty[2] {
					t.Fatalf("answer total = %d", got.Total)
				}
			}
			st, _ := s.Get("prd_0001")
			for i, w := range st.Warehouses {
				if w.Quantity != tt.wantQty[i] {
					t.Fatalf("stored warehouses = %+v, want %v", st.Warehouses, tt.wantQty)
				}
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /stock", "GET /stock/{productId}", "POST /stock/{productId}/adjustments"}
	if got := inventory.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}

func TestScopedAdjust(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"customer", apitest.Identity("usr_0001", "customer"), http.StatusForbidden},
		{"user without roles", apitest.Identity("usr_0001"), http.StatusForbidden},
		{"support only", apitest.Identity("usr_0191", "support"), http.StatusForbidden},
		{"admin", apitest.Identity("usr_0196", "admin", "support"), http.StatusOK},
		{"no identity: unchanged", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.DoWith(t, h, tt.header, http.MethodPost, "/stock/prd_0001/adjustments", `{"warehouse":"ams","delta":-2,"reason":"damaged"}`)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			after, _ := s.Get("prd_0001")
			if tt.want == http.StatusForbidden {
				apitest.ExpectError(t, rec, tt.want, httpapi.CodeForbidden)
				if after.Total != 15 {
					t.Fatalf("refused adjustment was applied: total %d", after.Total)
				}
				return
			}
			if got := apitest.Decode[inventory.Stock](t, rec, tt.want); got.Total != 13 || after.Total != 13 {
				t.Fatalf("answer total %d, stored %d; want 13", got.Total, after.Total)
			}
		})
	}
	t.Run("customer reads are unchanged", func(t *testing.T) {
		h, _ := fixture()
		rec := apitest.DoWith(t, h, apitest.Identity("usr_0001", "customer"), http.MethodGet, "/stock/prd_0001", "")
		if got := apitest.Decode[inventory.Stock](t, rec, http.StatusOK); got.Total != 15 {
			t.Fatalf("total = %d, want 15", got.Total)
		}
	})
}
