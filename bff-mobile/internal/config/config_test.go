package config

import (
	"encoding/json"
	"flag"
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/bfftest"
	"github.com/frontdesk/frontdesk/shared/envconfig"
)

var update = flag.Bool("update", false, "rewrite golden files from the current code")

// TestGoldenDefaults pins the effective defaults (docs/configuration.md
// documents them): a changed default shows up in review.
func TestGoldenDefaults(t *testing.T) {
	cfg, err := Load(func(string) string { return "" })
	if err != nil {
		t.Fatalf("defaults do not load: %v", err)
	}
	got, err := json.Marshal(envconfig.Effective(cfg))
	if err != nil {
		t.Fatal(err)
	}
	bfftest.AssertGolden(t, "testdata/config.defaults.golden.json", got, *update)
}

// TestLoadWiring: Load applies this BFF's defaults and the shared rules
// (shared/bff tests the rules themselves).
func TestLoadWiring(t *testing.T) {
	cfg, err := Load(func(k string) string { return map[string]string{"ADDR": ":9000"}[k] })
	if err != nil || cfg.Addr != ":9000" || cfg.OIDC.Audience != Defaults.Audience {
		t.Fatalf("Load = %+v, %v", cfg, err)
	}
	if _, err := Load(func(k string) string {
		return map[string]string{"FRONTDESK_ENV": "production"}[k]
	}); err == nil || !strings.Contains(err.Error(), "OIDC_ISSUER") {
		t.Fatalf("production without an issuer: err = %v", err)
	}
}
