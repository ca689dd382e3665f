package openapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/openapi"
	"github.com/frontdesk/frontdesk/services/ops"
)

func load(t *testing.T, service string) *openapi3.T {
	t.Helper()
	spec, err := openapi.Spec(service)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		t.Fatalf("load %s.yaml: %v", service, err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("validate %s.yaml: %v", service, err)
	}
	return doc
}

func TestSpecsAreValid(t *testing.T) {
	for _, name := range demo.Names() {
		t.Run(name, func(t *testing.T) {
			doc := load(t, name)
			if doc.OpenAPI != "3.0.3" {
				t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
			}
			port, _ := demo.DefaultPort(name)
			if len(doc.Servers) != 1 || !strings.HasSuffix(doc.Servers[0].URL, ":"+strconv.Itoa(port)) {
				t.Errorf("servers = %v, want port %d", doc.Servers, port)
			}
		})
	}
	if _, err := openapi.Spec("auth"); err == nil {
		t.Error("Spec(auth) succeeded")
	}
}

// TestSpecsMatchRoutes checks that every route a handler registers is
// documented, and every documented operation is served.
func TestSpecsMatchRoutes(t *testing.T) {
	for _, name := range demo.Names() {
		t.Run(name, func(t *testing.T) {
			doc := load(t, name)
			var documented []string
			for path, item := range doc.Paths.Map() {
				for method := range item.Operations() {
					documented = append(documented, method+" "+path)
				}
			}
			routes, _ := demo.Routes(name)
			served := append(slices.Clone(routes), ops.Routes()...)
			slices.Sort(documented)
			slices.Sort(served)
			if !slices.Equal(documented, served) {
				t.Fatalf("documented %v\nserved     %v", documented, served)
			}
		})
	}
}

