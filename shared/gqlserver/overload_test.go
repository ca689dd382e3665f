package gqlserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

func post() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ ok }"}`))
	r.Header.Set("Content-Type", "application/json")
	return r
}

// TestLimit: maxInFlight requests held in the handler, the next one is shed
// at once with 503 OVERLOADED, and once they finish requests pass again.
func TestLimit(t *testing.T) {
	const maxInFlight = 3
	entered, release := make(chan struct{}, maxInFlight), make(chan struct{})
	var calls atomic.Int64
	limited := gqlserver.Limit(maxInFlight)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) > maxInFlight {
			select {
			case <-release:
			default:
				t.Error("a request over the cap reached the handler")
				return
			}
		}
		entered <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "ok")
	}))

	held := make(chan int, maxInFlight)
	for range maxInFlight {
		go func() {
			rec := httptest.NewRecorder()
			limited.ServeHTTP(rec, post())
			held <- rec.Code
		}()
	}
	for range maxInFlight {
		<-entered
	}

	// Served on this goroutine: it can only return without waiting for
	// release, or not at all.
	rec := httptest.NewRecorder()
	limited.ServeHTTP(rec, post())
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("request over the cap: status %d, want 503", rec.Code)
	}
	if got := rec.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if want := errBody("OVERLOADED", "the server is overloaded; try again shortly"); rec.Body.String() != want {
		t.Errorf("body = %s, want %s", rec.Body, want)
	}

	close(release)
	for range maxInFlight {
		if code := <-held; code != http.StatusOK {
			t.Errorf("held request: status %d, want 200", code)
		}
	}
	for range maxInFlight + 1 { // the slots are all free again
		rec := httptest.NewRecorder()
		limited.ServeHTTP(rec, post())
		<-entered
		if rec.Code != http.StatusOK {
			t.Errorf("after release: status %d, want 200", rec.Code)
		}
	}
}

// TestLimitReleasesOnPanic: a panicking handler gives its slot back.
func TestLimitReleasesOnPanic(t *testing.T) {
	var panicking atomic.Bool
	panicking.Store(true)
	limited := gqlserver.Limit(1)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if panicking.Load() {
			panic(http.ErrAbortHandler)
		}
		_, _ = io.WriteString(w, "ok")
	}))
	func() {
		defer func() { _ = recover() }()
		limited.ServeHTTP(httptest.NewRecorder(), post())
	}()
	panicking.Store(false)
	rec := httptest.NewRecorder()
	limited.ServeHTTP(rec, post())
	if rec.Code != http.StatusOK {
		t.Errorf("after a panic: status %d, want 200", rec.Code)
	}
}

// TestLimitZeroIsUnlimited: MAX_IN_FLIGHT=0 sheds nothing.
func TestLimitZeroIsUnlimited(t *testing.T) {
	const n = 20
	entered, release := make(chan struct{}, n), make(chan struct{})
	limited := gqlserver.Limit(0)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		entered <- struct{}{}
		<-release
		_, _ = io.WriteString(w, "ok")
	}))
	codes := make(chan int, n)
	for range n {
		go func() {
			rec := httptest.NewRecorder()
			limited.ServeHTTP(rec, post())
			codes <- rec.Code
		}()
	}
	for range n {
		<-entered
	}
	close(release)
	for range n {
		if code := <-codes; code != http.StatusOK {
			t.Errorf("status %d, want 200", code)
		}
	}
}
