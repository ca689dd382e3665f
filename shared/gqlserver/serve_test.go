package gqlserver_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

var serveCfg = gqlserver.Config{
	ReadHeaderTimeout: 5 * time.Second,
	ReadTimeout:       5 * time.Second,
	WriteTimeout:      5 * time.Second,
	IdleTimeout:       5 * time.Second,
	ShutdownTimeout:   5 * time.Second,
}

// syncBuffer is a bytes.Buffer safe for a logger and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// blocking answers "done" once release is closed; entered gets a value per request.
func blocking() (h http.Handler, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}, 4), make(chan struct{})
	h = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "done")
	})
	return h, entered, release
}

// waitFor yields until cond holds, failing the test after a bounded number of tries.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1_000_000 {
		if cond() {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("gave up waiting for %s", what)
}

type response struct {
	status int
	body   string
	err    error
}

func get(ctx context.Context, url string) response {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{err: err}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), err: err}
}

// watchedListener reports when Serve closes it (shutdown starts accepting
// no more) and whether readiness was already false then.
type watchedListener struct {
	net.Listener
	ready       *gqlserver.Readiness
	closeOnce   sync.Once
	closed      chan struct{}
	readyAtStop atomic.Bool
}

func watch(t *testing.T, ready *gqlserver.Readiness) *watchedListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return &watchedListener{Listener: ln, ready: ready, closed: make(chan struct{})}
}

func (l *watchedListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() {
		l.readyAtStop.Store(l.ready.Ready())
		close(l.closed)
	})
	return err
}

// refused reports whether a new connection to addr is refused.
func refused(addr string) bool {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return true
	}
	_ = c.Close()
	return false
}

// getNew is get on a connection of its own, closed after the answer.
func getNew(ctx context.Context, url string) response {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{err: err}
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return response{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, body: string(b), err: err}
}

// TestServeDrainsInFlightRequests: on shutdown readiness turns false before
// the listener closes, new connections are refused from then on, and every
// request already accepted finishes with its answer before Serve returns.
func TestServeDrainsInFlightRequests(t *testing.T) {
	const inFlight = 3
	var ready gqlserver.Readiness
	ln := watch(t, &ready)
	addr := ln.Addr().String()
	h, entered, release := blocking()
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	served := make(chan error, 1)
	go func() { served <- gqlserver.Serve(ctx, logger, ln, h, serveCfg, &ready) }()

	answers := make(chan response, inFlight)
	for range inFlight {
		go func() { answers <- getNew(t.Context(), "http://"+addr+"/slow") }()
	}
	for range inFlight {
		<-entered
	}
	waitFor(t, "readiness", ready.Ready)

	cancel()
	<-ln.closed
	if ln.readyAtStop.Load() {
		t.Error("the listener closed while readiness still reported ready")
	}
	if !refused(addr) {
		t.Error("a new connection was accepted after shutdown started")
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight requests finished", err)
	default:
	}

	close(release)
	for range inFlight {
		if r := <-answers; r.err != nil || r.status != http.StatusOK || r.body != "done" {
			t.Errorf("in-flight request = %d %q %v; want 200 done", r.status, r.body, r.err)
		}
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil after a clean shutdown", err)
	}
	if ready.Ready() {
		t.Errorf("ready after shutdown")
	}
	if !strings.Contains(logs.String(), `"msg":"shutting down"`) {
		t.Errorf("log %q lacks the shutdown line", logs.String())
	}
}

