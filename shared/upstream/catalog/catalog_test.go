package catalog_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
)

func newClient(t *testing.T) *catalog.Client {
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
	return c.Catalog
}

func ids(ps []catalog.Product) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestClient(t *testing.T) {
	c := newClient(t)
	speaker := catalog.Product{
		ID: "prd_0001", Name: "Nimbus Premium Speaker",
		Description: "Premium speaker from Nimbus, tested by our team for months. Pairs well with the rest of the range.",
		Category:    "Audio", PriceCents: 13599, Currency: "USD", ImageURL: "https://img.example.com/products/prd_0001.jpg",
		CreatedAt: time.Date(2024, 1, 1, 14, 3, 21, 0, time.UTC),
	}
	tests := []struct {
		name      string
		call      func(t *testing.T) ([]catalog.Product, int, error)
		wantIDs   []string
		wantTotal int
		wantKind  restclient.Kind
	}{
		{"batch omits unknown ids, request order", func(t *testing.T) ([]catalog.Product, int, error) {
			ps, err := c.BatchGet(t.Context(), []string{"prd_0002", "prd_9999", "prd_0001"})
			if err == nil && (len(ps) != 2 || ps[1] != speaker) {
				t.Errorf("BatchGet[1] = %+v, want %+v", ps, speaker)
			}
			return ps, -1, err
		}, []string{"prd_0002", "prd_0001"}, -1, 0},
		{"batch of 200 ids", func(t *testing.T) ([]catalog.Product, int, error) {
			var in []string
			for i := range 200 {
				in = append(in, []string{"prd_0001", "prd_0500", "prd_0501"}[i%3])
			}
			ps, err := c.BatchGet(t.Context(), in)
			return ps, -1, err
		}, []string{"prd_0001", "prd_0500"}, -1, 0},
		{"featured", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{FeaturedOnly: true, Limit: 3})
			for _, pr := range p.Products {
				if !pr.Featured {
					t.Errorf("%s not featured", pr.ID)
				}
			}
			return p.Products, p.Total, err
		}, []string{"prd_0059", "prd_0078", "prd_0132"}, 24, 0},
		{"category with offset", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Category: "Books", Limit: 2, Offset: 1})
			return p.Products, p.Total, err
		}, []string{"prd_0013", "prd_0026"}, 56, 0},
		{"category and featured", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Category: "Books", FeaturedOnly: true, Limit: 200})
			return p.Products, p.Total, err
		}, []string{"prd_0059", "prd_0078", "prd_0316", "prd_0318", "prd_0364"}, 5, 0},
		{"query", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Query: "lamp", Limit: 2})
			return p.Products, p.Total, err
		}, []string{"prd_0052", "prd_0100"}, 7, 0},
		{"query is case-insensitive, with category and offset", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Query: "LAMP", Category: "Home", Limit: 1, Offset: 2})
			return p.Products, p.Total, err
		}, []string{"prd_0198"}, 7, 0},
		{"zero limit takes the service default page of 20", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Category: "Books"})
			if len(p.Products) != 20 {
				t.Errorf("got %d products, want the default page of 20", len(p.Products))
			}
			return p.Products[:1], p.Total, err
		}, []string{"prd_0002"}, 56, 0},
		{"unknown category", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Category: "Spaceships", Limit: 5})
			return p.Products, p.Total, err
		}, []string{}, 0, 0},
		{"negative offset is a bad request", func(t *testing.T) ([]catalog.Product, int, error) {
			p, err := c.List(t.Context(), catalog.ListParams{Limit: 5, Offset: -1})
			return p.Products, p.Total, err
		}, nil, 0, restclient.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := tt.call(t)
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Service != "catalog" || e.Code != "bad_request" {
					t.Fatalf("err = %v, want a catalog %v error with code bad_request", err, tt.wantKind)
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
