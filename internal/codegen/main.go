// Command codegen generates the GraphQL executors of every BFF from the one
// top-level gqlgen.yml.
//
// gqlgen makes one executable schema per configuration. gqlgen.yml therefore
// holds only the settings the BFFs share; for each client listed in [clients]
// this program adds the schema files (schema/base + schema/<client>) and the
// output locations (bff-<client>/internal/graph) and runs gqlgen's api package.
// Adding a third frontend is one line in clients, a schema folder and a module.
//
// Usage (from the repository root; `make generate` does this):
//
//	go run ./internal/codegen [-config gqlgen.yml] [client ...]
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log" //nolint:depguard // only to silence gqlgen, which logs through the standard logger
	"os"
	"path/filepath"
	"slices"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/vektah/gqlparser/v2/ast"
)

// modulePrefix is the import path prefix every module of the workspace shares.
const modulePrefix = "github.com/frontdesk/frontdesk"

// clients lists the frontends; each has schema/<name>/ and bff-<name>/.
var clients = []string{"mobile", "web"}

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "codegen:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("codegen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "gqlgen.yml", "path of the shared gqlgen configuration")
	verbose := fs.Bool("v", false, "show gqlgen's own log lines and the lists marshalled in line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*verbose {
		// gqlgen reports every field it binds to a resolver through the
		// standard logger; that is noise on every `make generate`.
		log.SetOutput(io.Discard)
	}
	targets := fs.Args()
	if len(targets) == 0 {
		targets = clients
	}
	shared, err := os.ReadFile(*cfgPath)
	if err != nil {
		return fmt.Errorf("reading shared config: %w", err)
	}
	for _, client := range targets {
		if !slices.Contains(clients, client) {
			return fmt.Errorf("unknown client %q (known: %v)", client, clients)
		}
		cfg, err := clientConfig(shared, client)
		if err != nil {
			return fmt.Errorf("%s: %w", client, err)
		}
		inline := &inliner{}
		if err := api.Generate(cfg, api.AddPlugin(inline)); err != nil {
			return fmt.Errorf("generating %s: %w", client, err)
		}
		inlined, err := inline.rewrite(cfg.Exec.Filename)
		if err != nil {
			return fmt.Errorf("%s: %w", client, err)
		}
		fmt.Fprintf(stderr, "codegen: generated bff-%s from %d schema files; %d lists marshalled in line\n",
			client, len(cfg.SchemaFilename), len(inlined))
		if *verbose {
			for _, name := range inlined {
				fmt.Fprintln(stderr, "codegen:   in line:", name)
			}
		}
	}
	return nil
}

// clientConfig reads the shared settings and points them at one client's
// schema and output packages.
func clientConfig(shared []byte, client string) (*config.Config, error) {
	cfg, err := config.ReadConfig(bytes.NewReader(shared))
	if err != nil {
		return nil, err
	}
	if len(cfg.SchemaFilename) > 0 || cfg.Exec.Filename != "generated.go" || cfg.Model.Filename != "models_gen.go" || len(cfg.AutoBind) > 0 {
		return nil, errors.New("gqlgen.yml must not set schema, exec, model or autobind: codegen sets them per client")
	}

	var schemas config.StringList
	for _, dir := range []string{"schema/base", "schema/" + client} {
		files, err := filepath.Glob(filepath.Join(dir, "*.graphqls"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no *.graphqls files in %s", dir)
		}
		schemas = append(schemas, files...)
	}
	cfg.SchemaFilename = schemas
	cfg.Sources = nil
	for _, name := range schemas {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		cfg.Sources = append(cfg.Sources, &ast.Source{Name: filepath.ToSlash(name), Input: string(src)})
	}

	graphDir := filepath.Join("bff-"+client, "internal", "graph")
	graphPkg := modulePrefix + "/bff-" + client + "/internal/graph"
	cfg.Exec = config.ExecConfig{Filename: filepath.Join(graphDir, "generated.go"), Package: "graph"}
	cfg.Model = config.PackageConfig{Filename: filepath.Join(graphDir, "model", "models_gen.go"), Package: "model"}
	cfg.Resolver.DirName = graphDir
	cfg.Resolver.Package = "graph"
	cfg.Resolver.Type = "Resolver"
	cfg.AutoBind = []string{graphPkg + "/model"}
	return cfg, nil
}
