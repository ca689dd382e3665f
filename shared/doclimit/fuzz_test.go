package doclimit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/frontdesk/frontdesk/shared/doclimit"
)

// The seed corpora are committed under testdata/fuzz/<target>; `go test`
// runs them as ordinary tests, `go test -fuzz=<target>` explores from them.

// FuzzDocument: whatever the document, the walker answers (no panic, no
// hang), and either accepts it within the token limit or rejects it with
// one of the three codes, a limit rejection naming its limit.
func FuzzDocument(f *testing.F) {
	f.Add(`{ me { id } }`)
	f.Add(fanout(4))
	f.Add(nest(12))
	cfg := doclimit.Mobile()
	ext := newExtension(f, cfg)
	f.Fuzz(func(t *testing.T, query string) {
		err := check(ext, query, "", nil)
		if err == nil {
			if n := countTokens(query); n > cfg.MaxTokens {
				t.Fatalf("accepted a document of %d tokens, over %d", n, cfg.MaxTokens)
			}
			return
		}
		assertTyped(t, err)
	})
}

// FuzzVariables: whatever the variables (as gqlgen's transports decode
// them), the checks answer, and either accept them with every list within
// the limit or reject them with a typed error.
func FuzzVariables(f *testing.F) {
	f.Add([]byte(`{"n": 4294967296, "ids": [1, 2, 3]}`))
	f.Add([]byte(`{"filter": {"and": [{"ids": [1e10]}]}}`))
	cfg := doclimit.Mobile()
	cfg.MaxListLength = 8
	cfg.MaxVariablesBytes = 512
	ext := newExtension(f, cfg)
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var vars map[string]any
		if dec.Decode(&vars) != nil {
			return
		}
		err := check(ext, varQuery, "", vars)
		if err == nil {
			if n := longestList(vars); n > cfg.MaxListLength {
				t.Fatalf("accepted a list of %d, over %d", n, cfg.MaxListLength)
			}
			return
		}
		assertTyped(t, err)
	})
}

// assertTyped fails unless err is one of the rejections the package makes.
func assertTyped(t *testing.T, err *gqlerror.Error) {
	t.Helper()
	switch codeOf(err) {
	case parseCode, validationCode:
	case limitCode:
		le, ok := errors.AsType[*doclimit.LimitError](err)
		if !ok || le.Max < 1 || err.Extensions["limit"] != string(le.Limit) || err.Message != le.Error() {
			t.Fatalf("untyped limit error %v (%v)", err, err.Extensions)
		}
	default:
		t.Fatalf("rejected with code %q: %v", codeOf(err), err)
	}
	if err.Message == "" {
		t.Fatal("rejected without a message")
	}
}

// countTokens counts the tokens gqlparser's lexer reads, comments included.
func countTokens(query string) int {
	lx := lexer.New(&ast.Source{Input: query})
	n := 0
	for {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

func longestList(v any) int {
	n := 0
	switch v := v.(type) {
	case []any:
		n = len(v)
		for _, e := range v {
			n = max(n, longestList(e))
		}
	case map[string]any:
		for _, e := range v {
			n = max(n, longestList(e))
		}
	}
	return n
}
