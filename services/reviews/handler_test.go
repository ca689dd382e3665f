package reviews_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/reviews"
	"github.com/frontdesk/frontdesk/services/seed"
)

var now = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

func day(n int) time.Time { return time.Date(2025, 6, n, 0, 0, 0, 0, time.UTC) }

func fixture() (http.Handler, *reviews.Store) {
	mk := func(id, product, user string, rating int, status string, created time.Time) reviews.Review {
		return reviews.Review{ID: id, ProductID: product, UserID: user, Rating: rating, Title: "t", Body: "b", Status: status, CreatedAt: created}
	}
	s := reviews.NewStore([]reviews.Review{
		mk("rev_000001", "prd_0001", "usr_0001", 5, reviews.StatusApproved, day(1)),
		mk("rev_000002", "prd_0001", "usr_0002", 4, reviews.StatusApproved, day(2)),
		mk("rev_000003", "prd_0001", "usr_0003", 4, reviews.StatusApproved, day(2)),
		mk("rev_000004", "prd_0001", "usr_0004", 1, reviews.StatusRejected, day(4)),
		mk("rev_000005", "prd_0001", "usr_0005", 2, reviews.StatusPending, day(5)),
		mk("rev_000006", "prd_0002", "usr_0001", 3, reviews.StatusApproved, day(3)),
	}, reviews.WithClock(func() time.Time { return now }))
	return reviews.NewHandler(s), s
}