// TestResponsesMatchSchemas sends real requests to the seeded services and
// validates requests and answers against the documented schemas, which
// forbid undocumented properties.
func TestResponsesMatchSchemas(t *testing.T) {
	tests := []struct {
		service, method, target, path, body string
		status                              int
	}{
		{"users", "GET", "/users?ids=usr_0001,usr_0200", "/users", "", 200},
		{"users", "GET", "/users?q=ada&limit=5", "/users", "", 200},
		{"users", "GET", "/users/usr_0196", "/users/{id}", "", 200},
		{"users", "GET", "/users/usr_9999", "/users/{id}", "", 404},
		{"users", "GET", "/users?limit=0", "/users", "", 400},
		{"catalog", "GET", "/products?ids=prd_0001,prd_0002", "/products", "", 200},
		{"catalog", "GET", "/products?featured=true&category=Audio", "/products", "", 200},
		{"catalog", "GET", "/products/prd_0001", "/products/{id}", "", 200},
		{"catalog", "GET", "/categories", "/categories", "", 200},
		{"inventory", "GET", "/stock?productIds=prd_0001,prd_0002", "/stock", "", 200},
		{"inventory", "GET", "/stock/prd_0001", "/stock/{productId}", "", 200},
		{"inventory", "POST", "/stock/prd_0001/adjustments", "/stock/{productId}/adjustments", `{"warehouse":"ams","delta":3,"reason":"recount"}`, 200},
		{"inventory", "POST", "/stock/prd_0001/adjustments", "/stock/{productId}/adjustments", `{"warehouse":"nyc","delta":-100000,"reason":"lost"}`, 409},
		{"orders", "GET", "/orders?ids=ord_00001,ord_00002", "/orders", "", 200},
		{"orders", "GET", "/orders?userId=usr_0001&status=DELIVERED,PAID&sort=total_desc", "/orders", "", 200},
		{"orders", "GET", "/orders/ord_00001", "/orders/{id}", "", 200},
		{"orders", "POST", "/orders", "/orders", `{"userId":"usr_0001","items":[{"productId":"prd_0001","quantity":2,"unitPriceCents":1999}]}`, 201},
		{"orders", "PATCH", "/orders/ord_02001", "/orders/{id}", `{"status":"PAID"}`, 200},
		{"orders", "PATCH", "/orders/ord_02001", "/orders/{id}", `{"status":"DELIVERED"}`, 409},
		{"reviews", "GET", "/products/prd_0001/reviews/summary", "/products/{productId}/reviews/summary", "", 200},
		{"reviews", "GET", "/reviews?productId=prd_0001&status=APPROVED", "/reviews", "", 200},
		{"reviews", "GET", "/reviews/rev_000001", "/reviews/{id}", "", 200},
		{"reviews", "POST", "/reviews", "/reviews", `{"productId":"prd_0001","userId":"usr_0001","rating":5,"title":"Great","body":"Love it"}`, 201},
		{"reviews", "PATCH", "/reviews/rev_000001", "/reviews/{id}", `{"status":"REJECTED"}`, 200},
		{"payments", "GET", "/payments?ids=pay_00001,pay_00002", "/payments", "", 200},
		{"payments", "GET", "/payments/pay_00001", "/payments/{id}", "", 200},
		{"payments", "POST", "/payments/pay_00001/refunds", "/payments/{id}/refunds", `{"amountCents":100,"reason":"damaged"}`, 201},
		{"payments", "POST", "/payments/pay_00001/refunds", "/payments/{id}/refunds", `{"amountCents":100000000}`, 409},
		{"catalog", "GET", "/__stats", "/__stats", "", 200},
		{"catalog", "GET", "/__faults", "/__faults", "", 200},
		{"catalog", "PUT", "/__faults", "/__faults", `{"latencyMs":0,"jitterMs":0,"errorRate":0,"down":false}`, 200},
		{"catalog", "PUT", "/__faults", "/__faults", `{"latencyMs":-1,"jitterMs":0,"errorRate":0,"down":false}`, 400},
	}
	set, err := demo.New()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*openapi3.T{}
	for _, name := range demo.Names() {
		docs[name] = load(t, name)
	}
	for _, tt := range tests {
		t.Run(tt.service+" "+tt.method+" "+tt.target, func(t *testing.T) {
			checkExchange(t, docs, set, exchange{tt.service, tt.method, tt.target, tt.path, tt.body, tt.status, nil})
		})
	}
	t.Run("fault answers", func(t *testing.T) {
		for status, faults := range map[int]ops.Faults{503: {Down: true}, 500: {ErrorRate: 1}} {
			if err := set.SetFaults("users", faults); err != nil {
				t.Fatal(err)
			}
			rec := apitest.Do(t, set.Handler("users"), http.MethodGet, "/users", "")
			resp := docs["users"].Paths.Find("/users").Get.Responses.Status(status)
			if rec.Code != status || resp == nil {
				t.Fatalf("status %d, documented %v", rec.Code, resp != nil)
			}
			validate(t, "response", resp.Value.Content.Get("application/json").Schema.Value, rec.Body.Bytes())
		}
	})
}

