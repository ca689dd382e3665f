// Package envconfig fills configuration structs from environment variables
// (caarlos0/env tags: `env:"NAME" envDefault:"value"`), read through an
// injected getenv so tests never touch the process environment.
package envconfig

import (
	"fmt"
	"reflect"
	"strings"

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

// Effective returns every environment variable cfg (a struct with env tags,
// or a pointer to one) reads, with the value it holds, formatted as it would
// be written in the environment ("1ms", "true"). The configuration golden
// files and docs/configuration.md are made from it. A field tagged
// `secret:"true"` shows "(set)" instead of its value.
func Effective(cfg any) map[string]string {
	out := map[string]string{}
	collect(reflect.Indirect(reflect.ValueOf(cfg)), out)
	return out
}

func collect(v reflect.Value, out map[string]string) {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		if key, _, _ := strings.Cut(f.Tag.Get("env"), ","); key != "" {
			out[key] = format(fv)
			if f.Tag.Get("secret") == "true" && !fv.IsZero() {
				out[key] = "(set)"
			}
			continue
		}
		if fv.Kind() == reflect.Struct {
			collect(fv, out)
		}
	}
}

// format writes v as the environment would hold it: lists comma-separated
// (as caarlos0/env splits them), everything else with fmt.
func format(v reflect.Value) string {
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() != reflect.Uint8 {
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = fmt.Sprint(v.Index(i).Interface())
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v.Interface())
}
