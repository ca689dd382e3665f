// Package envconfig fills configuration structs from environment variables
// (caarlos0/env tags: `env:"NAME" envDefault:"value"`), read through an
// injected getenv so tests never touch the process environment.
package envconfig

import (
	"fmt"

	"github.com/caarlos0/env/v11"
)

// Load fills dst, a pointer to a struct with env tags, from getenv.
func Load(dst any, getenv func(string) string) error {
	params, err := env.GetFieldParams(dst)
	if err != nil {
		return fmt.Errorf("reading config fields: %w", err)
	}
	vars := make(map[string]string, len(params))
	for _, p := range params {
		if v := getenv(p.Key); v != "" {
			vars[p.Key] = v
		}
	}
	if err := env.ParseWithOptions(dst, env.Options{Environment: vars}); err != nil {
		return fmt.Errorf("parsing config: %w", err)
	}
	return nil
}
