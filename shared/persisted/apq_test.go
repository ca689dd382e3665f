package persisted_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"

	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/persisted"
)

const (
	doc        = `query Me { me { id name } }`
	notFound   = string(persisted.CodeNotFound)
	notInList  = string(persisted.CodeNotInList)
	badRequest = string(gqlerr.BadRequest)
)

// TestAPQ runs the protocol against each store: a hash alone is not found
// until a request sends hash and text, after which the hash alone runs the
// text; malformed requests are refused before the store is asked.
func TestAPQ(t *testing.T) {
	id := persisted.Hash(doc)
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			apq := persisted.NewAPQ(store)
			steps := []struct {
				name      string
				query     string
				ext       map[string]any
				code      string
				wantQuery string
			}{
				{name: "no extension: untouched", query: `{ me { id } }`, wantQuery: `{ me { id } }`},
				{name: "hash alone, unknown", ext: pq(id), code: notFound},
				{name: "hash and a text that does not match", query: doc + " ", ext: pq(id), code: badRequest},
				{name: "still unknown", ext: pq(id), code: notFound},
				{name: "hash and text register", query: doc, ext: pq(id), wantQuery: doc},
				{name: "hash alone now runs the text", ext: pq(id), wantQuery: doc},
				{name: "upper-case hash", ext: pq(strings.ToUpper(id)), wantQuery: doc},
				{name: "version 2", ext: map[string]any{"persistedQuery": map[string]any{"version": json.Number("2"), "sha256Hash": id}}, code: badRequest},
				{name: "no version", ext: map[string]any{"persistedQuery": map[string]any{"sha256Hash": id}}, code: badRequest},
				{name: "short hash", ext: pq(id[:63]), code: badRequest},
				{name: "not hex", ext: pq(strings.Repeat("z", 64)), code: badRequest},
				{name: "not an object", ext: map[string]any{"persistedQuery": "yes"}, code: badRequest},
				{name: "float version", ext: map[string]any{"persistedQuery": map[string]any{"version": 1.0, "sha256Hash": id}}, wantQuery: doc},
			}
			for _, s := range steps {
				p := &graphql.RawParams{Query: s.query, Extensions: s.ext}
				err := apq.MutateOperationParameters(context.Background(), p)
				if codeOf(err) != s.code {
					t.Fatalf("%s: error %v, want code %q", s.name, err, s.code)
				}
				if s.code == "" && p.Query != s.wantQuery {
					t.Fatalf("%s: query %q, want %q", s.name, p.Query, s.wantQuery)
				}
				if s.code == notFound && err.Message != "PersistedQueryNotFound" {
					t.Fatalf("%s: message %q, want the one APQ clients match", s.name, err.Message)
				}
			}
		})
	}
}

// TestAPQIgnoresForeignDocuments: a stored text that does not hash to its
// id (a shared or tampered store) is never run.
func TestAPQIgnoresForeignDocuments(t *testing.T) {
	for name, store := range stores(t) {
		t.Run(name, func(t *testing.T) {
			id := persisted.Hash(doc)
			store.Add(context.Background(), id, `mutation { deleteEverything }`)
			p := &graphql.RawParams{Extensions: pq(id)}
			if err := persisted.NewAPQ(store).MutateOperationParameters(context.Background(), p); codeOf(err) != notFound || p.Query != "" {
				t.Fatalf("error %v, query %q; want not found and no query", err, p.Query)
			}
		})
	}
}

// TestAPQThroughServer: the codes survive frontdesk's presenter, gqlgen's
// APQ stats are kept, and gqlgen's own APQ extension would not do: the
// presenter turns its uncoded errors into BAD_REQUEST, which breaks the
// APQ clients' retry.
func TestAPQThroughServer(t *testing.T) {
	mem, err := persisted.NewMemory(10, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	var stats *extension.ApqStats
	srv, es := newServer(t, persisted.NewAPQ(mem))
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		stats = extension.GetApqStats(ctx)
		return next(ctx)
	})
	id := persisted.Hash(doc)

	resp := post(t, srv, map[string]any{"extensions": pq(id)})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != notFound || resp.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("hash alone: %+v", resp)
	}
	resp = post(t, srv, map[string]any{"query": doc, "extensions": pq(id)})
	if len(resp.Errors) != 0 || stats == nil || stats.Hash != id || !stats.SentQuery {
		t.Fatalf("hash and text: %+v, stats %+v", resp, stats)
	}
	resp = post(t, srv, map[string]any{"extensions": pq(id)})
	if len(resp.Errors) != 0 || stats.SentQuery || es.query.Load() != doc || es.execs.Load() != 2 {
		t.Fatalf("hash alone: %+v, stats %+v, ran %q", resp, stats, es.query.Load())
	}

	t.Run("gqlgen's own extension loses the code", func(t *testing.T) {
		srv, _ := newServer(t, extension.AutomaticPersistedQuery{Cache: mem})
		resp := post(t, srv, map[string]any{"extensions": pq(persisted.Hash("{ me { id } }"))})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != badRequest {
			t.Fatalf("%+v: if the presenter now keeps PERSISTED_QUERY_NOT_FOUND, gqlgen's extension may do", resp)
		}
	})
}
