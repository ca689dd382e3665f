package host

import "testing"

func TestLoadAvg(t *testing.T) {
	tests := []struct{ name, proc, want string }{
		{"proc", "0.52 0.58 0.59 1/467 12345", "0.52 0.58 0.59"},
		{"unreadable", "unknown", "unknown"},
		{"short", "0.52 0.58", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := loadAvg(tt.proc); got != tt.want {
				t.Errorf("loadAvg(%q) = %q, want %q", tt.proc, got, tt.want)
			}
		})
	}
}
