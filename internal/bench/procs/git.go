package procs

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
)

// GitHead returns the checkout's HEAD commit and whether tracked files
// differ from it; "unknown" outside a git checkout.
func GitHead(ctx context.Context) (string, bool) {
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return "unknown", false
	}
	status, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output()
	return strings.TrimSpace(string(out)), err == nil && len(bytes.TrimSpace(status)) > 0
}
