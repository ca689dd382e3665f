package metrics

import (
	"fmt"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// OperationNames returns the sorted, distinct names of the operations
// defined in the GraphQL documents (e.g. a BFF's persisted or committed
// operations), for Config.Operations. A document that does not parse is an
// error; anonymous operations have no name to keep.
func OperationNames(documents ...string) ([]string, error) {
	var names []string
	for i, doc := range documents {
		d, err := parser.ParseQuery(&ast.Source{Input: doc})
		if err != nil {
			return nil, fmt.Errorf("operation document %d: %w", i, err)
		}
		for _, op := range d.Operations {
			if op.Name != "" {
				names = append(names, op.Name)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}
