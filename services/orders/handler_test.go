package orders_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/orders"
	"github.com/frontdesk/frontdesk/services/seed"
)

var now = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

func clock() time.Time { return now }

func day(n int) time.Time { return time.Date(2025, 6, n, 0, 0, 0, 0, time.UTC) }

// fixture holds five orders with known times, totals and statuses.
func fixture() (http.Handler, *orders.Store) {
	mk := func(id, user, status string, created time.Time, total int64) orders.Order {
		return orders.Order{
			ID: id, UserID: user, Status: status, Currency: "USD", CreatedAt: created, UpdatedAt: created,
			Items:      []orders.Item{{ProductID: "prd_0001", Quantity: 1, UnitPriceCents: total}},
			TotalCents: total,
		}
	}
	s := orders.NewStore([]orders.Order{
		mk("ord_00001", "usr_0001", orders.StatusPending, day(1), 500),
		mk("ord_00002", "usr_0001", orders.StatusPaid, day(3), 100),
		mk("ord_00003", "usr_0002", orders.StatusShipped, day(2), 900),
		mk("ord_00004", "usr_0001", orders.StatusDelivered, day(3), 100),
		mk("ord_00005", "usr_0002", orders.StatusCancelled, day(5), 300),
	}, orders.WithClock(clock))
	return orders.NewHandler(s), s
}

func ids(os []orders.Order) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

func TestBatch(t *testing.T) {
	h, _ := fixture()
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"request order", "ids=ord_00004,ord_00001", []string{"ord_00004", "ord_00001"}},
		{"duplicates once", "ids=ord_00002,ord_00002,ord_00003", []string{"ord_00002", "ord_00003"}},
		{"unknown absent", "ids=ord_09999,ord_00005", []string{"ord_00005"}},
		{"ids wins over filters", "ids=ord_00001&userId=usr_0002", []string{"ord_00001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.Do(t, h, http.MethodGet, "/orders?"+tt.query, "")
			got := apitest.Decode[orders.BatchResponse](t, rec, http.StatusOK)
			if !slices.Equal(ids(got.Orders), tt.want) {
				t.Fatalf("ids = %v, want %v", ids(got.Orders), tt.want)
			}
			apitest.CacheControl(t, rec, httpapi.CachePrivate)
		})
	}
	t.Run("more than 200", func(t *testing.T) {
		rec := apitest.Do(t, h, http.MethodGet, "/orders?ids="+strings.Repeat("ord_00001,", 201), "")
		apitest.ExpectError(t, rec, http.StatusBadRequest, httpapi.CodeBadRequest)
	})
}

func TestList(t *testing.T) {
	h, _ := fixture()
	tests := []struct {
		name      string
		query     string
		want      []string
		wantTotal int
	}{
		{"default newest first, ties by id", "", []string{"ord_00005", "ord_00002", "ord_00004", "ord_00003", "ord_00001"}, 5},
		{"createdAt_asc", "sort=createdAt_asc", []string{"ord_00001", "ord_00003", "ord_00002", "ord_00004", "ord_00005"}, 5},
		{"total_desc", "sort=total_desc", []string{"ord_00003", "ord_00001", "ord_00005", "ord_00002", "ord_00004"}, 5},
		{"total_asc", "sort=total_asc", []string{"ord_00002", "ord_00004", "ord_00005", "ord_00001", "ord_00003"}, 5},
		{"userId", "userId=usr_0002", []string{"ord_00005", "ord_00003"}, 2},
		{"status", "status=PAID", []string{"ord_00002"}, 1},
		{"status comma-separated", "status=PENDING,SHIPPED", []string{"ord_00003", "ord_00001"}, 2},
		{"status repeated", "status=PENDING&status=CANCELLED", []string{"ord_00005", "ord_00001"}, 2},
		{"userId and status", "userId=usr_0001&status=PAID,DELIVERED", []string{"ord_00002", "ord_00004"}, 2},
		{"paged", "limit=2&offset=1", []string{"ord_00002", "ord_00004"}, 5},
		{"unknown user", "userId=usr_0999", []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Get[orders.ListResponse](t, h, "/orders?"+tt.query)
			if !slices.Equal(ids(got.Orders), tt.want) || got.Total != tt.wantTotal {
				t.Fatalf("ids = %v total %d, want %v total %d", ids(got.Orders), got.Total, tt.want, tt.wantTotal)
			}
		})
	}
	for _, q := range []string{"status=LOST", "status=paid", "sort=price", "limit=0", "limit=201"} {
		t.Run("bad "+q, func(t *testing.T) {
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/orders?"+q, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
		})
	}
}