func ids(rs []reviews.Review) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestSummary(t *testing.T) {
	h, _ := fixture()
	tests := []struct {
		product string
		want    reviews.Summary
	}{
		{"prd_0001", reviews.Summary{ProductID: "prd_0001", Count: 3, Average: 4.33}},
		{"prd_0002", reviews.Summary{ProductID: "prd_0002", Count: 1, Average: 3}},
		{"prd_0404", reviews.Summary{ProductID: "prd_0404", Count: 0, Average: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.product, func(t *testing.T) {
			rec := apitest.Do(t, h, http.MethodGet, "/products/"+tt.product+"/reviews/summary", "")
			if got := apitest.Decode[reviews.Summary](t, rec, http.StatusOK); got != tt.want {
				t.Fatalf("summary = %+v, want %+v", got, tt.want)
			}
			apitest.CacheControl(t, rec, "max-age=30")
		})
	}
	t.Run("no batch endpoint", func(t *testing.T) {
		rec := apitest.Do(t, h, http.MethodGet, "/products/reviews/summary?ids=prd_0001", "")
		apitest.ExpectError(t, rec, http.StatusNotFound, httpapi.CodeNotFound)
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
		{"newest first, ties by id", "", []string{"rev_000005", "rev_000004", "rev_000006", "rev_000002", "rev_000003", "rev_000001"}, 6},
		{"productId", "productId=prd_0002", []string{"rev_000006"}, 1},
		{"userId", "userId=usr_0001", []string{"rev_000006", "rev_000001"}, 2},
		{"status", "status=APPROVED&productId=prd_0001", []string{"rev_000002", "rev_000003", "rev_000001"}, 3},
		{"status list", "status=PENDING,REJECTED", []string{"rev_000005", "rev_000004"}, 2},
		{"paged", "limit=2&offset=2", []string{"rev_000006", "rev_000002"}, 6},
		{"no match", "productId=prd_0404", []string{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := apitest.Get[reviews.ListResponse](t, h, "/reviews?"+tt.query)
			if !slices.Equal(ids(got.Reviews), tt.want) || got.Total != tt.wantTotal {
				t.Fatalf("ids = %v total %d, want %v total %d", ids(got.Reviews), got.Total, tt.want, tt.wantTotal)
			}
		})
	}
	for _, q := range []string{"status=GOOD", "limit=0", "limit=1000", "offset=-3"} {
		t.Run("bad "+q, func(t *testing.T) {
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/reviews?"+q, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
		})
	}
}

func TestSeedSummaries(t *testing.T) {
	d := seed.New()
	h := reviews.NewHandler(reviews.NewStore(d.Reviews))
	withApproved := 0
	for _, p := range d.Products {
		s := apitest.Get[reviews.Summary](t, h, "/products/"+p.ID+"/reviews/summary")
		if s.Count > 0 {
			withApproved++
			if s.Average < 1 || s.Average > 5 {
				t.Fatalf("summary %+v out of range", s)
			}
		}
	}
	if withApproved < 400 {
		t.Fatalf("%d products with approved reviews, want most of 500", withApproved)
	}
}

func TestGet(t *testing.T) {
	h, _ := fixture()
	if got := apitest.Get[reviews.Review](t, h, "/reviews/rev_000004"); got.Rating != 1 || got.Status != reviews.StatusRejected {
		t.Fatalf("review = %+v", got)
	}
	msg := apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/reviews/rev_999999", ""), http.StatusNotFound, httpapi.CodeNotFound)
	if msg != "review rev_999999 not found" {
		t.Fatalf("message = %q", msg)
	}
}

func TestCreate(t *testing.T) {
	t.Run("created", func(t *testing.T) {
		h, s := fixture()
		rec := apitest.Do(t, h, http.MethodPost, "/reviews", `{"productId":"prd_0002","userId":"usr_0009","rating":5,"title":"Great","body":"Works."}`)
		got := apitest.Decode[reviews.Review](t, rec, http.StatusCreated)
		apitest.CacheControl(t, rec, httpapi.CacheNoStore)
		want := reviews.Review{ID: "rev_000007", ProductID: "prd_0002", UserID: "usr_0009", Rating: 5, Title: "Great", Body: "Works.", Status: reviews.StatusPending, CreatedAt: now}
		if got != want {
			t.Fatalf("review = %+v, want %+v", got, want)
		}
		if stored, ok := s.Get("rev_000007"); !ok || stored != want {
			t.Fatalf("stored = %+v", stored)
		}
		// Pending reviews do not count in the summary.
		if sum := s.Summary("prd_0002"); sum.Count != 1 {
			t.Fatalf("summary = %+v", sum)
		}
	})
	tests := []struct{ name, body string }{
		{"rating 0", `{"productId":"prd_0001","userId":"usr_0001","rating":0,"title":"x"}`},
		{"rating 6", `{"productId":"prd_0001","userId":"usr_0001","rating":6,"title":"x"}`},
		{"empty title", `{"productId":"prd_0001","userId":"usr_0001","rating":3,"title":""}`},
		{"blank title", `{"productId":"prd_0001","userId":"usr_0001","rating":3,"title":"   "}`},
		{"long title", `{"productId":"prd_0001","userId":"usr_0001","rating":3,"title":"` + strings.Repeat("x", 201) + `"}`},
		{"missing productId", `{"userId":"usr_0001","rating":3,"title":"x"}`},
		{"missing userId", `{"productId":"prd_0001","rating":3,"title":"x"}`},
		{"status is not settable", `{"productId":"prd_0001","userId":"usr_0001","rating":3,"title":"x","status":"APPROVED"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodPost, "/reviews", tt.body), http.StatusBadRequest, httpapi.CodeBadRequest)
			if _, ok := s.Get("rev_000007"); ok {
				t.Fatal("invalid review stored")
			}
		})
	}
}

func TestPatch(t *testing.T) {
	tests := []struct {
		name, id, body string
		wantStatus     int
		wantCode       string
		wantSummary    reviews.Summary
	}{
		{"approve pending", "rev_000005", `{"status":"APPROVED"}`, 200, "", reviews.Summary{ProductID: "prd_0001", Count: 4, Average: 3.75}},
		{"reject approved", "rev_000001", `{"status":"REJECTED"}`, 200, "", reviews.Summary{ProductID: "prd_0001", Count: 2, Average: 4}},
		{"approve approved", "rev_000001", `{"status":"APPROVED"}`, 200, "", reviews.Summary{ProductID: "prd_0001", Count: 3, Average: 4.33}},
		{"back to pending", "rev_000001", `{"status":"PENDING"}`, 400, httpapi.CodeBadRequest, reviews.Summary{ProductID: "prd_0001", Count: 3, Average: 4.33}},
		{"unknown status", "rev_000001", `{"status":"MEH"}`, 400, httpapi.CodeBadRequest, reviews.Summary{ProductID: "prd_0001", Count: 3, Average: 4.33}},
		{"unknown review", "rev_999999", `{"status":"APPROVED"}`, 404, httpapi.CodeNotFound, reviews.Summary{ProductID: "prd_0001", Count: 3, Average: 4.33}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.Do(t, h, http.MethodPatch, "/reviews/"+tt.id, tt.body)
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.wantStatus, tt.wantCode)
			} else if got := apitest.Decode[reviews.Review](t, rec, tt.wantStatus); got.ID != tt.id || !strings.Contains(tt.body, got.Status) {
				t.Fatalf("review = %+v", got)
			}
			if got := s.Summary("prd_0001"); got != tt.wantSummary {
				t.Fatalf("summary = %+v, want %+v", got, tt.wantSummary)
			}
		})
	}
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /products/{productId}/reviews/summary", "GET /reviews", "GET /reviews/{id}", "POST /reviews", "PATCH /reviews/{id}"}
	if got := reviews.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}
