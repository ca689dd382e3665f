// Package restclient is the base of every typed upstream client: JSON over one
// *http.Client per upstream, with explicit timeouts, a response size cap and
// failures classified into *Error values.
//
// Resilience is a stack of http.RoundTripper decorators on the client's
// transport, each usable and tested alone; shared/upstream composes them per
// upstream, outermost first:
//
//	forward.Transport  identity and request-id headers (package forward)
//	Retry              idempotent requests only: backoff with full jitter,
//	                   Retry-After, retry budget, backup targets, hedging
//	Breaker            circuit breaker per upstream (sony/gobreaker)
//	Attempt            per-attempt timeout, deadline floor, body read with a size cap
//	http.Transport     one per upstream (NewHTTPClient)
//
// Client stays a thin JSON codec that maps what the stack returns to *Error.
package restclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config configures the HTTP client of one upstream.
type Config struct {
	// Timeout bounds one attempt, from dial to the last body byte (each
	// retry gets its own). Default 2s.
	Timeout time.Duration
	// MaxIdleConns is the idle keep-alive connections kept to the upstream. Default 64.
	MaxIdleConns int
	// MaxResponseBytes caps a (decompressed) response body; larger answers
	// fail as bad responses. Default 8 MiB.
	MaxResponseBytes int64
	// MinAttemptTime: an attempt is not started with less than this left
	// before the request's deadline; the call fails as a timeout instead.
	// Default 10ms.
	MinAttemptTime time.Duration
	// Latency, when set, is the upstream's latency tracker: every answered
	// attempt is recorded in it, and an attempt is not started with less
	// time left before the deadline than the median answer took (it could
	// hardly finish); the call fails as a timeout instead.
	Latency *Latency
	// Deadline, when set, may give a call an earlier deadline than its
	// context's (a latency budget, shared/budget): the call, its retries
	// included, ends by it as a timeout. nil: the context's deadline only.
	Deadline func(ctx context.Context) (time.Time, bool)
}

// defaultMinAttemptTime is the default of Config.MinAttemptTime and
// RetryConfig.MinAttemptTime.
const defaultMinAttemptTime = 10 * time.Millisecond

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Second
	}
	if c.MinAttemptTime <= 0 {
		c.MinAttemptTime = defaultMinAttemptTime
	}
	if c.MaxIdleConns <= 0 {
		c.MaxIdleConns = 64
	}
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = 8 << 20
	}
	return c
}

// NewHTTPClient returns the *http.Client for one upstream: its own transport
// (so one slow upstream cannot starve another's connections) with explicit
// dial, TLS and header timeouts, wrapped in Attempt (per-attempt timeout,
// deadline floor, capped body), and no redirects followed. The client has no
// overall Timeout: the request's context bounds the whole call, retries
// included.
func NewHTTPClient(cfg Config) *http.Client {
	cfg = cfg.withDefaults()
	dialer := &net.Dialer{Timeout: min(cfg.Timeout, 1*time.Second), KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 nil, // upstreams are internal; never route them through an environment proxy
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          cfg.MaxIdleConns,
		MaxIdleConnsPerHost:   cfg.MaxIdleConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   min(cfg.Timeout, 2*time.Second),
		ResponseHeaderTimeout: cfg.Timeout,
		ExpectContinueTimeout: 1 * time.Second,
	}
	return &http.Client{
		Transport: NewAttempt(transport, cfg),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Client calls one upstream's JSON API.
type Client struct {
	service  string
	base     *url.URL
	hc       *http.Client
	maxBytes int64
	deadline func(context.Context) (time.Time, bool)
}

// New returns a client of the upstream named service (its logical name, used
// in errors and metrics) at baseURL, sending through hc.
func New(service, baseURL string, hc *http.Client, cfg Config) (*Client, error) {
	u, err := parseBase(service, baseURL)
	if err != nil {
		return nil, err
	}
	return &Client{service: service, base: u, hc: hc, maxBytes: cfg.withDefaults().MaxResponseBytes, deadline: cfg.Deadline}, nil
}

// Service returns the upstream's logical name.
func (c *Client) Service() string { return c.service }

// Get fetches path?query and decodes the JSON answer into out.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	return c.Do(ctx, http.MethodGet, path, query, nil, out)
}

// Do sends one request with body (JSON-encoded when not nil) and decodes a 2xx
// JSON answer into out (ignored when out is nil). Failures of the call are
// *Error values; a request that cannot be built (an unencodable body, an
// invalid method) is a plain error, as the upstream never saw it.
//
// The call runs on a pooled goroutine (see onCallPool); Do waits for it.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return onCallPool(func() error { return c.do(ctx, method, path, query, body, out) })
}

