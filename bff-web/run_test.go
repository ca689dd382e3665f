package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/services/servicestest"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

// TestRun starts the binary's run over test services, answers a nested
// query, serves the playground and health endpoints, and shuts down cleanly.
func TestRun(t *testing.T) {
	ups := servicestest.Start(t)
	base := bfftest.StartRun(t, run, bfftest.UpstreamEnv(ups, map[string]string{"ADDR": "127.0.0.1:0", "LOG_LEVEL": "warn"}))

	body := `{"query":"{ orders(first: 2) { edges { node { id customer { id } items { product { id inventory { total } } } payment { status } } } } }"}`
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(got), `{"data":{"orders":{"edges":[{"node":{"id":"ord_`) || strings.Contains(string(got), `"errors"`) {
		t.Fatalf("POST /graphql = %d %s", resp.StatusCode, got)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/playground": 200} {
		r, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, r.StatusCode, want)
		}
	}
}

// TestRunRejectsBadConfig: a bad setting stops start-up with an error naming it.
func TestRunRejectsBadConfig(t *testing.T) {
	err := run(t.Context(), nil, func(k string) string {
		return map[string]string{"FRONTDESK_ENV": "production", "DEV_SUBJECT": "usr_0001"}[k]
	}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DEV_SUBJECT") {
		t.Fatalf("run in production with dev defaults = %v, want a DEV_SUBJECT error", err)
	}
}
