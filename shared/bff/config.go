// Package bff is what every BFF binary shares: the base of its
// configuration and the assembly of its HTTP handler. A BFF embeds Config in
// its own configuration and calls NewHandler with its executable schema.
package bff

import (
	"errors"
	"log/slog"

	"github.com/frontdesk/frontdesk/shared/gqlserver"
	"github.com/frontdesk/frontdesk/shared/loader"
	"github.com/frontdesk/frontdesk/shared/upstream"
)

// Config is the configuration every BFF has. Fields documented with "per
// BFF" take their default from Defaults.
type Config struct {
	// Env is "development" or "production"; production refuses dev-only settings.
	Env string `env:"FRONTDESK_ENV" envDefault:"development" json:"env"`
	// Addr is the listen address; per BFF.
	Addr string `env:"ADDR" json:"addr"`
	// LogLevel is debug, info, warn or error.
	LogLevel slog.Level `env:"LOG_LEVEL" envDefault:"info" json:"logLevel"`
	// DevSubject makes every request act as this demo user until token
	// verification lands (auth issue); per BFF in development, "anonymous"
	// for no caller, refused in production.
	DevSubject string `env:"DEV_SUBJECT" json:"devSubject"`

	Upstream upstream.Config  `json:"upstream"`
	Loader   loader.Config    `json:"loader"`
	Server   gqlserver.Config `json:"server"`
}

// Defaults are the settings whose default differs between BFFs.
type Defaults struct {
	Addr       string // e.g. 127.0.0.1:8081
	DevSubject string // the demo user development acts as
}

// Finish applies defaults and the production rules to a freshly loaded
// Config and checks it: production turns the playground and introspection
// off whatever their variables say.
func (c *Config) Finish(d Defaults) error {
	if c.Addr == "" {
		c.Addr = d.Addr
	}
	if c.Production() {
		c.Server.Playground, c.Server.Introspection = false, false
	} else if c.DevSubject == "" {
		c.DevSubject = d.DevSubject
	}
	return c.Validate()
}

// Production reports whether Env is production.
func (c Config) Production() bool { return c.Env == "production" }

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
