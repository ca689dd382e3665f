package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The Go runtime's cumulative allocation counters, as the Prometheus Go
// collector exposes them.
const (
	mallocsMetric = "go_memstats_mallocs_total"
	bytesMetric   = "go_memstats_alloc_bytes_total"
)

// allocCounters are a process's allocations since it started.
type allocCounters struct {
	Mallocs float64 // heap objects allocated
	Bytes   float64 // heap bytes allocated
}

func (a allocCounters) minus(b allocCounters) allocCounters {
	return allocCounters{Mallocs: a.Mallocs - b.Mallocs, Bytes: a.Bytes - b.Bytes}
}

// scrape reads the allocation counters from the Prometheus endpoint u.
func scrape(ctx context.Context, hc *http.Client, u string) (allocCounters, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return allocCounters{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return allocCounters{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return allocCounters{}, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	a, err := parseAllocs(resp.Body)
	if err != nil {
		return allocCounters{}, fmt.Errorf("GET %s: %w", u, err)
	}
	return a, nil
}

// parseAllocs reads the allocation counters from the Prometheus text
// exposition format.
func parseAllocs(r io.Reader) (allocCounters, error) {
	var a allocCounters
	var seenMallocs, seenBytes bool
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		name, value, ok := strings.Cut(s.Text(), " ")
		if !ok || (name != mallocsMetric && name != bytesMetric) {
			continue
		}
		if f := strings.Fields(value); len(f) > 0 { // a timestamp may follow
			value = f[0]
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return allocCounters{}, fmt.Errorf("%s: %w", name, err)
		}
		if name == mallocsMetric {
			a.Mallocs, seenMallocs = v, true
		} else {
			a.Bytes, seenBytes = v, true
		}
	}
	if err := s.Err(); err != nil {
		return allocCounters{}, err
	}
	if !seenMallocs || !seenBytes {
		return allocCounters{}, fmt.Errorf("no %s or %s", mallocsMetric, bytesMetric)
	}
	return a, nil
}
