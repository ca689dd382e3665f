package users_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/users"
)

func newHandler() http.Handler {
	return users.NewHandler(users.NewStore(seed.New().Users))
}

func ids(us []users.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func TestBatch(t *testing.T) {
	h := newHandler()
	many := strings.Repeat("usr_0001,", 201)
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"request order", "ids=usr_0003,usr_0001,usr_0002", []string{"usr_0003", "usr_0001", "usr_0002"}},
		{"duplicates once", "ids=usr_0002,usr_0002,usr_0001,usr_0002", []string{"usr_0002", "usr_0001"}},
		{"unknown absent", "ids=usr_9999,usr_0005,nope", []string{"usr_0005"}},
		{"none found", "ids=usr_9999", []string{}},
		{"200 allowed", "ids=" + strings.Repeat("usr_0001,", 199) + "usr_0001", []string{"usr_0001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.Do(t, h, http.MethodGet, "/users?"+tt.query, "")
			got := apitest.Decode[users.BatchResponse](t, rec, http.StatusOK)
			if !slices.Equal(ids(got.Users), tt.want) {
				t.Fatalf("ids = %v, want %v", ids(got.Users), tt.want)
			}
			apitest.CacheControl(t, rec, httpapi.CachePrivate)
		})
	}
	t.Run("more than 200", func(t *testing.T) {
		apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/users?ids="+many, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
	})
}

func TestList(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name      string
		query     string
		wantIDs   []string // nil: only check count
		wantLen   int
		wantTotal int
	}{
		{name: "defaults", query: "", wantLen: 20, wantTotal: 200},
		{name: "limit and offset", query: "limit=3&offset=10", wantIDs: []string{"usr_0011", "usr_0012", "usr_0013"}, wantLen: 3, wantTotal: 200},
		{name: "last page", query: "limit=200&offset=195", wantIDs: []string{"usr_0196", "usr_0197", "usr_0198", "usr_0199", "usr_0200"}, wantLen: 5, wantTotal: 200},
		{name: "past the end", query: "offset=500", wantIDs: []string{}, wantLen: 0, wantTotal: 200},
		{name: "q matches name case-insensitively", query: "q=ADA+LOVE", wantIDs: []string{"usr_0001"}, wantLen: 1, wantTotal: 1},
		{name: "q matches email", query: "q=ada.lovelace@", wantIDs: []string{"usr_0001"}, wantLen: 1, wantTotal: 1},
		{name: "q without match", query: "q=zzz", wantIDs: []string{}, wantLen: 0, wantTotal: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Get[users.ListResponse](t, h, "/users?"+tt.query)
			if len(got.Users) != tt.wantLen || got.Total != tt.wantTotal {
				t.Fatalf("got %d users, total %d; want %d, %d", len(got.Users), got.Total, tt.wantLen, tt.wantTotal)
			}
			if tt.wantIDs != nil && !slices.Equal(ids(got.Users), tt.wantIDs) {
				t.Fatalf("ids = %v, want %v", ids(got.Users), tt.wantIDs)
			}
			if !slices.IsSorted(ids(got.Users)) {
				t.Fatalf("ids not sorted: %v", ids(got.Users))
			}
		})
	}
	t.Run("q spans the whole set", func(t *testing.T) {
		got := apitest.Get[users.ListResponse](t, h, "/users?q=example.com&limit=1")
		if got.Total != 200 || len(got.Users) != 1 {
			t.Fatalf("total %d, %d users", got.Total, len(got.Users))
		}
	})
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "offset=-1"} {
		t.Run("bad "+q, func(t *testing.T) {
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/users?"+q, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
		})
	}
}

func TestGet(t *testing.T) {
	h := newHandler()
	tests := []struct {
		id    string
		roles []string
	}{
		{"usr_0001", []string{"customer"}},
		{"usr_0190", []string{"customer"}},
		{"usr_0191", []string{"support"}},
		{"usr_0200", []string{"admin", "support"}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			rec := apitest.Do(t, h, http.MethodGet, "/users/"+tt.id, "")
			u := apitest.Decode[users.User](t, rec, http.StatusOK)
			if u.ID != tt.id || !slices.Equal(u.Roles, tt.roles) || (u.Tier != users.TierFree && u.Tier != users.TierPro) {
				t.Fatalf("user = %+v", u)
			}
			apitest.CacheControl(t, rec, httpapi.CachePrivate)
		})
	}
	t.Run("not found", func(t *testing.T) {
		rec := apitest.Do(t, h, http.MethodGet, "/users/usr_9999", "")
		msg := apitest.ExpectError(t, rec, http.StatusNotFound, httpapi.CodeNotFound)
		if msg != "user usr_9999 not found" {
			t.Fatalf("message = %q", msg)
		}
	})
}

// Identities as the gateway forwards them.
var (
	anonymous  http.Header
	asCustomer = apitest.Identity("usr_0001", "customer")
	asSupport  = apitest.Identity("usr_0191", "support")
	asAdmin    = apitest.Identity("usr_0196", "admin", "support")
)

