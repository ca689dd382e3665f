package gqlserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
)

func TestOutcome(t *testing.T) {
	tests := []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantHeader map[string]string
	}{
		{"nothing set: the handler's answer", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "{}")
		}, 200, map[string]string{"Retry-After": ""}},
		{"status replaces a 200 and brings its headers", func(w http.ResponseWriter, r *http.Request) {
			gqlserver.OutcomeFrom(r.Context()).SetStatus(http.StatusTooManyRequests, "Retry-After", "7")
			_, _ = io.WriteString(w, "{}")
		}, 429, map[string]string{"Retry-After": "7"}},
		{"the first status wins", func(w http.ResponseWriter, r *http.Request) {
			o := gqlserver.OutcomeFrom(r.Context())
			o.SetStatus(http.StatusUnauthorized, "WWW-Authenticate", "Bearer")
			o.SetStatus(http.StatusTooManyRequests, "Retry-After", "7")
			w.WriteHeader(http.StatusOK)
		}, 401, map[string]string{"WWW-Authenticate": "Bearer", "Retry-After": ""}},
		{"an explicit error status stays, without the status headers", func(w http.ResponseWriter, r *http.Request) {
			gqlserver.OutcomeFrom(r.Context()).SetStatus(http.StatusUnauthorized, "WWW-Authenticate", "Bearer")
			w.WriteHeader(http.StatusBadRequest)
		}, 400, map[string]string{"WWW-Authenticate": ""}},
		{"plain headers go out with any status", func(w http.ResponseWriter, r *http.Request) {
			gqlserver.OutcomeFrom(r.Context()).SetHeader("RateLimit-Limit", "100")
			w.WriteHeader(http.StatusBadRequest)
		}, 400, map[string]string{"RateLimit-Limit": "100"}},
		{"settings after the answer started are ignored", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "{}")
			o := gqlserver.OutcomeFrom(r.Context())
			o.SetStatus(http.StatusTooManyRequests)
			o.SetHeader("RateLimit-Limit", "1")
			if o.Status() != 0 || o.Header().Get("RateLimit-Limit") != "" {
				t.Error("the Outcome changed after the answer was written")
			}
		}, 200, map[string]string{"RateLimit-Limit": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			gqlserver.Outcomes(tt.handler).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/graphql", nil))
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			for k, v := range tt.wantHeader {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
	if gqlserver.OutcomeFrom(t.Context()) != nil {
		t.Error("OutcomeFrom outside the middleware is not nil")
	}
	var none *gqlserver.Outcome
	none.SetStatus(http.StatusTooManyRequests) // no panic
	none.SetHeader("A", "b")
}
