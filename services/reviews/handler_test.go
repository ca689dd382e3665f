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

// Identities as the gateway forwards them.
var (
	anonymous  http.Header
	asCustomer = apitest.Identity("usr_0001", "customer")
	asAuthor5  = apitest.Identity("usr_0005", "customer")
	asSupport  = apitest.Identity("usr_0191", "support")
	asAdmin    = apitest.Identity("usr_0196", "admin", "support")
)

// scopedFixture is fixture plus rev_000007, a PENDING review by usr_0001
// (the newest review), so that usr_0001 has approved and pending reviews of
// its own while usr_0004 and usr_0005 have a rejected and a pending one.
func scopedFixture(t *testing.T) (http.Handler, *reviews.Store) {
	t.Helper()
	h, s := fixture()
	if _, err := s.Create(reviews.NewReview{ProductID: "prd_0001", UserID: "usr_0001", Rating: 2, Title: "meh"}); err != nil {
		t.Fatal(err)
	}
	return h, s
}

func TestScopedList(t *testing.T) {
	h, _ := scopedFixture(t)
	tests := []struct {
		name      string
		header    http.Header
		query     string
		want      []string
		wantTotal int
	}{
		{"customer: approved plus its own pending", asCustomer, "",
			[]string{"rev_000007", "rev_000006", "rev_000002", "rev_000003", "rev_000001"}, 5},
		{"customer asking for non-approved gets its own only", asCustomer, "status=PENDING,REJECTED", []string{"rev_000007"}, 1},
		{"customer filtering on another author", asCustomer, "userId=usr_0005", []string{}, 0},
		{"customer filtering on another author, approved ones", asCustomer, "userId=usr_0002", []string{"rev_000002"}, 1},
		{"another customer's own pending", asAuthor5, "status=PENDING", []string{"rev_000005"}, 1},
		{"support sees everything", asSupport, "status=PENDING,REJECTED", []string{"rev_000007", "rev_000005", "rev_000004"}, 3},
		{"admin sees everything", asAdmin, "productId=prd_0001&limit=1", []string{"rev_000007"}, 6},
		{"no identity: unchanged", anonymous, "status=PENDING,REJECTED", []string{"rev_000007", "rev_000005", "rev_000004"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/reviews?"+tt.query, "")
			got := apitest.Decode[reviews.ListResponse](t, rec, http.StatusOK)
			if !slices.Equal(ids(got.Reviews), tt.want) || got.Total != tt.wantTotal {
				t.Fatalf("ids = %v total %d, want %v total %d", ids(got.Reviews), got.Total, tt.want, tt.wantTotal)
			}
		})
	}
}

func TestScopedGet(t *testing.T) {
	h, _ := scopedFixture(t)
	tests := []struct {
		name   string
		header http.Header
		id     string
		want   int
	}{
		{"customer, another's approved review", asCustomer, "rev_000002", http.StatusOK},
		{"customer, its own pending review", asCustomer, "rev_000007", http.StatusOK},
		{"customer, another's pending review", asCustomer, "rev_000005", http.StatusNotFound},
		{"customer, another's rejected review", asCustomer, "rev_000004", http.StatusNotFound},
		{"support, another's pending review", asSupport, "rev_000005", http.StatusOK},
		{"no identity: unchanged", anonymous, "rev_000004", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/reviews/"+tt.id, "")
			if tt.want == http.StatusNotFound {
				// The same answer as for an id that does not exist.
				if msg := apitest.ExpectError(t, rec, tt.want, httpapi.CodeNotFound); msg != "review "+tt.id+" not found" {
					t.Fatalf("message = %q", msg)
				}
				return
			}
			if got := apitest.Decode[reviews.Review](t, rec, tt.want); got.ID != tt.id {
				t.Fatalf("review = %+v", got)
			}
		})
	}
	t.Run("summary is the same for everyone", func(t *testing.T) {
		want := reviews.Summary{ProductID: "prd_0001", Count: 3, Average: 4.33}
		for _, header := range []http.Header{asCustomer, asAdmin, anonymous} {
			rec := apitest.DoWith(t, h, header, http.MethodGet, "/products/prd_0001/reviews/summary", "")
			if got := apitest.Decode[reviews.Summary](t, rec, http.StatusOK); got != want {
				t.Fatalf("summary = %+v, want %+v", got, want)
			}
		}
	})
}

