// Package benchanchor is the plain-gqlgen anchor of the per-query benchmark
// (internal/bench/cmd/cpubench, docs/benchmarks.md): bff-web's generated
// executable schema on a bare gqlgen handler.New with only the POST
// transport, and resolvers that return model structs prepared in memory
// before the first query. It answers the admin's order list (app.ExampleQuery)
// with the same JSON as bff-web, so the difference between the two is what
// the BFF adds over gqlgen: the HTTP edge, token verification, limits,
// complexity, loaders, upstream calls and their decoding, error presenting,
// metrics and logging.
//
// What one query costs here: gqlgen's parsing, validation and execution of
// the document (marshalling included), the net/http server, and resolvers
// that page a prepared slice and look entities up in maps. Nothing is
// decoded, fetched or converted per query.
package benchanchor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"

	"github.com/frontdesk/frontdesk/bff-web/internal/convert"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph/model"
	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/upstream"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
)

// MaxOrders is how many of the newest orders Load prepares: the schema's
// largest page (bff-web's maxPage).
const MaxOrders = 100

// Caller is the identity Load reads the demo services as: the seeded admin
// the benchmark's web queries run as (app.DemoUsers, loadbench's web
// caller), so the services answer with what they show that admin.
var Caller = auth.Principal{Subject: "usr_0196", Roles: []string{"admin", "support"}, ClientID: "web-admin"}

// Data is the order list of the anchor, converted to bff-web's model types
// once: the newest orders first, and the entities their relations point to.
type Data struct {
	Orders      []*model.Order             // newest first, at most MaxOrders
	TotalOrders int                        // orders in the service, across all pages
	Customers   map[string]*model.Customer // by user id
	Payments    map[string]*model.Payment  // by payment id
	Products    map[string]*model.Product  // by product id
	Stock       map[string]*model.Inventory
}

// Load reads the newest MaxOrders orders and everything they refer to from
// a freshly seeded set of demo services, in-process (each service's handler
// is called through an http.RoundTripper, no network), through the same
// typed upstream clients bff-web uses, and converts the answers as bff-web's
// resolvers do.
func Load(ctx context.Context) (*Data, error) {
	set, err := demo.New()
	if err != nil {
		return nil, fmt.Errorf("seeding the demo services: %w", err)
	}
	cfg := upstream.Config{
		UsersURL: "http://users.invalid", CatalogURL: "http://catalog.invalid", InventoryURL: "http://inventory.invalid",
		OrdersURL: "http://orders.invalid", ReviewsURL: "http://reviews.invalid", PaymentsURL: "http://payments.invalid",
	}
	clients, err := upstream.New(cfg, upstream.WithAttemptTransport(func(service string, _ http.RoundTripper) http.RoundTripper {
		return inProcess{h: set.Handler(service)}
	}))
	if err != nil {
		return nil, err
	}
	return load(auth.NewContext(ctx, Caller), clients)
}

func load(ctx context.Context, c *upstream.Clients) (*Data, error) {
	page, err := c.Orders.List(ctx, orders.ListParams{Sort: orders.SortCreatedDesc, Limit: MaxOrders})
	if err != nil {
		return nil, fmt.Errorf("listing orders: %w", err)
	}
	d := &Data{
		TotalOrders: page.Total,
		Customers:   map[string]*model.Customer{},
		Payments:    map[string]*model.Payment{},
		Products:    map[string]*model.Product{},
		Stock:       map[string]*model.Inventory{},
	}
	var userIDs, paymentIDs, productIDs []string
	for _, o := range page.Orders {
		m, err := convert.Order(o)
		if err != nil {
			return nil, err
		}
		d.Orders = append(d.Orders, m)
		userIDs = append(userIDs, o.UserID)
		if o.PaymentID != nil {
			paymentIDs = append(paymentIDs, *o.PaymentID)
		}
		for _, it := range o.Items {
			productIDs = append(productIDs, it.ProductID)
		}
	}
	userIDs, paymentIDs, productIDs = unique(userIDs), unique(paymentIDs), unique(productIDs)

	us, err := batched(ctx, userIDs, c.Users.BatchGet)
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	for _, u := range us {
		m, err := convert.Customer(u)
		if err != nil {
			return nil, err
		}
		d.Customers[u.ID] = m
	}
	ps, err := batched(ctx, paymentIDs, c.Payments.BatchGet)
	if err != nil {
		return nil, fmt.Errorf("reading payments: %w", err)
	}
	for _, p := range ps {
		m, err := convert.Payment(p)
		if err != nil {
			return nil, err
		}
		d.Payments[p.ID] = m
	}
	prods, err := batched(ctx, productIDs, c.Catalog.BatchGet)
	if err != nil {
		return nil, fmt.Errorf("reading products: %w", err)
	}
	for _, p := range prods {
		d.Products[p.ID] = convert.Product(p)
	}
	stock, err := batched(ctx, productIDs, c.Inventory.BatchGet)
	if err != nil {
		return nil, fmt.Errorf("reading stock: %w", err)
	}
	for _, s := range stock {
		d.Stock[s.ProductID] = convert.Inventory(s)
	}
	return d, nil
}

// batchSize is the most ids the demo services take in one batch read.
const batchSize = 200

// batched calls get with at most batchSize ids at a time.
func batched[T any](ctx context.Context, ids []string, get func(context.Context, []string) ([]T, error)) ([]T, error) {
	var out []T
	for chunk := range slices.Chunk(ids, batchSize) {
		got, err := get(ctx, chunk)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// unique returns ids sorted without repeats.
func unique(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

// inProcess is an http.RoundTripper that serves every request with h in
// the calling goroutine.
type inProcess struct{ h http.Handler }

var _ http.RoundTripper = inProcess{}

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.h == nil {
		return nil, errors.New("benchanchor: no handler for " + req.URL.Host)
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return resp, nil
}
