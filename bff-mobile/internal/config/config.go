// Package config is bff-mobile's configuration: one struct read from the
// environment, each field with its documented default
// (testdata/config.defaults.golden.json holds the effective defaults).
package config

import (
	"errors"
	"log/slog"

	"github.com/frontdesk/frontdesk/shared/envconfig"
	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Config is the whole configuration of bff-mobile.
type Config struct {
	// Env is "development" or "production"; production refuses dev-only settings.
	Env string `env:"FRONTDESK_ENV" envDefault:"development" json:"env"`
	// Addr is the listen address.
	Addr string `env:"ADDR" envDefault:"127.0.0.1:8081" json:"addr"`
	// LogLevel is debug, info, warn or error.
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info" json:"logLevel"`
	// DevSubject makes every request act as this demo user until token
	// verification lands (auth issue). Development defaults to usr_0001;
	// "anonymous" sends requests without a caller. Refused in production.
	DevSubject string `env:"DEV_SUBJECT" json:"devSubject"`

	Upstream upstream.Config  `json:"upstream"`
	Loader   loader.Config    `json:"loader"`
	Server   gqlserver.Config `json:"server"`
}

// Production reports whether Env is production.
func (c Config) Production() bool { return c.Env == "production" }

// defaultDevSubject is the demo user development requests act as.
const defaultDevSubject = "usr_0001"

// Load reads the configuration through getenv and checks it. Production
// turns the playground and introspection off whatever their variables say.
func Load(getenv func(string) string) (Config, error) {
	var c Config
	if err := envconfig.Load(&c, getenv); err != nil {
		return Config{}, err
	}
	if c.Production() {
		c.Server.Playground, c.Server.Introspection = false, false
	} else if c.DevSubject == "" {
		c.DevSubject = defaultDevSubject
	}
	return c, c.Validate()
}

// Caller returns the subject development requests act as, or "" for none.
func (c Config) Caller() string {
	if c.DevSubject == "anonymous" {
		return ""
	}
	return c.DevSubject
}

// Validate rejects inconsistent settings.
func (c Config) Validate() error {
	switch {
	case c.Env != "development" && c.Env != "production":
		return errors.New("FRONTDESK_ENV must be development or production")
	case c.Production() && c.DevSubject != "":
		return errors.New("DEV_SUBJECT is a development stand-in for authentication; unset it in production")
	case c.Production() && (c.Server.Playground || c.Server.Introspection):
		return errors.New("the playground and introspection are development features")
	case c.Loader.Wait < 0 || c.Loader.BatchCapacity < 1 || c.Loader.Parallelism < 1:
		return errors.New("LOADER_WAIT must be >= 0, LOADER_BATCH_CAPACITY and LOADER_PARALLELISM >= 1")
	}
	return nil
}
