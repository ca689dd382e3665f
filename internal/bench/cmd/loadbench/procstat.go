package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

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
