package ops_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/ops"
)

// service is a tiny service with two routes.
func service() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products", func(w http.ResponseWriter, _ *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]int{"total": 0})
	})
	mux.HandleFunc("GET /products/{id}", func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	return mux
}

func TestStats(t *testing.T) {
	h := ops.Wrap("catalog", service())
	for _, target := range []string{"/products", "/products", "/products/prd_0001", "/nope", "/__stats", "/__faults", "/healthz"} {
		apitest.Do(t, h, http.MethodGet, target, "")
	}
	apitest.Do(t, h, http.MethodPost, "/products", "") // 405: no route reached

	rec := apitest.Do(t, h, http.MethodGet, "/__stats", "")
	if want := `{"service":"catalog","total":3,"routes":{"GET /products":2,"GET /products/{id}":1}}` + "\n"; rec.Body.String() != want {
		t.Fatalf("GET /__stats = %s, want %s", rec.Body, want)
	}
	apitest.CacheControl(t, rec, httpapi.CacheNoStore)
	if got := h.Stats(); got.Total != 3 || got.Routes["GET /products"] != 2 {
		t.Fatalf("Stats() = %+v", got)
	}

	if rec := apitest.Do(t, h, http.MethodDelete, "/__stats", ""); rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("DELETE /__stats = %d %q, want 204", rec.Code, rec.Body)
	}
	got := apitest.Get[ops.Stats](t, h, "/__stats")
	if got.Total != 0 || got.Routes == nil || len(got.Routes) != 0 || got.Service != "catalog" {
		t.Fatalf("after reset: %+v", got)
	}
	if rec := apitest.Do(t, h, http.MethodGet, "/__stats", ""); rec.Body.String() != `{"service":"catalog","total":0,"routes":{}}`+"\n" {
		t.Fatalf("empty stats body = %s", rec.Body)
	}
}

func TestStatsSnapshotIsACopy(t *testing.T) {
	h := ops.Wrap("catalog", service())
	apitest.Do(t, h, http.MethodGet, "/products", "")
	h.Stats().Routes["GET /products"] = 100
	if got := h.Stats().Routes["GET /products"]; got != 1 {
		t.Fatalf("count = %d after mutating a snapshot", got)
	}
}

func TestStatsConcurrent(t *testing.T) {
	h := ops.Wrap("catalog", service())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				apitest.Do(t, h, http.MethodGet, "/products/x", "")
				h.Stats()
			}
		})
	}
	wg.Wait()
	if got := h.Stats().Routes["GET /products/{id}"]; got != 400 {
		t.Fatalf("count = %d, want 400", got)
	}
}

