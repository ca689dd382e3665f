package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// newClient returns the client of the measured queries: one keep-alive
// connection, sent one query at a time, with a timeout that allows for
// valgrind's slowness.
func newClient() *http.Client {
	return &http.Client{
		Timeout: 5 * time.Minute,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     10 * time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// query is one GraphQL request, ready to send again and again.
type query struct {
	url   string // the /graphql endpoint
	body  []byte
	token string // "" sends none
}

func newQuery(base, document, token string) (query, error) {
	body, err := json.Marshal(map[string]string{"query": document})
	if err != nil {
		return query{}, err
	}
	return query{url: base + "/graphql", body: body, token: token}, nil
}

// send sends q and returns the answer; anything but a 200 without GraphQL
// errors is an error.
func (q query) send(ctx context.Context, hc *http.Client) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.url, bytes.NewReader(q.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if q.token != "" {
		req.Header.Set("Authorization", "Bearer "+q.token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"errors"`)) {
		return nil, fmt.Errorf("POST %s: status %d: %.500s", q.url, resp.StatusCode, body)
	}
	return body, nil
}

// sendN sends q n times, one after the other, and returns the first answer.
func (q query) sendN(ctx context.Context, hc *http.Client, n int) ([]byte, error) {
	var first []byte
	for i := range n {
		body, err := q.send(ctx, hc)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = body
		}
	}
	return first, nil
}
