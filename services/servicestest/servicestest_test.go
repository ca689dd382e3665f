package servicestest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
)

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestStart(t *testing.T) {
	u := servicestest.Start(t)
	for _, name := range demo.Names() {
		if !strings.HasPrefix(u.URL(name), "http://127.0.0.1:") {
			t.Fatalf("URL(%s) = %q", name, u.URL(name))
		}
		if status, body := get(t, u.URL(name)+"/healthz"); status != http.StatusOK || string(body) != "ok" {
			t.Fatalf("%s /healthz = %d %q", name, status, body)
		}
	}

	status, body := get(t, u.URL("catalog")+"/products?ids=prd_0002,prd_0001")
	var batch catalog.BatchResponse
	if err := json.Unmarshal(body, &batch); err != nil || status != http.StatusOK {
		t.Fatalf("batch = %d %s", status, body)
	}
	if len(batch.Products) != 2 || batch.Products[0].ID != "prd_0002" || batch.Products[1].ID != "prd_0001" {
		t.Fatalf("products = %+v", batch.Products)
	}
	get(t, u.URL("catalog")+"/products/prd_0001")
	get(t, u.URL("catalog")+"/products/prd_0003")

	if got := u.Calls("catalog"); got != 3 {
		t.Fatalf("Calls(catalog) = %d, want 3", got)
	}
	if want := map[string]int64{"GET /products": 1, "GET /products/{id}": 2}; !reflect.DeepEqual(u.Routes("catalog"), want) {
		t.Fatalf("Routes(catalog) = %v, want %v", u.Routes("catalog"), want)
	}
	if got := u.Calls("users"); got != 0 {
		t.Fatalf("Calls(users) = %d, want 0 (healthz is not counted)", got)
	}
	u.Reset()
	if got := u.Calls("catalog"); got != 0 {
		t.Fatalf("Calls after Reset = %d", got)
	}
}

func TestFaults(t *testing.T) {
	u := servicestest.Start(t, servicestest.WithFaults("orders", ops.Faults{Down: true}))
	if status, _ := get(t, u.URL("orders")+"/orders"); status != http.StatusServiceUnavailable {
		t.Fatalf("orders down answered %d", status)
	}
	u.SetFaults("reviews", ops.Faults{ErrorRate: 1})
	status, body := get(t, u.URL("reviews")+"/reviews")
	var e httpapi.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil || status != http.StatusInternalServerError || e.Error.Code != "internal" {
		t.Fatalf("reviews = %d %s", status, body)
	}
	if u.Calls("orders") != 1 || u.Calls("reviews") != 1 {
		t.Fatalf("faulted calls not counted: orders %d, reviews %d", u.Calls("orders"), u.Calls("reviews"))
	}
	u.ClearFaults()
	if status, _ := get(t, u.URL("orders")+"/orders"); status != http.StatusOK {
		t.Fatalf("after ClearFaults orders answered %d", status)
	}
}

func TestWithHandler(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /products/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	u := servicestest.Start(t, servicestest.WithHandler("catalog", mux))
	if status, _ := get(t, u.URL("catalog")+"/products/prd_0001"); status != http.StatusTeapot {
		t.Fatalf("override answered %d", status)
	}
	if want := map[string]int64{"GET /products/{id}": 1}; !reflect.DeepEqual(u.Routes("catalog"), want) {
		t.Fatalf("Routes = %v, want %v", u.Routes("catalog"), want)
	}
	// Other services keep their seeded handlers.
	if status, _ := get(t, u.URL("users")+"/users/usr_0001"); status != http.StatusOK {
		t.Fatalf("users answered %d", status)
	}
}

func TestStartsAreIndependent(t *testing.T) {
	a, b := servicestest.Start(t), servicestest.Start(t)
	get(t, a.URL("users")+"/users")
	if a.Calls("users") != 1 || b.Calls("users") != 0 {
		t.Fatalf("calls a=%d b=%d", a.Calls("users"), b.Calls("users"))
	}
	if a.URL("users") == b.URL("users") {
		t.Fatal("same server")
	}
}