// do is Do on the goroutine that runs the call.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	op := method + " " + path
	if c.deadline != nil {
		if d, ok := c.deadline(ctx); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, d)
			defer cancel()
		}
	}

	u := *c.base
	u.Path += path
	u.RawQuery = query.Encode()
	var reqBody io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			// The upstream never saw this request: it is our bug, not a
			// rejected input, so it is no *Error.
			return fmt.Errorf("%s %s: encoding request: %w", c.service, op, err)
		}
		reqBody = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return fmt.Errorf("%s %s: building request: %w", c.service, op, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		attempts := attemptsOf(err, nil)
		if tl, ok := errors.AsType[*ResponseTooLargeError](err); ok {
			return &Error{Service: c.service, Op: op, Kind: KindBadResponse, Status: tl.Status, Attempts: attempts, Err: err}
		}
		return &Error{Service: c.service, Op: op, Kind: transportKind(ctx, err), Attempts: attempts, Err: err}
	}
	defer resp.Body.Close()
	attempts := attemptsOf(nil, resp.Body)
	fail := func(kind Kind, status int, err error) error {
		return &Error{Service: c.service, Op: op, Kind: kind, Status: status, Attempts: attempts, Err: err}
	}
	success := resp.StatusCode >= 200 && resp.StatusCode <= 299

	// The Attempt layer has read the body already: decode its bytes in
	// place. Without it (or when a layer above wrapped the body) the body
	// is read here under the same cap, and a success decoded as it streams.
	data, inMemory := bufferedBytes(resp.Body)
	if !inMemory && success && out != nil {
		return c.decodeStream(ctx, resp, out, fail)
	}
	if !inMemory {
		var err error
		data, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
		if err != nil {
			return fail(transportKind(ctx, err), resp.StatusCode, fmt.Errorf("reading body: %w", err))
		}
	}
	if int64(len(data)) > c.maxBytes {
		return fail(KindBadResponse, resp.StatusCode, fmt.Errorf("body exceeds %d bytes", c.maxBytes))
	}
	if !success {
		e := &Error{Service: c.service, Op: op, Kind: statusKind(resp.StatusCode), Status: resp.StatusCode, Attempts: attempts}
		var eb struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal(data, &eb) == nil {
			e.Code = eb.Error.Code
		}
		return e
	}
	if out == nil {
		return nil
	}
	if err := unmarshal(data, out); err != nil {
		return fail(KindBadResponse, resp.StatusCode, fmt.Errorf("decoding body: %w", err))
	}
	return nil
}

// decodeStream decodes a success's body into out as it reads it, capped at
// c.maxBytes. Failures rank as when the body is read first: a failed read,
// then an answer over the cap, then a body that does not decode.
func (c *Client) decodeStream(ctx context.Context, resp *http.Response, out any, fail func(Kind, int, error) error) error {
	body := &cappedReader{r: resp.Body, left: c.maxBytes}
	err := unmarshalRead(body, out)
	if err == nil {
		return nil
	}
	_, _ = io.Copy(io.Discard, body) // a read failure or the cap further on outranks the decoding error
	switch {
	case body.err != nil:
		return fail(transportKind(ctx, body.err), resp.StatusCode, fmt.Errorf("reading body: %w", body.err))
	case body.exceeded:
		return fail(KindBadResponse, resp.StatusCode, fmt.Errorf("body exceeds %d bytes", c.maxBytes))
	}
	return fail(KindBadResponse, resp.StatusCode, fmt.Errorf("decoding body: %w", err))
}

func statusKind(status int) Kind {
	switch {
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return KindBadRequest
	case status == http.StatusRequestTimeout || status == http.StatusGatewayTimeout:
		return KindTimeout
	case status >= 500 || status == http.StatusTooManyRequests:
		return KindUnavailable
	default:
		return KindBadResponse
	}
}

func transportKind(ctx context.Context, err error) Kind {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.Canceled) {
			return KindCanceled
		}
		return KindTimeout
	}
	if errors.Is(err, ErrCircuitOpen) {
		return KindCircuitOpen
	}
	if errors.Is(err, ErrAttemptTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		// An attempt's timeout fired, or too little time was left to start one.
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	return KindUnavailable
}

// JoinIDs encodes ids for a batch query parameter (`?ids=a,b,c`).
func JoinIDs(ids []string) string { return strings.Join(ids, ",") }

// PageQuery returns the list-paging query parameters, leaving out a zero
// limit or offset so the service's default applies instead of an invalid
// `limit=0`. Negative values are sent, for the service to reject: a caller's
// bug must not silently become the first page.
func PageQuery(limit, offset int) url.Values {
	q := url.Values{}
	if limit != 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset != 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	return q
}
