// Package config is bff-mobile's configuration: one struct read from the
// environment, each field with its documented default
// (testdata/config.defaults.golden.json holds the effective defaults).
package config

import (
	"github.com/frontdesk/frontdesk/shared/bff"
	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/ratelimit"
)

// Defaults are bff-mobile's own defaults of the shared settings.
var Defaults = bff.Defaults{
	Addr:     "127.0.0.1:8081",
	Metrics:  "127.0.0.1:9081",
	Audience: "frontdesk-mobile",
	Limits:   doclimit.Mobile(),
	// The app in the field sends only its committed operations.
	TrustedInProduction: true,
	Tiers: ratelimit.Rules{
		ratelimit.AnonymousTier: ratelimit.PerMinute(60),
		"free":                  ratelimit.PerMinute(100),
		"pro":                   ratelimit.PerMinute(1000),
	},
	Mutations: ratelimit.Rules{"placeOrder": ratelimit.PerMinute(10), "addReview": ratelimit.PerMinute(5)},
}

// Config is the whole configuration of bff-mobile.
type Config struct {
	bff.Config
}

// Load reads the configuration through getenv, applies bff-mobile's defaults
// and the production rules, and checks it.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	if err := envconfig.Load(&c, getenv); err != nil {
		return Config{}, err
	}
	return c, c.Finish(Defaults)
}
