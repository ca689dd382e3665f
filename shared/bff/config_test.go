package bff

import (
	"strings"
	"testing"

	"github.com/frontdesk/frontdesk/shared/envconfig"
)

var testDefaults = Defaults{Addr: "127.0.0.1:9999", DevSubject: "usr_0042"}

func TestConfigFinish(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{name: "overrides", env: map[string]string{"ADDR": ":9000", "LOADER_WAIT": "250us", "CATALOG_URL": "http://catalog:80"},
			check: func(c Config) bool {
				return c.Addr == ":9000" && c.Loader.Wait.Microseconds() == 250 && c.Upstream.CatalogURL == "http://catalog:80"
			}},
		{name: "production turns dev features off", env: map[string]string{"FRONTDESK_ENV": "production", "PLAYGROUND": "true"},
			check: func(c Config) bool {
				return c.Production() && c.Caller() == "" && !c.Server.Playground && !c.Server.Introspection
			}},
		{name: "per-BFF defaults", env: map[string]string{},
			check: func(c Config) bool { return c.Addr == testDefaults.Addr && c.Caller() == testDefaults.DevSubject }},
		{name: "development acts as the demo user", env: map[string]string{},
			check: func(c Config) bool { return c.Caller() == testDefaults.DevSubject && c.Server.Playground }},
		{name: "development can be anonymous", env: map[string]string{"DEV_SUBJECT": "anonymous"},
			check: func(c Config) bool { return c.Caller() == "" }},
		{name: "production refuses a dev subject", env: map[string]string{"FRONTDESK_ENV": "production", "DEV_SUBJECT": "usr_0001"}, wantErr: "DEV_SUBJECT"},
		{name: "unknown environment", env: map[string]string{"FRONTDESK_ENV": "staging"}, wantErr: "FRONTDESK_ENV"},
		{name: "zero batch capacity", env: map[string]string{"LOADER_BATCH_CAPACITY": "0"}, wantErr: "LOADER_BATCH_CAPACITY"},
		{name: "unparsable duration", env: map[string]string{"UPSTREAM_TIMEOUT": "soon"}, wantErr: "Timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfg Config
			err := envconfig.Load(&cfg, func(k string) string { return tt.env[k] })
			if err == nil {
				err = cfg.Finish(testDefaults)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(cfg) {
				t.Errorf("config = %+v", cfg)
			}
		})
	}
}
