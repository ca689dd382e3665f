package users_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

func newClient(t *testing.T) *users.Client {
	t.Helper()
	u := servicestest.Start(t)
	c, err := upstream.New(upstream.Config{
		UsersURL: u.URL("users"), CatalogURL: u.URL("catalog"), InventoryURL: u.URL("inventory"),
		OrdersURL: u.URL("orders"), ReviewsURL: u.URL("reviews"), PaymentsURL: u.URL("payments"),
		Timeout: 2 * time.Second, MaxResponseBytes: 1 << 20,
	})
	if err != nil {
		t.Fatalf("upstream.New: %v", err)
	}
	return c.Users
}

func ids(us []users.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

func TestClient(t *testing.T) {
	c := newClient(t)
	ada := users.User{ID: "usr_0001", Name: "Ada Lovelace", Email: "ada.lovelace@example.com", Tier: "pro",
		Roles: []string{"customer"}, CreatedAt: time.Date(2024, 1, 8, 14, 47, 59, 0, time.UTC)}
	tests := []struct {
		name      string
		call      func(t *testing.T) ([]users.User, int, error) // users, total (-1 for batches), error
		wantIDs   []string
		wantTotal int
		wantKind  restclient.Kind
	}{
		{"batch omits unknown ids", func(t *testing.T) ([]users.User, int, error) {
			us, err := c.BatchGet(t.Context(), []string{"usr_0001", "usr_9999", "usr_0200"})
			if err == nil && (len(us) == 0 || !equalUser(us[0], ada)) {
				t.Errorf("BatchGet[0] = %+v, want %+v", us, ada)
			}
			if err == nil && len(us) == 2 && !slices.Equal(us[1].Roles, []string{"admin", "support"}) {
				t.Errorf("usr_0200 roles = %q, want admin, support", us[1].Roles)
			}
			return us, -1, err
		}, []string{"usr_0001", "usr_0200"}, -1, 0},
		{"batch with duplicates answers each once", func(t *testing.T) ([]users.User, int, error) {
			us, err := c.BatchGet(t.Context(), []string{"usr_0003", "usr_0003", "usr_0002"})
			return us, -1, err
		}, []string{"usr_0003", "usr_0002"}, -1, 0},
		{"batch of unknown ids is empty", func(t *testing.T) ([]users.User, int, error) {
			us, err := c.BatchGet(t.Context(), []string{"usr_9998", "usr_9999"})
			return us, -1, err
		}, []string{}, -1, 0},
		{"batch over 200 ids is a bad request", func(t *testing.T) ([]users.User, int, error) {
			us, err := c.BatchGet(t.Context(), slices.Repeat([]string{"usr_0001"}, 201))
			return us, -1, err
		}, nil, 0, restclient.KindBadRequest},
		{"list query, case-insensitive", func(t *testing.T) ([]users.User, int, error) {
			p, err := c.List(t.Context(), users.ListParams{Query: "LOVELACE", Limit: 2})
			return p.Users, p.Total, err
		}, []string{"usr_0001", "usr_0014"}, 9, 0},
		{"list by email with offset", func(t *testing.T) ([]users.User, int, error) {
			p, err := c.List(t.Context(), users.ListParams{Query: "example.com", Limit: 1, Offset: 5})
			return p.Users, p.Total, err
		}, []string{"usr_0006"}, 200, 0},
		{"list last page", func(t *testing.T) ([]users.User, int, error) {
			p, err := c.List(t.Context(), users.ListParams{Limit: 5, Offset: 198})
			return p.Users, p.Total, err
		}, []string{"usr_0199", "usr_0200"}, 200, 0},
		{"list past the end", func(t *testing.T) ([]users.User, int, error) {
			p, err := c.List(t.Context(), users.ListParams{Limit: 5, Offset: 500})
			return p.Users, p.Total, err
		}, []string{}, 200, 0},
		{"list limit over 200 is a bad request", func(t *testing.T) ([]users.User, int, error) {
			p, err := c.List(t.Context(), users.ListParams{Limit: 201})
			return p.Users, p.Total, err
		}, nil, 0, restclient.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := tt.call(t)
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Service != "users" {
					t.Fatalf("err = %v, want a users %v error", err, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !slices.Equal(ids(got), tt.wantIDs) {
				t.Errorf("ids = %q, want %q", ids(got), tt.wantIDs)
			}
			if total != tt.wantTotal {
				t.Errorf("total = %d, want %d", total, tt.wantTotal)
			}
		})
	}
}

func equalUser(a, b users.User) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Email == b.Email && a.Tier == b.Tier &&
		slices.Equal(a.Roles, b.Roles) && a.CreatedAt.Equal(b.CreatedAt)
}
