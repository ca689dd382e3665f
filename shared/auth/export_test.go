package auth

import (
	"context"
	"sync/atomic"

	"github.com/coreos/go-oidc/v3/oidc"
)

// WithSignatureCounter makes the Verifier add one to n each time it checks a
// token's signature against its key set, whatever the outcome: tests prove
// with it that a cache hit checks none.
func WithSignatureCounter(n *atomic.Int64) Option {
	return func(o *options) {
		o.wrapKeys = func(k oidc.KeySet) oidc.KeySet { return countingKeySet{KeySet: k, n: n} }
	}
}

type countingKeySet struct {
	oidc.KeySet
	n *atomic.Int64
}

func (c countingKeySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	c.n.Add(1)
	return c.KeySet.VerifySignature(ctx, jwt)
}
