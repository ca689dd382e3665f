package graph_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
	"github.com/frontdesk/frontdesk/bff-web/internal/config"
	"github.com/frontdesk/frontdesk/bff-web/internal/graph"
	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/shared/auth"
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/cache"
	"github.com/frontdesk/frontdesk/shared/cache/cachetest"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// newCacheKit starts bff-web with the shared cache as bff.NewHandler wires
// it (docs/caching.md): the entity cache through the upstream clients and
// loaders, the response cache as the last gqlgen extension; the store is
// the Redis at REDIS_ADDR when set (CI), else in memory.
func newCacheKit(t *testing.T) *bfftest.Kit {
	t.Helper()
	clock := cachetest.NewClock()
	store := cachetest.NewStore(t, clock.Now)
	build := func(up upstream.Config, oidc auth.Config) (http.Handler, error) {
		cfg, err := config.Load(func(string) string { return "" })
		if err != nil {
			return nil, err
		}
		up.Timeout, up.MaxResponseBytes = cfg.Upstream.Timeout, cfg.Upstream.MaxResponseBytes
		cfg.Upstream = up
		cfg.OIDC.Issuer, cfg.OIDC.Audience = oidc.Issuer, oidc.Audience
		cfg.PlaygroundTokenURL = ""
		cfg.Cache = cachetest.Config()
		logger := slog.New(slog.DiscardHandler)

		c := cache.New(store, cachetest.Config(), cache.WithClock(clock.Now))
		clients, err := upstream.New(cfg.Upstream, append(bff.UpstreamOptions(logger, nil), upstream.WithCache(c))...)
		if err != nil {
			return nil, err
		}
		schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{
			OrdersAPI:    clients.Orders,
			UsersAPI:     clients.Users,
			CatalogAPI:   clients.Catalog,
			ReviewsAPI:   clients.Reviews,
			PaymentsAPI:  clients.Payments,
			InventoryAPI: clients.Inventory,
		}})
		h, err := bff.NewHandler(context.Background(), bff.Options{
			Name:    app.Name,
			Schema:  schema,
			Policy:  app.Policy,
			Config:  cfg.Config,
			Clients: clients,
			Logger:  logger,
			Ready:   &gqlserver.Readiness{},
		})
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { _ = h.Close() })
		return h, nil
	}
	return bfftest.Start(t, bfftest.Target{
		Build:    build,
		Audience: config.Defaults.Audience,
		ClientID: app.ClientID,
		Caller:   auth.Principal{Subject: graphtest.DefaultStaff, Roles: []string{"admin", "support"}},
	})
}

// post sends query, fails the test on errors, and returns the data and the
// upstream calls it made.
func post(t *testing.T, k *bfftest.Kit, query string) (json.RawMessage, map[string]int64) {
	t.Helper()
	k.ResetCalls()
	resp := k.Post(t, query, nil)
	var a struct {
		Data   json.RawMessage `json:"data"`
		Errors []any           `json:"errors"`
	}
	if err := json.Unmarshal(resp.Body, &a); err != nil || len(a.Errors) > 0 {
		t.Fatalf("%s: %s", query, resp.Body)
	}
	return a.Data, k.CallsByService()
}

// firstID returns the id of the first node of the connection at field in data.
func firstID(t *testing.T, data json.RawMessage, field string) string {
	t.Helper()
	var m map[string]struct {
		Edges []struct{ Node struct{ ID string } }
	}
	if err := json.Unmarshal(data, &m); err != nil || len(m[field].Edges) == 0 {
		t.Fatalf("no %s in %s", field, data)
	}
	return m[field].Edges[0].Node.ID
}

// TestCacheInvalidation: each admin mutation makes the cached answers and
// entities it changes unreachable at once; the next read shows the change.
func TestCacheInvalidation(t *testing.T) {
	cases := []struct {
		name string
		// setup returns the query whose answer the mutation changes, and the mutation.
		setup func(t *testing.T, k *bfftest.Kit) (query, mutation string)
	}{
		{"updateOrderStatus", func(t *testing.T, k *bfftest.Kit) (string, string) {
			data, _ := post(t, k, `{ orders(first: 1, filter: {status: [PENDING]}) { edges { node { id } } } }`)
			id := firstID(t, data, "orders")
			return `{ order(id: "` + id + `") { id status updatedAt } }`,
				`mutation { updateOrderStatus(input: {orderId: "` + id + `", status: CANCELLED}) { order { id } } }`
		}},
		{"refundPayment", func(_ *testing.T, _ *bfftest.Kit) (string, string) {
			return `{ node(id: "pay_00001") { ... on Payment { status refunded { amountCents } } } }`,
				`mutation { refundPayment(input: {paymentId: "pay_00001", amountCents: 100, reason: "damaged box"}) { payment { id } } }`
		}},
		{"adjustInventory", func(_ *testing.T, _ *bfftest.Kit) (string, string) {
			return `{ product(id: "prd_0001") { id inventory { total } } }`,
				`mutation { adjustInventory(input: {productId: "prd_0001", warehouse: "ams", delta: 5}) { inventory { total } } }`
		}},
		{"moderateReview", func(t *testing.T, k *bfftest.Kit) (string, string) {
			data, _ := post(t, k, `{ reviews(status: PENDING, first: 1) { edges { node { id product { id } } } } }`)
			var m struct {
				Reviews struct {
					Edges []struct {
						Node struct {
							ID      string
							Product struct{ ID string }
						}
					}
				}
			}
			if err := json.Unmarshal(data, &m); err != nil || len(m.Reviews.Edges) == 0 {
				t.Fatalf("no pending review: %s", data)
			}
			n := m.Reviews.Edges[0].Node
			return `{ product(id: "` + n.Product.ID + `") { id rating { count average } } }`,
				`mutation { moderateReview(input: {reviewId: "` + n.ID + `", status: APPROVED}) { review { id } } }`
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := newCacheKit(t)
			query, mutation := c.setup(t, k)
			before, _ := post(t, k, query)
			if _, calls := post(t, k, query); len(calls) != 0 {
				t.Fatalf("the answer is not cached: calls %v", calls)
			}
			post(t, k, mutation)
			after, calls := post(t, k, query)
			if string(after) == string(before) {
				t.Errorf("after %s the answer is still %s (calls %v)", c.name, after, calls)
			}
		})
	}
}
