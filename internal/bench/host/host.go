// Package host describes the machine a benchmark runs on, for its report:
// the CPU, the kernel and the load average, read from /proc ("unknown"
// where they cannot be read).
package host

import (
	"bufio"
	"os"
	"strings"
)

// CPUModel is the model name of the first CPU.
func CPUModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// LoadAvg is the load average over 1, 5 and 15 minutes, e.g. "0.52 0.58 0.59".
func LoadAvg() string {
	return loadAvg(readTrimmed("/proc/loadavg"))
}

func loadAvg(proc string) string {
	f := strings.Fields(proc)
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// Kernel is the kernel's release, e.g. "6.8.0-45-generic".
func Kernel() string { return readTrimmed("/proc/sys/kernel/osrelease") }

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}
