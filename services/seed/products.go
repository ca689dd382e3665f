package seed

import (
	"fmt"
	"strings"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/inventory"
)

// category describes how to make up products of one category.
type category struct {
	name       string
	nouns      []string
	minDollars int
	maxDollars int
}

var categories = []category{
	{"Audio", []string{"Headphones", "Earbuds", "Speaker", "Soundbar", "Turntable", "Amplifier"}, 19, 399},
	{"Books", []string{"Cookbook", "Novel", "Atlas", "Field Guide", "Notebook", "Anthology"}, 9, 59},
	{"Cameras", []string{"Camera", "Lens", "Tripod", "Camera Bag", "Flash", "Light Meter"}, 29, 1299},
	{"Clothing", []string{"Jacket", "Hoodie", "T-Shirt", "Raincoat", "Sweater", "Scarf"}, 15, 249},
	{"Computers", []string{"Laptop", "Keyboard", "Mouse", "Monitor", "Webcam", "USB Hub"}, 19, 1999},
	{"Garden", []string{"Planter", "Watering Can", "Pruning Shears", "Garden Hose", "Bird Feeder", "Seed Kit"}, 9, 149},
	{"Home", []string{"Floor Lamp", "Rug", "Throw Blanket", "Candle", "Wall Clock", "Cushion"}, 12, 299},
	{"Kitchen", []string{"Chef's Knife", "Skillet", "Kettle", "Coffee Grinder", "Cutting Board", "Blender"}, 12, 349},
	{"Sports", []string{"Yoga Mat", "Water Bottle", "Running Shoes", "Dumbbell Set", "Bike Helmet", "Tennis Racket"}, 12, 299},
	{"Toys", []string{"Puzzle", "Building Blocks", "Plush Bear", "Kite", "Board Game", "Toy Train"}, 9, 89},
}

var (
	brands     = []string{"Aurora", "Summit", "Harbor", "Meridian", "Willow", "Cedar", "Nimbus", "Juniper", "Basalt", "Lumen"}
	adjectives = []string{"Classic", "Compact", "Deluxe", "Everyday", "Nordic", "Urban", "Vintage", "Lightweight", "Heritage", "Essential", "Premium", "Rustic"}
	features   = []string{
		"built to last for years", "designed for everyday use", "made from recycled materials",
		"backed by a two-year warranty", "easy to clean and store", "tested by our team for months",
		"finished by hand", "shipped in plastic-free packaging",
	}
	closings = []string{
		"A customer favourite.", "Makes a great gift.", "Pairs well with the rest of the range.",
		"Limited run for this season.", "Now in new colours.", "Our best seller in its class.",
	}
)

// products returns NumProducts products over the ten categories, NumFeatured
// of them featured.
func (g *generator) products() []catalog.Product {
	featured := make(map[int]bool, NumFeatured)
	for _, i := range g.rnd.Perm(NumProducts)[:NumFeatured] {
		featured[i] = true
	}
	created := g.sortedTimes(NumProducts, g.base.AddDate(-2, 0, 0), g.base.AddDate(-1, 0, 0))
	out := make([]catalog.Product, NumProducts)
	for i := range out {
		c := categories[i%len(categories)]
		if i >= len(categories) { // every category is used; the rest at random
			c = pick(g, categories)
		}
		brand, adj, noun := pick(g, brands), pick(g, adjectives), pick(g, c.nouns)
		id := fmt.Sprintf("prd_%04d", i+1)
		out[i] = catalog.Product{
			ID:   id,
			Name: brand + " " + adj + " " + noun,
			Description: fmt.Sprintf("%s %s from %s, %s. %s",
				adj, strings.ToLower(noun), brand, pick(g, features), pick(g, closings)),
			Category:   c.name,
			PriceCents: int64(g.between(c.minDollars+1, c.maxDollars+1))*100 - 1,
			Currency:   "USD",
			ImageURL:   "https://img.example.com/products/" + id + ".jpg",
			Featured:   featured[i],
			CreatedAt:  created[i],
		}
	}
	return out
}

// stock returns a stock record per product; a tenth of the products are out
// of stock in every warehouse, the others hold at least one item.
func (g *generator) stock(ps []catalog.Product) []inventory.Stock {
	empty := make(map[int]bool, len(ps)/10)
	for _, i := range g.rnd.Perm(len(ps))[:len(ps)/10] {
		empty[i] = true
	}
	out := make([]inventory.Stock, len(ps))
	for i, p := range ps {
		q := map[string]int64{}
		if !empty[i] {
			for _, wh := range inventory.Warehouses() {
				if g.chance(0.75) {
					q[wh] = int64(g.between(1, 60))
				}
			}
			if q["ams"]+q["nyc"]+q["sgp"] == 0 {
				q[pick(g, inventory.Warehouses())] = int64(g.between(1, 10))
			}
		}
		out[i] = inventory.NewStock(p.ID, q)
	}
	return out
}
