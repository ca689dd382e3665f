package gosource

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStringConst(t *testing.T) {
	tests := []struct {
		name, src, constant, want string
		wantErr                   bool // then want is ""
	}{
		{
			name:     "in a block after another",
			src:      "package app\n\nconst (\n\tName = \"x\"\n\tExampleQuery = `query Orders { orders(first: 50) { totalCount } }`\n)\n",
			constant: "ExampleQuery", want: "query Orders { orders(first: 50) { totalCount } }",
		},
		{
			name:     "in a block after a single declaration",
			src:      "package app\n\nconst Name = \"x\"\n\nconst (\n\tOther = 1\n\tExampleQuery = `{ orders(first: 50) { totalCount } }`\n)\n",
			constant: "ExampleQuery", want: "{ orders(first: 50) { totalCount } }",
		},
		{
			name:     "an int constant",
			src:      "package app\n\nconst Name = \"x\"\n\nconst (\n\tOther = 1\n\tExampleQuery = `{ orders(first: 50) { totalCount } }`\n)\n",
			constant: "Other", wantErr: true,
		},
		{
			name:     "missing",
			src:      "package app\n\nconst (\n\tName = \"x\"\n\tExampleQuery = `query Orders { orders(first: 50) { totalCount } }`\n)\n",
			constant: "Missing", wantErr: true,
		},
		{name: "not Go", src: "const (", constant: "ExampleQuery", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "app.go")
			if err := os.WriteFile(path, []byte(tt.src), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := StringConst(path, tt.constant)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("StringConst(%s) = %q, %v; want %q, error %v", tt.constant, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
