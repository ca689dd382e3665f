package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
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

// fetchToken asks the demo issuer for an access token of subject for
// clientID.
func fetchToken(ctx context.Context, issuer, clientID, subject string) (string, error) {
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
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return "", fmt.Errorf("token for %s: %w", subject, err)
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("token for %s: no access token", subject)
	}
	return tok.AccessToken, nil
}

// goStringConst returns the value of the string constant name declared in
// the Go file at path, so the benchmark sends the very query the BFF ships.
func goStringConst(path, name string) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", name, err)
	}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs, ok := spec.(*ast.ValueSpec)
			if !ok {
				continue
			}
			for i, id := range vs.Names {
				if id.Name != name || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return "", fmt.Errorf("%s: %s is not a string literal", path, name)
				}
				return strconv.Unquote(lit.Value)
			}
		}
	}
	return "", fmt.Errorf("%s declares no constant %s", path, name)
}
