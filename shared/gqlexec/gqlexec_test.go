package gqlexec_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
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

// literal is a comparable marshaller (gqlgen's scalars are funcs).
type literal string

func (l literal) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, string(l)) }

func TestResolveConcurrently(t *testing.T) {
	one := literal("1")
	index := func(i int) *int { return &i }
	// element returns ctx below the list element at i of "items", then
	// below that element's field "product" (an object's context is its
	// field's).
	element := func(ctx context.Context, i int) context.Context {
		ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: index(i)})
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "product"}}})
	}
	tests := []struct {
		name    string
		ctx     func(context.Context) context.Context
		defers  bool
		inline  bool // resolved on the call, before the field set is dispatched
		nonNull bool
		value   graphql.Marshaler
		invalid uint32
	}{
		{"outside a list", func(ctx context.Context) context.Context { return ctx }, false, false, true, one, 0},
		{"first element", func(ctx context.Context) context.Context { return element(ctx, 0) }, false, false, true, one, 0},
		{"second element", func(ctx context.Context) context.Context { return element(ctx, 1) }, false, true, true, one, 0},
		{"below a later element", func(ctx context.Context) context.Context {
			return element(element(ctx, 3), 0)
		}, false, true, true, one, 0},
		{"object with a deferred field", func(ctx context.Context) context.Context { return element(ctx, 1) }, true, false, true, one, 0},
		{"non-null field resolved to null", func(ctx context.Context) context.Context { return element(ctx, 1) }, false, true, true, graphql.Null, 1},
		{"nullable field resolved to null", func(ctx context.Context) context.Context { return element(ctx, 1) }, false, true, false, graphql.Null, 0},
		{"nullable field required null", func(ctx context.Context) context.Context { return element(ctx, 1) }, false, true, false, graphql.RequiredNull, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx(listContext(t))
			oc := &graphql.OperationContext{}
			out := graphql.NewFieldSet([]graphql.CollectedField{{Field: &ast.Field{Alias: "a"}}, {Field: &ast.Field{Alias: "b"}}})
			var group graphql.DeferredGroup
			if tt.defers {
				group = graphql.NewDeferredGroup(ctx)
			}
			var calls atomic.Int32 // scheduled fields resolve on goroutines of their own
			for i := range 2 {
				gqlexec.ResolveConcurrently(ctx, out, oc, &group, i, true, tt.nonNull, func(context.Context) graphql.Marshaler {
					calls.Add(1)
					return tt.value
				})
			}
			if want := map[bool]int32{true: 2, false: 0}[tt.inline]; calls.Load() != want {
				t.Fatalf("%d fields resolved before dispatch, want %d", calls.Load(), want)
			}
			out.Dispatch(ctx)
			if calls.Load() != 2 {
				t.Fatalf("%d fields resolved after dispatch, want 2", calls.Load())
			}
			if out.Values[0] != tt.value || out.Values[1] != tt.value {
				t.Errorf("values %v, want %v twice", out.Values, tt.value)
			}
			if want := 2 * tt.invalid; out.Invalids != want {
				t.Errorf("invalids %d, want %d", out.Invalids, want)
			}
		})
	}
}

func TestResolveConcurrentlyRecovers(t *testing.T) {
	ctx := listContext(t)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: func() *int { i := 1; return &i }()})
	oc := &graphql.OperationContext{RecoverFunc: func(_ context.Context, err any) error { return errors.New("internal error: " + toString(err)) }}
	out := graphql.NewFieldSet([]graphql.CollectedField{{Field: &ast.Field{Alias: "a"}}})
	var group graphql.DeferredGroup
	gqlexec.ResolveConcurrently(ctx, out, oc, &group, 0, true, true, func(context.Context) graphql.Marshaler { panic("boom") })
	if out.Values[0] != graphql.Null || out.Invalids != 1 {
		t.Errorf("value %v with %d invalids, want null counted against the object", out.Values[0], out.Invalids)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Message != "internal error: boom" || errs[0].Path.String() != "items[1]" {
		t.Errorf("errors %v, want the panic reported at items[1]", errs)
	}
	defer func() {
		if recover() == nil {
			t.Error("a panic was recovered although recoverFromPanic is false")
		}
	}()
	gqlexec.ResolveConcurrently(ctx, out, oc, &group, 0, false, true, func(context.Context) graphql.Marshaler { panic("boom") })
}

