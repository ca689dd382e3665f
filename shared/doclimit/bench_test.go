package doclimit_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/frontdesk/frontdesk/shared/doclimit"
)

// largeDocument returns a valid document that the web limits accept with
// room to spare: about 1,900 tokens, 2,200 selections and 11,000 field
// comparisons in five operations, with fragments, aliases, nested pages
// and variables.
func largeDocument() string {
	var b strings.Builder
	for op := range 5 {
		fmt.Fprintf(&b, "query Large%d($first: Int = 10, $after: String) {\n", op)
		for i := range 6 {
			fmt.Fprintf(&b, "  p%d: products(first: $first, after: $after) { totalCount edges { cursor node { id name price ...P } } }\n", i)
		}
		b.WriteString("  me { ...U }\n}\n")
	}
	b.WriteString("fragment P on Product { id name price related(first: 3) { id name price related(first: 2) { id name } } }\n")
	b.WriteString("fragment U on User { id name friends(first: 5) { ...V friends(first: 5) { ...V } } orders { edges { node { ...O } } }")
	for i := range 15 {
		fmt.Fprintf(&b, " ...X%d", i)
	}
	b.WriteString(" }\n")
	b.WriteString("fragment V on User { id name orders(first: 3) { edges { node { ...O } } } }\n")
	b.WriteString("fragment O on Order { id items { quantity product { ...P } } }\n")
	for i := range 15 {
		fmt.Fprintf(&b, "fragment X%d on User { id name friends(first: 5) { id name orders(first: 3) { edges { node { id items { quantity product { id name price related(first: 3) { id name } } } } } } } }\n", i)
	}
	return b.String()
}

// BenchmarkWalker measures the document and variables checks on requests
// they accept and on hostile ones they reject.
func BenchmarkWalker(b *testing.B) {
	big := make([]any, 90)
	for i := range big {
		big[i] = map[string]any{"productId": fmt.Sprint("p", i), "quantity": 2}
	}
	cases := []struct {
		name   string
		cfg    doclimit.Config
		query  string
		vars   map[string]any
		accept bool
	}{
		{name: "accept/screen", cfg: doclimit.Mobile(), accept: true,
			query: `query Home($recent: Int = 3) { me { id name } products(first: $recent) { totalCount edges { node { id name price } } } }`},
		{name: "accept/large", cfg: doclimit.Web(), query: largeDocument(), accept: true},
		{name: "accept/variables", cfg: doclimit.Mobile(), accept: true,
			query: `mutation($items: [OrderItemInput!]!) { placeOrder(items: $items) { id } }`, vars: map[string]any{"items": big}},
		{name: "reject/1MB", cfg: doclimit.Web(), query: "{" + strings.Repeat(" me", 350_000) + " }"},
		{name: "reject/10k-aliases", cfg: doclimit.Web(), query: aliases(10_000)},
		{name: "reject/deep", cfg: doclimit.Mobile(), query: nest(600)},
		{name: "reject/fanout30", cfg: doclimit.Web(), query: fanout(30)},
		{name: "reject/cycle", cfg: doclimit.Web(), query: `{ me { ...A } } fragment A on User { ...B } fragment B on User { friends { ...A } }`},
		{name: "reject/repeated-fields", cfg: doclimit.Web(), query: "{ me " + repeat("id", 4900) + " }"},
		{name: "reject/inline-nesting", cfg: doclimit.Mobile(), query: inlineNest(100, 1000)},
		{name: "reject/big-variables", cfg: doclimit.Mobile(), query: `query($s: String) { me { id } }`,
			vars: map[string]any{"s": strings.Repeat("x", 1<<20)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			ext := doclimit.WithoutMemory(newExtension(b, c.cfg))
			if err := check(ext, c.query, "", c.vars); (err == nil) != c.accept {
				b.Fatalf("accepted = %v, want %v: %v", err == nil, c.accept, err)
			}
			b.SetBytes(int64(len(c.query)))
			b.ReportAllocs()
			for b.Loop() {
				_ = check(ext, c.query, "", c.vars)
			}
		})
	}
}

// BenchmarkRemembered measures a document sent again: hashed and found
// among those that passed, its variables checked afresh.
func BenchmarkRemembered(b *testing.B) {
	for _, c := range []struct{ name, query string }{
		{"screen", `query Home($recent: Int = 3) { me { id name } products(first: $recent) { totalCount edges { node { id name price } } } }`},
		{"large", largeDocument()},
	} {
		b.Run(c.name, func(b *testing.B) {
			ext := newExtension(b, doclimit.Web())
			vars := map[string]any{"recent": json.Number("3")}
			if err := check(ext, c.query, "", vars); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				_ = check(ext, c.query, "", vars)
			}
		})
	}
}

// BenchmarkGqlgenValidation is the reference: what gqlgen's own parse and
// validation spend on documents the limits accept — the large one, and the
// worst repeated fields within each BFF's field comparison limit — and on
// documents they reject in microseconds.
func BenchmarkGqlgenValidation(b *testing.B) {
	for _, c := range []struct{ name, query string }{
		{"accepted/large", largeDocument()},
		{"accepted/mobile-comparison-limit", "{ me " + repeat("id", 100) + " }"},
		{"accepted/web-comparison-limit", "{ me " + repeat("id", 200) + " }"},
		{"accepted/mobile-comparison-limit-inline", inlineNest(10, 30)},
		{"rejected/fanout14", fanout(14)},
		{"rejected/repeated-fields-2000-tokens", "{ me " + repeat("id", 1990) + " }"},
		{"rejected/inline-nesting-1500-tokens", inlineNest(100, 1000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			if testing.Short() && strings.HasPrefix(c.name, "rejected/") {
				b.Skip("seconds per operation")
			}
			b.ReportAllocs()
			for b.Loop() {
				_, _ = gqlparser.LoadQueryWithRules(testSchema, c.query, nil)
			}
		})
	}
}
