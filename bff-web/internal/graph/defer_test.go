package graph_test

import (
	"testing"

	"github.com/frontdesk/frontdesk/bff-web/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/ops"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// TestDefer: bff-web answers an operation with @defer as multipart/mixed,
// the product first, its rating in a later part; with the reviews service
// down the deferred part carries the rating's null and its typed error.
func TestDefer(t *testing.T) {
	const query = `{ product(id: "prd_0001") { id name ... @defer(label: "rating") { rating { average count } } } }`
	for _, tt := range []struct {
		name      string
		opts      []servicestest.Option
		wantError string // the deferred part's error code; "": none
	}{
		{name: "reviews healthy"},
		{name: "reviews down", opts: []servicestest.Option{servicestest.WithFaults("reviews", ops.Faults{Down: true})}, wantError: "UPSTREAM_UNAVAILABLE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			k := graphtest.New(t, tt.opts...)
			_, mr := k.PostIncremental(t, query)

			first := bfftest.NextPart(t, mr)
			product, _ := first["data"].(map[string]any)["product"].(map[string]any)
			if product["id"] != "prd_0001" || product["name"] == nil || first["hasNext"] != true || first["errors"] != nil {
				t.Fatalf("first part = %v, want the product and hasNext: true", first)
			}
			second := bfftest.NextPart(t, mr)
			incremental, _ := second["incremental"].([]any)
			if len(incremental) != 1 || second["hasNext"] != false {
				t.Fatalf("second part = %v, want one payload and hasNext: false", second)
			}
			inc, _ := incremental[0].(map[string]any)
			data, _ := inc["data"].(map[string]any)
			rating := data["rating"]
			errs, _ := inc["errors"].([]any)
			switch {
			case tt.wantError == "" && (rating == nil || len(errs) != 0):
				t.Errorf("deferred payload = %v, want the rating", inc)
			case tt.wantError != "":
				code := ""
				if len(errs) == 1 {
					ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
					code, _ = ext["code"].(string)
				}
				if rating != nil || code != tt.wantError {
					t.Errorf("deferred payload = %v, want rating null with %s", inc, tt.wantError)
				}
			}
		})
	}
}
