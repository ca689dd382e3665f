package gqlserver_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

func TestDeadline(t *testing.T) {
	tests := []struct {
		name    string
		d       time.Duration
		parent  time.Duration // an earlier deadline on the incoming request; 0: none
		want    time.Duration // the deadline the handler sees, from arrival; 0: none
		expires bool
	}{
		{name: "sets the request timeout", d: 10 * time.Second, want: 10 * time.Second, expires: true},
		{name: "keeps an earlier deadline", d: 10 * time.Second, parent: 2 * time.Second, want: 2 * time.Second, expires: true},
		{name: "tightens a later deadline", d: 3 * time.Second, parent: time.Minute, want: 3 * time.Second, expires: true},
		{name: "zero sets none", d: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				ctx := t.Context()
				if tt.parent > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.parent)
					defer cancel()
				}
				var seen context.Context
				h := gqlserver.Deadline(tt.d)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					seen = r.Context()
					deadline, ok := seen.Deadline()
					if ok != (tt.want > 0) || (ok && !deadline.Equal(start.Add(tt.want))) {
						t.Errorf("deadline = %v (%v), want %v from arrival", deadline.Sub(start), ok, tt.want)
					}
					if !tt.expires {
						return
					}
					<-seen.Done() // every upstream call on this context ends here
					if !errors.Is(seen.Err(), context.DeadlineExceeded) || time.Since(start) != tt.want {
						t.Errorf("context ended after %v with %v, want %v and deadline exceeded", time.Since(start), seen.Err(), tt.want)
					}
				}))
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", nil))
				if tt.d > 0 && seen.Err() == nil {
					t.Error("the request's context outlives the request")
				}
			})
		})
	}
}
