package bfftest

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestRootIsNull(t *testing.T) {
	tests := []struct {
		name, data, root string
		want             bool
	}{
		{name: "data null", data: `null`, root: "order", want: true},
		{name: "root null", data: `{"order":null}`, root: "order", want: true},
		{name: "root missing", data: `{"orders":[]}`, root: "order", want: true},
		{name: "root answered", data: `{"order":{"id":"ord_00001"}}`, root: "order", want: false},
		{name: "root empty list", data: `{"orders":[]}`, root: "orders", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rootIsNull(json.RawMessage(tt.data), tt.root); got != tt.want {
				t.Errorf("rootIsNull(%s, %q) = %v, want %v", tt.data, tt.root, got, tt.want)
			}
		})
	}
}

func TestSetAside(t *testing.T) {
	const doc = `{"order":{"id":"ord_00001","items":[{"product":{"id":"prd_0078"}},{"product":null}]}}`
	tests := []struct {
		name, path, want string
	}{
		{name: "field", path: `["order","id"]`, want: `{"order":{"id":"<failed>","items":[{"product":{"id":"prd_0078"}},{"product":null}]}}`},
		{name: "list element's field", path: `["order","items",1,"product"]`, want: `{"order":{"id":"ord_00001","items":[{"product":{"id":"prd_0078"}},{"product":"<failed>"}]}}`},
		{name: "list element", path: `["order","items",0]`, want: `{"order":{"id":"ord_00001","items":["<failed>",{"product":null}]}}`},
		{name: "missing field", path: `["order","customer"]`, want: doc},
		{name: "index out of range", path: `["order","items",2,"product"]`, want: doc},
		{name: "below a null", path: `["order","items",1,"product","id"]`, want: doc},
		{name: "index into an object", path: `["order",0]`, want: doc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			var path []any
			if err := json.Unmarshal([]byte(doc), &v); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.path), &path); err != nil {
				t.Fatal(err)
			}
			setAside(v, path)
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, want) {
				t.Errorf("setAside(%s)\n got: %v\nwant: %v", tt.path, v, want)
			}
		})
	}
}