// TestServeShutdownDelay: during SHUTDOWN_DELAY readiness is false but new
// requests are still served; then the listener closes and the drain runs.
func TestServeShutdownDelay(t *testing.T) {
	const delay = 30 * time.Second
	delayStarted, delayOver := make(chan time.Duration, 1), make(chan time.Time)
	gqlserver.SetShutdownClock(t, func(d time.Duration) <-chan time.Time {
		delayStarted <- d
		return delayOver
	})
	var ready gqlserver.Readiness
	ln := watch(t, &ready)
	addr := ln.Addr().String()
	slow, entered, release := blocking()
	mux := http.NewServeMux()
	mux.Handle("/slow", slow)
	mux.HandleFunc("/fast", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "fast") })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cfg := serveCfg
	cfg.ShutdownDelay = delay

	served := make(chan error, 1)
	go func() { served <- gqlserver.Serve(ctx, slog.New(slog.DiscardHandler), ln, mux, cfg, &ready) }()
	held := make(chan response, 1)
	go func() { held <- getNew(t.Context(), "http://"+addr+"/slow") }()
	<-entered
	waitFor(t, "readiness", ready.Ready)

	cancel()
	if d := <-delayStarted; d != delay {
		t.Errorf("delay = %v, want %v", d, delay)
	}
	if ready.Ready() {
		t.Error("ready during the shutdown delay")
	}
	if r := getNew(t.Context(), "http://"+addr+"/fast"); r.err != nil || r.status != http.StatusOK || r.body != "fast" {
		t.Errorf("request during the delay = %d %q %v; want 200 fast", r.status, r.body, r.err)
	}
	select {
	case <-ln.closed:
		t.Fatal("the listener closed before the delay was over")
	default:
	}

	close(delayOver)
	<-ln.closed
	if !refused(addr) {
		t.Error("a new connection was accepted after the delay")
	}
	close(release)
	if r := <-held; r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Errorf("in-flight request = %d %q %v; want 200 done", r.status, r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

func TestServeDrainTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h, entered, release := blocking()
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	cfg := serveCfg
	cfg.ShutdownTimeout = 50 * time.Millisecond
	var ready gqlserver.Readiness

	served := make(chan error, 1)
	go func() {
		served <- gqlserver.Serve(ctx, slog.New(slog.DiscardHandler), ln, h, cfg, &ready)
	}()
	go get(t.Context(), "http://"+ln.Addr().String()+"/stuck")
	<-entered
	cancel()

	err = <-served
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "draining requests: ") {
		t.Errorf("Serve = %v, want draining requests: context deadline exceeded", err)
	}
	if ready.Ready() {
		t.Errorf("ready after a failed drain")
	}
}

func TestServeListenerFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_ = ln.Close()
	var ready gqlserver.Readiness
	err = gqlserver.Serve(t.Context(), slog.New(slog.DiscardHandler), ln, http.NotFoundHandler(), serveCfg, &ready)
	if !errors.Is(err, net.ErrClosed) || !strings.HasPrefix(err.Error(), "serving: ") {
		t.Errorf("Serve = %v, want serving: ... use of closed network connection", err)
	}
	if ready.Ready() {
		t.Errorf("ready after Serve failed")
	}
}

// lineWriter hands each write to the test.
type lineWriter chan string

func (w lineWriter) Write(p []byte) (int, error) {
	w <- string(p)
	return len(p), nil
}

func TestListenAndServe(t *testing.T) {
	tests := []struct {
		name       string
		playground bool
		wantSuffix string
	}{
		{"with playground", true, "/graphql (playground http://%s/playground)\n"},
		{"without playground", false, "/graphql\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			cfg := serveCfg
			cfg.Playground = tt.playground
			out := make(lineWriter, 8)
			var ready gqlserver.Readiness
			mux := gqlserver.NewMux(gqlserver.Options{GraphQL: http.NotFoundHandler(), Ready: ready.Ready, Config: cfg})

			served := make(chan error, 1)
			go func() {
				served <- gqlserver.ListenAndServe(ctx, slog.New(slog.DiscardHandler), "bff-test", "127.0.0.1:0", mux, cfg, &ready, out)
			}()
			var printed strings.Builder
			for !strings.HasSuffix(printed.String(), "\n") {
				printed.WriteString(<-out)
			}
			line := printed.String()
			addr, _, ok := strings.Cut(strings.TrimPrefix(line, "bff-test listening on http://"), "/")
			if !ok || !strings.HasPrefix(line, "bff-test listening on http://127.0.0.1:") {
				t.Fatalf("printed %q", line)
			}
			if want := "bff-test listening on http://" + addr + strings.ReplaceAll(tt.wantSuffix, "%s", addr); line != want {
				t.Errorf("printed %q, want %q", line, want)
			}
			waitFor(t, "readiness", ready.Ready)
			if r := get(t.Context(), "http://"+addr+"/readyz"); r.err != nil || r.status != http.StatusOK || r.body != "ready\n" {
				t.Errorf("GET /readyz = %d %q %v", r.status, r.body, r.err)
			}
			cancel()
			if err := <-served; err != nil {
				t.Errorf("ListenAndServe = %v, want nil", err)
			}
		})
	}
}

func TestListenAndServeBadAddress(t *testing.T) {
	var ready gqlserver.Readiness
	var out bytes.Buffer
	err := gqlserver.ListenAndServe(t.Context(), slog.New(slog.DiscardHandler), "bff-test", "127.0.0.1:notaport", http.NotFoundHandler(), serveCfg, &ready, &out)
	if err == nil || !strings.HasPrefix(err.Error(), "listening on 127.0.0.1:notaport: ") {
		t.Errorf("ListenAndServe = %v, want a listening error", err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q before listening", out.String())
	}
}
