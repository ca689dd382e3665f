package persisted_test

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/persisted"
)

func TestConfig(t *testing.T) {
	var c persisted.Config
	if err := envconfig.Load(&c, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	want := persisted.Config{APQ: true, CacheSize: 1000, TTL: 24 * time.Hour, MaxBytes: 65536}
	if c != want {
		t.Fatalf("defaults %+v, want %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]persisted.Config{
		"APQ_CACHE_SIZE": {CacheSize: 0, TTL: time.Hour, MaxBytes: 1},
		"APQ_TTL":        {CacheSize: 1, TTL: time.Millisecond, MaxBytes: 1},
		"APQ_MAX_BYTES":  {CacheSize: 1, TTL: time.Hour},
	} {
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("Validate(%+v) = %v, want an error naming %s", bad, err, name)
		}
	}
}