func TestListSeed(t *testing.T) {
	h := orders.NewHandler(orders.NewStore(seed.New().Orders))
	got := apitest.Get[orders.ListResponse](t, h, "/orders?userId=usr_0001&limit=200")
	if got.Total < 3 || len(got.Orders) != got.Total {
		t.Fatalf("usr_0001 has %d orders (page %d), want ≥ 3", got.Total, len(got.Orders))
	}
	for i, o := range got.Orders {
		if o.UserID != "usr_0001" {
			t.Fatalf("order %s belongs to %s", o.ID, o.UserID)
		}
		if i > 0 && o.CreatedAt.After(got.Orders[i-1].CreatedAt) {
			t.Fatalf("orders not newest first at %d", i)
		}
	}
	all := apitest.Get[orders.ListResponse](t, h, "/orders")
	if all.Total != 2000 || len(all.Orders) != 20 {
		t.Fatalf("total %d, page %d", all.Total, len(all.Orders))
	}
}

func TestGet(t *testing.T) {
	h, _ := fixture()
	got := apitest.Get[orders.Order](t, h, "/orders/ord_00003")
	if got.ID != "ord_00003" || got.UserID != "usr_0002" || got.TotalCents != 900 || got.PaymentID != nil {
		t.Fatalf("order = %+v", got)
	}
	msg := apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/orders/ord_09999", ""), http.StatusNotFound, httpapi.CodeNotFound)
	if msg != "order ord_09999 not found" {
		t.Fatalf("message = %q", msg)
	}
}

func TestCreate(t *testing.T) {
	t.Run("created", func(t *testing.T) {
		h, s := fixture()
		rec := apitest.Do(t, h, http.MethodPost, "/orders",
			`{"userId":"usr_0007","items":[{"productId":"prd_0001","quantity":2,"unitPriceCents":1999},{"productId":"prd_0002","quantity":1,"unitPriceCents":500}]}`)
		got := apitest.Decode[orders.Order](t, rec, http.StatusCreated)
		apitest.CacheControl(t, rec, httpapi.CacheNoStore)
		if got.ID != "ord_00006" || got.Status != orders.StatusPending || got.PaymentID != nil ||
			got.TotalCents != 4498 || got.Currency != "USD" || !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now) {
			t.Fatalf("order = %+v", got)
		}
		if loc := rec.Header().Get("Location"); loc != "/orders/ord_00006" {
			t.Fatalf("Location = %q", loc)
		}
		if stored, ok := s.Get("ord_00006"); !ok || stored.UserID != "usr_0007" || len(stored.Items) != 2 {
			t.Fatalf("stored = %+v, %v", stored, ok)
		}
	})
	tests := []struct{ name, body string }{
		{"empty items", `{"userId":"usr_0001","items":[]}`},
		{"missing items", `{"userId":"usr_0001"}`},
		{"quantity 0", `{"userId":"usr_0001","items":[{"productId":"prd_0001","quantity":0,"unitPriceCents":1}]}`},
		{"quantity 100", `{"userId":"usr_0001","items":[{"productId":"prd_0001","quantity":100,"unitPriceCents":1}]}`},
		{"negative price", `{"userId":"usr_0001","items":[{"productId":"prd_0001","quantity":1,"unitPriceCents":-1}]}`},
		{"missing productId", `{"userId":"usr_0001","items":[{"quantity":1,"unitPriceCents":1}]}`},
		{"missing userId", `{"items":[{"productId":"prd_0001","quantity":1,"unitPriceCents":1}]}`},
		{"fractional quantity", `{"userId":"usr_0001","items":[{"productId":"prd_0001","quantity":1.5,"unitPriceCents":1}]}`},
		{"not JSON", `userId=usr_0001`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.Do(t, h, http.MethodPost, "/orders", tt.body)
			apitest.ExpectError(t, rec, http.StatusBadRequest, httpapi.CodeBadRequest)
			if _, ok := s.Get("ord_00006"); ok {
				t.Fatal("invalid order was stored")
			}
		})
	}
}

