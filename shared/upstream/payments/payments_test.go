package payments_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/payments"
)

// newClient starts fresh services, so every case sees the seed.
func newClient(t *testing.T) *payments.Client {
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
	return c.Payments
}

// summary is the comparable part of a payment.
type summary struct {
	ID, OrderID, Status string
	Amount, Refunded    int
	Refunds             []int
	Reasons             []string
}

func summarize(p payments.Payment) summary {
	s := summary{ID: p.ID, OrderID: p.OrderID, Status: p.Status, Amount: p.AmountCents, Refunded: p.RefundedCents}
	for _, r := range p.Refunds {
		s.Refunds = append(s.Refunds, r.AmountCents)
		s.Reasons = append(s.Reasons, r.Reason)
	}
	return s
}

func equal(a, b summary) bool {
	return a.ID == b.ID && a.OrderID == b.OrderID && a.Status == b.Status && a.Amount == b.Amount &&
		a.Refunded == b.Refunded && slices.Equal(a.Refunds, b.Refunds) && slices.Equal(a.Reasons, b.Reasons)
}

func TestBatchGet(t *testing.T) {
	c := newClient(t)
	tests := []struct {
		name string
		ids  []string
		want []summary
	}{
		{"omits unknown ids", []string{"pay_00001", "pay_99999"}, []summary{{ID: "pay_00001", OrderID: "ord_00001", Status: "CAPTURED", Amount: 153395}}},
		{"refunded payment with its refunds", []string{"pay_01654"}, []summary{{ID: "pay_01654", OrderID: "ord_01812", Status: "REFUNDED", Amount: 17398, Refunded: 17398,
			Refunds: []int{17398}, Reasons: []string{"order cancelled"}}}},
		{"request order", []string{"pay_00002", "pay_00001"}, []summary{
			{ID: "pay_00002", OrderID: "ord_00002", Status: "CAPTURED", Amount: 5499},
			{ID: "pay_00001", OrderID: "ord_00001", Status: "CAPTURED", Amount: 153395},
		}},
		{"only unknown ids", []string{"pay_99999"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := c.BatchGet(t.Context(), tt.ids)
			if err != nil {
				t.Fatalf("BatchGet: %v", err)
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("BatchGet = %+v, want %+v", ps, tt.want)
			}
			for i, p := range ps {
				if got := summarize(p); !equal(got, tt.want[i]) {
					t.Errorf("[%d] = %+v, want %+v", i, got, tt.want[i])
				}
				if p.Currency != "USD" || p.Method != "card" || len(p.Last4) != 4 || p.CreatedAt.IsZero() {
					t.Errorf("[%d] currency, method, last4, createdAt = %q %q %q %v", i, p.Currency, p.Method, p.Last4, p.CreatedAt)
				}
			}
		})
	}
}

func TestRefund(t *testing.T) {
	type refund struct {
		id     string
		amount int
		reason string
	}
	tests := []struct {
		name     string
		refunds  []refund // all but the last must succeed
		want     summary
		wantKind restclient.Kind
		wantCode string
	}{
		{"partial", []refund{{"pay_00002", 500, "damaged"}},
			summary{ID: "pay_00002", OrderID: "ord_00002", Status: "PARTIALLY_REFUNDED", Amount: 5499, Refunded: 500, Refunds: []int{500}, Reasons: []string{"damaged"}}, 0, ""},
		{"partial then the rest", []refund{{"pay_00002", 500, "damaged"}, {"pay_00002", 4999, "returned"}},
			summary{ID: "pay_00002", OrderID: "ord_00002", Status: "REFUNDED", Amount: 5499, Refunded: 5499, Refunds: []int{500, 4999}, Reasons: []string{"damaged", "returned"}}, 0, ""},
		{"over the amount", []refund{{"pay_00002", 5500, "too much"}}, summary{}, restclient.KindConflict, "conflict"},
		{"over the remaining amount", []refund{{"pay_00002", 500, "damaged"}, {"pay_00002", 5000, "too much"}}, summary{}, restclient.KindConflict, "conflict"},
		{"refunded payment", []refund{{"pay_01654", 1, "again"}}, summary{}, restclient.KindConflict, "conflict"},
		{"zero amount", []refund{{"pay_00002", 0, "nothing"}}, summary{}, restclient.KindBadRequest, "bad_request"},
		{"unknown payment", []refund{{"pay_99999", 100, "ghost"}}, summary{}, restclient.KindNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t)
			var (
				p   payments.Payment
				err error
			)
			for i, r := range tt.refunds {
				p, err = c.Refund(t.Context(), r.id, r.amount, r.reason)
				if i < len(tt.refunds)-1 && err != nil {
					t.Fatalf("refund %d: %v", i, err)
				}
			}
			if tt.wantKind != 0 {
				e, ok := errors.AsType[*restclient.Error](err)
				if !ok || e.Kind != tt.wantKind || e.Code != tt.wantCode || e.Service != "payments" || e.Op != "POST /payments/"+tt.refunds[0].id+"/refunds" {
					t.Fatalf("err = %v, want a payments %v error with code %s", err, tt.wantKind, tt.wantCode)
				}
				if got, want := errors.Is(err, restclient.ErrNotFound), tt.wantKind == restclient.KindNotFound; got != want {
					t.Errorf("errors.Is(err, ErrNotFound) = %v, want %v", got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got := summarize(p); !equal(got, tt.want) {
				t.Errorf("payment = %+v\nwant      %+v", got, tt.want)
			}
			for _, r := range p.Refunds {
				if len(r.ID) != len("ref_00001") || r.ID[:4] != "ref_" || r.CreatedAt.IsZero() {
					t.Errorf("refund id, createdAt = %q, %v", r.ID, r.CreatedAt)
				}
			}
			after, err := c.BatchGet(t.Context(), []string{p.ID})
			if err != nil || len(after) != 1 || !equal(summarize(after[0]), tt.want) {
				t.Errorf("BatchGet after refund = %+v, %v", after, err)
			}
		})
	}
}
