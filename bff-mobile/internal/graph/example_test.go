package graph_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
)

// TestProductCard is the example of docs/testing.md; keep the two in step.
func TestProductCard(t *testing.T) {
	kit := graphtest.New(t) // acts as customer usr_0001; kit.As(...) / kit.Anonymous() to change
	var resp struct {
		Product struct {
			Name, Price string
			InStock     bool
		}
	}
	kit.Client.MustPost(`{ product(id: "prd_0078") { name price inStock } }`, &resp)
	if resp.Product.Name != "Meridian Compact Atlas" || resp.Product.Price != "$15.99" || !resp.Product.InStock {
		t.Errorf("product = %+v", resp.Product)
	}
	if n := kit.Calls("catalog"); n != 1 {
		t.Errorf("catalog calls = %d, want 1", n)
	}
}
