package doclimit

import (
	"errors"
	"fmt"
)

// Config holds the caps of one BFF. Every field is per BFF: a zero field
// takes its default from Mobile or Web through WithDefaults, so a cap can
// be lowered or raised but never switched off. The defaults are listed as
// mobile / web.
type Config struct {
	// MaxTokens caps the lexical tokens of a document, comments included;
	// the parser stops at the first token over. 2000 / 5000.
	MaxTokens int `env:"QUERY_MAX_TOKENS" json:"maxTokens"`
	// MaxDepth caps how deeply fields nest, counted through fragment
	// spreads and inline fragments (`{ a { b } }` is 2). 10 / 15.
	MaxDepth int `env:"QUERY_MAX_DEPTH" json:"maxDepth"`
	// MaxIntrospectionDepth replaces MaxDepth for a document whose
	// operations select introspection only (__schema, __type, __typename):
	// GraphiQL's schema query is 15 deep, deeper than a mobile screen needs
	// to be. Where introspection is off, validation refuses such documents
	// anyway. 15 / 15.
	MaxIntrospectionDepth int `env:"QUERY_MAX_INTROSPECTION_DEPTH" json:"maxIntrospectionDepth"`
	// MaxAliases caps the aliased fields written in a document. 30 / 30.
	MaxAliases int `env:"QUERY_MAX_ALIASES" json:"maxAliases"`
	// MaxRootFields caps the root fields of each operation, after fragments
	// on the root type are spread. 10 / 10.
	MaxRootFields int `env:"QUERY_MAX_ROOT_FIELDS" json:"maxRootFields"`
	// MaxDirectives caps the directives written in a document. 50 / 50.
	MaxDirectives int `env:"QUERY_MAX_DIRECTIVES" json:"maxDirectives"`
	// MaxOperations caps the operations of a document (one of them runs). 5 / 5.
	MaxOperations int `env:"QUERY_MAX_OPERATIONS" json:"maxOperations"`
	// MaxFragments caps the fragment definitions of a document. 50 / 50.
	MaxFragments int `env:"QUERY_MAX_FRAGMENTS" json:"maxFragments"`
	// MaxSelections caps the selections of all operations of a document
	// once every fragment spread is replaced by the fragment's selections:
	// what validation and execution would walk. 2000 / 5000.
	MaxSelections int `env:"QUERY_MAX_SELECTIONS" json:"maxSelections"`
	// MaxFieldComparisons caps the pairs of fields that validation compares
	// to prove they can be merged: every two fields with the same response
	// name at the same path (fragments expanded), counted again for each
	// level of inline fragments nested around them. The comparisons grow
	// with the square of repeated fields, so a document within every other
	// cap can otherwise hold gqlgen's validation for seconds. 5000 / 20000.
	MaxFieldComparisons int `env:"QUERY_MAX_FIELD_COMPARISONS" json:"maxFieldComparisons"`
	// MaxComplexity caps gqlgen's complexity of the operation that runs,
	// with list fields costed by MaxPageSize (ComplexityLimit). 1000 / 5000.
	MaxComplexity int `env:"QUERY_MAX_COMPLEXITY" json:"maxComplexity"`
	// MaxPageSize is the most a `first` or `last` argument counts for in
	// complexity: values are clamped to 1..MaxPageSize. 50 / 100.
	MaxPageSize int `env:"QUERY_MAX_PAGE_SIZE" json:"maxPageSize"`
	// MaxVariablesBytes caps the size of the request's variables, as JSON.
	// 65536 / 65536.
	MaxVariablesBytes int `env:"VARIABLES_MAX_BYTES" json:"maxVariablesBytes"`
	// MaxListLength caps the length of every list in the variables. 100 / 100.
	MaxListLength int `env:"VARIABLES_MAX_LIST_LENGTH" json:"maxListLength"`
}

// Mobile returns bff-mobile's defaults: small, screen-shaped operations.
func Mobile() Config {
	return Config{
		MaxTokens: 2000, MaxDepth: 10, MaxIntrospectionDepth: 15, MaxAliases: 30, MaxRootFields: 10, MaxDirectives: 50,
		MaxOperations: 5, MaxFragments: 50, MaxSelections: 2000, MaxFieldComparisons: 5000,
		MaxComplexity: 1000, MaxPageSize: 50,
		MaxVariablesBytes: 64 << 10, MaxListLength: 100,
	}
}

// Web returns bff-web's defaults: the richer admin schema nests deeper and
// pages further.
func Web() Config {
	c := Mobile()
	c.MaxTokens, c.MaxDepth, c.MaxSelections, c.MaxFieldComparisons = 5000, 15, 5000, 20000
	c.MaxComplexity, c.MaxPageSize = 5000, 100
	return c
}

// WithDefaults returns c with every zero field taken from d.
func (c Config) WithDefaults(d Config) Config {
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&c.MaxTokens, d.MaxTokens)
	fill(&c.MaxDepth, d.MaxDepth)
	fill(&c.MaxIntrospectionDepth, d.MaxIntrospectionDepth)
	fill(&c.MaxAliases, d.MaxAliases)
	fill(&c.MaxRootFields, d.MaxRootFields)
	fill(&c.MaxDirectives, d.MaxDirectives)
	fill(&c.MaxOperations, d.MaxOperations)
	fill(&c.MaxFragments, d.MaxFragments)
	fill(&c.MaxSelections, d.MaxSelections)
	fill(&c.MaxFieldComparisons, d.MaxFieldComparisons)
	fill(&c.MaxComplexity, d.MaxComplexity)
	fill(&c.MaxPageSize, d.MaxPageSize)
	fill(&c.MaxVariablesBytes, d.MaxVariablesBytes)
	fill(&c.MaxListLength, d.MaxListLength)
	return c
}

// Validate rejects a cap below 1, naming its variable.
func (c Config) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{
		{"QUERY_MAX_TOKENS", c.MaxTokens}, {"QUERY_MAX_DEPTH", c.MaxDepth},
		{"QUERY_MAX_INTROSPECTION_DEPTH", c.MaxIntrospectionDepth},
		{"QUERY_MAX_ALIASES", c.MaxAliases}, {"QUERY_MAX_ROOT_FIELDS", c.MaxRootFields},
		{"QUERY_MAX_DIRECTIVES", c.MaxDirectives}, {"QUERY_MAX_OPERATIONS", c.MaxOperations},
		{"QUERY_MAX_FRAGMENTS", c.MaxFragments}, {"QUERY_MAX_SELECTIONS", c.MaxSelections},
		{"QUERY_MAX_FIELD_COMPARISONS", c.MaxFieldComparisons},
		{"QUERY_MAX_COMPLEXITY", c.MaxComplexity}, {"QUERY_MAX_PAGE_SIZE", c.MaxPageSize},
		{"VARIABLES_MAX_BYTES", c.MaxVariablesBytes}, {"VARIABLES_MAX_LIST_LENGTH", c.MaxListLength},
	} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("%s must be at least 1, not %d", f.name, f.v))
		}
	}
	return errors.Join(errs...)
}
