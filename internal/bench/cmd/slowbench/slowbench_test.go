package main

import (
	"io"
	"net/http"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	c, err := parseConfig(nil, io.Discard)
	if err != nil || c.clients != 10 || c.duration != 5*time.Second || c.latency != 3*time.Second {
		t.Fatalf("defaults = %+v, %v", c, err)
	}
	for _, args := range [][]string{{"-clients", "0"}, {"-duration", "0s"}, {"-latency", "-1s"}, {"extra"}} {
		if _, err := parseConfig(args, io.Discard); err == nil {
			t.Errorf("parseConfig(%q) accepted", args)
		}
	}
}

func TestSummarize(t *testing.T) {
	var outcomes []outcome
	for i := 1; i <= 100; i++ {
		o := outcome{took: time.Duration(i) * time.Millisecond, status: http.StatusOK}
		if i%4 == 0 {
			o.codes = []string{"UPSTREAM_TIMEOUT", "UPSTREAM_TIMEOUT"}
		}
		if i == 100 {
			o.status = http.StatusServiceUnavailable
		}
		outcomes = append(outcomes, o)
	}
	r := summarize("home", outcomes)
	if r.Queries != 100 || r.P50Ms != 50 || r.P99Ms != 99 || r.OK != 0.99 || r.Degraded != 0.25 ||
		len(r.Codes) != 1 || r.Codes[0] != "UPSTREAM_TIMEOUT" {
		t.Errorf("summarize = %+v", r)
	}
	if empty := summarize("home", nil); empty.Queries != 0 || empty.P50Ms != 0 {
		t.Errorf("summarize(nil) = %+v", empty)
	}
}
