package seed_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/orders"
	"github.com/frontdesk/frontdesk/services/reviews"
	"github.com/frontdesk/frontdesk/services/seed"
)

func TestNewIsDeterministic(t *testing.T) {
	a, b := seed.New(), seed.New()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two seeds differ")
	}
	// Fresh copies: mutating one must not affect the other.
	a.Users[0].Roles[0] = "mutated"
	a.Orders[0].Items[0].Quantity = 99
	if b.Users[0].Roles[0] != "customer" || b.Orders[0].Items[0].Quantity == 99 {
		t.Fatal("seeds share memory")
	}
}

func TestSeedFixedValues(t *testing.T) {
	d := seed.New()
	u := d.Users[0]
	if u.ID != "usr_0001" || u.Name != "Ada Lovelace" || u.Email != "ada.lovelace@example.com" {
		t.Errorf("first user = %+v", u)
	}
	p := d.Products[0]
	if p.ID != "prd_0001" || p.ImageURL != "https://img.example.com/products/prd_0001.jpg" || p.Currency != "USD" {
		t.Errorf("first product = %+v", p)
	}
	if p.PriceCents%100 != 99 {
		t.Errorf("price %d does not end in 99 cents", p.PriceCents)
	}
	if got := d.Orders[len(d.Orders)-1].ID; got != "ord_02000" {
		t.Errorf("last order id = %s", got)
	}
	if got := d.Reviews[0].ID; got != "rev_000001" {
		t.Errorf("first review id = %s", got)
	}
	base := seed.BaseTime()
	for _, o := range d.Orders {
		if o.CreatedAt.After(base) || o.UpdatedAt.After(base) || o.UpdatedAt.Before(o.CreatedAt) {
			t.Fatalf("order %s times %v..%v outside the seed window", o.ID, o.CreatedAt, o.UpdatedAt)
		}
	}
}

func TestSeedCounts(t *testing.T) {
	d := seed.New()
	if len(d.Users) != 200 || len(d.Products) != 500 || len(d.Orders) != 2000 || len(d.Stock) != 500 {
		t.Fatalf("counts: %d users, %d products, %d orders, %d stock", len(d.Users), len(d.Products), len(d.Orders), len(d.Stock))
	}

	roles := map[string]int{}
	emails := map[string]bool{}
	for _, u := range d.Users {
		roles[strings.Join(u.Roles, ",")]++
		emails[u.Email] = true
	}
	if roles["customer"] != 190 || roles["support"] != 5 || roles["admin,support"] != 5 {
		t.Errorf("roles = %v", roles)
	}
	if len(emails) != 200 {
		t.Errorf("%d distinct emails, want 200", len(emails))
	}

	categories, featured := map[string]bool{}, 0
	price := map[string]int64{}
	for _, p := range d.Products {
		categories[p.Category] = true
		price[p.ID] = p.PriceCents
		if p.Featured {
			featured++
		}
	}
	if len(categories) != 10 || featured != 24 {
		t.Errorf("%d categories, %d featured; want 10, 24", len(categories), featured)
	}

	empty := 0
	for _, st := range d.Stock {
		if len(st.Warehouses) != 3 || st.Warehouses[0].Warehouse != "ams" || st.Warehouses[1].Warehouse != "nyc" || st.Warehouses[2].Warehouse != "sgp" {
			t.Fatalf("stock %s warehouses = %+v", st.ProductID, st.Warehouses)
		}
		if st.Total == 0 {
			empty++
		}
		if st.Total != st.Warehouses[0].Quantity+st.Warehouses[1].Quantity+st.Warehouses[2].Quantity {
			t.Fatalf("stock %s total %d is not the sum", st.ProductID, st.Total)
		}
	}
	if empty != 50 {
		t.Errorf("%d products out of stock everywhere, want 50", empty)
	}

	perCustomer := map[string]int{}
	payments := map[string]bool{}
	for _, p := range d.Payments {
		payments[p.ID] = true
		if p.RefundedCents > p.AmountCents {
			t.Fatalf("payment %s refunds more than its amount", p.ID)
		}
	}
	for _, o := range d.Orders {
		perCustomer[o.UserID]++
		if n := len(o.Items); n < 1 || n > 5 {
			t.Fatalf("order %s has %d items", o.ID, n)
		}
		for _, it := range o.Items {
			if it.UnitPriceCents != price[it.ProductID] {
				t.Fatalf("order %s item %s priced %d, product costs %d", o.ID, it.ProductID, it.UnitPriceCents, price[it.ProductID])
			}
		}
		if o.TotalCents != orders.TotalCents(o.Items) {
			t.Fatalf("order %s total %d is not the sum of its items", o.ID, o.TotalCents)
		}
		switch {
		case o.Status == orders.StatusPending && o.PaymentID != nil:
			t.Fatalf("pending order %s has a payment", o.ID)
		case o.Status != orders.StatusPending && (o.PaymentID == nil || !payments[*o.PaymentID]):
			t.Fatalf("order %s (%s) has no payment", o.ID, o.Status)
		}
	}
	if len(perCustomer) != 190 {
		t.Errorf("%d customers with orders, want 190", len(perCustomer))
	}
	for user, n := range perCustomer {
		if n < 3 {
			t.Errorf("%s has %d orders, want ≥ 3", user, n)
		}
	}

	reviewed := map[string]bool{}
	statuses := map[string]int{}
	for _, r := range d.Reviews {
		reviewed[r.ProductID] = true
		statuses[r.Status]++
	}
	if share := float64(len(reviewed)) / 500; share < 0.85 || share > 0.95 {
		t.Errorf("%.0f%% of products reviewed, want about 90%%", share*100)
	}
	if statuses[reviews.StatusApproved] <= statuses[reviews.StatusPending]+statuses[reviews.StatusRejected] ||
		statuses[reviews.StatusPending] == 0 || statuses[reviews.StatusRejected] == 0 {
		t.Errorf("review statuses = %v, want mostly APPROVED with some PENDING and REJECTED", statuses)
	}
}
