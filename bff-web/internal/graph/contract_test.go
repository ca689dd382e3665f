package graph_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/frontdesk/frontdesk/bff-web/internal/graph"
	"github.com/frontdesk/frontdesk/shared/bfftest"
)

var update = flag.Bool("update", false, "rewrite golden files from the current code")

func printedSchema(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithComments()).FormatSchema(graph.NewExecutableSchema(graph.Config{}).Schema())
	return buf.Bytes()
}

// TestGoldenSchema pins the printed schema the web admin was built
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
		t.Errorf("the printed schema differs from %s; if the change is intended, run `make update-golden`", path)
	}
}

func TestSchemaIsDocumented(t *testing.T) {
	if missing := bfftest.Undocumented(graph.NewExecutableSchema(graph.Config{}).Schema()); len(missing) > 0 {
		t.Errorf("schema elements without a description: %v", missing)
	}
}
