package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Start-up bounds: a Go server under valgrind takes seconds to start, more
// on a busy machine.
const (
	startTimeout         = 30 * time.Second
	valgrindStartTimeout = 5 * time.Minute
)

// process is a child binary cpubench started.
type process struct {
	name    string
	cmd     *exec.Cmd
	kill    bool          // stop with SIGKILL: callgrind fails an assertion on SIGTERM
	exited  chan struct{} // closed when the process has exited
	mu      sync.Mutex
	lines   []string      // the last output lines
	changed chan struct{} // signalled on every line
	waitErr error
}

const tailLines = 100

// startProcess starts path with args and exactly env, capturing its
// output; it is stopped like stop does when ctx ends.
func startProcess(ctx context.Context, name, path string, args, env []string, kill bool) (*process, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(stopSignal(kill)) }
	cmd.WaitDelay = 20 * time.Second // then killed
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, kill: kill, exited: make(chan struct{}), changed: make(chan struct{}, 1)}
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.waitErr = err
		p.mu.Unlock()
		_ = pw.Close()
		close(p.exited)
	}()
	go p.read(pr)
	return p, nil
}

func (p *process) read(r io.Reader) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		p.mu.Lock()
		p.lines = append(p.lines, s.Text())
		if len(p.lines) > tailLines {
			p.lines = p.lines[len(p.lines)-tailLines:]
		}
		p.mu.Unlock()
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

func (p *process) pid() int { return p.cmd.Process.Pid }

func (p *process) tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// stop ends the process (SIGTERM, or SIGKILL for one under valgrind) and
// waits for it; a process that ignores SIGTERM is killed after 20s.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(stopSignal(p.kill))
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func stopSignal(kill bool) syscall.Signal {
	if kill {
		return syscall.SIGKILL
	}
	return syscall.SIGTERM
}

// waitMatch waits until re matches a line of the output and returns its
// first submatch.
func (p *process) waitMatch(ctx context.Context, re *regexp.Regexp, timeout time.Duration) (string, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		for _, l := range p.lines {
			if m := re.FindStringSubmatch(l); m != nil {
				p.mu.Unlock()
				return m[1], nil
			}
		}
		p.mu.Unlock()
		select {
		case <-p.changed:
		case <-p.exited:
			p.mu.Lock()
			err := p.waitErr
			p.mu.Unlock()
			return "", fmt.Errorf("%s exited (%w); its output:\n%s", p.name, err, p.tail())
		case <-deadline.C:
			return "", fmt.Errorf("%s did not start within %v; its output:\n%s", p.name, timeout, p.tail())
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

// services are the demo services' logical names.
var services = []string{"users", "catalog", "inventory", "orders", "reviews", "payments"}

// demoLine is what demo-services prints per server: "name URL".
var demoLine = regexp.MustCompile(`^(\w+)\s+(http://127\.0\.0\.1:\d+)$`)

// startDemo starts demo-services on free ports, without faults, and returns
// it with the URL of the issuer and of each service.
func startDemo(ctx context.Context, path string, env []string) (*process, map[string]string, error) {
	p, err := startProcess(ctx, "demo-services", path, []string{"-base-port", "0"}, env, false)
	if err != nil {
		return nil, nil, err
	}
	deadline := time.Now().Add(startTimeout)
	urls := map[string]string{}
	for len(urls) < len(services)+1 {
		p.mu.Lock()
		for _, l := range p.lines {
			if m := demoLine.FindStringSubmatch(l); m != nil {
				urls[m[1]] = m[2]
			}
		}
		p.mu.Unlock()
		if len(urls) == len(services)+1 {
			break
		}
		select {
		case <-p.changed:
		case <-p.exited:
			return p, nil, fmt.Errorf("demo-services exited; its output:\n%s", p.tail())
		case <-time.After(time.Until(deadline)):
			return p, nil, fmt.Errorf("demo-services did not start within %v; its output:\n%s", startTimeout, p.tail())
		case <-ctx.Done():
			return p, nil, ctx.Err()
		}
	}
	if urls["issuer"] == "" {
		return p, nil, fmt.Errorf("demo-services printed no issuer URL:\n%s", p.tail())
	}
	for _, s := range services {
		if err := waitOK(ctx, urls[s]+"/healthz", startTimeout); err != nil {
			return p, nil, err
		}
	}
	return p, urls, nil
}

// listeningLine is what a BFF and the anchor print once they listen.
var listeningLine = regexp.MustCompile(`listening on (http://\S+)/graphql`)

// startServer starts a BFF or the anchor and returns it with its base URL
// once /readyz answers.
func startServer(ctx context.Context, name, path string, args, env []string, valgrind bool) (*process, string, error) {
	timeout := startTimeout
	if valgrind {
		timeout = valgrindStartTimeout
	}
	p, err := startProcess(ctx, name, path, args, env, valgrind)
	if err != nil {
		return nil, "", err
	}
	base, err := p.waitMatch(ctx, listeningLine, timeout)
	if err != nil {
		return p, "", err
	}
	return p, base, waitOK(ctx, base+"/readyz", timeout)
}

// waitOK polls u until it answers 200.
func waitOK(ctx context.Context, u string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready: %w", u, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freeAddr returns a loopback address with a port free a moment ago, for a
// listener whose address a child does not print (a BFF's METRICS_ADDR).
func freeAddr(ctx context.Context) (string, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}
