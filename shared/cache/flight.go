package cache

import "sync"

// flight makes concurrent misses of one key share one fetch, for batches:
// a batch leads the keys nobody is fetching and follows the others. Claims
// of a batch are atomic and a leader never waits for anyone before its
// fetch, so batches cannot wait on each other in a cycle. (x/sync's
// singleflight shares one call per key; a loader batch is one call for many.)
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

// call is one key's fetch in progress.
type call struct {
	done  chan struct{}
	value []byte // the entity's JSON when err is nil
	err   error
}

// claim returns, by index into keys, the keys this batch must fetch (with
// their calls, to finish) and the calls of the keys others are fetching.
// A key repeated in keys is led once and followed after: finish the led
// calls before waiting for the followed ones.
func (f *flight) claim(keys []string) (lead map[int]*call, follow map[int]*call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]*call{}
	}
	lead, follow = map[int]*call{}, map[int]*call{}
	for i, k := range keys {
		if c, ok := f.calls[k]; ok {
			follow[i] = c
			continue
		}
		c := &call{done: make(chan struct{})}
		f.calls[k] = c
		lead[i] = c
	}
	return lead, follow
}

// finish completes the call of key with its result and wakes its followers.
func (f *flight) finish(key string, c *call, value []byte, err error) {
	f.mu.Lock()
	if f.calls[key] == c {
		delete(f.calls, key)
	}
	f.mu.Unlock()
	c.value, c.err = value, err
	close(c.done)
}
