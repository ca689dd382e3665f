package gqlexec_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/frontdesk/frontdesk/shared/gqlexec"
)

// listContext is the context of a list field "items" inside an operation.
func listContext(t *testing.T) context.Context {
	t.Helper()
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter,
		func(_ context.Context, err any) error { return errors.New("internal error: " + toString(err)) })
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "items"}}})
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return "panic"
}

func TestMarshalSlice(t *testing.T) {
	ctx := listContext(t)
	caller := goroutineID()
	var paths []string
	got := gqlexec.MarshalSlice(ctx, 4, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if id := goroutineID(); id != caller {
			t.Errorf("element %d marshalled on goroutine %s, want the caller's %s", i, id, caller)
		}
		paths = append(paths, graphql.GetPath(ctx).String())
		if i == 2 {
			panic("boom")
		}
		return graphql.MarshalInt(i * 10)
	})

	var buf bytes.Buffer
	got.MarshalGQL(&buf)
	if want := "[0,10,null,30]"; buf.String() != want {
		t.Errorf("marshalled %s, want %s", buf.String(), want)
	}
	if want := []string{"items[0]", "items[1]", "items[2]", "items[3]"}; !equal(paths, want) {
		t.Errorf("element paths %v, want %v", paths, want)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one for the panicking element", errs)
	}
	if errs[0].Path.String() != "items[2]" || errs[0].Message != "internal error: boom" {
		t.Errorf("error %q at %s, want %q at items[2]", errs[0].Message, errs[0].Path, "internal error: boom")
	}
}

func TestMarshalSliceEmpty(t *testing.T) {
	got := gqlexec.MarshalSlice(listContext(t), 0, 0, false, func(context.Context, int) graphql.Marshaler {
		t.Fatal("no element to marshal")
		return nil
	})
	var buf bytes.Buffer
	got.MarshalGQL(&buf)
	if buf.String() != "[]" {
		t.Errorf("marshalled %s, want []", buf.String())
	}
}

func TestMarshalSliceWithoutPanicHandler(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a panic was recovered although omitPanicHandler is set")
		}
	}()
	gqlexec.MarshalSlice(listContext(t), 2, 0, true, func(context.Context, int) graphql.Marshaler { panic("boom") })
}

func TestNewDeferredGroup(t *testing.T) {
	ctx := listContext(t)
	plain := []graphql.CollectedField{{Field: &ast.Field{Name: "a"}}, {Field: &ast.Field{Name: "b"}}}
	if g := gqlexec.NewDeferredGroup(ctx, plain); g.Path != nil || g.FieldSet != nil || g.Defers != nil {
		t.Errorf("group for fields without @defer = %+v, want the zero group", g)
	}

	deferred := append(slices.Clone(plain), graphql.CollectedField{
		Field:       &ast.Field{Name: "c"},
		Deferrables: []*graphql.Deferrable{{Label: "slow"}},
	})
	g := gqlexec.NewDeferredGroup(ctx, deferred)
	if g.FieldSet == nil || g.Defers == nil || g.Path.String() != "items" {
		t.Errorf("group for a deferred field = %+v, want gqlgen's group at path items", g)
	}
}

func equal(a, b []string) bool { return slices.Equal(a, b) }

// goroutineID is the id of the calling goroutine, from its stack header.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	fields := bytes.Fields(buf)
	if len(fields) < 2 {
		return ""
	}
	if _, err := strconv.Atoi(string(fields[1])); err != nil {
		return ""
	}
	return string(fields[1])
}

func TestObject(t *testing.T) {
	field := func(alias string) graphql.CollectedField {
		return graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}
	}
	tests := []struct {
		name   string
		fields []graphql.CollectedField
	}{
		{"none", nil},
		{"one", []graphql.CollectedField{field("id")}},
		{"several", []graphql.CollectedField{field("id"), field("name"), field("__typename")}},
		{"repeated response key", []graphql.CollectedField{field("id"), field("a"), field("id")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := graphql.NewFieldSet(tt.fields)
			for i := range out.Values {
				out.Values[i] = graphql.MarshalInt(i)
			}
			var want, got bytes.Buffer
			out.MarshalGQL(&want)
			gqlexec.Object(tt.fields, out).MarshalGQL(&got)
			if got.String() != want.String() {
				t.Errorf("Object wrote %s, gqlgen's FieldSet writes %s", got.String(), want.String())
			}
		})
	}
}
