// Package seed builds the deterministic demo data set shared by the six demo
// services. Every call to New returns the same data, freshly allocated.
package seed

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/inventory"
	"github.com/frontdesk/frontdesk/services/orders"
	"github.com/frontdesk/frontdesk/services/payments"
	"github.com/frontdesk/frontdesk/services/reviews"
	"github.com/frontdesk/frontdesk/services/users"
)

// Sizes of the seeded data set.
const (
	NumUsers     = 200
	NumCustomers = 190
	NumProducts  = 500
	NumFeatured  = 24
	NumOrders    = 2000
	MinOrders    = 3 // orders per customer, at least
)

// The PCG seed of the generator; changing it changes every seeded value.
const (
	pcgSeed1 = 0x5EED_F00D
	pcgSeed2 = 0xF40_7DE5C
)

// BaseTime is the seed's notion of "now": every seeded timestamp is at or
// before it.
func BaseTime() time.Time { return time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC) }

// Data is one complete, self-consistent demo data set. Every order's items
// are priced at their product's price, every non-PENDING order has a payment,
// and every product has a stock record.
type Data struct {
	Users    []users.User
	Products []catalog.Product
	Stock    []inventory.Stock
	Orders   []orders.Order
	Payments []payments.Payment
	Reviews  []reviews.Review
}

// New generates the data set. It is deterministic: every call returns equal,
// independently allocated data, so callers may mutate it freely.
func New() *Data {
	g := &generator{rnd: rand.New(rand.NewPCG(pcgSeed1, pcgSeed2)), base: BaseTime()}
	d := &Data{}
	d.Users = g.users()
	d.Products = g.products()
	d.Stock = g.stock(d.Products)
	d.Orders, d.Payments = g.orders(d.Products)
	d.Reviews = g.reviews(d.Products)
	return d
}

// generator holds the random source and clock of one New call.
type generator struct {
	rnd  *rand.Rand
	base time.Time
}

// pick returns a random element of xs.
func pick[T any](g *generator, xs []T) T { return xs[g.rnd.IntN(len(xs))] }

// between returns a random int in [lo, hi].
func (g *generator) between(lo, hi int) int { return lo + g.rnd.IntN(hi-lo+1) }

// chance reports true with probability p.
func (g *generator) chance(p float64) bool { return g.rnd.Float64() < p }

// sortedTimes returns n random whole-second times in [from, to), ascending.
func (g *generator) sortedTimes(n int, from, to time.Time) []time.Time {
	span := int64(to.Sub(from) / time.Second)
	ts := make([]time.Time, n)
	for i := range ts {
		ts[i] = from.Add(time.Duration(g.rnd.Int64N(span)) * time.Second)
	}
	slices.SortFunc(ts, time.Time.Compare)
	return ts
}

// after returns t plus a random duration in [lo, hi], capped at the base time.
func (g *generator) after(t time.Time, lo, hi time.Duration) time.Time {
	d := lo + time.Duration(g.rnd.Int64N(int64(hi-lo)/int64(time.Second)+1))*time.Second
	if next := t.Add(d); next.Before(g.base) {
		return next
	}
	return g.base
}

// weighted returns an index into weights chosen with those relative weights.
func (g *generator) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.rnd.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}
