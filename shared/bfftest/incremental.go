package bfftest

import (
	"bytes"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
)

// PostIncremental posts query to the BFF over a real connection as the
// current caller, accepting multipart/mixed as Apollo Client does, and
// returns the answer's header and a reader of its parts as they stream in
// (closed when the test ends). It fails the test unless the answer is a
// 200 multipart/mixed with deferSpec=20220824, as an operation with @defer
// gets (docs/http.md).
func (k *Kit) PostIncremental(t testing.TB, query string) (http.Header, *multipart.Reader) {
	t.Helper()
	srv := httptest.NewServer(k.Handler)
	t.Cleanup(srv.Close)
	body, err := json.Marshal(map[string]string{"query": query})
	if err != nil {
		t.Fatalf("bfftest: encoding request: %v", err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("bfftest: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "multipart/mixed;deferSpec=20220824,application/json")
	if token := k.Token(); token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("bfftest: %v", err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	mt, params, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK || err != nil || mt != "multipart/mixed" || params["deferspec"] != "20220824" || params["boundary"] == "" {
		t.Fatalf("bfftest: answer %d %q, want 200 multipart/mixed with a boundary and deferSpec=20220824", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return resp.Header, multipart.NewReader(resp.Body, params["boundary"])
}

// NextPart reads the next part of an incremental answer as JSON.
func NextPart(t testing.TB, mr *multipart.Reader) map[string]any {
	t.Helper()
	p, err := mr.NextPart()
	if err != nil {
		t.Fatalf("bfftest: reading the next part: %v", err)
	}
	if ct := p.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("bfftest: part Content-Type = %q, want application/json; charset=utf-8", ct)
	}
	var v map[string]any
	if err := json.NewDecoder(p).Decode(&v); err != nil {
		t.Fatalf("bfftest: part is not JSON: %v", err)
	}
	return v
}
