package upstream_test

import (
	"context"
	"testing"

	svcorders "github.com/frontdesk/frontdesk/services/orders"
	svcpayments "github.com/frontdesk/frontdesk/services/payments"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/cache/cachetest"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
)

// TestWritesEvict: each write of a typed client evicts the entity it
// changed (for every caller) and the cached answers that read its service;
// a write the upstream refused evicts nothing. Orders and payments answer
// `private, max-age=60` here, so their entities stay fresh until evicted.
func TestWritesEvict(t *testing.T) {
	d := seed.New()
	ups := servicestest.Start(t,
		servicestest.WithHandler("orders", cachetest.WithCacheControl(svcorders.NewHandler(svcorders.NewStore(d.Orders)), "private, max-age=60")),
		servicestest.WithHandler("payments", cachetest.WithCacheControl(svcpayments.NewHandler(svcpayments.NewStore(d.Payments)), "private, max-age=60")),
	)
	cfg := validConfig()
	cfg.InventoryURL, cfg.OrdersURL, cfg.ReviewsURL, cfg.PaymentsURL = ups.URL("inventory"), ups.URL("orders"), ups.URL("reviews"), ups.URL("payments")
	clock := cachetest.NewClock()
	c := cache.New(cachetest.NewStore(t, clock.Now), cachetest.Config(), cache.WithClock(clock.Now))
	clients, err := upstream.New(cfg, upstream.WithCache(c))
	if err != nil {
		t.Fatal(err)
	}
	if clients.Cache() != c {
		t.Fatal("Clients.Cache is not the cache given")
	}
	ctx := auth.NewContext(t.Context(), auth.Principal{Subject: "usr_0196", Roles: []string{"admin"}})

	pending, err := clients.Orders.List(ctx, orders.ListParams{Statuses: []string{"PENDING"}, Limit: 1})
	if err != nil || len(pending.Orders) == 0 {
		t.Fatalf("no pending order: %v", err)
	}
	orderID := pending.Orders[0].ID
	pendingReviews, err := clients.Reviews.List(ctx, reviews.ListParams{Status: "PENDING", Limit: 1})
	if err != nil || len(pendingReviews.Reviews) == 0 {
		t.Fatalf("no pending review: %v", err)
	}
	review := pendingReviews.Reviews[0]

	cases := []struct {
		name  string
		kind  cache.Kind
		id    string
		read  func(ctx context.Context, id string) error
		write func(ctx context.Context) error
		evict bool
	}{
		{"inventory.Adjust", inventory.StockKind, "prd_0001",
			batch(clients.Inventory.BatchGet),
			func(ctx context.Context) error {
				_, err := clients.Inventory.Adjust(ctx, "prd_0001", inventory.Adjustment{Warehouse: "ams", Delta: 1})
				return err
			}, true},
		{"orders.SetStatus", orders.OrderKind, orderID,
			batch(clients.Orders.BatchGet),
			func(ctx context.Context) error {
				_, err := clients.Orders.SetStatus(ctx, orderID, "CANCELLED")
				return err
			}, true},
		{"orders.SetStatus refused", orders.OrderKind, orderID,
			batch(clients.Orders.BatchGet),
			func(ctx context.Context) error {
				_, err := clients.Orders.SetStatus(ctx, orderID, "SHIPPED") // CANCELLED → SHIPPED: 409
				return err
			}, false},
		{"payments.Refund", payments.PaymentKind, "pay_00001",
			batch(clients.Payments.BatchGet),
			func(ctx context.Context) error {
				_, err := clients.Payments.Refund(ctx, "pay_00001", 100, "damaged box")
				return err
			}, true},
		{"reviews.SetStatus", reviews.SummaryKind, review.ProductID,
			func(ctx context.Context, id string) error {
				_, err := clients.Reviews.Summary(ctx, id)
				return err
			},
			func(ctx context.Context) error {
				_, err := clients.Reviews.SetStatus(ctx, review.ID, "APPROVED")
				return err
			}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			load := func() {
				t.Helper()
				_, errs := cache.Load(ctx, c, tc.kind, []string{tc.id}, func(ctx context.Context, ids []string) ([]struct{}, []error) {
					calls++
					return make([]struct{}, len(ids)), []error{tc.read(ctx, ids[0])}
				})
				if errs[0] != nil {
					t.Fatal(errs[0])
				}
			}
			load()
			cached := calls
			load()
			if calls != cached {
				t.Fatal("not cached before the write")
			}
			svc := []string{tc.kind.Service}
			_, gens := c.LookupResponse(ctx, "answer-"+tc.name, svc)
			if !c.StoreResponse(ctx, "answer-"+tc.name, []byte(`{}`), 60e9, gens, svc) {
				t.Fatal("StoreResponse refused")
			}

			err := tc.write(ctx)
			if tc.evict && err != nil {
				t.Fatalf("write: %v", err)
			}
			load()
			if evicted := calls > cached; evicted != tc.evict {
				t.Errorf("entity evicted = %v, want %v", evicted, tc.evict)
			}
			found, _ := c.LookupResponse(ctx, "answer-"+tc.name, svc)
			if evicted := found.Data == nil; evicted != tc.evict {
				t.Errorf("answer that read %s evicted = %v, want %v", tc.kind.Service, evicted, tc.evict)
			}
		})
	}
}

// batch adapts a BatchGet to a read of one id.
func batch[V any](get func(context.Context, []string) ([]V, error)) func(context.Context, string) error {
	return func(ctx context.Context, id string) error {
		_, err := get(ctx, []string{id})
		return err
	}
}