func TestPatch(t *testing.T) {
	tests := []struct {
		name, id, body string
		wantStatus     int
		wantCode       string
	}{
		{"PENDING to PAID", "ord_00001", `{"status":"PAID"}`, 200, ""},
		{"PENDING to CANCELLED", "ord_00001", `{"status":"CANCELLED"}`, 200, ""},
		{"PAID to SHIPPED", "ord_00002", `{"status":"SHIPPED"}`, 200, ""},
		{"PAID to CANCELLED", "ord_00002", `{"status":"CANCELLED"}`, 200, ""},
		{"SHIPPED to DELIVERED", "ord_00003", `{"status":"DELIVERED"}`, 200, ""},
		{"PENDING to SHIPPED", "ord_00001", `{"status":"SHIPPED"}`, 409, httpapi.CodeConflict},
		{"SHIPPED to CANCELLED", "ord_00003", `{"status":"CANCELLED"}`, 409, httpapi.CodeConflict},
		{"DELIVERED to PAID", "ord_00004", `{"status":"PAID"}`, 409, httpapi.CodeConflict},
		{"CANCELLED to PENDING", "ord_00005", `{"status":"PENDING"}`, 409, httpapi.CodeConflict},
		{"same status", "ord_00002", `{"status":"PAID"}`, 409, httpapi.CodeConflict},
		{"unknown status", "ord_00001", `{"status":"LOST"}`, 400, httpapi.CodeBadRequest},
		{"missing status", "ord_00001", `{}`, 400, httpapi.CodeBadRequest},
		{"unknown order", "ord_09999", `{"status":"PAID"}`, 404, httpapi.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			before, _ := s.Get(tt.id)
			rec := apitest.Do(t, h, http.MethodPatch, "/orders/"+tt.id, tt.body)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			after, _ := s.Get(tt.id)
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.wantStatus, tt.wantCode)
				if after.Status != before.Status {
					t.Fatalf("status changed to %s on error", after.Status)
				}
				return
			}
			got := apitest.Decode[orders.Order](t, rec, tt.wantStatus)
			if got.Status != after.Status || after.Status == before.Status || !after.UpdatedAt.Equal(now) || !after.CreatedAt.Equal(before.CreatedAt) {
				t.Fatalf("answer %+v, stored %+v, before %+v", got, after, before)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /orders", "GET /orders/{id}", "POST /orders", "PATCH /orders/{id}"}
	if got := orders.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}

// Identities as the gateway forwards them: usr_0001 owns ord_00001, 2 and 4
// in the fixture, usr_0002 owns ord_00003 and 5.
var (
	anonymous  http.Header
	asCustomer = apitest.Identity("usr_0001", "customer")
	asOther    = apitest.Identity("usr_0002", "customer")
	asSupport  = apitest.Identity("usr_0191", "support")
	asAdmin    = apitest.Identity("usr_0196", "admin", "support")
)

func TestScopedGet(t *testing.T) {
	h, _ := fixture()
	tests := []struct {
		name   string
		header http.Header
		id     string
		want   int
	}{
		{"customer, own order", asCustomer, "ord_00001", http.StatusOK},
		{"customer, other's order is not found", asCustomer, "ord_00003", http.StatusNotFound},
		{"customer, unknown order", asCustomer, "ord_09999", http.StatusNotFound},
		{"other customer, its own", asOther, "ord_00003", http.StatusOK},
		{"support sees everything", asSupport, "ord_00003", http.StatusOK},
		{"admin sees everything", asAdmin, "ord_00003", http.StatusOK},
		{"no identity: unchanged", anonymous, "ord_00003", http.StatusOK},
		{"roles without a user: unchanged", http.Header{"X-User-Roles": {"customer"}}, "ord_00003", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/orders/"+tt.id, "")
			if tt.want != http.StatusOK {
				// The same answer as for an id that does not exist.
				if msg := apitest.ExpectError(t, rec, tt.want, httpapi.CodeNotFound); msg != "order "+tt.id+" not found" {
					t.Fatalf("message = %q", msg)
				}
				return
			}
			if got := apitest.Decode[orders.Order](t, rec, tt.want); got.ID != tt.id {
				t.Fatalf("order = %+v", got)
			}
		})
	}
}