func TestOpaqueHandlerCounting(t *testing.T) {
	h := ops.Wrap("custom", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	apitest.Do(t, h, http.MethodGet, "/products/1", "")
	apitest.Do(t, h, http.MethodGet, "/products/1", "")
	if err := h.SetFaults(ops.Faults{Down: true}); err != nil {
		t.Fatal(err)
	}
	apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/x", ""), http.StatusServiceUnavailable, httpapi.CodeUnavailable)
	want := map[string]int64{"GET /products/1": 2, "GET /x": 1}
	if got := h.Stats().Routes; !reflect.DeepEqual(got, want) {
		t.Fatalf("routes = %v, want %v", got, want)
	}
}

func TestHealthz(t *testing.T) {
	h := ops.Wrap("users", service())
	rec := apitest.Do(t, h, http.MethodGet, "/healthz", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Fatalf("healthz = %d %q", rec.Code, rec.Body)
	}
	_ = h.SetFaults(ops.Faults{Down: true})
	apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/healthz", ""), http.StatusServiceUnavailable, httpapi.CodeUnavailable)
	if got := h.Stats().Total; got != 0 {
		t.Fatalf("healthz counted: total %d", got)
	}
}

func TestFaultsEndpoint(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		want       ops.Faults // knobs in force afterwards
	}{
		{"all knobs", `{"latencyMs":5,"jitterMs":1,"errorRate":0.25,"down":true}`, 200, ops.Faults{LatencyMs: 5, JitterMs: 1, ErrorRate: 0.25, Down: true}},
		{"omitted knobs become zero", `{"errorRate":1}`, 200, ops.Faults{ErrorRate: 1}},
		{"zero", `{"latencyMs":0,"jitterMs":0,"errorRate":0,"down":false}`, 200, ops.Faults{}},
		{"negative latency", `{"latencyMs":-1}`, 400, ops.Faults{LatencyMs: 7}},
		{"negative jitter", `{"jitterMs":-1}`, 400, ops.Faults{LatencyMs: 7}},
		{"latency too large", `{"latencyMs":60001}`, 400, ops.Faults{LatencyMs: 7}},
		{"error rate above 1", `{"errorRate":1.5}`, 400, ops.Faults{LatencyMs: 7}},
		{"error rate below 0", `{"errorRate":-0.1}`, 400, ops.Faults{LatencyMs: 7}},
		{"unknown knob", `{"latency":5}`, 400, ops.Faults{LatencyMs: 7}},
		{"wrong type", `{"down":"yes"}`, 400, ops.Faults{LatencyMs: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ops.Wrap("orders", service(), ops.WithSleep(func(context.Context, time.Duration) error { return nil }))
			if err := h.SetFaults(ops.Faults{LatencyMs: 7}); err != nil {
				t.Fatal(err)
			}
			rec := apitest.Do(t, h, http.MethodPut, "/__faults", tt.body)
			if tt.wantStatus == http.StatusOK {
				if got := apitest.Decode[ops.Faults](t, rec, http.StatusOK); got != tt.want {
					t.Fatalf("PUT answer = %+v, want %+v", got, tt.want)
				}
			} else {
				apitest.ExpectError(t, rec, tt.wantStatus, httpapi.CodeBadRequest)
			}
			if got := apitest.Get[ops.Faults](t, h, "/__faults"); got != tt.want {
				t.Fatalf("GET /__faults = %+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("zero value shape", func(t *testing.T) {
		rec := apitest.Do(t, ops.Wrap("x", service()), http.MethodGet, "/__faults", "")
		if want := `{"latencyMs":0,"jitterMs":0,"errorRate":0,"down":false}` + "\n"; rec.Body.String() != want {
			t.Fatalf("body = %s, want %s", rec.Body, want)
		}
	})
}

// fakeRand returns the given values in turn.
func fakeRand(values ...float64) func() float64 {
	var mu sync.Mutex
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		v := values[0]
		values = values[1:]
		return v
	}
}

func TestInjection(t *testing.T) {
	tests := []struct {
		name       string
		faults     ops.Faults
		rand       []float64
		wantStatus int
		wantCode   string
		wantSleep  []time.Duration
	}{
		{name: "none", faults: ops.Faults{}, wantStatus: 200},
		{name: "down", faults: ops.Faults{Down: true}, wantStatus: 503, wantCode: httpapi.CodeUnavailable},
		{name: "always error", faults: ops.Faults{ErrorRate: 1}, rand: []float64{0.999}, wantStatus: 500, wantCode: httpapi.CodeInternal},
		{name: "error drawn", faults: ops.Faults{ErrorRate: 0.5}, rand: []float64{0.49}, wantStatus: 500, wantCode: httpapi.CodeInternal},
		{name: "error not drawn", faults: ops.Faults{ErrorRate: 0.5}, rand: []float64{0.5}, wantStatus: 200},
		{name: "latency", faults: ops.Faults{LatencyMs: 100}, wantStatus: 200, wantSleep: []time.Duration{100 * time.Millisecond}},
		{name: "latency and jitter", faults: ops.Faults{LatencyMs: 100, JitterMs: 50}, rand: []float64{0.5}, wantStatus: 200, wantSleep: []time.Duration{125 * time.Millisecond}},
		{name: "latency before down", faults: ops.Faults{LatencyMs: 20, Down: true}, wantStatus: 503, wantCode: httpapi.CodeUnavailable, wantSleep: []time.Duration{20 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var slept []time.Duration
			h := ops.Wrap("orders", service(),
				ops.WithRand(fakeRand(tt.rand...)),
				ops.WithSleep(func(_ context.Context, d time.Duration) error {
					slept = append(slept, d)
					return nil
				}))
			if err := h.SetFaults(tt.faults); err != nil {
				t.Fatal(err)
			}
			rec := apitest.Do(t, h, http.MethodGet, "/products/p1", "")
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.wantStatus, tt.wantCode)
			} else if got := apitest.Decode[map[string]string](t, rec, tt.wantStatus); got["id"] != "p1" {
				t.Fatalf("body = %v", got)
			}
			if !slices.Equal(slept, tt.wantSleep) {
				t.Fatalf("slept %v, want %v", slept, tt.wantSleep)
			}
			// Faulted requests reached a route and are counted; /__ endpoints are unaffected.
			if got := h.Stats().Routes["GET /products/{id}"]; got != 1 {
				t.Fatalf("count = %d, want 1", got)
			}
			if rec := apitest.Do(t, h, http.MethodGet, "/__stats", ""); rec.Code != http.StatusOK {
				t.Fatalf("/__stats answered %d under faults", rec.Code)
			}
		})
	}
}

func TestLatencyUsesTheClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := ops.Wrap("orders", service())
		if err := h.SetFaults(ops.Faults{LatencyMs: 5000}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rec := apitest.Do(t, h, http.MethodGet, "/products/p1", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		if elapsed := time.Since(start); elapsed != 5*time.Second {
			t.Fatalf("request took %v of fake time, want 5s", elapsed)
		}
	})
}

func TestLatencyRespectsCancellation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		called := false
		h := ops.Wrap("orders", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
		if err := h.SetFaults(ops.Faults{LatencyMs: 60_000}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan time.Duration)
		go func() {
			start := time.Now()
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/products", nil)
			h.ServeHTTP(httptest.NewRecorder(), req)
			done <- time.Since(start)
		}()
		time.Sleep(time.Second)
		cancel()
		if elapsed := <-done; elapsed != time.Second {
			t.Fatalf("request returned after %v, want 1s (at cancellation)", elapsed)
		}
		if called {
			t.Fatal("handler ran after the request was cancelled")
		}
	})
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /__stats", "DELETE /__stats", "GET /__faults", "PUT /__faults", "GET /healthz"}
	if got := ops.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}

func TestUnknownOpsPath(t *testing.T) {
	h := ops.Wrap("users", service())
	apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/__nope", ""), http.StatusNotFound, httpapi.CodeNotFound)
	apitest.ExpectError(t, apitest.Do(t, h, http.MethodPost, "/__stats", ""), http.StatusMethodNotAllowed, httpapi.CodeMethodNotAllowed)
}
