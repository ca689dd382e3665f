package payments_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/internal/apitest"
	"github.com/frontdesk/frontdesk/services/internal/httpapi"
	"github.com/frontdesk/frontdesk/services/payments"
	"github.com/frontdesk/frontdesk/services/seed"
)

var now = time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)

func fixture() (http.Handler, *payments.Store) {
	created := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id, user, status string, amount, refunded int64, refunds ...payments.Refund) payments.Payment {
		return payments.Payment{ID: id, OrderID: "ord" + id[3:], UserID: user, Status: status, AmountCents: amount, RefundedCents: refunded,
			Currency: "USD", Method: "card", Last4: "4242", Refunds: refunds, CreatedAt: created}
	}
	s := payments.NewStore([]payments.Payment{
		mk("pay_00001", "usr_0001", payments.StatusCaptured, 3998, 0),
		mk("pay_00002", "usr_0001", payments.StatusPartiallyRefunded, 1000, 300,
			payments.Refund{ID: "ref_00001", AmountCents: 300, Reason: "damaged", CreatedAt: created}),
		mk("pay_00003", "usr_0002", payments.StatusFailed, 500, 0),
		mk("pay_00004", "usr_0002", payments.StatusRefunded, 700, 700,
			payments.Refund{ID: "ref_00002", AmountCents: 700, Reason: "order cancelled", CreatedAt: created}),
	}, payments.WithClock(func() time.Time { return now }))
	return payments.NewHandler(s), s
}

func ids(ps []payments.Payment) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestBatch(t *testing.T) {
	h, _ := fixture()
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"request order", "ids=pay_00003,pay_00001", []string{"pay_00003", "pay_00001"}},
		{"duplicates once", "ids=pay_00002,pay_00002", []string{"pay_00002"}},
		{"unknown absent", "ids=pay_99999,pay_00004", []string{"pay_00004"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.Do(t, h, http.MethodGet, "/payments?"+tt.query, "")
			got := apitest.Decode[payments.BatchResponse](t, rec, http.StatusOK)
			if !slices.Equal(ids(got.Payments), tt.want) {
				t.Fatalf("ids = %v, want %v", ids(got.Payments), tt.want)
			}
			apitest.CacheControl(t, rec, httpapi.CachePrivate)
		})
	}
	for name, q := range map[string]string{"more than 200": "ids=" + strings.Repeat("pay_00001,", 201), "missing ids": "limit=5"} {
		t.Run(name, func(t *testing.T) {
			apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/payments?"+q, ""), http.StatusBadRequest, httpapi.CodeBadRequest)
		})
	}
}

func TestGet(t *testing.T) {
	h, _ := fixture()
	rec := apitest.Do(t, h, http.MethodGet, "/payments/pay_00001", "")
	if got := apitest.Decode[payments.Payment](t, rec, http.StatusOK); got.AmountCents != 3998 || got.Refunds == nil || len(got.Refunds) != 0 {
		t.Fatalf("payment = %+v", got)
	}
	if !strings.Contains(rec.Body.String(), `"refunds":[]`) {
		t.Fatalf("refunds not an empty array: %s", rec.Body)
	}
	msg := apitest.ExpectError(t, apitest.Do(t, h, http.MethodGet, "/payments/pay_99999", ""), http.StatusNotFound, httpapi.CodeNotFound)
	if msg != "payment pay_99999 not found" {
		t.Fatalf("message = %q", msg)
	}
}

