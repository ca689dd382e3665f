package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The floor: an ideal client that fetches a query's data directly from the
// demo services, with the same identity headers the BFF forwards, in the
// fewest sequential levels the data's dependencies allow, every call of a
// level in parallel and every entity read batched where the service has a
// batch endpoint. It decodes only the ids the next level needs and drains
// the rest, so nothing it does is avoidable work. The BFF's added latency is
// its latency minus this one, measured under the same load.

// identity is who the ideal client acts as: what the BFF forwards upstream
// for a verified token (X-User-ID, X-User-Roles, X-Client-ID). The zero
// value is anonymous.
type identity struct {
	Subject  string   `json:"sub"`
	Roles    []string `json:"roles"`
	ClientID string   `json:"azp"`
}

// idealClient calls the demo services directly.
type idealClient struct {
	hc   *http.Client
	urls map[string]string // service name → base URL
}

func newIdealClient(urls map[string]string) *idealClient {
	return &idealClient{
		hc: &http.Client{
			Timeout: 30 * time.Second,
			Transport: &http.Transport{
				Proxy:               nil,
				MaxIdleConns:        2048,
				MaxIdleConnsPerHost: 512,
				IdleConnTimeout:     90 * time.Second,
			},
		},
		urls: urls,
	}
}

// get calls GET path?q on service as who and decodes the JSON answer into
// into, or drains it when into is nil.
func (c *idealClient) get(ctx context.Context, who identity, service, path string, q url.Values, into any) error {
	u := c.urls[service] + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if who.Subject != "" {
		req.Header.Set("X-User-ID", who.Subject)
		req.Header.Set("X-User-Roles", strings.Join(who.Roles, ","))
		req.Header.Set("X-Client-ID", who.ClientID)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", service, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return fmt.Errorf("%s %s: status %d", service, path, resp.StatusCode)
	}
	if into == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		err = jsonDecode(resp.Body, into)
	}
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", service, path, err)
	}
	return nil
}

// parallel runs calls concurrently and joins their errors.
func parallel(calls ...func() error) error {
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { errs[i] = call() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ids is the query value of a batch read.
func ids(keys []string) string { return strings.Join(keys, ",") }

// distinct returns keys without repeats, in first-seen order (what a
// loader batch sends).
func distinct(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// homeFloor fetches the data of the mobile home operation. Level 1, in
// parallel: the caller (me and greeting), their recent orders, the featured
// products. Level 2, as soon as the featured products are known: their stock
// in one batch and one review summary per product (the reviews service has no
// batch read). Two sequential levels; 4 + featured calls.
func homeFloor(c *idealClient, who identity, recent, featured int) func(context.Context) error {
	return func(ctx context.Context) error {
		return parallel(
			func() error {
				return c.get(ctx, who, "users", "/users", url.Values{"ids": {who.Subject}}, nil)
			},
			func() error {
				q := url.Values{"userId": {who.Subject}, "sort": {"createdAt_desc"}, "limit": {strconv.Itoa(recent)}}
				return c.get(ctx, who, "orders", "/orders", q, nil)
			},
			func() error {
				var page struct {
					Products []struct {
						ID string `json:"id"`
					} `json:"products"`
				}
				q := url.Values{"featured": {"true"}, "limit": {strconv.Itoa(featured)}}
				if err := c.get(ctx, who, "catalog", "/products", q, &page); err != nil {
					return err
				}
				products := make([]string, len(page.Products))
				for i, p := range page.Products {
					products[i] = p.ID
				}
				calls := []func() error{func() error {
					return c.get(ctx, who, "inventory", "/stock", url.Values{"productIds": {ids(products)}}, nil)
				}}
				for _, id := range products {
					calls = append(calls, func() error {
						return c.get(ctx, who, "reviews", "/products/"+url.PathEscape(id)+"/reviews/summary", nil, nil)
					})
				}
				return parallel(calls...)
			},
		)
	}
}

// ordersFloor fetches the data of the web 50-order query. Level 1: the
// order page. Level 2, in parallel: the customers, the payments, the
// products and their stock (keyed by product id, which the order lines
// carry), one batch each. Two sequential levels; 5 calls.
func ordersFloor(c *idealClient, who identity, first int) func(context.Context) error {
	return func(ctx context.Context) error {
		var page struct {
			Orders []struct {
				UserID    string  `json:"userId"`
				PaymentID *string `json:"paymentId"`
				Items     []struct {
					ProductID string `json:"productId"`
				} `json:"items"`
			} `json:"orders"`
		}
		q := url.Values{"sort": {"createdAt_desc"}, "limit": {strconv.Itoa(first)}}
		if err := c.get(ctx, who, "orders", "/orders", q, &page); err != nil {
			return err
		}
		var users, payments, products []string
		for _, o := range page.Orders {
			users = append(users, o.UserID)
			if o.PaymentID != nil {
				payments = append(payments, *o.PaymentID)
			}
			for _, it := range o.Items {
				products = append(products, it.ProductID)
			}
		}
		users, payments, products = distinct(users), distinct(payments), distinct(products)
		calls := []func() error{
			func() error { return c.get(ctx, who, "users", "/users", url.Values{"ids": {ids(users)}}, nil) },
			func() error { return c.get(ctx, who, "catalog", "/products", url.Values{"ids": {ids(products)}}, nil) },
			func() error {
				return c.get(ctx, who, "inventory", "/stock", url.Values{"productIds": {ids(products)}}, nil)
			},
		}
		if len(payments) > 0 {
			calls = append(calls, func() error {
				return c.get(ctx, who, "payments", "/payments", url.Values{"ids": {ids(payments)}}, nil)
			})
		}
		return parallel(calls...)
	}
}

// catalogFloor fetches a public product page: one call.
func catalogFloor(c *idealClient, first int) func(context.Context) error {
	return func(ctx context.Context) error {
		return c.get(ctx, identity{}, "catalog", "/products", url.Values{"limit": {strconv.Itoa(first)}}, nil)
	}
}

// floorTransport answers every request by running fetch, the ideal client
// of one scenario, so the load generator drives the floor exactly as it
// drives a BFF: same workers, same clock, same percentiles.
type floorTransport struct {
	fetch func(context.Context) error
}

func (t floorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	if err := t.fetch(req.Context()); err != nil {
		return nil, err
	}
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: http.NoBody, ContentLength: 0, Request: req,
	}, nil
}
