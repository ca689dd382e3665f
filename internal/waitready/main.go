// Command wait-ready polls URLs until each answers 200, for `make run`: it
// exits 0 when all are up and 1 after a timeout.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	timeout := flag.Duration("timeout", 30*time.Second, "how long to wait for all URLs")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	err := waitAll(ctx, http.DefaultClient, flag.Args(), 50*time.Millisecond)
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wait-ready:", err)
		os.Exit(1)
	}
}

func waitAll(ctx context.Context, hc *http.Client, urls []string, every time.Duration) error {
	for _, u := range urls {
		for !up(ctx, hc, u) {
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s not ready: %w", u, ctx.Err())
			case <-time.After(every):
			}
		}
	}
	return nil
}

func up(ctx context.Context, hc *http.Client, u string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