// TestScopedResponsesMatchSchemas is TestResponsesMatchSchemas for requests
// carrying the identity headers: the 403 answers, the users' public view and
// the scoped reads are documented.
func TestScopedResponsesMatchSchemas(t *testing.T) {
	customer := apitest.Identity("usr_0001", "customer")
	admin := apitest.Identity("usr_0196", "admin", "support")
	tests := []exchange{
		{service: "users", method: "GET", target: "/users/usr_0002", path: "/users/{id}", status: 200, header: customer},
		{service: "users", method: "GET", target: "/users/usr_0001", path: "/users/{id}", status: 200, header: customer},
		{service: "users", method: "GET", target: "/users?ids=usr_0001,usr_0002", path: "/users", status: 200, header: customer},
		{service: "users", method: "GET", target: "/users?q=ada", path: "/users", status: 403, header: customer},
		{service: "users", method: "GET", target: "/users?q=ada", path: "/users", status: 200, header: admin},
		{service: "inventory", method: "POST", target: "/stock/prd_0001/adjustments", path: "/stock/{productId}/adjustments",
			body: `{"warehouse":"ams","delta":3,"reason":"recount"}`, status: 403, header: customer},
		{service: "orders", method: "GET", target: "/orders?limit=5", path: "/orders", status: 200, header: customer},
		{service: "orders", method: "POST", target: "/orders", path: "/orders",
			body: `{"userId":"usr_0002","items":[{"productId":"prd_0001","quantity":2,"unitPriceCents":1999}]}`, status: 403, header: customer},
		{service: "orders", method: "PATCH", target: "/orders/ord_00001", path: "/orders/{id}", body: `{"status":"PAID"}`, status: 403, header: customer},
		{service: "reviews", method: "GET", target: "/reviews?userId=usr_0001", path: "/reviews", status: 200, header: customer},
		{service: "reviews", method: "POST", target: "/reviews", path: "/reviews",
			body: `{"productId":"prd_0001","userId":"usr_0002","rating":5,"title":"Great"}`, status: 403, header: customer},
		{service: "reviews", method: "PATCH", target: "/reviews/rev_000001", path: "/reviews/{id}", body: `{"status":"REJECTED"}`, status: 403, header: customer},
		{service: "payments", method: "GET", target: "/payments?ids=pay_00001,pay_00002", path: "/payments", status: 200, header: admin},
		{service: "payments", method: "POST", target: "/payments/pay_00001/refunds", path: "/payments/{id}/refunds",
			body: `{"amountCents":100}`, status: 403, header: customer},
	}
	set, err := demo.New()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*openapi3.T{}
	for _, name := range demo.Names() {
		docs[name] = load(t, name)
	}
	for _, tt := range tests {
		t.Run(tt.service+" "+tt.method+" "+tt.target, func(t *testing.T) {
			checkExchange(t, docs, set, tt)
		})
	}
}

// exchange is one request to a seeded service and the status it must get.
type exchange struct {
	service, method, target, path, body string
	status                              int
	header                              http.Header
}

// checkExchange sends tt and validates its request body (for successes) and
// its answer against the documented operation.
func checkExchange(t *testing.T, docs map[string]*openapi3.T, set *demo.Set, tt exchange) {
	t.Helper()
	op := docs[tt.service].Paths.Find(tt.path).GetOperation(tt.method)
	if op == nil {
		t.Fatalf("%s %s not documented", tt.method, tt.path)
	}
	if tt.body != "" && tt.status < 300 { // bodies of the 4xx cases are invalid on purpose
		validate(t, "request", op.RequestBody.Value.Content.Get("application/json").Schema.Value, []byte(tt.body))
	}
	rec := apitest.DoWith(t, set.Handler(tt.service), tt.header, tt.method, tt.target, tt.body)
	if rec.Code != tt.status {
		t.Fatalf("status = %d, want %d: %s", rec.Code, tt.status, rec.Body)
	}
	resp := op.Responses.Status(rec.Code)
	if resp == nil {
		t.Fatalf("status %d not documented", rec.Code)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil {
		t.Fatalf("status %d has no JSON content", rec.Code)
	}
	validate(t, "response", media.Schema.Value, rec.Body.Bytes())
}

func TestSchemasRejectUndocumentedFields(t *testing.T) {
	schema := load(t, "catalog").Components.Schemas["Product"].Value
	var v any
	if err := json.Unmarshal([]byte(`{"id":"prd_0001","name":"n","description":"d","category":"c","priceCents":1,"currency":"USD",`+
		`"imageUrl":"https://img.example.com/p.jpg","featured":false,"createdAt":"2026-01-01T00:00:00Z","colour":"red"}`), &v); err != nil {
		t.Fatal(err)
	}
	if err := schema.VisitJSON(v); err == nil {
		t.Fatal("Product schema accepted an undocumented field")
	}
}

func validate(t *testing.T, what string, schema *openapi3.Schema, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%s is not JSON: %v", what, err)
	}
	if err := schema.VisitJSON(v); err != nil {
		t.Fatalf("%s does not match its schema: %v\n%s", what, err, body)
	}
}