func TestScopedBatch(t *testing.T) {
	h, _ := fixture()
	const query = "/orders?ids=ord_00003,ord_00001,ord_09999,ord_00005,ord_00002"
	tests := []struct {
		name   string
		header http.Header
		want   []string
	}{
		{"customer gets its own only", asCustomer, []string{"ord_00001", "ord_00002"}},
		{"other customer", asOther, []string{"ord_00003", "ord_00005"}},
		{"support", asSupport, []string{"ord_00003", "ord_00001", "ord_00005", "ord_00002"}},
		{"admin", asAdmin, []string{"ord_00003", "ord_00001", "ord_00005", "ord_00002"}},
		{"no identity: unchanged", anonymous, []string{"ord_00003", "ord_00001", "ord_00005", "ord_00002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Decode[orders.BatchResponse](t, apitest.DoWith(t, h, tt.header, http.MethodGet, query, ""), http.StatusOK)
			if !slices.Equal(ids(got.Orders), tt.want) {
				t.Fatalf("ids = %v, want %v", ids(got.Orders), tt.want)
			}
		})
	}
}

func TestScopedList(t *testing.T) {
	h, _ := fixture()
	all := []string{"ord_00005", "ord_00002", "ord_00004", "ord_00003", "ord_00001"}
	tests := []struct {
		name      string
		header    http.Header
		query     string
		want      []string
		wantTotal int
	}{
		{"customer without filter: its own", asCustomer, "", []string{"ord_00002", "ord_00004", "ord_00001"}, 3},
		{"customer filtering on itself", asCustomer, "userId=usr_0001&limit=2", []string{"ord_00002", "ord_00004"}, 3},
		{"customer filtering on someone else: empty", asCustomer, "userId=usr_0002", []string{}, 0},
		{"customer with a status filter", asCustomer, "status=PAID,SHIPPED", []string{"ord_00002"}, 1},
		{"support filtering on a customer", asSupport, "userId=usr_0002", []string{"ord_00005", "ord_00003"}, 2},
		{"admin without filter: everything", asAdmin, "", all, 5},
		{"no identity: unchanged", anonymous, "", all, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Decode[orders.ListResponse](t, apitest.DoWith(t, h, tt.header, http.MethodGet, "/orders?"+tt.query, ""), http.StatusOK)
			if !slices.Equal(ids(got.Orders), tt.want) || got.Total != tt.wantTotal {
				t.Fatalf("ids = %v total %d, want %v total %d", ids(got.Orders), got.Total, tt.want, tt.wantTotal)
			}
		})
	}
	t.Run("bad filters are still 400", func(t *testing.T) {
		rec := apitest.DoWith(t, h, asCustomer, http.MethodGet, "/orders?userId=usr_0002&status=LOST", "")
		apitest.ExpectError(t, rec, http.StatusBadRequest, httpapi.CodeBadRequest)
	})
}

