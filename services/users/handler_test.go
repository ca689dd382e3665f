package users_test

import (
	"net/http"
	"net/http/httptest"
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
	t.Run("X-User-ID is ignored", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/users/usr_0002", nil)
		req.Header.Set("X-User-ID", "usr_0001")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if u := apitest.Decode[users.User](t, rec, http.StatusOK); u.ID != "usr_0002" {
			t.Fatalf("user = %+v", u)
		}
	})
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
