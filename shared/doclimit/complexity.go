package doclimit

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// PageComplexity is the complexity of a field that takes `first` or `last`:
// 1 + n × childComplexity, where n is the argument clamped to
// 1..maxPage (maxPage when it is absent, null or not a number; the larger
// when both are given), in saturating arithmetic. ok is false for a field
// with neither argument. Its shape fits gqlgen's ComplexityRoot functions
// and graphql.ExecutableSchema.Complexity alike.
func PageComplexity(childComplexity int, args map[string]any, maxPage int) (n int, ok bool) {
	maxPage = max(maxPage, 1)
	page := 0
	for _, name := range [...]string{"first", "last"} {
		v, has := args[name]
		if !has {
			continue
		}
		ok = true
		page = max(page, clampPage(v, maxPage))
	}
	if !ok {
		return 0, false
	}
	return satAdd(1, satMul(page, max(childComplexity, 0))), true
}

// clampPage returns v clamped to 1..maxPage, or maxPage when v is not an
// integer.
func clampPage(v any, maxPage int) int {
	var f float64
	switch v := v.(type) {
	case int:
		f = float64(v)
	case int32:
		f = float64(v)
	case int64:
		f = float64(v)
	case float64:
		f = v
	case *int:
		if v == nil {
			return maxPage
		}
		f = float64(*v)
	case json.Number:
		var err error
		if f, err = v.Float64(); err != nil {
			return maxPage
		}
	default:
		return maxPage
	}
	switch {
	case math.IsNaN(f):
		return maxPage
	case f < 1:
		return 1
	case f > float64(maxPage):
		return maxPage
	}
	return int(f)
}

// pagedSchema is an ExecutableSchema whose complexity counts pages.
type pagedSchema struct {
	graphql.ExecutableSchema
	maxPage int
}

// ClampPages returns es with its complexity of every field that takes
// `first` or `last` replaced by PageComplexity; other fields keep es's
// (the generated ComplexityRoot, else gqlgen's default of 1 + children).
// Give it to handler.New so that every extension reading complexity — the
// complexity limit, cost-based rate limits — sees the same numbers. The
// result serves queries and mutations; it hides es's optional
// subscription-event interface.
func ClampPages(es graphql.ExecutableSchema, maxPage int) graphql.ExecutableSchema {
	if p, ok := es.(pagedSchema); ok {
		es = p.ExecutableSchema
	}
	return pagedSchema{ExecutableSchema: es, maxPage: max(maxPage, 1)}
}

// Complexity implements graphql.ExecutableSchema.
func (s pagedSchema) Complexity(ctx context.Context, typeName, field string, childComplexity int, args map[string]any) (int, bool) {
	if n, ok := PageComplexity(childComplexity, args, s.maxPage); ok {
		return n, true
	}
	return s.ExecutableSchema.Complexity(ctx, typeName, field, childComplexity, args)
}

// ComplexityLimit is the gqlgen extension capping the complexity of the
// operation that runs, after validation and before any resolver. Pages
// count as ClampPages says. Rejections are QUERY_LIMIT_EXCEEDED with limit
// "complexity"; the figures are kept where gqlgen's
// extension.GetComplexityStats finds them.
type ComplexityLimit struct {
	max, maxPage int
	es           graphql.ExecutableSchema
}

var (
	_ graphql.HandlerExtension        = (*ComplexityLimit)(nil)
	_ graphql.OperationContextMutator = (*ComplexityLimit)(nil)
)

// NewComplexityLimit returns the limit of cfg's MaxComplexity, with pages
// clamped to cfg's MaxPageSize.
func NewComplexityLimit(cfg Config) (*ComplexityLimit, error) {
	if cfg.MaxComplexity < 1 || cfg.MaxPageSize < 1 {
		return nil, fmt.Errorf("complexity limit: QUERY_MAX_COMPLEXITY and QUERY_MAX_PAGE_SIZE must be at least 1")
	}
	return &ComplexityLimit{max: cfg.MaxComplexity, maxPage: cfg.MaxPageSize}, nil
}

// ExtensionName implements graphql.HandlerExtension.
func (*ComplexityLimit) ExtensionName() string { return "ComplexityLimit" }

// Validate implements graphql.HandlerExtension.
func (c *ComplexityLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = ClampPages(es, c.maxPage)
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator.
func (c *ComplexityLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	n := complexity.Calculate(ctx, c.es, oc.Operation, oc.Variables)
	oc.Stats.SetExtension(complexityStatsKey, &extension.ComplexityStats{Complexity: n, ComplexityLimit: c.max})
	if n > c.max {
		return (&LimitError{Limit: Complexity, Value: n, Max: c.max}).gqlError()
	}
	return nil
}

// complexityStatsKey is where gqlgen's extension.GetComplexityStats looks.
const complexityStatsKey = "ComplexityLimit"