func TestScopedCreate(t *testing.T) {
	const item = `"items":[{"productId":"prd_0001","quantity":1,"unitPriceCents":100}]`
	tests := []struct {
		name     string
		header   http.Header
		body     string
		want     int
		wantCode string
	}{
		{"customer for itself", asCustomer, `{"userId":"usr_0001",` + item + `}`, http.StatusCreated, ""},
		{"customer for someone else", asCustomer, `{"userId":"usr_0002",` + item + `}`, http.StatusForbidden, httpapi.CodeForbidden},
		{"customer, invalid body for someone else", asCustomer, `{"userId":"usr_0002","items":[]}`, http.StatusBadRequest, httpapi.CodeBadRequest},
		{"support for a customer", asSupport, `{"userId":"usr_0002",` + item + `}`, http.StatusCreated, ""},
		{"no identity: unchanged", anonymous, `{"userId":"usr_0002",` + item + `}`, http.StatusCreated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.DoWith(t, h, tt.header, http.MethodPost, "/orders", tt.body)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			_, stored := s.Get("ord_00006")
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.want, tt.wantCode)
				if stored {
					t.Fatal("refused order was stored")
				}
				return
			}
			if got := apitest.Decode[orders.Order](t, rec, tt.want); got.ID != "ord_00006" || !stored {
				t.Fatalf("order = %+v, stored %v", got, stored)
			}
		})
	}
}

func TestScopedPatch(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		id     string
		want   int
	}{
		{"customer, own order", asCustomer, "ord_00001", http.StatusForbidden},
		{"customer, other's order", asCustomer, "ord_00003", http.StatusForbidden},
		{"customer, unknown order", asCustomer, "ord_09999", http.StatusForbidden},
		{"support only", asSupport, "ord_00001", http.StatusForbidden},
		{"admin", asAdmin, "ord_00001", http.StatusOK},
		{"no identity: unchanged", anonymous, "ord_00001", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.DoWith(t, h, tt.header, http.MethodPatch, "/orders/"+tt.id, `{"status":"CANCELLED"}`)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			after, _ := s.Get(tt.id)
			if tt.want == http.StatusForbidden {
				apitest.ExpectError(t, rec, tt.want, httpapi.CodeForbidden)
				if after.Status == orders.StatusCancelled {
					t.Fatal("refused change was applied")
				}
				return
			}
			if got := apitest.Decode[orders.Order](t, rec, tt.want); got.Status != orders.StatusCancelled || after.Status != orders.StatusCancelled {
				t.Fatalf("answer %+v, stored %+v", got, after)
			}
		})
	}
}

// TestScopedSeed checks the scoping over the seeded orders: a customer sees
// exactly its own orders and none of another customer's.
func TestScopedSeed(t *testing.T) {
	d := seed.New()
	h := orders.NewHandler(orders.NewStore(d.Orders))
	owner, other := d.Orders[0].UserID, ""
	var foreign string
	for _, o := range d.Orders {
		if o.UserID != owner {
			other, foreign = o.UserID, o.ID
			break
		}
	}
	as := apitest.Identity(owner, "customer")

	apitest.ExpectError(t, apitest.DoWith(t, h, as, http.MethodGet, "/orders/"+foreign, ""), http.StatusNotFound, httpapi.CodeNotFound)
	apitest.Decode[orders.Order](t, apitest.DoWith(t, h, as, http.MethodGet, "/orders/"+d.Orders[0].ID, ""), http.StatusOK)

	mine := apitest.Decode[orders.ListResponse](t, apitest.DoWith(t, h, as, http.MethodGet, "/orders?limit=200", ""), http.StatusOK)
	want := apitest.Get[orders.ListResponse](t, h, "/orders?limit=200&userId="+owner)
	if mine.Total < 3 || mine.Total != want.Total || !slices.Equal(ids(mine.Orders), ids(want.Orders)) {
		t.Fatalf("%s sees %d orders %v, want %d %v", owner, mine.Total, ids(mine.Orders), want.Total, ids(want.Orders))
	}
	theirs := apitest.Decode[orders.ListResponse](t, apitest.DoWith(t, h, as, http.MethodGet, "/orders?userId="+other, ""), http.StatusOK)
	if theirs.Total != 0 || len(theirs.Orders) != 0 {
		t.Fatalf("%s sees %d of %s's orders", owner, theirs.Total, other)
	}
}
