package seed

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/reviews"
)

// reviewTitles and reviewBodies are indexed by rating-1.
var (
	reviewTitles = [5][]string{
		{"Disappointed", "Broke after a week", "Would not buy again"},
		{"Not great", "Below expectations", "Meh"},
		{"Does the job", "Okay for the price", "Decent"},
		{"Very good", "Happy with it", "Solid choice"},
		{"Love it", "Excellent", "Exactly what I wanted"},
	}
	reviewBodies = [5][]string{
		{"Stopped working almost immediately.", "Feels cheap and the finish is poor."},
		{"It works, but not as well as described.", "Quality is a bit uneven."},
		{"Nothing special, but it does what it says.", "Fine for occasional use."},
		{"Well made and arrived quickly.", "Good value, minor quirks."},
		{"Great quality, I use it every day.", "Better than I expected, highly recommended."},
	}
	reviewExtras = []string{
		"Delivery was fast.", "Packaging could be better.", "Bought a second one as a gift.",
		"Customer support was helpful.", "", "",
	}
)

// reviewedShare is the share of products with at least one review.
const reviewedShare = 0.9

// reviews returns 1–15 reviews by distinct customers for 90 % of the
// products; ids follow creation order.
func (g *generator) reviews(ps []catalog.Product) []reviews.Review {
	var out []reviews.Review
	reviewed := g.rnd.Perm(len(ps))[:int(float64(len(ps))*reviewedShare)]
	slices.Sort(reviewed)
	for _, pi := range reviewed {
		n := g.between(1, 15)
		authors := g.rnd.Perm(NumCustomers)[:n]
		times := g.sortedTimes(n, g.base.AddDate(-1, 0, 0), g.base)
		for k, author := range authors {
			rating := 1 + g.weighted(5, 7, 15, 35, 38)
			body := strings.TrimSpace(pick(g, reviewBodies[rating-1]) + " " + pick(g, reviewExtras))
			out = append(out, reviews.Review{
				ProductID: ps[pi].ID,
				UserID:    customerID(author),
				Rating:    rating,
				Title:     pick(g, reviewTitles[rating-1]),
				Body:      body,
				Status:    []string{reviews.StatusApproved, reviews.StatusPending, reviews.StatusRejected}[g.weighted(80, 12, 8)],
				CreatedAt: times[k],
			})
		}
	}
	slices.SortStableFunc(out, func(a, b reviews.Review) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ProductID, b.ProductID))
	})
	for i := range out {
		out[i].ID = fmt.Sprintf("rev_%06d", i+1)
	}
	return out
}
