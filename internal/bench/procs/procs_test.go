package procs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestChildEnv(t *testing.T) {
	env := map[string]string{"PATH": "/bin", "HOME": "/root", "REDIS_ADDR": "x:6379"}
	got := ChildEnv(func(k string) string { return env[k] })
	if want := []string{"PATH=/bin", "HOME=/root"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ChildEnv = %q, want %q", got, want)
	}
}

func TestProcess(t *testing.T) {
	tests := []struct {
		name, script string
		kill         bool
		wantLine     string // WaitOutput waits for it
		wantErr      string // in WaitOutput's error; "" for none
	}{
		{name: "listening", script: "echo starting; echo ready; exec sleep 60", wantLine: "ready"},
		{name: "Kill: SIGKILL, though it ignores SIGTERM", script: "trap '' TERM; echo ready; while :; do sleep 1; done", kill: true, wantLine: "ready"},
		{name: "exits first", script: "echo boom >&2; exit 3", wantLine: "ready", wantErr: "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Start(t.Context(), Command{Name: "sh", Path: "/bin/sh", Args: []string{"-c", tt.script}, Kill: tt.kill})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Stop()
			err = p.WaitOutput(t.Context(), time.Minute, func(lines []string) bool { return slices.Contains(lines, tt.wantLine) })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "sh exited") {
					t.Fatalf("WaitOutput = %v, want the exit with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Running(); err != nil {
				t.Errorf("Running = %v while it runs", err)
			}
			p.Stop()
			select {
			case <-p.Exited():
			default:
				t.Error("Exited is open after Stop")
			}
			if err := p.Running(); err == nil || !strings.Contains(err.Error(), tt.wantLine) {
				t.Errorf("Running = %v after Stop, want an error with the output", err)
			}
		})
	}
}

func TestStartMissing(t *testing.T) {
	if _, err := Start(t.Context(), Command{Name: "nope", Path: "/nonexistent/nope"}); err == nil || !strings.Contains(err.Error(), "starting nope") {
		t.Errorf("Start = %v, want an error naming nope", err)
	}
}

func TestWaitOK(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if err := WaitOK(t.Context(), srv.URL, time.Minute); err != nil || calls.Load() != 3 {
		t.Errorf("WaitOK = %v after %d calls, want nil after 3", err, calls.Load())
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := WaitOK(ctx, srv.URL+"/x", time.Minute); err == nil {
		t.Error("WaitOK with its context canceled: no error")
	}
}

func TestToken(t *testing.T) {
	tests := []struct {
		name, body, want string // want: the token
		status           int    // of the issuer's answer
		wantErr          bool
	}{
		{name: "token", status: http.StatusOK, body: `{"access_token":"eyJ.x.y","token_type":"Bearer"}`, want: "eyJ.x.y"},
		{name: "refused", status: http.StatusBadRequest, body: `{"error":"invalid_request"}`, wantErr: true},
		{name: "no token", status: http.StatusOK, body: `{}`, wantErr: true},
		{name: "not JSON", status: http.StatusOK, body: `<html>`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := r.ParseForm(); err != nil || r.URL.Path != "/token" || r.PostForm.Get("client_id") != "web-admin" || r.PostForm.Get("subject") != "usr_0196" {
					t.Errorf("request %s %s %v (%v), want POST /token for web-admin, usr_0196", r.Method, r.URL.Path, r.PostForm, err)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			got, err := Token(t.Context(), srv.URL, "web-admin", "usr_0196")
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("Token = %q, %v; want %q, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
