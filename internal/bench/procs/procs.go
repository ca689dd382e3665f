// Package procs runs the processes of a benchmark command: its own (Main)
// and the built binaries it measures, each started with exactly the
// environment it is given (ChildEnv), its output kept for error messages,
// waited for until it listens and answers (StartServer, StartDemo), and
// stopped when the command is done. Token asks the demo issuer for a
// caller's access token.
package procs

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RunFunc is a command's run: everything from start-up to shutdown, with
// the command line (without the program name), the environment and stdout.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error

// Main calls run as a command's main does, its context canceled on SIGINT
// or SIGTERM, and returns the exit status: 0 when run returns nil or
// flag.ErrHelp (the usage was asked for, and printed), else 1 once run's
// error is printed to stderr after name.
func Main(name string, run RunFunc) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, name+":", err)
		return 1
	}
	return 0
}

// ChildEnv is what every child starts from: nothing of the caller's but
// where programs, home and temporary files are, so a REDIS_ADDR or
// OIDC_ISSUER of the shell cannot change what is measured.
func ChildEnv(getenv func(string) string) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// stopWait is how long a process may take to exit once told to stop
// before it is killed.
const stopWait = 20 * time.Second

// tailLines is how many of a process's last output lines are kept.
const tailLines = 200

// Command is a binary to start.
type Command struct {
	Name string // in messages
	Path string
	Args []string
	Env  []string // the child's whole environment
	// Kill stops it with SIGKILL instead of SIGTERM (callgrind fails an
	// assertion on SIGTERM).
	Kill bool
}

// Process is a child a benchmark started. It is stopped (as Stop does)
// when the context it was started with ends.
type Process struct {
	name   string
	cmd    *exec.Cmd
	kill   bool
	exited chan struct{} // closed when the process has exited

	mu      sync.Mutex
	lines   []string      // the last tailLines lines of its output
	changed chan struct{} // signalled on every line
	waitErr error
}

// Start starts c, capturing its output (stdout and stderr).
func Start(ctx context.Context, c Command) (*Process, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Env = c.Env
	cmd.Cancel = func() error { return cmd.Process.Signal(stopSignal(c.Kill)) }
	cmd.WaitDelay = stopWait // then killed
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", c.Name, err)
	}
	p := &Process{name: c.Name, cmd: cmd, kill: c.Kill, exited: make(chan struct{}), changed: make(chan struct{}, 1)}
	read := make(chan struct{})
	go func() {
		defer close(read)
		p.read(pr)
	}()
	go func() {
		err := cmd.Wait()
		_ = pw.Close()
		<-read // every line is in p.lines before Exited and Running tell
		p.mu.Lock()
		p.waitErr = err
		p.mu.Unlock()
		close(p.exited)
	}()
	return p, nil
}

func (p *Process) read(r io.Reader) {
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

// Name is the name the process was started with (Command.Name).
func (p *Process) Name() string { return p.name }

// Pid is the process id, for /proc and callgrind_control.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited is closed once the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Tail returns the last lines of the output, for error messages.
func (p *Process) Tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// Running returns an error, with the last output, once the process has
// exited; nil while it runs.
func (p *Process) Running() error {
	select {
	case <-p.exited:
		p.mu.Lock()
		err := p.waitErr
		p.mu.Unlock()
		return fmt.Errorf("%s exited (%w); its last output:\n%s", p.name, err, p.Tail())
	default:
		return nil
	}
}

// Stop ends the process (SIGTERM, or SIGKILL when started with Kill) and
// waits for it; one that ignores SIGTERM is killed after 20 s.
func (p *Process) Stop() {
	_ = p.cmd.Process.Signal(stopSignal(p.kill))
	select {
	case <-p.exited:
	case <-time.After(stopWait):
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

// WaitOutput waits until match, called with the output so far (under the
// process's lock: match must not keep lines), reports done. It fails when
// the process exits first or timeout passes.
func (p *Process) WaitOutput(ctx context.Context, timeout time.Duration, match func(lines []string) bool) error {
	deadline := time.NewTimer(timeout)
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
			return p.Running()
		case <-deadline.C:
			return fmt.Errorf("%s did not start within %v; its output:\n%s", p.name, timeout, p.Tail())
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
