package loader_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/inventory"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
	"github.com/frontdesk/frontdesk/shared/upstream/users"
)

// fakeSources answers every batch in reverse key order, omits ids starting
// with "missing", and records list parameters.
type fakeSources struct {
	mu          sync.Mutex
	reviewLists []reviews.ListParams
	orderLists  []orders.ListParams
}

func found[T any](ids []string, mk func(string) T) []T {
	var out []T
	for _, id := range slices.Backward(ids) {
		if len(id) < 7 || id[:7] != "missing" {
			out = append(out, mk(id))
		}
	}
	return out
}

type fakeUsers struct{}

func (fakeUsers) BatchGet(_ context.Context, ids []string) ([]users.User, error) {
	return found(ids, func(id string) users.User { return users.User{ID: id, Name: "user " + id} }), nil
}

type fakeProducts struct{}

func (fakeProducts) BatchGet(_ context.Context, ids []string) ([]catalog.Product, error) {
	return found(ids, func(id string) catalog.Product { return catalog.Product{ID: id, Name: "product " + id} }), nil
}

type fakeStock struct{}

func (fakeStock) BatchGet(_ context.Context, ids []string) ([]inventory.Stock, error) {
	return found(ids, func(id string) inventory.Stock { return inventory.Stock{ProductID: id, Total: len(id)} }), nil
}

type fakeOrders struct{ f *fakeSources }

func (fakeOrders) BatchGet(_ context.Context, ids []string) ([]orders.Order, error) {
	return found(ids, func(id string) orders.Order { return orders.Order{ID: id, UserID: "usr_" + id} }), nil
}

func (o fakeOrders) List(_ context.Context, p orders.ListParams) (orders.Page, error) {
	o.f.mu.Lock()
	defer o.f.mu.Unlock()
	o.f.orderLists = append(o.f.orderLists, p)
	return orders.Page{Orders: []orders.Order{{ID: "ord_of_" + p.UserID}}, Total: 7}, nil
}

type fakePayments struct{}

func (fakePayments) BatchGet(_ context.Context, ids []string) ([]payments.Payment, error) {
	return found(ids, func(id string) payments.Payment { return payments.Payment{ID: id, AmountCents: 100} }), nil
}

type fakeReviews struct{ f *fakeSources }

func (fakeReviews) Summary(_ context.Context, productID string) (reviews.Summary, error) {
	return reviews.Summary{ProductID: productID, Count: 2, Average: 4.5}, nil
}

func (r fakeReviews) List(_ context.Context, p reviews.ListParams) (reviews.Page, error) {
	r.f.mu.Lock()
	defer r.f.mu.Unlock()
	r.f.reviewLists = append(r.f.reviewLists, p)
	return reviews.Page{Reviews: []reviews.Review{{ID: "rev_of_" + p.ProductID}}, Total: 1}, nil
}

func (f *fakeSources) sources() loader.Sources {
	return loader.Sources{
		Users: fakeUsers{}, Products: fakeProducts{}, Stock: fakeStock{},
		Orders: fakeOrders{f}, Payments: fakePayments{}, Reviews: fakeReviews{f},
	}
}

