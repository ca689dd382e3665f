package gqlserver

import (
	"testing"
	"time"
)

// SetShutdownClock makes Serve wait for its shutdown delay on f instead of
// time.After until the test ends. Tests using it must not run in parallel.
func SetShutdownClock(t testing.TB, f func(time.Duration) <-chan time.Time) {
	old := after
	after = f
	t.Cleanup(func() { after = old })
}
