package upstream

import (
	"context"
	"time"
)

// NewWithClock is New with the retries' sleep and random source replaced,
// so tests never wait for a backoff.
func NewWithClock(cfg Config, sleep func(context.Context, time.Duration) error, rand func() float64) (*Clients, error) {
	return newClients(cfg, clock{sleep: sleep, rand: rand})
}
