package doclimit_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/envconfig"
)

var update = flag.Bool("update", false, "rewrite golden files from the current code")

// TestDefaultsGolden: the per-BFF defaults, by environment variable, are
// those in testdata/defaults.golden.json (and docs/limits.md).
func TestDefaultsGolden(t *testing.T) {
	got, err := json.MarshalIndent(map[string]map[string]string{
		"mobile": envconfig.Effective(doclimit.Mobile()),
		"web":    envconfig.Effective(doclimit.Web()),
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "defaults.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("defaults changed:\n%s\nwant:\n%s\n(run with -update if the change is meant; update docs/limits.md too)", got, want)
	}
}

func TestConfig(t *testing.T) {
	var env = map[string]string{"QUERY_MAX_DEPTH": "7", "VARIABLES_MAX_BYTES": "1024"}
	var c doclimit.Config
	if err := envconfig.Load(&c, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	c = c.WithDefaults(doclimit.Web())
	want := doclimit.Web()
	want.MaxDepth, want.MaxVariablesBytes = 7, 1024
	if c != want {
		t.Fatalf("config %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}

	c.MaxTokens, c.MaxListLength = 0, -1
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "QUERY_MAX_TOKENS") || !strings.Contains(err.Error(), "VARIABLES_MAX_LIST_LENGTH") {
		t.Fatalf("Validate = %v, want both variables named", err)
	}
	if _, err := doclimit.New(c); err == nil {
		t.Fatal("New accepted a config with a cap of 0")
	}
	if _, err := doclimit.NewComplexityLimit(doclimit.Config{MaxComplexity: 10}); err == nil {
		t.Fatal("NewComplexityLimit accepted no page size")
	}
}
