package gqlserver

import "testing"

func TestCheckBody(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		batch      bool
		wantErr    string // "" when accepted
	}{
		{"object", `{"query":"{ a }"}`, false, ""},
		{"object with spaces", " \n{\"query\":\"{ a }\"}\n ", false, ""},
		{"array", `[{"query":"{ a }"}]`, true, ""},
		{"invalid UTF-8 in a string: the parser's to report", "{\"query\":\"\xff\"}", false, ""},
		{"duplicate member", `{"query":"{ a }","query":"{ b }"}`, false, "the request body is not valid JSON: a duplicate member name at byte offset 17"},
		{"duplicate nested member", `{"query":"{ a }","variables":{"x":1,"x":2}}`, false, "the request body is not valid JSON: a duplicate member name at byte offset 36"},
		{"data after", `{"query":"{ a }"} {}`, false, "the request body is not valid JSON: data after the request at byte offset 18"},
		{"cut short", `{"query":`, false, "the request body is not valid JSON: it ends before the request does"},
		{"empty", ``, false, "the request body is not valid JSON: it ends before the request does"},
		{"syntax", `{"query" "{ a }"}`, false, "the request body is not valid JSON: a syntax error at byte offset 9"},
		{"null", `null`, false, "the request body must be a JSON object (or, with batching, an array of them)"},
		{"number", `42`, false, "the request body must be a JSON object (or, with batching, an array of them)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			batch, err := checkBody([]byte(tt.body))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr || batch != tt.batch {
				t.Errorf("checkBody = %v, %q; want %v, %q", batch, got, tt.batch, tt.wantErr)
			}
		})
	}
}
