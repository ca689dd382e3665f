package gqlserver

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// ValidationRules returns GraphQL's default validation rules with every
// rule that suggests names ("Did you mean …?") replaced by its variant
// without suggestions, so a validation error never hints at fields,
// arguments, types or enum values the client did not name. For the gqlgen
// server's SetValidationRulesFn; it keeps the rule names, so gqlgen's own
// SetDisableSuggestion cannot swap the suggesting rules back in.
func ValidationRules() *rules.Rules {
	r := rules.NewDefaultRules()
	for name, quiet := range map[string]core.Rule{
		rules.FieldsOnCorrectTypeRule.Name: rules.FieldsOnCorrectTypeRuleWithoutSuggestions,
		rules.KnownArgumentNamesRule.Name:  rules.KnownArgumentNamesRuleWithoutSuggestions,
		rules.KnownTypeNamesRule.Name:      rules.KnownTypeNamesRuleWithoutSuggestions,
		rules.ScalarLeafsRule.Name:         rules.ScalarLeafsRuleWithoutSuggestions,
		rules.ValuesOfCorrectTypeRule.Name: rules.ValuesOfCorrectTypeRuleWithoutSuggestions,
	} {
		r.ReplaceRule(name, quiet.RuleFunc)
	}
	return r
}

// NoIntrospectionRule names the rule ValidationRulesWithoutIntrospection adds.
const NoIntrospectionRule = "NoIntrospection"

// ValidationRulesWithoutIntrospection returns ValidationRules plus a rule
// refusing __schema and __type (not __typename): with introspection off,
// gqlgen would otherwise run the operation and answer those fields with an
// internal error; this makes them a validation error, before execution.
func ValidationRulesWithoutIntrospection() *rules.Rules {
	r := ValidationRules()
	r.AddRule(NoIntrospectionRule, func(observers *core.Events, addError core.AddErrFunc) {
		observers.OnField(func(_ *core.Walker, field *ast.Field) {
			if field.Name == "__schema" || field.Name == "__type" {
				addError(core.Message("introspection is not allowed"), core.At(field.Position))
			}
		})
	})
	return r
}
