package orders_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
)

// newClient starts fresh services, so every case sees the seed.
func newClient(t *testing.T) *orders.Client {
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
	return c.Orders
}

func ids(os []orders.Order) []string {
	out := []string{}
	for _, o := range os {
		out = append(out, o.ID)
	}
	return out
}

func TestReads(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		name      string
		call      func(t *testing.T) ([]orders.Order, int, error)
		wantIDs   []string
		wantTotal int
		wantKind  restclient.Kind
	}{
		{"batch omits unknown ids", func(t *testing.T) ([]orders.Order, int, error) {
			os, err := c.BatchGet(t.Context(), []string{"ord_00002", "ord_99999", "ord_00001"})
			if err == nil && len(os) == 2 {
				o := os[0]
				if o.UserID != "usr_0093" || o.Status != "DELIVERED" || o.TotalCents != 5499 || o.Currency != "USD" ||
					o.PaymentID == nil || *o.PaymentID != "pay_00002" ||
					!slices.Equal(o.Items, []orders.Item{{ProductID: "prd_0318", Quantity: 1, UnitPriceCents: 5499}}) ||
					!o.CreatedAt.Equal(time.Date(2025, 1, 1, 3, 2, 58, 0, time.UTC)) {
					t.Errorf("ord_00002 = %+v", o)
				}
				if len(os[1].Items) != 5 || os[1].TotalCents != 153395 {
					t.Errorf("ord_00001 = %+v", os[1])
				}
			}
			return os, -1, err
		}, []string{"ord_00002", "ord_00001"}, -1, 0},
		{"user's orders newest first", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Limit: 2})
			return p.Orders, p.Total, err
		}, []string{"ord_01929", "ord_01812"}, 9, 0},
		{"explicit createdAt_desc", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Sort: orders.SortCreatedDesc, Limit: 1})
			return p.Orders, p.Total, err
		}, []string{"ord_01929"}, 9, 0},
		{"createdAt_asc", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Sort: orders.SortCreatedAsc, Limit: 2})
			return p.Orders, p.Total, err
		}, []string{"ord_00083", "ord_00093"}, 9, 0},
		{"total_desc", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Sort: orders.SortTotalDesc, Limit: 2})
			return p.Orders, p.Total, err
		}, []string{"ord_00093", "ord_00665"}, 9, 0},
		{"total_asc with offset", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Sort: orders.SortTotalAsc, Limit: 2, Offset: 1})
			return p.Orders, p.Total, err
		}, []string{"ord_01812", "ord_00674"}, 9, 0},
		{"status filter", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Statuses: []string{"DELIVERED"}, Limit: 200})
			return p.Orders, p.Total, err
		}, []string{"ord_01257", "ord_01116", "ord_00665", "ord_00083"}, 4, 0},
		{"several statuses", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Statuses: []string{"DELIVERED", "CANCELLED"}, Sort: orders.SortCreatedAsc, Limit: 3})
			return p.Orders, p.Total, err
		}, []string{"ord_00083", "ord_00665", "ord_00749"}, 6, 0},
		{"statuses without matches", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{UserID: "usr_0001", Statuses: []string{"PENDING", "PAID"}, Limit: 10})
			return p.Orders, p.Total, err
		}, []string{}, 0, 0},
		{"all users' pending orders", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{Statuses: []string{"PENDING"}, Limit: 1})
			if err == nil && len(p.Orders) == 1 && p.Orders[0].PaymentID != nil {
				t.Errorf("pending order has payment %q", *p.Orders[0].PaymentID)
			}
			return p.Orders, p.Total, err
		}, []string{"ord_01984"}, 179, 0},
		{"unknown status is a bad request", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{Statuses: []string{"LOST"}, Limit: 1})
			return p.Orders, p.Total, err
		}, nil, 0, restclient.KindBadRequest},
		{"unknown sort is a bad request", func(t *testing.T) ([]orders.Order, int, error) {
			p, err := c.List(t.Context(), orders.ListParams{Sort: "price", Limit: 1})
			return p.Orders, p.Total, err
		}, nil, 0, restclient.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := tt.call(t)
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Service != "orders" || e.Code != "bad_request" {
					t.Fatalf("err = %v, want an orders %v error with code bad_request", err, tt.wantKind)
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

func TestWrites(t *testing.T) {
	items := []orders.Item{{ProductID: "prd_0001", Quantity: 2, UnitPriceCents: 1999}, {ProductID: "prd_0002", Quantity: 1, UnitPriceCents: 4699}}
	tests := []struct {
		name string
		// call runs on fresh services; its answer is checked.
		call       func(t *testing.T, c *orders.Client) (orders.Order, error)
		wantStatus string
		wantKind   restclient.Kind
		wantCode   string
	}{
		{"create", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			o, err := c.Create(t.Context(), orders.NewOrder{UserID: "usr_0001", Items: items})
			if err == nil {
				if o.ID != "ord_02001" || o.UserID != "usr_0001" || o.TotalCents != 2*1999+4699 || o.Currency != "USD" ||
					o.PaymentID != nil || !slices.Equal(o.Items, items) || o.CreatedAt.IsZero() || !o.UpdatedAt.Equal(o.CreatedAt) {
					t.Errorf("created %+v", o)
				}
				got, err := c.BatchGet(t.Context(), []string{o.ID})
				if err != nil || len(got) != 1 || got[0].TotalCents != o.TotalCents {
					t.Errorf("BatchGet(new order) = %+v, %v", got, err)
				}
			}
			return o, err
		}, "PENDING", 0, ""},
		{"create without items", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.Create(t.Context(), orders.NewOrder{UserID: "usr_0001"})
		}, "", restclient.KindBadRequest, "bad_request"},
		{"create with quantity 100", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.Create(t.Context(), orders.NewOrder{UserID: "usr_0001", Items: []orders.Item{{ProductID: "prd_0001", Quantity: 100, UnitPriceCents: 1}}})
		}, "", restclient.KindBadRequest, "bad_request"},
		{"pending to paid", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.SetStatus(t.Context(), "ord_01984", "PAID")
		}, "PAID", 0, ""},
		{"full lifecycle", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			o, err := c.Create(t.Context(), orders.NewOrder{UserID: "usr_0002", Items: items})
			for _, st := range []string{"PAID", "SHIPPED", "DELIVERED"} {
				if err != nil {
					break
				}
				o, err = c.SetStatus(t.Context(), o.ID, st)
			}
			return o, err
		}, "DELIVERED", 0, ""},
		{"paid to cancelled", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.SetStatus(t.Context(), "ord_01998", "CANCELLED")
		}, "CANCELLED", 0, ""},
		{"delivered to cancelled conflicts", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.SetStatus(t.Context(), "ord_00002", "CANCELLED")
		}, "", restclient.KindConflict, "conflict"},
		{"pending to shipped conflicts", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.SetStatus(t.Context(), "ord_01984", "SHIPPED")
		}, "", restclient.KindConflict, "conflict"},
		{"unknown status", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.SetStatus(t.Context(), "ord_01984", "LOST")
		}, "", restclient.KindBadRequest, "bad_request"},
		{"unknown order", func(t *testing.T, c *orders.Client) (orders.Order, error) {
			return c.SetStatus(t.Context(), "ord_99999", "PAID")
		}, "", restclient.KindNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.call(t, newClient(t))
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Code != tt.wantCode || e.Service != "orders" {
					t.Fatalf("err = %v, want an orders %v error with code %s", err, tt.wantKind, tt.wantCode)
				}
				if got, want := errors.Is(err, restclient.ErrNotFound), tt.wantKind == restclient.KindNotFound; got != want {
					t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v", got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if o.Status != tt.wantStatus {
				t.Errorf("status = %q, want %q", o.Status, tt.wantStatus)
			}
			if o.UpdatedAt.Before(o.CreatedAt) {
				t.Errorf("updatedAt %v before createdAt %v", o.UpdatedAt, o.CreatedAt)
			}
		})
	}
}
