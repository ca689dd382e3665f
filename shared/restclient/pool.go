package restclient

import (
	"sync"
	"time"

	"github.com/panjf2000/ants/v2"
)

// Upstream calls run on a pool of long-lived goroutines (ants), not on the
// resolver's goroutine that asks for them.
//
// An upstream call is the deepest stack the gateway builds: the decorator
// stack, net/http's client, then decoding. Resolvers call from goroutines
// that start small (gqlgen's per-field goroutines, the loaders' fetches),
// so each call grew its caller's stack two or three times, every copy
// walking every frame: 14 growths and a sixth of the CPU of a mobile home
// query (docs/decisions.md, decision 26). A pooled goroutine keeps the stack
// it grew for its first call; the caller only waits on a channel.
//
// The pool does not bound the gateway's upstream concurrency: when all of
// its goroutines are busy the call runs on the caller's goroutine, as it
// did without the pool.
const (
	// callPoolSize is the goroutines kept for upstream calls: more than the
	// calls in flight at 50 clients (about 250 with home's 10 per query).
	callPoolSize = 256
	// callPoolIdle is how long an idle pooled goroutine (and its stack) is
	// kept.
	callPoolIdle = 10 * time.Second
)

var callPool = sync.OnceValue(func() *ants.Pool {
	p, err := ants.NewPool(callPoolSize, ants.WithNonblocking(true), ants.WithExpiryDuration(callPoolIdle))
	if err != nil {
		panic("restclient: the upstream call pool's options are invalid: " + err.Error())
	}
	return p
})

// onCallPool runs call on a pooled goroutine and returns its result, or on
// the calling goroutine when none is free. A panic in call is raised again
// on the calling goroutine, where gqlgen's recovery reports it at the field.
func onCallPool(call func() error) error {
	var (
		err      error
		panicked any
		done     = make(chan struct{})
	)
	task := func() {
		defer close(done)
		defer func() { panicked = recover() }()
		err = call()
	}
	if callPool().Submit(task) != nil {
		task()
	}
	<-done
	if panicked != nil {
		panic(panicked)
	}
	return err
}
