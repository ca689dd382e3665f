package procs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// StartTimeout bounds how long a child may take to print its address and
// answer; a Go server under valgrind takes longer (the caller's timeout).
const StartTimeout = 30 * time.Second

// Services are the demo services' logical names, in start-up order.
var Services = []string{"users", "catalog", "inventory", "orders", "reviews", "payments"}

// demoLine is what demo-services prints per server: "name URL".
var demoLine = regexp.MustCompile(`^(\w+)\s+(http://127\.0\.0\.1:\d+)$`)

// StartDemo starts the demo-services binary at path on free ports, with env
// and args after -base-port 0 (e.g. -faults), and returns it with the URL
// of the issuer ("issuer") and of each of Services once every service
// answers /healthz. Once started, the process is returned even with an
// error: the caller stops it.
func StartDemo(ctx context.Context, path string, env []string, args ...string) (*Process, map[string]string, error) {
	p, err := Start(ctx, Command{Name: "demo-services", Path: path, Args: append([]string{"-base-port", "0"}, args...), Env: env})
	if err != nil {
		return nil, nil, err
	}
	urls := map[string]string{}
	err = p.WaitOutput(ctx, StartTimeout, func(lines []string) bool {
		for _, l := range lines {
			if m := demoLine.FindStringSubmatch(l); m != nil {
				urls[m[1]] = m[2]
			}
		}
		return len(urls) == len(Services)+1
	})
	if err != nil {
		return p, nil, err
	}
	if urls["issuer"] == "" {
		return p, nil, fmt.Errorf("demo-services printed no issuer URL:\n%s", p.Tail())
	}
	for _, s := range Services {
		if err := WaitOK(ctx, urls[s]+"/healthz", StartTimeout); err != nil {
			return p, nil, err
		}
	}
	return p, urls, nil
}

// listeningLine is what a BFF and the anchor print once they listen.
var listeningLine = regexp.MustCompile(`listening on (http://\S+)/graphql`)

// StartServer starts a BFF or the anchor and returns it with its base URL
// once it has printed that it listens and /readyz answers 200, each within
// timeout. Once started, the process is returned even with an error: the
// caller stops it.
func StartServer(ctx context.Context, c Command, timeout time.Duration) (*Process, string, error) {
	p, err := Start(ctx, c)
	if err != nil {
		return nil, "", err
	}
	var base string
	err = p.WaitOutput(ctx, timeout, func(lines []string) bool {
		for _, l := range lines {
			if m := listeningLine.FindStringSubmatch(l); m != nil {
				base = m[1]
				return true
			}
		}
		return false
	})
	if err != nil {
		return p, "", err
	}
	return p, base, WaitOK(ctx, base+"/readyz", timeout)
}

// WaitOK polls u until it answers 200, for at most timeout.
func WaitOK(ctx context.Context, u string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", u, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// FreeAddr returns a loopback address with a port free a moment ago, for a
// listener whose address a child does not print (a BFF's METRICS_ADDR).
func FreeAddr(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// Token asks the demo issuer at issuer for an access token of subject for
// clientID.
func Token(ctx context.Context, issuer, clientID, subject string) (string, error) {
	form := url.Values{"client_id": {clientID}, "subject": {subject}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, issuer+"/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", subject, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token for %s: status %d", subject, resp.StatusCode)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	_, _ = io.Copy(io.Discard, resp.Body) // the rest, so the connection can be reused
	if err != nil {
		return "", fmt.Errorf("token for %s: %w", subject, err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("token for %s: no access token", subject)
	}
	return tok.AccessToken, nil
}

// DemoEnv are the settings that point a BFF at the demo issuer and services
// StartDemo started (their URLs by name).
func DemoEnv(urls map[string]string) []string {
	return []string{
		"OIDC_ISSUER=" + urls["issuer"],
		"USERS_URL=" + urls["users"],
		"CATALOG_URL=" + urls["catalog"],
		"INVENTORY_URL=" + urls["inventory"],
		"ORDERS_URL=" + urls["orders"],
		"REVIEWS_URL=" + urls["reviews"],
		"PAYMENTS_URL=" + urls["payments"],
	}
}
