// Package openapi embeds the OpenAPI 3.0.3 description of each demo service,
// one file per service named after it (catalog.yaml, orders.yaml, …).
package openapi

import (
	"embed"
	"fmt"
)

//go:embed *.yaml
var files embed.FS

// Spec returns the OpenAPI document of the named service.
func Spec(service string) ([]byte, error) {
	b, err := files.ReadFile(service + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("openapi spec for %q: %w", service, err)
	}
	return b, nil
}
