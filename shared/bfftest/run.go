package bfftest

import (
	"bytes"
	"context"
	"io"
	"maps"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/services/servicestest"
)

// RunFunc is the signature of a binary's run function.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error

var listening = regexp.MustCompile(`listening on (http://[^/\s]+)/graphql`)

// StartRun calls run in the background with env as its environment and
// returns the base URL it printed. When the test ends it cancels run's
// context and fails unless run returns nil within the drain time.
func StartRun(t testing.TB, run RunFunc, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &notifyingBuffer{changed: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"test"}, func(k string) string { return env[k] }, out) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v after shutdown, want nil", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("run did not return after its context was canceled")
		}
	})

	deadline := time.After(20 * time.Second)
	for {
		if m := listening.FindSubmatch(out.Bytes()); m != nil {
			return string(m[1])
		}
		select {
		case <-out.changed:
		case err := <-done:
			t.Fatalf("run returned before listening: %v\noutput: %s", err, out.Bytes())
		case <-deadline:
			t.Fatalf("run printed no listening line\noutput: %s", out.Bytes())
		}
	}
}

// notifyingBuffer is a concurrency-safe buffer that signals every write.
type notifyingBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func (b *notifyingBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	select {
	case b.changed <- struct{}{}:
	default:
	}
	return n, err
}

func (b *notifyingBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// UpstreamEnv returns the environment that points a BFF at ups, plus extra.
func UpstreamEnv(ups *servicestest.Upstreams, extra map[string]string) map[string]string {
	env := map[string]string{
		"USERS_URL":     ups.URL("users"),
		"CATALOG_URL":   ups.URL("catalog"),
		"INVENTORY_URL": ups.URL("inventory"),
		"ORDERS_URL":    ups.URL("orders"),
		"REVIEWS_URL":   ups.URL("reviews"),
		"PAYMENTS_URL":  ups.URL("payments"),
	}
	maps.Copy(env, extra)
	return env
}
