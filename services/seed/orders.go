package seed

import (
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/orders"
	"github.com/frontdesk/frontdesk/services/payments"
)

var (
	cardLast4     = []string{"4242", "1881", "0005", "4444", "1117", "5100", "0077", "3220"}
	refundReasons = []string{"damaged in transit", "item not as described", "late delivery goodwill", "returned item", "missing part"}
)

// orders returns NumOrders orders, ids in creation order, with every customer
// placing at least MinOrders, and a payment for every non-PENDING order.
func (g *generator) orders(ps []catalog.Product) ([]orders.Order, []payments.Payment) {
	owners := make([]int, 0, NumOrders)
	for c := range NumCustomers {
		for range MinOrders {
			owners = append(owners, c)
		}
	}
	for len(owners) < NumOrders {
		owners = append(owners, g.rnd.IntN(NumCustomers))
	}
	g.rnd.Shuffle(len(owners), func(i, j int) { owners[i], owners[j] = owners[j], owners[i] })

	created := g.sortedTimes(NumOrders, g.base.AddDate(-1, 0, 0), g.base.Add(-time.Hour))
	var (
		os   = make([]orders.Order, NumOrders)
		pays []payments.Payment
		pg   = paymentGen{generator: g}
	)
	for i := range os {
		o := orders.Order{
			ID:        fmt.Sprintf("ord_%05d", i+1),
			UserID:    customerID(owners[i]),
			Items:     g.items(ps),
			Currency:  orders.Currency,
			CreatedAt: created[i],
		}
		o.TotalCents = orders.TotalCents(o.Items)
		o.Status = []string{
			orders.StatusPending, orders.StatusPaid, orders.StatusShipped, orders.StatusDelivered, orders.StatusCancelled,
		}[g.weighted(8, 12, 15, 55, 10)]
		switch o.Status {
		case orders.StatusPending:
			o.UpdatedAt = o.CreatedAt
		case orders.StatusPaid:
			o.UpdatedAt = g.after(o.CreatedAt, time.Minute, time.Hour)
		case orders.StatusShipped:
			o.UpdatedAt = g.after(o.CreatedAt, 24*time.Hour, 72*time.Hour)
		case orders.StatusDelivered:
			o.UpdatedAt = g.after(o.CreatedAt, 72*time.Hour, 8*24*time.Hour)
		case orders.StatusCancelled:
			o.UpdatedAt = g.after(o.CreatedAt, time.Hour, 48*time.Hour)
		}
		if o.Status != orders.StatusPending {
			p := pg.payment(o, len(pays)+1)
			o.PaymentID = &p.ID
			pays = append(pays, p)
		}
		os[i] = o
	}
	return os, pays
}

// items returns 1–5 lines of distinct products priced at the product price.
func (g *generator) items(ps []catalog.Product) []orders.Item {
	n := g.between(1, 5)
	seen := make(map[int]bool, n)
	items := make([]orders.Item, 0, n)
	for len(items) < n {
		i := g.rnd.IntN(len(ps))
		if seen[i] {
			continue
		}
		seen[i] = true
		qty := int64(1)
		if g.chance(0.3) {
			qty = int64(g.between(2, 4))
		}
		items = append(items, orders.Item{ProductID: ps[i].ID, Quantity: qty, UnitPriceCents: ps[i].PriceCents})
	}
	return items
}

// paymentGen numbers refunds across all payments.
type paymentGen struct {
	*generator
	refunds int
}

// payment returns payment number n of order o. Cancelled orders have a FAILED
// or fully REFUNDED payment; some delivered orders were (partly) refunded.
func (pg *paymentGen) payment(o orders.Order, n int) payments.Payment {
	g := pg.generator
	p := payments.Payment{
		ID:          fmt.Sprintf("pay_%05d", n),
		OrderID:     o.ID,
		UserID:      o.UserID,
		Status:      payments.StatusCaptured,
		AmountCents: o.TotalCents,
		Currency:    o.Currency,
		Method:      "card",
		Last4:       pick(g, cardLast4),
		Refunds:     []payments.Refund{},
		CreatedAt:   g.after(o.CreatedAt, time.Minute, 10*time.Minute),
	}
	switch {
	case o.Status == orders.StatusCancelled && g.chance(0.5):
		p.Status = payments.StatusFailed
	case o.Status == orders.StatusCancelled:
		pg.refund(&p, p.AmountCents, "order cancelled")
	case o.Status == orders.StatusDelivered:
		switch g.weighted(88, 8, 4) {
		case 1:
			share := int64(g.between(10, 50))
			pg.refund(&p, max(1, min(p.AmountCents-1, p.AmountCents*share/100)), pick(g, refundReasons))
		case 2:
			pg.refund(&p, p.AmountCents, "returned item")
		}
	}
	return p
}

func (pg *paymentGen) refund(p *payments.Payment, amount int64, reason string) {
	pg.refunds++
	p.Refunds = append(p.Refunds, payments.Refund{
		ID:          fmt.Sprintf("ref_%05d", pg.refunds),
		AmountCents: amount,
		Reason:      reason,
		CreatedAt:   pg.after(p.CreatedAt, time.Hour, 14*24*time.Hour),
	})
	p.RefundedCents += amount
	p.Status = payments.StatusPartiallyRefunded
	if p.RefundedCents == p.AmountCents {
		p.Status = payments.StatusRefunded
	}
}
