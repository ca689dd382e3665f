package demo_test

import (
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/orders"
)

func TestNamesAndPorts(t *testing.T) {
	want := []string{"users", "catalog", "inventory", "orders", "reviews", "payments"}
	if got := demo.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names = %v, want %v", got, want)
	}
	for i, name := range want {
		if port, ok := demo.DefaultPort(name); !ok || port != 3001+i {
			t.Errorf("DefaultPort(%s) = %d, %v; want %d", name, port, ok, 3001+i)
		}
		if routes, ok := demo.Routes(name); !ok || len(routes) == 0 {
			t.Errorf("Routes(%s) = %v, %v", name, routes, ok)
		}
	}
	if _, ok := demo.DefaultPort("auth"); ok {
		t.Error("DefaultPort(auth) found")
	}
}

func newSet(t *testing.T, opts ...demo.Option) *demo.Set {
	t.Helper()
	s, err := demo.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEveryServiceAnswers(t *testing.T) {
	s := newSet(t)
	tests := []struct{ service, target string }{
		{demo.Users, "/users/usr_0001"},
		{demo.Catalog, "/products/prd_0001"},
		{demo.Inventory, "/stock/prd_0001"},
		{demo.Orders, "/orders/ord_00001"},
		{demo.Reviews, "/products/prd_0001/reviews/summary"},
		{demo.Payments, "/payments/pay_00001"},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			h := s.Handler(tt.service)
			if h == nil || h.Service() != tt.service {
				t.Fatalf("Handler(%s) = %v", tt.service, h)
			}
			if rec := apitest.Do(t, h, http.MethodGet, tt.target, ""); rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", tt.target, rec.Code, rec.Body)
			}
			if got := s.Calls(tt.service); got != 1 {
				t.Fatalf("Calls = %d, want 1", got)
			}
		})
	}
	if s.Handler("auth") != nil || s.Stats("auth") != nil || s.Calls("auth") != 0 {
		t.Fatal("unknown service answered")
	}
}

func TestStatsAndReset(t *testing.T) {
	s := newSet(t)
	h := s.Handler(demo.Catalog)
	apitest.Do(t, h, http.MethodGet, "/products", "")
	apitest.Do(t, h, http.MethodGet, "/products/prd_0001", "")
	apitest.Do(t, h, http.MethodGet, "/products/prd_0002", "")
	apitest.Do(t, s.Handler(demo.Users), http.MethodGet, "/users", "")

	want := map[string]int64{"GET /products": 1, "GET /products/{id}": 2}
	got := s.Stats(demo.Catalog)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Stats = %v, want %v", got, want)
	}
	got["GET /products"] = 99 // a copy
	if s.Stats(demo.Catalog)["GET /products"] != 1 {
		t.Fatal("Stats returned the live map")
	}
	s.ResetStats()
	if s.Calls(demo.Catalog) != 0 || s.Calls(demo.Users) != 0 {
		t.Fatal("ResetStats left counts")
	}
}

func TestFaults(t *testing.T) {
	s := newSet(t, demo.WithFaults(map[string]ops.Faults{demo.Orders: {Down: true}}))
	apitest.ExpectError(t, apitest.Do(t, s.Handler(demo.Orders), http.MethodGet, "/orders", ""), http.StatusServiceUnavailable, httpapi.CodeUnavailable)
	if f, err := s.Faults(demo.Orders); err != nil || !f.Down {
		t.Fatalf("Faults = %+v, %v", f, err)
	}

	if err := s.SetFaults(demo.Catalog, ops.Faults{ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	apitest.ExpectError(t, apitest.Do(t, s.Handler(demo.Catalog), http.MethodGet, "/categories", ""), http.StatusInternalServerError, httpapi.CodeInternal)

	if err := s.SetFaults("auth", ops.Faults{}); err == nil {
		t.Error("SetFaults(auth) succeeded")
	}
	if err := s.SetFaults(demo.Catalog, ops.Faults{ErrorRate: 2}); err == nil {
		t.Error("SetFaults accepted errorRate 2")
	}

	s.ClearFaults()
	if rec := apitest.Do(t, s.Handler(demo.Orders), http.MethodGet, "/orders", ""); rec.Code != http.StatusOK {
		t.Fatalf("after ClearFaults: %d", rec.Code)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  demo.Option
	}{
		{"unknown handler", demo.WithHandler("auth", http.NotFoundHandler())},
		{"unknown faults", demo.WithFaults(map[string]ops.Faults{"auth": {Down: true}})},
		{"invalid faults", demo.WithFaults(map[string]ops.Faults{demo.Users: {LatencyMs: -1}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := demo.New(tt.opt); err == nil {
				t.Fatal("New succeeded")
			}
		})
	}
}

func TestWithHandlerIsCounted(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id"), "name": "stub"})
	})
	s := newSet(t, demo.WithHandler(demo.Catalog, mux))
	got := apitest.Get[map[string]string](t, s.Handler(demo.Catalog), "/products/prd_0001")
	if got["name"] != "stub" {
		t.Fatalf("override not used: %v", got)
	}
	if want := map[string]int64{"GET /products/{id}": 1}; !reflect.DeepEqual(s.Stats(demo.Catalog), want) {
		t.Fatalf("Stats = %v, want %v", s.Stats(demo.Catalog), want)
	}
}

func TestSetsDoNotShareState(t *testing.T) {
	a, b := newSet(t), newSet(t)
	rec := apitest.Do(t, a.Handler(demo.Orders), http.MethodPost, "/orders",
		`{"userId":"usr_0001","items":[{"productId":"prd_0001","quantity":1,"unitPriceCents":100}]}`)
	created := apitest.Decode[orders.Order](t, rec, http.StatusCreated)
	apitest.ExpectError(t, apitest.Do(t, b.Handler(demo.Orders), http.MethodGet, "/orders/"+created.ID, ""), http.StatusNotFound, httpapi.CodeNotFound)
}
