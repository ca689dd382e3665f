package bfftest

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Undocumented lists the types, fields, arguments, input fields and enum
// values of schema that have no description (built-in types excepted), so a
// test can require descriptions on every element clients see.
func Undocumented(schema *ast.Schema) []string {
	var out []string
	for name, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if strings.TrimSpace(def.Description) == "" {
			out = append(out, name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.TrimSpace(f.Description) == "" {
				out = append(out, name+"."+f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					out = append(out, name+"."+f.Name+"("+a.Name+")")
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				out = append(out, name+"."+v.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}