func TestRefund(t *testing.T) {
	tests := []struct {
		name, id, body string
		wantHTTP       int
		wantCode       string
		wantStatus     string
		wantRefunded   int64
		wantRefundID   string
	}{
		{"partial", "pay_00001", `{"amountCents":500,"reason":"damaged"}`, 201, "", payments.StatusPartiallyRefunded, 500, "ref_00003"},
		{"full", "pay_00001", `{"amountCents":3998,"reason":"returned"}`, 201, "", payments.StatusRefunded, 3998, "ref_00003"},
		{"rest of partial", "pay_00002", `{"amountCents":700}`, 201, "", payments.StatusRefunded, 1000, "ref_00003"},
		{"more than left", "pay_00002", `{"amountCents":701}`, 409, httpapi.CodeConflict, payments.StatusPartiallyRefunded, 300, ""},
		{"already refunded", "pay_00004", `{"amountCents":1}`, 409, httpapi.CodeConflict, payments.StatusRefunded, 700, ""},
		{"failed payment", "pay_00003", `{"amountCents":1}`, 409, httpapi.CodeConflict, payments.StatusFailed, 0, ""},
		{"zero amount", "pay_00001", `{"amountCents":0}`, 400, httpapi.CodeBadRequest, payments.StatusCaptured, 0, ""},
		{"negative amount", "pay_00001", `{"amountCents":-5}`, 400, httpapi.CodeBadRequest, payments.StatusCaptured, 0, ""},
		{"string amount", "pay_00001", `{"amountCents":"5"}`, 400, httpapi.CodeBadRequest, payments.StatusCaptured, 0, ""},
		{"unknown payment", "pay_99999", `{"amountCents":1}`, 404, httpapi.CodeNotFound, "", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.Do(t, h, http.MethodPost, "/payments/"+tt.id+"/refunds", tt.body)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			if tt.wantCode != "" {
				apitest.ExpectError(t, rec, tt.wantHTTP, tt.wantCode)
			} else {
				got := apitest.Decode[payments.Payment](t, rec, tt.wantHTTP)
				last := got.Refunds[len(got.Refunds)-1]
				if last.ID != tt.wantRefundID || !last.CreatedAt.Equal(now) {
					t.Fatalf("new refund = %+v", last)
				}
			}
			stored, _ := s.Get(tt.id)
			if stored.Status != tt.wantStatus || stored.RefundedCents != tt.wantRefunded {
				t.Fatalf("stored = %s refunded %d; want %s refunded %d", stored.Status, stored.RefundedCents, tt.wantStatus, tt.wantRefunded)
			}
		})
	}
}

func TestSeedPaymentsAreConsistent(t *testing.T) {
	d := seed.New()
	h := payments.NewHandler(payments.NewStore(d.Payments))
	for _, o := range d.Orders {
		if o.PaymentID == nil {
			continue
		}
		p := apitest.Get[payments.Payment](t, h, "/payments/"+*o.PaymentID)
		if p.OrderID != o.ID || p.UserID != o.UserID || p.AmountCents != o.TotalCents {
			t.Fatalf("payment %+v does not match order %s (%d)", p, o.ID, o.TotalCents)
		}
	}
}

func TestRoutes(t *testing.T) {
	want := []string{"GET /payments", "GET /payments/{id}", "POST /payments/{id}/refunds"}
	if got := payments.Routes(); !slices.Equal(got, want) {
		t.Fatalf("Routes = %v, want %v", got, want)
	}
}

// Identities as the gateway forwards them: usr_0001 owns pay_00001 and 2 in
// the fixture, usr_0002 owns pay_00003 and 4.
var (
	anonymous  http.Header
	asCustomer = apitest.Identity("usr_0001", "customer")
	asSupport  = apitest.Identity("usr_0191", "support")
	asAdmin    = apitest.Identity("usr_0196", "admin", "support")
)

