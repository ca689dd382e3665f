package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/bff-web/internal/app"
)

// TestRun starts the anchor, asks it the benchmark's query and reads its
// allocation counters, then stops it.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, nil, func(string) string { return "" }, pw)
		_ = pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`^bench-anchor listening on (http://\S+)/graphql\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("listening line %q", line)
	}
	base := m[1]
	hc := &http.Client{Timeout: 10 * time.Second}

	body, err := json.Marshal(map[string]any{"query": app.ExampleQuery})
	if err != nil {
		t.Fatal(err)
	}
	status, answer := do(t, hc, http.MethodPost, base+"/graphql", body)
	if status != http.StatusOK || !bytes.HasPrefix(answer, []byte(`{"data":{"orders":{"totalCount":`)) || bytes.Contains(answer, []byte(`"errors"`)) {
		t.Errorf("POST /graphql: %d %.200s", status, answer)
	}
	status, metrics := do(t, hc, http.MethodGet, base+"/metrics", nil)
	if status != http.StatusOK || !strings.Contains(string(metrics), "go_memstats_mallocs_total") {
		t.Errorf("GET /metrics: %d without go_memstats_mallocs_total", status)
	}
	if status, _ := do(t, hc, http.MethodGet, base+"/readyz", nil); status != http.StatusOK {
		t.Errorf("GET /readyz: %d", status)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
}

func do(t *testing.T, hc *http.Client, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
