// Package config is bff-web's configuration: one struct read from the
// environment, each field with its documented default
// (testdata/config.defaults.golden.json holds the effective defaults).
package config

import (
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
)

// Defaults are bff-web's own defaults of the shared settings.
var Defaults = bff.Defaults{
	Addr:     "127.0.0.1:8082",
	Metrics:  "127.0.0.1:9082",
	Audience: "frontdesk-web",
	Limits:   doclimit.Web(),
	Tiers: ratelimit.Rules{
		ratelimit.AnonymousTier: ratelimit.PerMinute(30),
		"free":                  ratelimit.PerMinute(300),
		"pro":                   ratelimit.PerMinute(3000),
	},
	Mutations: ratelimit.Rules{"*": ratelimit.PerMinute(60)},
}

// Config is the whole configuration of bff-web.
type Config struct {
	bff.Config
}

// Load reads the configuration through getenv, applies bff-web's defaults
// and the production rules, and checks it.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	if err := envconfig.Load(&c, getenv); err != nil {
		return Config{}, err
	}
	return c, c.Finish(Defaults)
}
