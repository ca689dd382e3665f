package restclient_test

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// upstream is an httptest upstream that counts the requests it received and
// answers each with the fault or answer of its handler for that attempt.
type upstream struct {
	*httptest.Server
	hits atomic.Int32
	// release unblocks the handlers that stall; closed at cleanup.
	release chan struct{}
}

// fault answers (or fails) the n-th request (from 1) an upstream received.
type fault func(u *upstream, n int, w http.ResponseWriter, r *http.Request)

// newUpstream starts an upstream whose n-th request is answered by
// faults[n-1], the last fault answering any further requests.
func newUpstream(t *testing.T, faults ...fault) *upstream {
	t.Helper()
	u := &upstream{release: make(chan struct{})}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(u.hits.Add(1))
		faults[min(n, len(faults))-1](u, n, w, r)
	}))
	t.Cleanup(u.Close)
	t.Cleanup(func() { close(u.release) }) // runs before Close (LIFO)
	return u
}

// downURL returns the URL of a port nothing listens on: dials are refused.
func downURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close()
	return srv.URL
}

func status(code int, body string, headers ...string) fault {
	return func(_ *upstream, _ int, w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

func ok(body string) fault { return status(http.StatusOK, body) }

// chunked answers 200 with the parts of a body flushed one by one, so it
// has no Content-Length.
func chunked(parts ...string) fault {
	return func(_ *upstream, _ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for _, p := range parts {
			_, _ = io.WriteString(w, p)
			_ = http.NewResponseController(w).Flush()
		}
	}
}

// stall blocks before answering anything, until the client goes away or the
// test ends.
func stall(u *upstream, _ int, _ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-u.release:
	}
}

// hangAfterHeaders sends the status, headers and the start of a body, then
// stalls.
func hangAfterHeaders(u *upstream, n int, w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"id":`)
	_ = http.NewResponseController(w).Flush()
	stall(u, n, w, r)
}

// hijack takes the connection over for a raw fault.
func hijack(t testing.TB, w http.ResponseWriter) (net.Conn, *bufio.ReadWriter) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Errorf("hijacking: %v", err)
		panic(http.ErrAbortHandler)
	}
	return conn, rw
}

// truncated promises a longer body (Content-Length) than it sends, then
// closes the connection.
func truncated(t testing.TB) fault {
	return func(_ *upstream, _ int, w http.ResponseWriter, _ *http.Request) {
		conn, rw := hijack(t, w)
		defer conn.Close()
		_, _ = rw.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"prd_")
		_ = rw.Flush()
	}
}

// reset closes the connection with a TCP reset before answering.
func reset(t testing.TB) fault {
	return func(_ *upstream, _ int, w http.ResponseWriter, _ *http.Request) {
		conn, _ := hijack(t, w)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}

// gzipped answers body gzip-compressed, as the transport asked for.
func gzipped(body string) fault {
	return func(_ *upstream, _ int, w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			panic(fmt.Sprintf("no gzip accepted: %q", r.Header.Get("Accept-Encoding")))
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, body)
		_ = zw.Close()
	}
}

// closeCounter is a body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed atomic.Int32
}

func (c *closeCounter) Close() error {
	c.closed.Add(1)
	return nil
}