// private reports which private fields of the JSON user u carries.
func private(t *testing.T, u map[string]any) []string {
	t.Helper()
	var out []string
	for _, k := range []string{"email", "tier", "roles"} {
		if _, ok := u[k]; ok {
			out = append(out, k)
		}
	}
	if u["id"] == nil || u["name"] == nil || u["createdAt"] == nil {
		t.Fatalf("public fields missing: %v", u)
	}
	return out
}

func TestScopedGet(t *testing.T) {
	h := newHandler()
	all := []string{"email", "tier", "roles"}
	tests := []struct {
		name   string
		header http.Header
		id     string
		want   []string // private fields present
	}{
		{"customer, own record", asCustomer, "usr_0001", all},
		{"customer, another user: public view", asCustomer, "usr_0002", nil},
		{"customer, a staff member: public view", asCustomer, "usr_0196", nil},
		{"support, another user", asSupport, "usr_0002", all},
		{"admin, another user", asAdmin, "usr_0002", all},
		{"no identity: unchanged", anonymous, "usr_0002", all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/users/"+tt.id, "")
			u := apitest.Decode[map[string]any](t, rec, http.StatusOK)
			if got := private(t, u); !slices.Equal(got, tt.want) || u["id"] != tt.id {
				t.Fatalf("user %v has private fields %v, want %v", u, got, tt.want)
			}
			apitest.CacheControl(t, rec, httpapi.CachePrivate)
		})
	}
	t.Run("customer, unknown user", func(t *testing.T) {
		apitest.ExpectError(t, apitest.DoWith(t, h, asCustomer, http.MethodGet, "/users/usr_9999", ""), http.StatusNotFound, httpapi.CodeNotFound)
	})
	t.Run("own record is complete", func(t *testing.T) {
		u := apitest.Decode[users.User](t, apitest.DoWith(t, h, asCustomer, http.MethodGet, "/users/usr_0001", ""), http.StatusOK)
		if u.Email != "ada.lovelace@example.com" || u.Tier == "" || !slices.Equal(u.Roles, []string{"customer"}) {
			t.Fatalf("user = %+v", u)
		}
	})
}

func TestScopedBatch(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name   string
		header http.Header
		want   map[string][]string // id → private fields present
	}{
		{"customer: own complete, others public", asCustomer,
			map[string][]string{"usr_0002": nil, "usr_0001": {"email", "tier", "roles"}, "usr_0200": nil}},
		{"support: all complete", asSupport,
			map[string][]string{"usr_0002": {"email", "tier", "roles"}, "usr_0001": {"email", "tier", "roles"}, "usr_0200": {"email", "tier", "roles"}}},
		{"no identity: unchanged", anonymous,
			map[string][]string{"usr_0002": {"email", "tier", "roles"}, "usr_0001": {"email", "tier", "roles"}, "usr_0200": {"email", "tier", "roles"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/users?ids=usr_0002,usr_0001,usr_9999,usr_0200", "")
			got := apitest.Decode[struct{ Users []map[string]any }](t, rec, http.StatusOK)
			var order []string
			for _, u := range got.Users {
				id, _ := u["id"].(string)
				order = append(order, id)
				if fields := private(t, u); !slices.Equal(fields, tt.want[id]) {
					t.Fatalf("user %s has private fields %v, want %v", id, fields, tt.want[id])
				}
			}
			if want := []string{"usr_0002", "usr_0001", "usr_0200"}; !slices.Equal(order, want) {
				t.Fatalf("ids = %v, want %v", order, want)
			}
		})
	}
}

func TestScopedSearch(t *testing.T) {
	h := newHandler()
	tests := []struct {
		name   string
		header http.Header
		query  string
		want   int
	}{
		{"customer may not list users", asCustomer, "", http.StatusForbidden},
		{"customer may not search users", asCustomer, "q=ada", http.StatusForbidden},
		{"customer may not search, even with bad paging", asCustomer, "limit=0", http.StatusForbidden},
		{"support", asSupport, "q=ada", http.StatusOK},
		{"admin", asAdmin, "", http.StatusOK},
		{"no identity: unchanged", anonymous, "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/users?"+tt.query, "")
			if tt.want == http.StatusForbidden {
				apitest.ExpectError(t, rec, tt.want, httpapi.CodeForbidden)
				return
			}
			if got := apitest.Decode[users.ListResponse](t, rec, tt.want); got.Total == 0 || got.Users[0].Email == "" {
				t.Fatalf("answer = %+v", got)
			}
		})
	}
}

func TestStoreReturnsCopies(t *testing.T) {
	s := users.NewStore(seed.New().Users)
	u, _ := s.Get("usr_0001")
	u.Roles[0] = "admin"
	again, _ := s.Get("usr_0001")
	if again.Roles[0] != "customer" {
		t.Fatal("store shares memory with callers")
	}
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /users", "GET /users/{id}"}
	if got := users.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}
