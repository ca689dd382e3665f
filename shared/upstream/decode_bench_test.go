package upstream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/restclient"
	"github.com/frontdesk/frontdesk/shared/upstream/catalog"
	"github.com/frontdesk/frontdesk/shared/upstream/orders"
)

// upstreamAnswers returns two realistic upstream answers from the demo
// services' seed, as the web `orders(first: 50)` query reads them: the
// first page of 50 orders, and the catalog batch of 160 products (the 145
// distinct products of those orders, padded with the first others).
func upstreamAnswers(b *testing.B) (ordersPage, productBatch []byte) {
	b.Helper()
	u := servicestest.Start(b)
	get := func(url string) []byte {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
		}
		return data
	}
	ordersPage = get(u.URL("orders") + "/orders?limit=50")
	var page orders.Page
	if err := json.Unmarshal(ordersPage, &page); err != nil {
		b.Fatal(err)
	}
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, o := range page.Orders {
		for _, it := range o.Items {
			add(it.ProductID)
		}
	}
	for i := 1; len(ids) < 160; i++ {
		add(fmt.Sprintf("prd_%04d", i))
	}
	productBatch = get(u.URL("catalog") + "/products?ids=" + strings.Join(ids, ","))
	return ordersPage, productBatch
}

// cannedTransport answers every request with body: without a
// Content-Length as the demo services stream answers over 4 KB (chunked),
// or with one when sized.
type cannedTransport struct {
	body  []byte
	sized bool
}

func (t cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	size := int64(-1)
	if t.sized {
		size = int64(len(t.body))
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(t.body)), ContentLength: size, Request: req,
	}, nil
}

// BenchmarkUpstreamDecode measures what a BFF spends on one upstream
// answer once its bytes have arrived: the Attempt layer reading the body
// and the typed client decoding it into its models.
func BenchmarkUpstreamDecode(b *testing.B) {
	ordersPage, productBatch := upstreamAnswers(b)
	newRC := func(b *testing.B, service string, t cannedTransport) *restclient.Client {
		cfg := restclient.Config{}
		hc := &http.Client{Transport: restclient.NewAttempt(t, cfg)}
		rc, err := restclient.New(service, "http://"+service+".test", hc, cfg)
		if err != nil {
			b.Fatal(err)
		}
		return rc
	}
	ctx := context.Background()
	for _, sized := range []bool{false, true} {
		suffix := map[bool]string{false: "chunked", true: "sized"}[sized]
		b.Run("products160/"+suffix, func(b *testing.B) {
			c := catalog.New(newRC(b, catalog.Service, cannedTransport{body: productBatch, sized: sized}))
			b.SetBytes(int64(len(productBatch)))
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				ps, err := c.BatchGet(ctx, []string{"prd_0001"})
				if err != nil || len(ps) != 160 {
					b.Fatalf("BatchGet: %d products, %v", len(ps), err)
				}
			}
			cpu.report(b)
		})
		b.Run("orders50/"+suffix, func(b *testing.B) {
			c := orders.New(newRC(b, orders.Service, cannedTransport{body: ordersPage, sized: sized}), nil)
			b.SetBytes(int64(len(ordersPage)))
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				p, err := c.List(ctx, orders.ListParams{Limit: 50})
				if err != nil || len(p.Orders) != 50 {
					b.Fatalf("List: %d orders, %v", len(p.Orders), err)
				}
			}
			cpu.report(b)
		})
	}
}

// BenchmarkDecoders compares decoders on the same answers, bytes already in
// memory: encoding/json (Unmarshal, and the streaming Decoder) against
// json/v2 with the options restclient uses (docs/decisions.md).
func BenchmarkDecoders(b *testing.B) {
	ordersPage, productBatch := upstreamAnswers(b)
	lenient := jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true), jsonv2.MatchCaseInsensitiveNames(true))
	decoders := []struct {
		name   string
		decode func(data []byte, out any) error
	}{
		{"encoding-json/Unmarshal", json.Unmarshal},
		{"encoding-json/Decoder", func(data []byte, out any) error { return json.NewDecoder(bytes.NewReader(data)).Decode(out) }},
		{"json-v2/Unmarshal", func(data []byte, out any) error { return jsonv2.Unmarshal(data, out, lenient) }},
		{"json-v2/UnmarshalRead", func(data []byte, out any) error {
			return jsonv2.UnmarshalRead(bytes.NewReader(data), out, lenient)
		}},
	}
	answers := []struct {
		name string
		data []byte
		out  func() any
	}{
		{"products160", productBatch, func() any { return new(struct{ Products []catalog.Product }) }},
		{"orders50", ordersPage, func() any { return new(orders.Page) }},
	}
	for _, a := range answers {
		for _, d := range decoders {
			b.Run(a.name+"/"+d.name, func(b *testing.B) {
				b.SetBytes(int64(len(a.data)))
				b.ReportAllocs()
				cpu := startCPU()
				for b.Loop() {
					if err := d.decode(a.data, a.out()); err != nil {
						b.Fatal(err)
					}
				}
				cpu.report(b)
			})
		}
	}
}
