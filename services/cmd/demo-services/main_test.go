package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/catalog"
	"github.com/frontdesk/frontdesk/services/demo"
	"github.com/frontdesk/frontdesk/services/issuer"
	"github.com/frontdesk/frontdesk/services/ops"
)

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out, stdout := io.Pipe()
	env := map[string]string{"DEMO_FAULTS": "orders=down;reviews=down"}
	args := []string{"-base-port", "0", "-faults", "reviews=error:1"}

	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, stdout)
		stdout.Close()
	}()

	// One "name URL" line per server, then keep draining the log.
	names := append([]string{"issuer"}, demo.Names()...)
	urls := map[string]string{}
	lines := bufio.NewScanner(out)
	for len(urls) < len(names) && lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) == 2 && strings.HasPrefix(fields[1], "http://127.0.0.1:") {
			urls[fields[0]] = fields[1]
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	for _, name := range names {
		if urls[name] == "" {
			t.Fatalf("no URL printed for %s (got %v)", name, urls)
		}
	}

	resp, err := http.Get(urls["catalog"] + "/products/prd_0001")
	if err != nil {
		t.Fatal(err)
	}
	var p catalog.Product
	err = json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || p.ID != "prd_0001" {
		t.Fatalf("GET product = %d %+v %v", resp.StatusCode, p, err)
	}

	// The issuer's URLs are those it listens on.
	resp, err = http.Get(urls["issuer"] + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var d issuer.Discovery
	err = json.NewDecoder(resp.Body).Decode(&d)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || d.Issuer != urls["issuer"] ||
		d.JWKSURI != urls["issuer"]+"/jwks" || d.TokenEndpoint != urls["issuer"]+"/token" {
		t.Fatalf("GET discovery = %d %+v %v; want the URLs of %s", resp.StatusCode, d, err, urls["issuer"])
	}
	resp, err = http.PostForm(d.TokenEndpoint, url.Values{"client_id": {"mobile-app"}, "subject": {"usr_0001"}})
	if err != nil {
		t.Fatal(err)
	}
	var tok issuer.TokenResponse
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || tok.AccessToken == "" || tok.ExpiresIn != 3600 {
		t.Fatalf("POST token = %d %+v %v", resp.StatusCode, tok, err)
	}

	// DEMO_FAULTS applies; the -faults flag overrides it per service.
	tests := []struct {
		name, path string
		status     int
		faults     ops.Faults
	}{
		{"orders", "/orders", http.StatusServiceUnavailable, ops.Faults{Down: true}},
		{"reviews", "/reviews", http.StatusInternalServerError, ops.Faults{ErrorRate: 1}},
	}
	for _, tt := range tests {
		resp, err := http.Get(urls[tt.name] + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s%s = %d, want %d", tt.name, tt.path, resp.StatusCode, tt.status)
		}
		resp, err = http.Get(urls[tt.name] + "/__faults")
		if err != nil {
			t.Fatal(err)
		}
		var f ops.Faults
		err = json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if err != nil || f != tt.faults {
			t.Errorf("%s faults = %+v (%v), want %+v", tt.name, f, err, tt.faults)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string
	}{
		{"unknown flag", []string{"-nope"}, ""},
		{"bad ports", []string{"-ports", "users=abc"}, ""},
		{"unknown service port", []string{"-ports", "auth=3000"}, ""},
		{"bad base port", []string{"-base-port", "70000"}, ""},
		{"bad fault flag", []string{"-faults", "catalog=slow"}, ""},
		{"bad fault env", nil, "catalog=error:3"},
		{"unknown fault service", []string{"-faults", "auth=down"}, ""},
		{"issuer has no faults", []string{"-faults", "issuer=down"}, ""},
		{"base port without room for the issuer", []string{"-base-port", "1"}, ""},
		{"bad issuer URL", []string{"-base-port", "0", "-issuer-url", "issuer.example.com"}, ""},
		{"positional args", []string{"extra"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(string) string { return tt.env }
			err := run(t.Context(), tt.args, getenv, io.Discard)
			if err == nil {
				t.Fatal("run succeeded")
			}
		})
	}
}

func TestParseConfigPorts(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want map[string]int
	}{
		{"defaults", nil, map[string]int{"issuer": 3000, "users": 3001, "payments": 3006}},
		{"free ports", []string{"-base-port", "0"}, map[string]int{"issuer": 0, "users": 0, "payments": 0}},
		{"issuer override", []string{"-ports", "issuer=4100"}, map[string]int{"issuer": 4100, "users": 3001}},
		{"lowest base port", []string{"-base-port", "2"}, map[string]int{"issuer": 1, "users": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, func(string) string { return "" }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			for name, port := range tt.want {
				if cfg.ports[name] != port {
					t.Errorf("port of %s = %d, want %d", name, cfg.ports[name], port)
				}
			}
		})
	}

	cfg, err := parseConfig([]string{"-base-port", "4001", "-ports", "orders=0, payments=5000"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"issuer": 4000, "users": 4001, "catalog": 4002, "inventory": 4003, "orders": 0, "reviews": 4005, "payments": 5000}
	for name, port := range want {
		if cfg.ports[name] != port {
			t.Errorf("port of %s = %d, want %d", name, cfg.ports[name], port)
		}
	}
	if cfg.host != "127.0.0.1" {
		t.Errorf("host = %q", cfg.host)
	}
	if err := run(t.Context(), []string{"-h"}, func(string) string { return "" }, io.Discard); err != nil {
		t.Errorf("-h: run returned %v, want nil", err)
	}
}
