package graph_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/frontdesk/frontdesk/bff-mobile/internal/graph"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

var update = flag.Bool("update", false, "rewrite golden files from the current code")

func printedSchema(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(graph.NewExecutableSchema(graph.Config{}).Schema())
	return buf.Bytes()
}

// TestGoldenSchema pins the printed schema the shipped apps were built
// against: a change shows up as a diff of testdata/schema.graphql in review.
func TestGoldenSchema(t *testing.T) {
	got := printedSchema(t)
	path := filepath.Join("..", "..", "testdata", "schema.graphql")
	if *update {
		if err := os.WriteFile(path, got, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden schema (run `make update-golden`): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the printed schema differs from %s; if the change is intended and keeps old apps working, run `make update-golden`", path)
	}
}

// TestShippedOperationsValidate checks every operation the mobile app ships
// (testdata/operations) against the current schema, so a change that would
// break an app in the field fails CI.
func TestShippedOperationsValidate(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "operations", "*.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d operation files, want at least home, product, orders, placeOrder", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := parser.ParseQuery(&ast.Source{Name: file, Input: string(src)})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(doc.Operations) == 0 {
				t.Fatal("no operation in file")
			}
			if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
				t.Fatalf("no longer valid against the schema: %v", errs)
			}
		})
	}
}

// TestShippedOperationsCatchBreakingChange proves the check above can fail:
// an operation using a field the schema lacks is rejected.
func TestShippedOperationsCatchBreakingChange(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	doc, err := parser.ParseQuery(&ast.Source{Input: `query { home { greeting removedField } }`})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) == 0 {
		t.Fatal("an operation selecting a missing field validated")
	}
}

func TestSchemaIsDocumented(t *testing.T) {
	if missing := bfftest.Undocumented(graph.NewExecutableSchema(graph.Config{}).Schema()); len(missing) > 0 {
		t.Errorf("schema elements without a description: %v", missing)
	}
}
