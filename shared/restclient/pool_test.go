package restclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// goroutineID returns the calling goroutine's id, from its stack header.
func goroutineID(t *testing.T) uint64 {
	t.Helper()
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	field := strings.Fields(strings.TrimPrefix(string(buf), "goroutine "))
	id, err := strconv.ParseUint(field[0], 10, 64)
	if err != nil {
		t.Fatalf("reading the goroutine id from %q: %v", buf, err)
	}
	return id
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestDoCallsOnPooledGoroutine: the upstream call (transport and decoding)
// runs on a goroutine of the pool, not on the resolver's, whose small stack
// it would otherwise grow.
func TestDoCallsOnPooledGoroutine(t *testing.T) {
	caller := goroutineID(t)
	var callers []uint64
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		callers = append(callers, goroutineID(t))
		return &http.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       io.NopCloser(bytes.NewReader([]byte(`{"id":"prd_1"}`))),
			Request:    r,
		}, nil
	})}
	c, err := New("catalog", "http://catalog.test", hc, Config{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		var out struct{ ID string }
		if err := c.Get(context.Background(), "/products/prd_1", nil, &out); err != nil || out.ID != "prd_1" {
			t.Fatalf("Get = %v, %+v; want prd_1", err, out)
		}
	}
	for i, g := range callers {
		if g == caller {
			t.Errorf("call %d ran on the caller's goroutine %d, want a pooled one", i, g)
		}
	}
}

// TestCallPoolPanic: a panic of the call is raised again on the caller's
// goroutine, where gqlgen's recovery reports it, instead of crashing the
// process from a pooled goroutine.
func TestCallPoolPanic(t *testing.T) {
	defer func() {
		if r := recover(); r != "decoder bug" {
			t.Fatalf("recovered %v, want the call's panic", r)
		}
	}()
	_ = onCallPool(func() error { panic("decoder bug") })
	t.Fatal("onCallPool returned after its call panicked")
}

// TestCallPoolFull: with every pooled goroutine busy, a call runs on the
// caller's goroutine at once; the pool never makes a call wait for another.
func TestCallPoolFull(t *testing.T) {
	release := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(callPoolSize)
	finished.Add(callPoolSize)
	for range callPoolSize {
		go func() {
			defer finished.Done()
			_ = onCallPool(func() error {
				started.Done()
				<-release
				return nil
			})
		}()
	}
	started.Wait() // every pooled goroutine (or a caller the pool had no room for) holds a call

	caller := goroutineID(t)
	var ranOn uint64
	err := onCallPool(func() error {
		ranOn = goroutineID(t)
		return io.EOF
	})
	close(release)
	finished.Wait()
	if !errors.Is(err, io.EOF) {
		t.Errorf("onCallPool = %v, want the call's error", err)
	}
	if ranOn != caller {
		t.Errorf("with the pool full the call ran on goroutine %d, want the caller's %d", ranOn, caller)
	}
}
