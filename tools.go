//go:build tools

// Package tools pins the code generators this repository runs, so that
// `make generate` uses the exact versions recorded in go.mod.
package tools

import (
	_ "github.com/99designs/gqlgen"
)