func TestScopedCreate(t *testing.T) {
	tests := []struct {
		name     string
		header   http.Header
		body     string
		want     int
		wantCode string
	}{
		{"customer as itself", asCustomer, `{"productId":"prd_0002","userId":"usr_0001","rating":5,"title":"Great"}`, http.StatusCreated, ""},
		{"customer as someone else", asCustomer, `{"productId":"prd_0002","userId":"usr_0002","rating":5,"title":"Great"}`, http.StatusForbidden, httpapi.CodeForbidden},
		{"customer, invalid review as someone else", asCustomer, `{"productId":"prd_0002","userId":"usr_0002","rating":9,"title":"Great"}`, http.StatusBadRequest, httpapi.CodeBadRequest},
		{"support for a customer", asSupport, `{"productId":"prd_0002","userId":"usr_0002","rating":5,"title":"Great"}`, http.StatusCreated, ""},
		{"no identity: unchanged", anonymous, `{"productId":"prd_0002","userId":"usr_0002","rating":5,"title":"Great"}`, http.StatusCreated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.DoWith(t, h, tt.header, http.MethodPost, "/reviews", tt.body)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			_, stored := s.Get("rev_000007")
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.want, tt.wantCode)
				if stored {
					t.Fatal("refused review was stored")
				}
				return
			}
			if got := apitest.Decode[reviews.Review](t, rec, tt.want); got.ID != "rev_000007" || !stored {
				t.Fatalf("review = %+v, stored %v", got, stored)
			}
		})
	}
}

func TestScopedModeration(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		id     string
		want   int
	}{
		{"customer, own review", asCustomer, "rev_000007", http.StatusForbidden},
		{"customer, another's review", asCustomer, "rev_000005", http.StatusForbidden},
		{"customer, unknown review", asCustomer, "rev_999999", http.StatusForbidden},
		{"support only", asSupport, "rev_000005", http.StatusForbidden},
		{"admin", asAdmin, "rev_000005", http.StatusOK},
		{"no identity: unchanged", anonymous, "rev_000005", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := scopedFixture(t)
			rec := apitest.DoWith(t, h, tt.header, http.MethodPatch, "/reviews/"+tt.id, `{"status":"APPROVED"}`)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			after, _ := s.Get(tt.id)
			if tt.want == http.StatusForbidden {
				apitest.ExpectError(t, rec, tt.want, httpapi.CodeForbidden)
				if after.Status == reviews.StatusApproved {
					t.Fatal("refused moderation was applied")
				}
				return
			}
			if got := apitest.Decode[reviews.Review](t, rec, tt.want); got.Status != reviews.StatusApproved || after.Status != reviews.StatusApproved {
				t.Fatalf("answer %+v, stored %+v", got, after)
			}
		})
	}
}

// TestScopedSeed checks the scoping over the seeded reviews: a customer sees
// every approved review and, of the others, only its own.
func TestScopedSeed(t *testing.T) {
	d := seed.New()
	h := reviews.NewHandler(reviews.NewStore(d.Reviews))
	var author string
	for _, r := range d.Reviews {
		if r.Status != reviews.StatusApproved {
			author = r.UserID
			break
		}
	}
	approved, own := 0, 0
	for _, r := range d.Reviews {
		switch {
		case r.Status == reviews.StatusApproved:
			approved++
		case r.UserID == author:
			own++
		}
	}
	got := apitest.Decode[reviews.ListResponse](t,
		apitest.DoWith(t, h, apitest.Identity(author, "customer"), http.MethodGet, "/reviews?limit=200", ""), http.StatusOK)
	if got.Total != approved+own || own == 0 || got.Total == len(d.Reviews) {
		t.Fatalf("%s sees %d reviews, want %d approved + %d own (of %d)", author, got.Total, approved, own, len(d.Reviews))
	}
	for _, r := range got.Reviews {
		if r.Status != reviews.StatusApproved && r.UserID != author {
			t.Fatalf("%s sees %s's %s review %s", author, r.UserID, r.Status, r.ID)
		}
	}
}
