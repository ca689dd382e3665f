package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// valgrindEnv is what a Go program needs to run under valgrind: no
// asynchronous preemption (its signals confuse valgrind's scheduler), and no
// RDTSCP, which valgrind 3.19 cannot decode (the runtime's cputicks uses it
// when the CPU has it; GODEBUG turns the feature off).
const valgrindEnv = "GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off"

// callgrind runs a binary under valgrind's callgrind and reads its
// instruction counter.
type callgrind struct {
	dir string // dumps (cg.<pid>.<n>) and vgdb's FIFOs
}

// args returns the valgrind command line that runs path.
func (c callgrind) args(path string) []string {
	return []string{
		"--tool=callgrind",
		"--callgrind-out-file=" + filepath.Join(c.dir, "cg.%p"),
		"--vgdb-prefix=" + c.vgdbPrefix(),
		path,
	}
}

func (c callgrind) vgdbPrefix() string { return filepath.Join(c.dir, "vgdb") }

// control runs callgrind_control with action (--zero, --dump=…) on pid.
func (c callgrind) control(ctx context.Context, pid int, action string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "callgrind_control", "--vgdb-prefix="+c.vgdbPrefix(), action, strconv.Itoa(pid))
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("callgrind_control %s %d: %w: %s", action, pid, err, out)
	}
	return nil
}

// zero resets pid's counters.
func (c callgrind) zero(ctx context.Context, pid int) error { return c.control(ctx, pid, "--zero") }

// dump makes pid write its counters since the last zero and returns the
// instructions executed.
func (c callgrind) dump(ctx context.Context, pid int, label string) (int64, error) {
	before, err := c.dumps(pid)
	if err != nil {
		return 0, err
	}
	if err := c.control(ctx, pid, "--dump="+label); err != nil {
		return 0, err
	}
	// The dump is written by the process itself; wait for a new, complete one.
	deadline := time.Now().Add(time.Minute)
	for {
		after, err := c.dumps(pid)
		if err != nil {
			return 0, err
		}
		if len(after) > len(before) {
			n, err := readTotal(after[len(after)-1])
			if err == nil {
				return n, nil
			}
			if !errors.Is(err, errIncomplete) || time.Now().After(deadline) {
				return 0, err
			}
		} else if time.Now().After(deadline) {
			return 0, fmt.Errorf("callgrind wrote no dump for pid %d within a minute", pid)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// dumps returns pid's numbered dump files (cg.<pid>.<n>), oldest first.
func (c callgrind) dumps(pid int) ([]string, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, err
	}
	prefix := fmt.Sprintf("cg.%d.", pid)
	var ns []int
	for _, e := range entries {
		if rest, ok := strings.CutPrefix(e.Name(), prefix); ok {
			if n, err := strconv.Atoi(rest); err == nil {
				ns = append(ns, n)
			}
		}
	}
	slices.Sort(ns)
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = filepath.Join(c.dir, prefix+strconv.Itoa(n))
	}
	return out, nil
}

// errIncomplete is a dump still being written.
var errIncomplete = errors.New("callgrind dump incomplete")

func readTotal(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := parseTotal(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// parseTotal returns the instructions (the Ir event) of a callgrind dump:
// its "summary:" line, else its "totals:" line, which ends the file.
func parseTotal(r io.Reader) (int64, error) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 16<<20)
	var events []string
	var summary, totals string
	for s.Scan() {
		line := s.Text()
		switch {
		case strings.HasPrefix(line, "events:"):
			events = strings.Fields(strings.TrimPrefix(line, "events:"))
		case strings.HasPrefix(line, "summary:"):
			summary = strings.TrimPrefix(line, "summary:")
		case strings.HasPrefix(line, "totals:"):
			totals = strings.TrimPrefix(line, "totals:")
		}
	}
	if err := s.Err(); err != nil {
		return 0, err
	}
	if totals == "" {
		return 0, errIncomplete
	}
	i := slices.Index(events, "Ir")
	if i < 0 {
		return 0, fmt.Errorf("no Ir event (events: %q)", events)
	}
	line := summary
	if line == "" {
		line = totals
	}
	fields := strings.Fields(line)
	if i >= len(fields) {
		return 0, fmt.Errorf("summary %q has no Ir value", line)
	}
	return strconv.ParseInt(fields[i], 10, 64)
}
