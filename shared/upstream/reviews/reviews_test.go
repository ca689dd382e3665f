package reviews_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/reviews"
)

// newClient starts fresh services, so every case sees the seed.
func newClient(t *testing.T) *reviews.Client {
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
	return c.Reviews
}

func ids(rs []reviews.Review) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestSummary(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		name    string
		product string
		want    reviews.Summary
	}{
		{"product with reviews", "prd_0001", reviews.Summary{ProductID: "prd_0001", Count: 11, Average: 3.91}},
		{"product without reviews", "prd_9999", reviews.Summary{ProductID: "prd_9999", Count: 0, Average: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Summary(t.Context(), tt.product)
			if err != nil || got != tt.want {
				t.Errorf("Summary(%s) = %+v, %v; want %+v", tt.product, got, err, tt.want)
			}
		})
	}
}

func TestList(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		name      string
		params    reviews.ListParams
		wantIDs   []string
		wantTotal int
		wantKind  restclient.Kind
	}{
		{"product, newest first", reviews.ListParams{ProductID: "prd_0001", Limit: 3}, []string{"rev_003576", "rev_003551", "rev_003491"}, 14, 0},
		{"product with offset", reviews.ListParams{ProductID: "prd_0001", Limit: 1, Offset: 10}, []string{"rev_001415"}, 14, 0},
		{"product and status", reviews.ListParams{ProductID: "prd_0001", Status: "PENDING", Limit: 5}, []string{"rev_003551", "rev_003491", "rev_002924"}, 3, 0},
		{"user and status", reviews.ListParams{UserID: "usr_0001", Status: "APPROVED", Limit: 2}, []string{"rev_003536", "rev_003492"}, 12, 0},
		{"status only", reviews.ListParams{Status: "REJECTED", Limit: 1}, []string{"rev_003578"}, 284, 0},
		{"unknown product", reviews.ListParams{ProductID: "prd_9999", Limit: 5}, []string{}, 0, 0},
		{"unknown status", reviews.ListParams{Status: "SPAM", Limit: 5}, nil, 0, restclient.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.List(t.Context(), tt.params)
			if tt.wantKind != 0 {
				if e, ok := errors.AsType[*restclient.Error](err); !ok || e.Kind != tt.wantKind || e.Code != "bad_request" {
					t.Fatalf("err = %v, want a reviews %v error", err, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !slices.Equal(ids(p.Reviews), tt.wantIDs) || p.Total != tt.wantTotal {
				t.Errorf("List = %q total %d, want %q total %d", ids(p.Reviews), p.Total, tt.wantIDs, tt.wantTotal)
			}
			for _, r := range p.Reviews {
				if (tt.params.Status != "" && r.Status != tt.params.Status) || (tt.params.ProductID != "" && r.ProductID != tt.params.ProductID) ||
					(tt.params.UserID != "" && r.UserID != tt.params.UserID) {
					t.Errorf("review %+v does not match %+v", r, tt.params)
				}
			}
		})
	}
}

func TestGetAndWrites(t *testing.T) {
	newReview := reviews.NewReview{ProductID: "prd_9998", UserID: "usr_0001", Rating: 5, Title: "Great", Body: "Works."}
	tests := []struct {
		name     string
		call     func(t *testing.T, c *reviews.Client) (reviews.Review, error)
		want     reviews.Review // CreatedAt not compared
		wantKind restclient.Kind
		wantCode string
	}{
		{"get", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			return c.Get(t.Context(), "rev_003576")
		}, reviews.Review{ID: "rev_003576", ProductID: "prd_0001", UserID: "usr_0172", Rating: 2, Title: "Not great",
			Body: "It works, but not as well as described. Bought a second one as a gift.", Status: "APPROVED"}, 0, ""},
		{"get unknown", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			return c.Get(t.Context(), "rev_999999")
		}, reviews.Review{}, restclient.KindNotFound, "not_found"},
		{"create", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			r, err := c.Create(t.Context(), newReview)
			if err == nil {
				got, err := c.Get(t.Context(), r.ID)
				if err != nil || got.ID != r.ID || got.Status != "PENDING" {
					t.Errorf("Get(created) = %+v, %v", got, err)
				}
			}
			return r, err
		}, reviews.Review{ProductID: "prd_9998", UserID: "usr_0001", Rating: 5, Title: "Great", Body: "Works.", Status: "PENDING"}, 0, ""},
		{"create with rating 9", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			r := newReview
			r.Rating = 9
			return c.Create(t.Context(), r)
		}, reviews.Review{}, restclient.KindBadRequest, "bad_request"},
		{"create with rating 0", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			r := newReview
			r.Rating = 0
			return c.Create(t.Context(), r)
		}, reviews.Review{}, restclient.KindBadRequest, "bad_request"},
		{"create without title", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			r := newReview
			r.Title = ""
			return c.Create(t.Context(), r)
		}, reviews.Review{}, restclient.KindBadRequest, "bad_request"},
		{"approve counts in the summary", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			created, err := c.Create(t.Context(), newReview)
			if err != nil {
				return created, err
			}
			if s, err := c.Summary(t.Context(), "prd_9998"); err != nil || s.Count != 0 {
				t.Errorf("summary before approval = %+v, %v; want count 0", s, err)
			}
			r, err := c.SetStatus(t.Context(), created.ID, "APPROVED")
			if s, err := c.Summary(t.Context(), "prd_9998"); err != nil || s != (reviews.Summary{ProductID: "prd_9998", Count: 1, Average: 5}) {
				t.Errorf("summary after approval = %+v, %v; want count 1 average 5", s, err)
			}
			return r, err
		}, reviews.Review{ProductID: "prd_9998", UserID: "usr_0001", Rating: 5, Title: "Great", Body: "Works.", Status: "APPROVED"}, 0, ""},
		{"reject", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			return c.SetStatus(t.Context(), "rev_003551", "REJECTED")
		}, reviews.Review{ID: "rev_003551", ProductID: "prd_0001", UserID: "usr_0167", Rating: 3, Title: "Does the job",
			Body: "Fine for occasional use. Packaging could be better.", Status: "REJECTED"}, 0, ""},
		{"unknown moderation status", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			return c.SetStatus(t.Context(), "rev_003551", "SPAM")
		}, reviews.Review{}, restclient.KindBadRequest, "bad_request"},
		{"moderate unknown review", func(t *testing.T, c *reviews.Client) (reviews.Review, error) {
			return c.SetStatus(t.Context(), "rev_999999", "APPROVED")
		}, reviews.Review{}, restclient.KindNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.call(t, newClient(t))
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Code != tt.wantCode || e.Service != "reviews" {
					t.Fatalf("err = %v, want a reviews %v error with code %s", err, tt.wantKind, tt.wantCode)
				}
				if got, want := errors.Is(err, restclient.ErrNotFound), tt.wantKind == restclient.KindNotFound; got != want {
					t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v", got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got.CreatedAt.IsZero() {
				t.Errorf("createdAt is zero")
			}
			if tt.want.ID == "" {
				tt.want.ID = got.ID // a created review: any fresh id of the right shape
				if len(got.ID) != len("rev_000001") || got.ID[:4] != "rev_" {
					t.Errorf("id = %q, want rev_NNNNNN", got.ID)
				}
			}
			got.CreatedAt = time.Time{}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
