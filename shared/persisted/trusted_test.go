package persisted_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/shared/doclimit"
	"github.com/frontdesk/frontdesk/shared/persisted"
)

var update = flag.Bool("update", false, "rewrite golden files from the current code")

func loadFixture(t *testing.T) *persisted.List {
	t.Helper()
	l, err := persisted.LoadList(os.DirFS("testdata/operations"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestTrustedListGolden: the list made from a directory is stable — the
// same ids, files and operations as committed in the golden file — and an
// id is the SHA-256 of the file's bytes, as an app computes it.
func TestTrustedListGolden(t *testing.T) {
	docs := loadFixture(t).Documents()
	got, err := json.MarshalIndent(docs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	golden := filepath.Join("testdata", "trusted.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("trusted documents changed:\n%s\nwant:\n%s\n(run with -update if the change is meant)", got, want)
	}
	for _, d := range docs {
		body, err := os.ReadFile(filepath.Join("testdata", "operations", d.File))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		if d.ID != hex.EncodeToString(sum[:]) || d.Body != string(body) {
			t.Fatalf("%s: id %s is not the SHA-256 of the file", d.File, d.ID)
		}
	}
}

// TestTrustedListOrder: the list does not depend on how the file system
// lists its files.
func TestTrustedListOrder(t *testing.T) {
	want := loadFixture(t).Documents()
	// The same files under other names, listed in another order.
	fsys := fstest.MapFS{}
	for i, d := range slices.Backward(want) {
		fsys["z"+string(rune('a'+i))+".graphql"] = &fstest.MapFile{Data: []byte(d.Body)}
	}
	l, err := persisted.LoadList(fsys)
	if err != nil {
		t.Fatal(err)
	}
	got := l.Documents()
	if len(got) != len(want) {
		t.Fatalf("%d documents, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].ID != want[i].ID || !slices.Equal(got[i].Operations, want[i].Operations) {
			t.Fatalf("document %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestLoadListRefuses(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{name: "no document", files: map[string]string{"README.md": "x"}, want: "no .graphql file"},
		{name: "syntax error", files: map[string]string{"a.graphql": "query A { me "}, want: "a.graphql"},
		{name: "anonymous operation", files: map[string]string{"a.graphql": "{ me { id } }"}, want: "needs a name"},
		{name: "fragments only", files: map[string]string{"a.graphql": "fragment F on User { id }"}, want: "no operation"},
		{name: "the same document twice", files: map[string]string{"a.graphql": "query A { me { id } }", "b/c.graphql": "query A { me { id } }"},
			want: "same document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, body := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(body)}
			}
			if _, err := persisted.LoadList(fsys); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestTrusted(t *testing.T) {
	list := loadFixture(t)
	home, err := os.ReadFile("testdata/operations/home.graphql")
	if err != nil {
		t.Fatal(err)
	}
	homeID := persisted.Hash(string(home))
	unknown := persisted.Hash(`query Evil { me { id } }`)
	tests := []struct {
		name      string
		enforce   bool
		query     string
		ext       map[string]any
		code      string
		wantQuery string
	}{
		{name: "enforcing: a trusted id runs its document", enforce: true, ext: pq(homeID), wantQuery: string(home)},
		{name: "enforcing: id and the same text", enforce: true, query: string(home), ext: pq(homeID), wantQuery: string(home)},
		{name: "enforcing: id and another text", enforce: true, query: `query Evil { me { id } }`, ext: pq(homeID), code: badRequest},
		{name: "enforcing: unknown id", enforce: true, ext: pq(unknown), code: notInList},
		{name: "enforcing: unknown id with its text", enforce: true, query: `query Evil { me { id } }`, ext: pq(unknown), code: notInList},
		{name: "enforcing: free-form document", enforce: true, query: `query Evil { me { id } }`, code: notInList},
		{name: "enforcing: a trusted document's text", enforce: true, query: string(home), wantQuery: string(home)},
		{name: "enforcing: the text reformatted", enforce: true, query: strings.TrimSpace(string(home)), code: notInList},
		{name: "enforcing: nothing", enforce: true, code: notInList},
		{name: "enforcing: malformed id", enforce: true, ext: pq("abc"), code: badRequest},
		{name: "open: a trusted id runs its document", ext: pq(homeID), wantQuery: string(home)},
		{name: "open: unknown id passes on", ext: pq(unknown), wantQuery: ""},
		{name: "open: free-form document passes", query: `query Evil { me { id } }`, wantQuery: `query Evil { me { id } }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &graphql.RawParams{Query: tt.query, Extensions: tt.ext}
			err := persisted.NewTrusted(list, tt.enforce).MutateOperationParameters(context.Background(), p)
			if codeOf(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if tt.code == "" && p.Query != tt.wantQuery {
				t.Fatalf("query %q, want %q", p.Query, tt.wantQuery)
			}
		})
	}
}

// TestTrustedThroughServer: an enforcing server runs trusted documents by
// id and refuses the rest with PERSISTED_QUERY_NOT_IN_LIST, kept by the
// presenter, before anything executes.
func TestTrustedThroughServer(t *testing.T) {
	list := loadFixture(t)
	srv, es := newServer(t, persisted.NewTrusted(list, true))
	orders, err := os.ReadFile("testdata/operations/orders.graphql")
	if err != nil {
		t.Fatal(err)
	}
	resp := post(t, srv, map[string]any{"operationName": "Order", "variables": map[string]any{"id": "o1"}, "extensions": pq(persisted.Hash(string(orders)))})
	if len(resp.Errors) != 0 || es.execs.Load() != 1 {
		t.Fatalf("trusted id: %+v", resp)
	}
	resp = post(t, srv, map[string]any{"query": `{ me { id } }`})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != notInList || es.execs.Load() != 1 {
		t.Fatalf("free-form: %+v, executions %d", resp, es.execs.Load())
	}
}

// TestTrustedValidate: a server does not start with a trusted document the
// schema no longer accepts.
func TestTrustedValidate(t *testing.T) {
	list := loadFixture(t)
	if err := list.Check(testSchema); err != nil {
		t.Fatalf("the fixture no longer validates: %v", err)
	}
	narrower := gqlparser.MustLoadSchema(&ast.Source{Input: strings.Replace(testSDL, "  order(id: ID!): Order\n", "", 1)})
	err := persisted.NewTrusted(list, true).Validate(newMockSchema(narrower))
	if err == nil || !strings.Contains(err.Error(), "orders.graphql") {
		t.Fatalf("error %v, want one naming orders.graphql", err)
	}
}

// TestMobileOperations loads bff-mobile's committed operations as the BFF
// will (bff-mobile embeds the same directory): they make a list, the same
// twice, valid against the mobile schema, and every operation passes the
// mobile document limits and complexity limit (absent variables counting
// as full pages).
func TestMobileOperations(t *testing.T) {
	root := filepath.Join("..", "..")
	dir := filepath.Join(root, "bff-mobile", "testdata", "operations")
	first, err := persisted.LoadList(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	again, err := persisted.LoadList(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(first.Documents(), again.Documents(), func(a, b persisted.Document) bool { return a.ID == b.ID }) {
		t.Fatal("two loads of the same directory differ")
	}
	var sources []*ast.Source
	for _, pattern := range []string{"schema/base/*.graphqls", "schema/mobile/*.graphqls"} {
		files, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, &ast.Source{Name: f, Input: string(b)})
		}
	}
	schema, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatalf("mobile schema: %v", err)
	}
	if err := first.Check(schema); err != nil {
		t.Fatal(err)
	}

	cfg := doclimit.Mobile()
	limits, err := doclimit.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	es := doclimit.ClampPages(newMockSchema(schema), cfg.MaxPageSize)
	for _, d := range first.Documents() {
		q, errs := gqlparser.LoadQueryWithRules(schema, d.Body, nil)
		if errs != nil {
			t.Fatal(errs)
		}
		for _, op := range d.Operations {
			if err := limits.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: d.Body, OperationName: op}); err != nil {
				t.Errorf("%s %s: %v", d.File, op, err)
			}
			n := complexity.Calculate(context.Background(), es, q.Operations.ForName(op), map[string]any{})
			t.Logf("%s %s: complexity %d", d.File, op, n)
			if n > cfg.MaxComplexity {
				t.Errorf("%s %s: complexity %d over the mobile limit of %d", d.File, op, n, cfg.MaxComplexity)
			}
		}
	}
}
