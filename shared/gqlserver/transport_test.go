package gqlserver

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestWriteResponse holds writeResponse to json.Marshal's bytes for every
// member a response can carry.
func TestWriteResponse(t *testing.T) {
	hasNext := false
	tests := []struct {
		name string
		resp *graphql.Response
	}{
		{"data", &graphql.Response{Data: json.RawMessage(`{"me":{"id":"usr_0001","name":"Ada"}}`)}},
		{"null data", &graphql.Response{}},
		{"errors and data", &graphql.Response{
			Errors: gqlerror.List{{Message: "reviews unavailable", Path: ast.Path{ast.PathName("product"), ast.PathName("rating")},
				Extensions: map[string]any{"code": "UPSTREAM_UNAVAILABLE"}}},
			Data: json.RawMessage(`{"product":{"id":"p1","rating":null}}`),
		}},
		{"errors only", &graphql.Response{Errors: gqlerror.List{{Message: "depth 15 exceeds the limit of 10", Extensions: map[string]any{"code": "QUERY_TOO_DEEP"}}}}},
		{"incremental", &graphql.Response{
			Data: json.RawMessage(`{"rating":4.5}`), Label: "slow", Path: ast.Path{ast.PathName("product")}, HasNext: &hasNext,
		}},
		{"extensions", &graphql.Response{Data: json.RawMessage(`{}`), Extensions: map[string]any{"errorsOmitted": 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.resp)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			writeResponse(&got, tt.resp)
			if got.String() != string(want) {
				t.Errorf("writeResponse wrote\n%s\njson.Marshal writes\n%s", got.String(), want)
			}
		})
	}
}

// TestWriteResponseCopiesData: the executor's data is written as it is, not
// re-encoded (json.Marshal would rewrite "<" as "\u003c" and drop the
// spaces).
func TestWriteResponseCopiesData(t *testing.T) {
	data := `{"product": {"name":"Tea <loose> & bags"}}`
	var got bytes.Buffer
	writeResponse(&got, &graphql.Response{Data: json.RawMessage(data)})
	if want := `{"data":` + data + `}`; got.String() != want {
		t.Errorf("wrote %s, want %s", got.String(), want)
	}
}