// TestBatchParentsFor holds gqlexec.BatchParentsFor to gqlgen's answer on
// the shapes a batch field's context takes.
func TestBatchParentsFor(t *testing.T) {
	field := func(ctx context.Context, alias string) context.Context {
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}}})
	}
	element := func(ctx context.Context, i int) context.Context {
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
	}
	bare := func(ctx context.Context) context.Context {
		return graphql.WithFieldContext(ctx, &graphql.FieldContext{})
	}
	parents := []*string{new(string), new(string), new(string)}
	tests := []struct {
		name string
		ctx  func(context.Context) context.Context
	}{
		{"field of a list element", func(ctx context.Context) context.Context {
			return field(element(field(ctx, "items"), 2), "product")
		}},
		{"field of an object outside a list", func(ctx context.Context) context.Context {
			return field(field(element(field(ctx, "edges"), 1), "node"), "customer")
		}},
		{"contexts without a path element between", func(ctx context.Context) context.Context {
			return field(bare(element(bare(field(ctx, "items")), 1)), "product")
		}},
		{"root field", func(ctx context.Context) context.Context { return field(ctx, "orders") }},
		{"no field context", func(ctx context.Context) context.Context { return ctx }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx(graphql.WithBatchParents(context.Background(), "Item", parents, nil))
			want, wantOK := graphql.BatchParentsFor[*string](ctx, "Item")
			got, ok := gqlexec.BatchParentsFor[*string](ctx, "Item")
			if ok != wantOK || got.Index != want.Index || len(got.Parents) != len(want.Parents) {
				t.Errorf("BatchParentsFor = index %d of %d, %v; gqlgen's = index %d of %d, %v",
					got.Index, len(got.Parents), ok, want.Index, len(want.Parents), wantOK)
			}
			if !ok {
				return
			}
			calls := 0
			resolve := func() (any, error) { calls++; return []string{"a", "b", "c"}, nil }
			f := graphql.CollectedField{Field: &ast.Field{Alias: "p", Name: "product"}}
			if r := got.FieldResult(f, resolve); !slices.Equal(r.Results.([]string), []string{"a", "b", "c"}) { //nolint:forcetypeassert // the test's own resolve
				t.Errorf("FieldResult = %v", r.Results)
			}
			want.FieldResult(f, resolve) // gqlgen's reads the same memo
			if calls != 1 {
				t.Errorf("the field resolved %d times for one group, want once", calls)
			}
		})
	}
	if _, ok := gqlexec.BatchParentsFor[*int](graphql.WithBatchParents(context.Background(), "Item", parents, nil), "Item"); ok {
		t.Error("BatchParentsFor accepted parents of another Go type")
	}
}

func TestRecoverRead(t *testing.T) {
	ctx := listContext(t)
	ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{
		RecoverFunc: func(_ context.Context, err any) error { return errors.New("internal error: " + toString(err)) },
	})
	field := graphql.CollectedField{Field: &ast.Field{Alias: "formatted", Name: "formatted"}}
	read := func(method func() string) (ret graphql.Marshaler) {
		defer gqlexec.RecoverRead(ctx, field, &ret)
		return graphql.MarshalString(method())
	}

	var buf bytes.Buffer
	read(func() string { return "$1.00" }).MarshalGQL(&buf)
	if buf.String() != `"$1.00"` || len(graphql.GetErrors(ctx)) != 0 {
		t.Errorf("read %s with errors %v, want \"$1.00\" and none", buf.String(), graphql.GetErrors(ctx))
	}

	if got := read(func() string { panic("boom") }); got != graphql.Null {
		t.Errorf("a panicking method read %v, want null", got)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Message != "internal error: boom" || errs[0].Path.String() != "items.formatted" {
		t.Errorf("errors %v, want the panic at items.formatted", errs)
	}
}

func TestSelectsDeferred(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Input: `
		type Query { order: Order }
		type Order { total: Money }
		type Money { cents: Int formatted: String }
	`})
	tests := []struct {
		query string
		want  bool
	}{
		{`{ order { total { cents formatted } } }`, false},
		{`{ order { total { cents ... on Money { formatted } } } }`, false},
		{`{ order { total { cents ... on Money @defer { formatted } } } }`, true},
		{`{ order { total { ...F } } } fragment F on Money { cents }`, false},
		{`{ order { total { ...F @defer } } } fragment F on Money { cents }`, true},
		{`{ order { total { ...F } } } fragment F on Money { ... @defer { cents } }`, true},
	}
	for _, tt := range tests {
		doc, errs := gqlparser.LoadQueryWithRules(schema, tt.query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", tt.query, errs)
		}
		order, ok := doc.Operations[0].SelectionSet[0].(*ast.Field)
		if !ok {
			t.Fatalf("%s: no order field", tt.query)
		}
		total, ok := order.SelectionSet[0].(*ast.Field)
		if !ok {
			t.Fatalf("%s: no total field", tt.query)
		}
		if got := gqlexec.SelectsDeferred(total.SelectionSet); got != tt.want {
			t.Errorf("SelectsDeferred(%s) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

// TestFieldSet: gqlexec.FieldSet writes what gqlgen's field set writes, with
// its values in line for small objects and allocated for large ones.
func TestFieldSet(t *testing.T) {
	for _, n := range []int{0, 1, 4, 5, 20} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			var fields []graphql.CollectedField
			for i := range n {
				alias := "f" + strconv.Itoa(i%7) // some response keys repeat
				fields = append(fields, graphql.CollectedField{Field: &ast.Field{Alias: alias, Name: alias}})
			}
			set, want := gqlexec.NewFieldSet(fields), graphql.NewFieldSet(fields)
			if len(set.Values) != n {
				t.Fatalf("%d values for %d fields", len(set.Values), n)
			}
			for i := range n {
				set.Values[i], want.Values[i] = graphql.MarshalInt(i), graphql.MarshalInt(i)
			}
			set.Dispatch(context.Background())
			var got, wantBuf bytes.Buffer
			set.MarshalGQL(&got)
			want.MarshalGQL(&wantBuf)
			if got.String() != wantBuf.String() {
				t.Errorf("wrote %s, gqlgen writes %s", got.String(), wantBuf.String())
			}
		})
	}
}
