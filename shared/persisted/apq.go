package persisted

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// APQ is the gqlgen extension of Automatic Persisted Queries over a store
// (Redis or Memory). It differs from gqlgen's extension.AutomaticPersistedQuery
// in what a client sees and what the store is trusted with:
//
//   - its errors carry frontdesk codes that the presenter keeps
//     (PERSISTED_QUERY_NOT_FOUND, message "PersistedQueryNotFound", as APQ
//     clients expect; a malformed extension or a hash that does not match
//     the text is BAD_REQUEST);
//   - the hash is checked to be 64 hex digits before the store is asked;
//   - a document read from the store is used only if it hashes to its id,
//     so a shared Redis cannot make an id run another document.
//
// It records gqlgen's APQ stats (extension.GetApqStats). Safe for
// concurrent use.
type APQ struct {
	store graphql.Cache[string]
}

var (
	_ graphql.HandlerExtension          = (*APQ)(nil)
	_ graphql.OperationParameterMutator = (*APQ)(nil)
)

// NewAPQ returns the extension over store.
func NewAPQ(store graphql.Cache[string]) *APQ { return &APQ{store: store} }

// ExtensionName implements graphql.HandlerExtension.
func (*APQ) ExtensionName() string { return "AutomaticPersistedQuery" }

// Validate implements graphql.HandlerExtension.
func (a *APQ) Validate(graphql.ExecutableSchema) error {
	if a.store == nil {
		return errors.New("apq: no store")
	}
	return nil
}

// MutateOperationParameters fills in the query of a request that sends
// only a hash, and stores the text of one that sends both.
func (a *APQ) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	id, ok, err := persistedID(p.Extensions)
	if err != nil || !ok {
		return err
	}
	sent := p.Query != ""
	if sent {
		if Hash(p.Query) != id {
			return errMismatch()
		}
		a.store.Add(ctx, id, p.Query)
	} else {
		doc, found := a.store.Get(ctx, id)
		if !found || Hash(doc) != id {
			return errNotFound()
		}
		p.Query = doc
	}
	if graphql.HasOperationContext(ctx) {
		graphql.GetOperationContext(ctx).Stats.SetExtension(apqStatsKey, &extension.ApqStats{Hash: id, SentQuery: sent})
	}
	return nil
}

// apqStatsKey is where gqlgen's extension.GetApqStats looks.
const apqStatsKey = "APQ"
