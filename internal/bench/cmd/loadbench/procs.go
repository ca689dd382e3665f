package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// startTimeout bounds how long a child may take to print its address and
// turn healthy.
const startTimeout = 30 * time.Second

// process is a child binary the benchmark started. It is stopped with
// SIGTERM when the context it was started with ends.
type process struct {
	name   string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited

	mu      sync.Mutex
	lines   []string      // the last tailLines lines of its output
	changed chan struct{} // signalled on every line
	waitErr error
}

const tailLines = 200

// startProcess starts path with args and exactly env, capturing its output.
func startProcess(ctx context.Context, name, path string, args, env []string) (*process, error) {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = env
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 20 * time.Second // then killed
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, exited: make(chan struct{}), changed: make(chan struct{}, 1)}
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
	_, _ = io.Copy(io.Discard, r) // a line over the buffer: keep draining
}

// pid is the process id, for /proc.
func (p *process) pid() int { return p.cmd.Process.Pid }

// tail returns the last lines of the output, for error messages.
func (p *process) tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := p.lines
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// running reports an error when the process has exited.
func (p *process) running() error {
	select {
	case <-p.exited:
		p.mu.Lock()
		defer p.mu.Unlock()
		return fmt.Errorf("%s exited (%w); its last output:\n%s", p.name, p.waitErr, strings.Join(p.lines, "\n"))
	default:
		return nil
	}
}

// waitOutput waits until match, called with the output so far, reports done.
func (p *process) waitOutput(ctx context.Context, match func(lines []string) bool) error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		done := match(p.lines)
		p.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-p.changed:
		case <-p.exited:
			if err := p.running(); err != nil {
				return err
			}
		case <-deadline.C:
			return fmt.Errorf("%s did not start within %v; its output:\n%s", p.name, startTimeout, p.tail())
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// services are the demo services' logical names, in start-up order.
var services = []string{"users", "catalog", "inventory", "orders", "reviews", "payments"}

// demoLine is what demo-services prints per server: "name URL".
var demoLine = regexp.MustCompile(`^(\w+)\s+(http://127\.0\.0\.1:\d+)$`)

// startDemo starts demo-services on free ports with latency on every
// service and returns it with the URL of the issuer and of each service.
func startDemo(ctx context.Context, bin string, latency time.Duration, env []string) (*process, map[string]string, error) {
	faults := make([]string, len(services))
	for i, s := range services {
		faults[i] = fmt.Sprintf("%s=latency:%dms", s, latency.Milliseconds())
	}
	args := []string{"-base-port", "0", "-faults", strings.Join(faults, ";")}
	p, err := startProcess(ctx, "demo-services", filepath.Join(bin, "demo-services"), args, env)
	if err != nil {
		return nil, nil, err
	}
	urls := map[string]string{}
	err = p.waitOutput(ctx, func(lines []string) bool {
		for _, l := range lines {
			if m := demoLine.FindStringSubmatch(l); m != nil {
				urls[m[1]] = m[2]
			}
		}
		return len(urls) == len(services)+1
	})
	if err != nil {
		return p, nil, err
	}
	if urls["issuer"] == "" {
		return p, nil, fmt.Errorf("demo-services printed no issuer URL:\n%s", p.tail())
	}
	for _, s := range services {
		if err := waitOK(ctx, urls[s]+"/healthz"); err != nil {
			return p, nil, err
		}
	}
	return p, urls, nil
}

// listeningLine is what a BFF prints once it listens.
var listeningLine = regexp.MustCompile(`listening on (http://\S+)/graphql`)

// startBFF starts a BFF binary with env and returns it with its base URL
// once /readyz answers.
func startBFF(ctx context.Context, name, path string, env []string) (*process, string, error) {
	p, err := startProcess(ctx, name, path, nil, env)
	if err != nil {
		return nil, "", err
	}
	var base string
	err = p.waitOutput(ctx, func(lines []string) bool {
		for _, l := range lines {
			if m := listeningLine.FindStringSubmatch(l); m != nil {
				base = m[1]
				return true
			}
		}
		return false
	})
	if err != nil {
		return p, "", err
	}
	return p, base, waitOK(ctx, base+"/readyz")
}

// waitOK polls u until it answers 200.
func waitOK(ctx context.Context, u string) error {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
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
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// memory is a process's resident set, in bytes.
type memory struct {
	RSS int64 `json:"rssBytes"` // VmRSS: now
	HWM int64 `json:"hwmBytes"` // VmHWM: the peak since the process started
}

// readMemory reads VmRSS and VmHWM of pid from /proc.
func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, err
	}
	var m memory
	for line := range strings.SplitSeq(string(b), "\n") {
		key, rest, ok := strings.Cut(line, ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return memory{}, fmt.Errorf("/proc/%d/status: unexpected %s line %q", pid, key, line)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("/proc/%d/status: %s: %w", pid, key, err)
		}
		if key == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	if m.RSS == 0 || m.HWM == 0 {
		return memory{}, errors.New("/proc status without VmRSS or VmHWM")
	}
	return m, nil
}

// sampleMemory samples pid's resident set every interval until stop is
// closed, then once more, and returns the largest VmRSS seen and the last
// VmHWM.
func sampleMemory(pid int, interval time.Duration, stop <-chan struct{}) (memory, error) {
	var peak memory
	t := time.NewTicker(interval)
	defer t.Stop()
	for stopped := false; ; {
		m, err := readMemory(pid)
		if err != nil {
			return peak, err
		}
		peak.RSS = max(peak.RSS, m.RSS)
		peak.HWM = m.HWM
		if stopped {
			return peak, nil
		}
		select {
		case <-stop:
			stopped = true
		case <-t.C:
		}
	}
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/<pid>/stat
// (100 on every Linux build that matters).
const clockTicks = 100

// readCPU returns the CPU time (user + system) pid has used so far.
func readCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; the fields after it do not.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the command name", pid, len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime, stime: fields 14 and 15 of the line
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}
