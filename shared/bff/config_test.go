package bff

import (
	"strings"
	"testing"
	"time"

	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
)

var testDefaults = Defaults{
	Addr: "127.0.0.1:9999", Audience: "frontdesk-test",
	Tiers:     ratelimit.Rules{"anonymous": ratelimit.PerMinute(1), "free": ratelimit.PerMinute(2)},
	Mutations: ratelimit.Rules{"*": ratelimit.PerMinute(3)},
	Limits:    doclimit.Web(),
}

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
		{name: "production turns dev features off", env: map[string]string{"FRONTDESK_ENV": "production", "PLAYGROUND": "true", "OIDC_ISSUER": "https://sso.example.com/realms/shop"},
			check: func(c Config) bool {
				return c.Production() && !c.Server.Playground && !c.Server.Introspection && c.PlaygroundTokenURL == ""
			}},
		{name: "per-BFF defaults", env: map[string]string{},
			check: func(c Config) bool { return c.Addr == testDefaults.Addr && c.OIDC.Audience == testDefaults.Audience }},
		{name: "development trusts the demo issuer and offers its login", env: map[string]string{},
			check: func(c Config) bool {
				return c.OIDC.Issuer == DemoIssuer && c.PlaygroundTokenURL == DemoIssuer+"/token" && c.Server.Playground
			}},
		{name: "development with a real issuer: no demo login", env: map[string]string{"OIDC_ISSUER": "https://sso.example.com/realms/shop"},
			check: func(c Config) bool { return c.PlaygroundTokenURL == "" }},
		{name: "production needs an issuer", env: map[string]string{"FRONTDESK_ENV": "production"}, wantErr: "OIDC_ISSUER"},
		{name: "production needs https", env: map[string]string{"FRONTDESK_ENV": "production", "OIDC_ISSUER": "http://sso.internal"}, wantErr: "https://"},
		{name: "production refuses the demo login", env: map[string]string{"FRONTDESK_ENV": "production", "OIDC_ISSUER": "https://sso.example.com", "PLAYGROUND_TOKEN_URL": "http://127.0.0.1:3000/token"}, wantErr: "PLAYGROUND_TOKEN_URL"},
		{name: "issuer not a URL", env: map[string]string{"OIDC_ISSUER": "sso.example.com"}, wantErr: "OIDC_ISSUER"},
		{name: "credentials are never forwarded", env: map[string]string{"FORWARD_HEADERS": "Accept-Language,Authorization"}, wantErr: "Authorization"},
		{name: "rate limit rules from the environment", env: map[string]string{"RATE_LIMIT_TIERS": "anonymous:5/1s,free:100/1m:150,pro:1000/1m", "RATE_LIMIT_FAIL_CLOSED": "mutations"},
			check: func(c Config) bool {
				return c.RateLimit.Tiers["free"] == ratelimit.Limit{Rate: 100, Period: time.Minute, Burst: 150} &&
					c.RateLimit.Mutations["*"].Rate == 3 && c.RateLimit.Tiers.String() == "anonymous:5/1s,free:100/1m:150,pro:1000/1m"
			}},
		{name: "tiers must name anonymous and free", env: map[string]string{"RATE_LIMIT_TIERS": "pro:1000/1m"}, wantErr: "must name anonymous"},
		{name: "a malformed rule", env: map[string]string{"RATE_LIMIT_MUTATIONS": "placeOrder:ten/1m"}, wantErr: "rate must be a positive integer"},
		{name: "an unknown fail-closed policy", env: map[string]string{"RATE_LIMIT_FAIL_CLOSED": "everything"}, wantErr: "RATE_LIMIT_FAIL_CLOSED"},
		{name: "a bad trusted proxy", env: map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"}, wantErr: "TRUSTED_PROXIES"},
		{name: "forwarded header names", env: map[string]string{"FORWARD_HEADERS": "accept-language"},
			check: func(c Config) bool { return len(c.Forward.Headers) == 1 }},
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
