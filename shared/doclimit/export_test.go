package doclimit

// WithoutMemory returns a copy of e that checks every document afresh, so
// benchmarks measure the walker rather than the cache of passed documents.
func WithoutMemory(e *Extension) *Extension {
	c := *e
	c.passed = nil
	return &c
}