func TestScopedReads(t *testing.T) {
	h, _ := fixture()
	all := []string{"pay_00003", "pay_00001", "pay_00004", "pay_00002"}
	tests := []struct {
		name      string
		header    http.Header
		wantBatch []string
		wantOwn   int // status of GET /payments/pay_00001
		wantOther int // status of GET /payments/pay_00003
	}{
		{"customer sees its own only", asCustomer, []string{"pay_00001", "pay_00002"}, http.StatusOK, http.StatusNotFound},
		{"support sees everything", asSupport, all, http.StatusOK, http.StatusOK},
		{"admin sees everything", asAdmin, all, http.StatusOK, http.StatusOK},
		{"no identity: unchanged", anonymous, all, http.StatusOK, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/payments?ids=pay_00003,pay_00001,pay_99999,pay_00004,pay_00002", "")
			if got := apitest.Decode[payments.BatchResponse](t, rec, http.StatusOK); !slices.Equal(ids(got.Payments), tt.wantBatch) {
				t.Fatalf("batch ids = %v, want %v", ids(got.Payments), tt.wantBatch)
			}
			for id, want := range map[string]int{"pay_00001": tt.wantOwn, "pay_00003": tt.wantOther} {
				rec := apitest.DoWith(t, h, tt.header, http.MethodGet, "/payments/"+id, "")
				if want == http.StatusNotFound {
					// The same answer as for an id that does not exist.
					if msg := apitest.ExpectError(t, rec, want, httpapi.CodeNotFound); msg != "payment "+id+" not found" {
						t.Fatalf("message = %q", msg)
					}
					continue
				}
				if got := apitest.Decode[payments.Payment](t, rec, want); got.ID != id {
					t.Fatalf("payment = %+v", got)
				}
			}
		})
	}
}

func TestScopedRefund(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		id     string
		want   int
	}{
		{"customer, own payment", asCustomer, "pay_00001", http.StatusForbidden},
		{"customer, other's payment", asCustomer, "pay_00003", http.StatusForbidden},
		{"customer, unknown payment", asCustomer, "pay_99999", http.StatusForbidden},
		{"support only", asSupport, "pay_00001", http.StatusForbidden},
		{"admin", asAdmin, "pay_00001", http.StatusCreated},
		{"no identity: unchanged", anonymous, "pay_00001", http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, s := fixture()
			rec := apitest.DoWith(t, h, tt.header, http.MethodPost, "/payments/"+tt.id+"/refunds", `{"amountCents":100}`)
			apitest.CacheControl(t, rec, httpapi.CacheNoStore)
			stored, _ := s.Get(tt.id)
			if tt.want == http.StatusForbidden {
				apitest.ExpectError(t, rec, tt.want, httpapi.CodeForbidden)
				if stored.RefundedCents != 0 {
					t.Fatalf("refused refund was applied: %+v", stored)
				}
				return
			}
			if got := apitest.Decode[payments.Payment](t, rec, tt.want); got.RefundedCents != 100 || stored.RefundedCents != 100 {
				t.Fatalf("answer %+v, stored %+v", got, stored)
			}
		})
	}
}

// TestScopedSeed checks the scoping over the seeded payments: a customer
// reads the payments of its own orders and none of another customer's.
func TestScopedSeed(t *testing.T) {
	d := seed.New()
	h := payments.NewHandler(payments.NewStore(d.Payments))
	var owner, mine, theirs string
	for _, o := range d.Orders {
		switch {
		case o.PaymentID == nil:
		case owner == "":
			owner, mine = o.UserID, *o.PaymentID
		case o.UserID != owner && theirs == "":
			theirs = *o.PaymentID
		}
	}
	as := apitest.Identity(owner, "customer")
	if got := apitest.Decode[payments.Payment](t, apitest.DoWith(t, h, as, http.MethodGet, "/payments/"+mine, ""), http.StatusOK); got.UserID != owner {
		t.Fatalf("payment %s belongs to %s, want %s", mine, got.UserID, owner)
	}
	apitest.ExpectError(t, apitest.DoWith(t, h, as, http.MethodGet, "/payments/"+theirs, ""), http.StatusNotFound, httpapi.CodeNotFound)
	got := apitest.Decode[payments.BatchResponse](t, apitest.DoWith(t, h, as, http.MethodGet, "/payments?ids="+theirs+","+mine, ""), http.StatusOK)
	if !slices.Equal(ids(got.Payments), []string{mine}) {
		t.Fatalf("batch ids = %v, want [%s]", ids(got.Payments), mine)
	}
}
