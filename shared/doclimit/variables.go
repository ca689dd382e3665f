package doclimit

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// checkVariables caps the variables' size as JSON and the length of each
// of their lists. It stops at the first cap exceeded, so its cost is bound
// by the caps rather than by the request.
func (c Config) checkVariables(vars map[string]any) *gqlerror.Error {
	if len(vars) == 0 {
		return nil
	}
	m := varMeter{maxBytes: c.MaxVariablesBytes, maxList: c.MaxListLength}
	m.value(vars)
	if m.err != nil {
		return m.err.gqlError()
	}
	return nil
}

// varMeter adds up the bytes each value takes in JSON (escapes aside) and
// checks list lengths, stopping at the first cap exceeded.
type varMeter struct {
	used, maxBytes, maxList int
	err                     *LimitError
}

func (m *varMeter) spend(n int) bool {
	m.used = satAdd(m.used, n)
	if m.used > m.maxBytes && m.err == nil {
		m.err = &LimitError{Limit: VariableBytes, Max: m.maxBytes}
	}
	return m.err == nil
}

func (m *varMeter) value(v any) bool {
	var buf [32]byte
	switch v := v.(type) {
	case nil:
		return m.spend(4)
	case bool:
		return m.spend(5)
	case string:
		return m.spend(len(v) + 2)
	case json.Number:
		return m.spend(len(v))
	case float64:
		return m.spend(len(strconv.AppendFloat(buf[:0], v, 'g', -1, 64)))
	case int:
		return m.spend(len(strconv.AppendInt(buf[:0], int64(v), 10)))
	case int64:
		return m.spend(len(strconv.AppendInt(buf[:0], v, 10)))
	case []any:
		if len(v) > m.maxList {
			m.err = &LimitError{Limit: ListLength, Value: len(v), Max: m.maxList}
			return false
		}
		if !m.spend(len(v) + 1) { // brackets and commas
			return false
		}
		for _, e := range v {
			if !m.value(e) {
				return false
			}
		}
		return true
	case map[string]any:
		if !m.spend(len(v) + 1) { // braces and commas
			return false
		}
		for k, e := range v {
			if !m.spend(len(k)+3) || !m.value(e) {
				return false
			}
		}
		return true
	default: // not what gqlgen's transports decode; measure it as JSON
		b, err := json.Marshal(v)
		if err != nil {
			return m.spend(maxInt)
		}
		return m.spend(len(b))
	}
}

// checkInts rejects an Int outside 32 bits anywhere in the variables op
// declares: gqlgen keeps Int in a Go int and accepts 64-bit values in
// variables (literals in the document are checked by validation). It
// follows the declared types through lists and input objects; everything
// else about the values is left to gqlgen's coercion.
func checkInts(schema *ast.Schema, op operation, vars map[string]any) *gqlerror.Error {
	c := intChecker{schema: schema}
	for _, def := range op.vars {
		v, ok := vars[def.name]
		if !ok {
			continue
		}
		c.path = append(c.path[:0], ast.PathName("variable"), ast.PathName(def.name))
		if err := c.value(def.typ, v); err != nil {
			return err
		}
	}
	return nil
}

// intChecker walks a value along its type; path is where it stands, kept
// as a stack so that a value that passes costs no path allocation.
type intChecker struct {
	schema *ast.Schema
	path   ast.Path
}

func (c *intChecker) value(t *ast.Type, v any) *gqlerror.Error {
	if v == nil || t == nil {
		return nil
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok { // a single value stands for a list of one
			return c.value(t.Elem, v)
		}
		for i, e := range list {
			c.path = append(c.path, ast.PathIndex(i))
			if err := c.value(t.Elem, e); err != nil {
				return err
			}
			c.path = c.path[:len(c.path)-1]
		}
		return nil
	}
	if t.NamedType == "Int" {
		if !fitsInt32(v) {
			return invalid(slices.Clone(c.path), "Int cannot represent a non 32-bit signed integer value")
		}
		return nil
	}
	if c.schema == nil {
		return nil
	}
	def := c.schema.Types[t.NamedType]
	obj, ok := v.(map[string]any)
	if def == nil || def.Kind != ast.InputObject || !ok {
		return nil
	}
	for _, f := range def.Fields {
		fv, ok := obj[f.Name]
		if !ok {
			continue
		}
		c.path = append(c.path, ast.PathName(f.Name))
		if err := c.value(f.Type, fv); err != nil {
			return err
		}
		c.path = c.path[:len(c.path)-1]
	}
	return nil
}

// fitsInt32 reports whether v, were it an integer, would be a 32-bit one.
// Values that are not integers at all pass: coercion rejects them.
func fitsInt32(v any) bool {
	in := func(f float64) bool {
		return f != math.Trunc(f) || (f >= math.MinInt32 && f <= math.MaxInt32)
	}
	switch v := v.(type) {
	case int:
		return v >= math.MinInt32 && v <= math.MaxInt32
	case int64:
		return v >= math.MinInt32 && v <= math.MaxInt32
	case float64:
		return math.IsNaN(v) || in(v)
	case json.Number:
		return fitsInt32String(string(v))
	case string: // gqlgen accepts an Int written as a string
		return fitsInt32String(v)
	}
	return true
}

func fitsInt32String(s string) bool {
	_, err := strconv.ParseInt(s, 10, 32)
	if err == nil {
		return true
	}
	if errors.Is(err, strconv.ErrRange) {
		return false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return true // not a number: coercion rejects it
	}
	if math.IsInf(f, 0) {
		return false
	}
	return f != math.Trunc(f) || (f >= math.MinInt32 && f <= math.MaxInt32)
}