func TestNewWiresEveryLoader(t *testing.T) {
	tests := []struct {
		name   string
		load   func(ctx context.Context, ls *loader.Loaders) (any, error)
		want   any
		wantNF string // kind of the expected *NotFoundError; "" for success
	}{
		{"users", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			u, err := ls.Users.Load(ctx, "usr_0001")
			return u.ID + "/" + u.Name, err
		}, "usr_0001/user usr_0001", ""},
		{"users missing", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.Users.Load(ctx, "missing_user")
		}, nil, "user"},
		{"products", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.Products.Load(ctx, "prd_0001")
		}, catalog.Product{ID: "prd_0001", Name: "product prd_0001"}, ""},
		{"products missing", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.Products.Load(ctx, "missing_product")
		}, nil, "product"},
		{"stock keyed by product id", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			s, err := ls.Stock.Load(ctx, "prd_0002")
			return s.ProductID + "/" + strconv.Itoa(s.Total), err
		}, "prd_0002/8", ""},
		{"stock missing", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.Stock.Load(ctx, "missing_stock")
		}, nil, "stock"},
		{"orders", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			o, err := ls.Orders.Load(ctx, "ord_00001")
			return o.ID + "/" + o.UserID, err
		}, "ord_00001/usr_ord_00001", ""},
		{"orders missing", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.Orders.Load(ctx, "missing_order")
		}, nil, "order"},
		{"payments", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			p, err := ls.Payments.Load(ctx, "pay_00001")
			return p.ID, err
		}, "pay_00001", ""},
		{"payments missing", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.Payments.Load(ctx, "missing_payment")
		}, nil, "payment"},
		{"review summaries", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			return ls.ReviewSummaries.Load(ctx, "prd_0003")
		}, reviews.Summary{ProductID: "prd_0003", Count: 2, Average: 4.5}, ""},
		{"product reviews", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			p, err := ls.ProductReviews.Load(ctx, loader.ProductReviewsKey{ProductID: "prd_0004", Status: "APPROVED", Limit: 3, Offset: 6})
			return p.Reviews[0].ID, err
		}, "rev_of_prd_0004", ""},
		{"user orders", func(ctx context.Context, ls *loader.Loaders) (any, error) {
			p, err := ls.UserOrders.Load(ctx, loader.UserOrdersKey{UserID: "usr_0002", Limit: 5, Offset: 10})
			return p.Orders[0].ID, err
		}, "ord_of_usr_0002", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ls := loader.New(t.Context(), cfg, (&fakeSources{}).sources())
				got, err := tt.load(t.Context(), ls)
				if tt.wantNF != "" {
					nf, ok := errors.AsType[*loader.NotFoundError](err)
					if !ok || nf.Kind != tt.wantNF {
						t.Errorf("err = %v, want *NotFoundError of kind %s", err, tt.wantNF)
					}
					return
				}
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if got != tt.want {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			})
		})
	}
}

func TestNewListParams(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeSources{}
		ls := loader.New(t.Context(), cfg, f.sources())
		if _, err := ls.ProductReviews.Load(t.Context(), loader.ProductReviewsKey{ProductID: "prd_0004", Status: "APPROVED", Limit: 3, Offset: 6}); err != nil {
			t.Fatal(err)
		}
		if _, err := ls.UserOrders.Load(t.Context(), loader.UserOrdersKey{UserID: "usr_0002", Limit: 5, Offset: 10}); err != nil {
			t.Fatal(err)
		}
		wantReviews := []reviews.ListParams{{ProductID: "prd_0004", Status: "APPROVED", Limit: 3, Offset: 6}}
		if !slices.Equal(f.reviewLists, wantReviews) {
			t.Errorf("reviews.List params = %+v, want %+v", f.reviewLists, wantReviews)
		}
		if len(f.orderLists) != 1 {
			t.Fatalf("orders.List calls = %d, want 1", len(f.orderLists))
		}
		if got := f.orderLists[0]; got.UserID != "usr_0002" || got.Sort != orders.SortCreatedDesc || got.Limit != 5 || got.Offset != 10 || got.Statuses != nil {
			t.Errorf("orders.List params = %+v, want usr_0002 newest first, limit 5 offset 10", got)
		}
	})
}

func TestContextHelpers(t *testing.T) {
	ls := &loader.Loaders{}
	tests := []struct {
		name    string
		ctx     context.Context
		want    *loader.Loaders
		wantOK  bool
		wantErr error
	}{
		{"without loaders", t.Context(), nil, false, loader.ErrNoLoaders},
		{"with loaders", loader.NewContext(t.Context(), ls), ls, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := loader.FromContext(tt.ctx)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("FromContext = %p, %v; want %p, %v", got, ok, tt.want, tt.wantOK)
			}
			got, err := loader.From(tt.ctx)
			if got != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("From = %p, %v; want %p, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestMiddlewareGivesEachRequestItsOwnLoaders(t *testing.T) {
	f := &fakeSources{}
	var (
		mu   sync.Mutex
		seen []*loader.Loaders
	)
	h := loader.Middleware(cfg, f.sources())(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ls, err := loader.From(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		p, err := ls.Products.Load(r.Context(), "prd_0001")
		if err != nil || p.Name != "product prd_0001" {
			http.Error(w, "bad load", http.StatusInternalServerError)
			return
		}
		mu.Lock()
		seen = append(seen, ls)
		mu.Unlock()
	}))
	for i := range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d, body %q", i, rec.Code, rec.Body.String())
		}
	}
	if len(seen) != 2 {
		t.Fatalf("handler saw %d requests, want 2", len(seen))
	}
	if seen[0] == seen[1] || seen[0].Products == seen[1].Products || seen[0].Users == seen[1].Users {
		t.Errorf("two requests shared loaders")
	}
}
