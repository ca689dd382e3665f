package graph_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/config"
	"github.com/frontdesk/frontdesk/bff-mobile/internal/graphtest"
	"github.com/frontdesk/frontdesk/services/reviews"
	"github.com/frontdesk/frontdesk/services/seed"
	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// heldReviews is the demo reviews service answering only once released;
// defer the release, so that a failed test does not leave requests held
// while its servers close.
func heldReviews(t *testing.T) (servicestest.Option, func()) {
	t.Helper()
	release := make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	h := reviews.NewHandler(reviews.NewStore(seed.New().Reviews))
	return servicestest.WithHandler("reviews", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		h.ServeHTTP(w, r)
	})), open
}

// TestDeferDeliversFirstPartBeforeSlowField: with the rating deferred, the
// product goes out while the reviews service is still holding its answer;
// the rating follows in a second part once it answers.
func TestDeferDeliversFirstPartBeforeSlowField(t *testing.T) {
	held, release := heldReviews(t)
	defer release()
	k := graphtest.New(t, held)
	header, mr := k.PostIncremental(t, `{ product(id: "prd_0001") { id name ... @defer(label: "rating") { rating { average count } } } }`)
	if cc := header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}

	first := bfftest.NextPart(t, mr) // read while the reviews service still holds the rating
	product, _ := first["data"].(map[string]any)["product"].(map[string]any)
	if product["id"] != "prd_0001" || product["name"] == nil || first["hasNext"] != true || first["errors"] != nil {
		t.Fatalf("first part = %v, want the product without its rating and hasNext: true", first)
	}

	release() // only now can the rating be answered
	second := bfftest.NextPart(t, mr)
	incremental, _ := second["incremental"].([]any)
	if len(incremental) != 1 || second["hasNext"] != false {
		t.Fatalf("second part = %v, want one incremental payload and hasNext: false", second)
	}
	inc, _ := incremental[0].(map[string]any)
	rating, _ := inc["data"].(map[string]any)["rating"].(map[string]any)
	if inc["label"] != "rating" || rating["average"] == nil || rating["count"] == nil {
		t.Errorf("deferred payload = %v, want the rating labelled rating", inc)
	}
	if path, _ := inc["path"].([]any); len(path) != 1 || path[0] != "product" {
		t.Errorf("deferred path = %v, want [product]", inc["path"])
	}
	if _, err := mr.NextPart(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last part: %v, want the closing boundary", err)
	}
	if n := k.Calls("reviews"); n != 1 {
		t.Errorf("reviews calls = %d, want 1", n)
	}
}

// TestDeferNeedsMultipart: an operation with @defer from a client that
// does not take multipart/mixed is refused before it runs, with a clear
// BAD_REQUEST; with @defer(if: false) it is an ordinary query.
func TestDeferNeedsMultipart(t *testing.T) {
	k := graphtest.New(t)
	resp := k.Post(t, `{ product(id: "prd_0001") { id ... @defer { rating { average } } } }`, nil)
	var body struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusBadRequest || len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "BAD_REQUEST" || body.Data != nil {
		t.Fatalf("answer %d %s, want 400 BAD_REQUEST without data", resp.Status, resp.Body)
	}
	if want := "an operation with @defer is answered as multipart/mixed: send it with POST and an Accept header that allows multipart/mixed"; body.Errors[0].Message != want {
		t.Errorf("message = %q, want %q", body.Errors[0].Message, want)
	}
	if calls := k.CallsByService(); len(calls) != 0 {
		t.Errorf("upstream calls = %v, want none for a refused request", calls)
	}

	resp = k.Post(t, `{ product(id: "prd_0001") { id ... @defer(if: false) { rating { count } } } }`, nil)
	if resp.Status != http.StatusOK || !bytes.Contains(resp.Body, []byte(`"rating":{"count":`)) {
		t.Errorf("@defer(if: false): %d %s, want the rating in line", resp.Status, resp.Body)
	}
}

// TestDeferNotCachedWhole: with the response cache on, a public operation
// with @defer is answered in full every time; its first part, which says
// more is coming, is never stored and served as the whole answer.
func TestDeferNotCachedWhole(t *testing.T) {
	k := graphtest.NewWithConfig(t, func(c *config.Config) { c.Cache.Enabled, c.Cache.Response = true, true })
	k.Anonymous()
	const query = `{ products(first: 2) { edges { node { id ... @defer(label: "more") { rating { count } } } } } }`
	for i := range 2 {
		_, mr := k.PostIncremental(t, query)
		if first := bfftest.NextPart(t, mr); first["hasNext"] != true {
			t.Fatalf("answer %d: first part %v, want hasNext: true", i, first)
		}
		ratings := 0
		for hasNext := true; hasNext; {
			part := bfftest.NextPart(t, mr)
			hasNext = part["hasNext"] == true
			incremental, _ := part["incremental"].([]any)
			for _, inc := range incremental {
				if data, _ := inc.(map[string]any)["data"].(map[string]any); data["rating"] != nil {
					ratings++
				}
			}
		}
		if ratings != 2 {
			t.Errorf("answer %d: %d deferred ratings, want 2: the answer must be whole every time", i, ratings)
		}
	}
}

// TestDeferLimits: a deferred fragment counts against the document limits
// like any other selection; an operation over them is refused before it
// runs, in JSON, even when the client takes multipart/mixed.
func TestDeferLimits(t *testing.T) {
	k := graphtest.NewWithConfig(t, func(c *config.Config) { c.Limits.MaxDepth = 2 }) // product > rating > average is 3 deep
	body := `{"query":"{ product(id: \"prd_0001\") { id ... @defer { rating { average } } } }"}`
	req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "multipart/mixed;deferSpec=20220824,application/json")
	resp := k.Do(req)
	if resp.Status != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
		!bytes.Contains(resp.Body, []byte(`"code":"QUERY_LIMIT_EXCEEDED"`)) {
		t.Fatalf("answer %d %q %s, want the depth limit's QUERY_LIMIT_EXCEEDED in JSON", resp.Status, resp.Header.Get("Content-Type"), resp.Body)
	}
	if calls := k.CallsByService(); len(calls) != 0 {
		t.Errorf("upstream calls = %v, want none for a refused request", calls)
	}
}
