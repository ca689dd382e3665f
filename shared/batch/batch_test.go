package batch_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/frontdesk/frontdesk/shared/batch"
	"github.com/frontdesk/frontdesk/shared/gqlerr"
	"github.com/frontdesk/frontdesk/shared/restclient"
)

// fakeLoader answers LoadMany from a map and records the keys it was asked.
type fakeLoader struct {
	vals  map[string]int
	calls [][]string
}

var errMissing = errors.New("missing")

func (f *fakeLoader) LoadMany(_ context.Context, keys []string) ([]int, []error) {
	f.calls = append(f.calls, slices.Clone(keys))
	vals := make([]int, len(keys))
	var errs []error
	for i, k := range keys {
		v, ok := f.vals[k]
		if !ok {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = errMissing
			continue
		}
		vals[i] = v
	}
	return vals, errs
}

type parent struct{ key string }

// fieldContext is the context gqlgen gives a batch field "n" of the parent
// at index 0 of the list "items".
func fieldContext() context.Context {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, nil)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "items"}}})
	i := 0
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{
		Field: &ast.Field{Alias: "n", Position: &ast.Position{Line: 3, Column: 7}},
	}})
}

func TestLoad(t *testing.T) {
	ctx := fieldContext()
	l := &fakeLoader{vals: map[string]int{"a": 1, "b": 2}}
	parents := []*parent{{"b"}, nil, {""}, {"a"}, {"zz"}, {"b"}}
	key := func(p *parent) (string, bool) { return p.key, p.key != "" }

	got, err := batch.Load(ctx, parents, l, key, func(v int, err error) (int, error) { return v * 10, err })

	if want := []int{20, 0, 0, 10, 0, 20}; !slices.Equal(got, want) {
		t.Errorf("answers = %v, want %v", got, want)
	}
	if want := [][]string{{"b", "a", "zz", "b"}}; !slices.EqualFunc(l.calls, want, slices.Equal) {
		t.Errorf("LoadMany calls = %q, want %q (one call, parents without key left out)", l.calls, want)
	}
	var list graphql.BatchErrorList
	if !errors.As(err, &list) || len(list.Errors()) != len(parents) {
		t.Fatalf("error = %v, want a BatchErrorList with one slot per parent", err)
	}
	for i, e := range list.Errors() {
		if i != 4 {
			if e != nil {
				t.Errorf("parent %d error = %v, want none", i, e)
			}
			continue
		}
		var ge *gqlerror.Error
		if !errors.As(e, &ge) || ge.Path.String() != "items[4].n" || !errors.Is(e, errMissing) {
			t.Fatalf("parent 4 error = %v, want missing at items[4].n", e)
		}
		if len(ge.Locations) != 1 || ge.Locations[0] != (gqlerror.Location{Line: 3, Column: 7}) {
			t.Errorf("parent 4 error locations = %v, want 3:7", ge.Locations)
		}
	}
}

func TestLoadWithoutErrors(t *testing.T) {
	l := &fakeLoader{vals: map[string]int{"a": 1}}
	got, err := batch.Load(fieldContext(), []*parent{{"a"}}, l,
		func(p *parent) (string, bool) { return p.key, true }, batch.Value[int])
	if err != nil || !slices.Equal(got, []int{1}) {
		t.Errorf("Load = %v, %v; want [1], nil (no BatchErrorList when nothing failed)", got, err)
	}
}

func TestEachAndAddError(t *testing.T) {
	ctx := fieldContext()
	got, err := batch.Each(ctx, []*parent{{"a"}, {"bad"}}, func(p *parent) (string, error) {
		if p.key == "bad" {
			return "", errMissing
		}
		return p.key + "!", nil
	})
	if got[0] != "a!" {
		t.Errorf("answers = %q", got)
	}
	var list graphql.BatchErrorList
	if !errors.As(err, &list) || list.Errors()[0] != nil || !errors.Is(list.Errors()[1], errMissing) {
		t.Fatalf("error = %v, want missing for parent 1 only", err)
	}

	batch.AddError(ctx, 2, errMissing)
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "items[2].n" {
		t.Errorf("recorded errors = %v, want one at items[2].n", errs)
	}
}

func TestDegrade(t *testing.T) {
	down := &restclient.Error{Service: "reviews", Kind: restclient.KindUnavailable, Status: 503}
	badInput := gqlerr.New(gqlerr.BadUserInput, "first must be between 1 and 10")
	tests := []struct {
		name      string
		err       error
		wantEmpty bool
		wantErr   bool // returned, failing the field
		wantAdded bool // recorded, the field answering empty
	}{
		{"upstream down degrades", down, true, false, true},
		{"breaker open degrades", fmt.Errorf("loading summary: %w", &restclient.Error{Service: "reviews", Kind: restclient.KindCircuitOpen}), true, false, true},
		{"bad input fails the field", badInput, false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := fieldContext()
			got, err := batch.Degrade(ctx, 1, []string{}, tt.err)
			if (got != nil) != tt.wantEmpty {
				t.Errorf("answer = %#v, want empty: %v", got, tt.wantEmpty)
			}
			if (err != nil) != tt.wantErr {
				t.Errorf("error = %v, want returned: %v", err, tt.wantErr)
			}
			added := graphql.GetErrors(ctx)
			if (len(added) == 1) != tt.wantAdded {
				t.Fatalf("recorded errors = %v, want one: %v", added, tt.wantAdded)
			}
			if tt.wantAdded && (added[0].Path.String() != "items[1].n" || !errors.Is(added[0], tt.err)) {
				t.Errorf("recorded %v at %s, want the upstream error at items[1].n", added[0], added[0].Path)
			}
		})
	}
}
