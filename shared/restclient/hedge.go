package restclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// HedgeConfig configures hedged reads in Retry.
//
// A hedge is a second attempt of an idempotent request sent while the first
// is still out, once the first has gone unanswered for the hedging delay:
// to the next target when the upstream has backups, else to the same one.
// The first good answer (anything Retry would not retry) wins and the other
// attempt is cancelled. A hedge is an attempt like a retry: it counts
// against MaxAttempts and needs the retry budget's leave, so hedging cannot
// add more load to an upstream than retries may.
type HedgeConfig struct {
	// Delay is the fixed hedging delay. Zero: the upstream's recent p95
	// (Latency), but at least MinDelay.
	Delay time.Duration
	// Latency tracks the upstream's answers (Config.Latency: Attempt
	// records them). Required when Delay is zero; no hedge is sent while
	// it holds too few answers.
	Latency *Latency
	// MinDelay is the least delay taken from Latency. Default 10ms: an
	// upstream answering in a millisecond or two is not worth a second
	// call for a few milliseconds.
	MinDelay time.Duration
	// OnHedge, when set, is called when a hedge is sent (won false) and
	// again when one answered first (won true).
	OnHedge func(won bool)
}

func (c *HedgeConfig) withDefaults() *HedgeConfig {
	if c == nil {
		return nil
	}
	out := *c
	if out.MinDelay <= 0 {
		out.MinDelay = 10 * time.Millisecond
	}
	return &out
}

// delay returns the hedging delay now, false when no hedge is to be sent.
func (c *HedgeConfig) delay() (time.Duration, bool) {
	if c.Delay > 0 {
		return c.Delay, true
	}
	if c.Latency == nil {
		return 0, false
	}
	p95, ok := c.Latency.P95()
	return max(p95, c.MinDelay), ok
}

// attemptResult is what one attempt returned.
type attemptResult struct {
	resp   *http.Response
	err    error
	target int
}

// good reports whether the attempt's answer ends the request: anything
// Retry would not retry.
func (a attemptResult) good(ctx context.Context) bool { return !retryable(ctx, a.resp, a.err) }

// discard closes a losing attempt's answer.
func (a attemptResult) discard() {
	if a.resp != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(a.resp.Body, 64<<10))
		_ = a.resp.Body.Close()
	}
}

// send sends attempt number attempt of req to target, hedged when hedging
// is on, the request may be repeated and an attempt is left. It returns
// the answer that counts and the number of attempts made (1 or 2).
func (r *Retry) send(req *http.Request, first, target, attempt, maxAttempts int) (attemptResult, int, error) {
	out, err := r.prepare(req, target, attempt)
	if err != nil {
		return attemptResult{}, 0, err
	}
	hedge := r.cfg.Hedge
	if hedge == nil || attempt >= maxAttempts {
		return r.roundTrip(out, target), 1, nil
	}
	wait, ok := hedge.delay()
	if !ok {
		return r.roundTrip(out, target), 1, nil
	}

	// The first attempt runs here under a context of its own, so that a
	// winning hedge can cancel it. The hedge starts on a goroutine of its
	// own when the timer fires; no goroutine is started otherwise.
	ctx := req.Context()
	firstCtx, cancelFirst := context.WithCancel(ctx)
	defer cancelFirst()
	hedged := make(chan attemptResult, 1)
	hedgeCtx, cancelHedge := context.WithCancel(ctx)
	hedgeTarget := r.nextTarget(first, attempt)
	var sent atomic.Bool
	timer := time.AfterFunc(wait, func() {
		if ctx.Err() != nil || !r.fits(ctx, 0) || r.cfg.Budget != nil && !r.cfg.Budget.TryRetry() {
			hedged <- attemptResult{err: errNoHedge}
			return
		}
		sent.Store(true)
		if hedge.OnHedge != nil {
			hedge.OnHedge(false)
		}
		hout, err := r.prepare(req.WithContext(hedgeCtx), hedgeTarget, attempt+1)
		if err != nil {
			hedged <- attemptResult{err: err, target: hedgeTarget}
			return
		}
		res := r.roundTrip(hout, hedgeTarget)
		if res.good(ctx) {
			cancelFirst() // the first attempt lost
		}
		hedged <- res
	})

	res := r.roundTrip(out.WithContext(firstCtx), target)
	if timer.Stop() {
		cancelHedge()
		return res, 1, nil // answered before the hedging delay
	}
	if res.good(ctx) && firstCtx.Err() == nil {
		cancelHedge()
		go func() { (<-hedged).discard() }()
		if !sent.Load() {
			return res, 1, nil // the timer fired but sent nothing (or has not yet)
		}
		return res, 2, nil
	}
	h := <-hedged
	cancelHedge()
	if errors.Is(h.err, errNoHedge) {
		return res, 1, nil
	}
	res.discard()
	if h.good(ctx) && hedge.OnHedge != nil {
		hedge.OnHedge(true)
	}
	return h, 2, nil
}

// errNoHedge marks a hedge that was not sent (no budget, request over).
var errNoHedge = errors.New("restclient: no hedge sent")

// roundTrip sends one prepared attempt and reports its outcome to the
// targets.
func (r *Retry) roundTrip(out *http.Request, target int) attemptResult {
	resp, err := r.next.RoundTrip(out) //nolint:bodyclose // the caller closes it: returned, or discarded when it lost
	if r.cfg.Targets != nil {
		r.cfg.Targets.report(target, attemptOutcome(out, resp, err))
	}
	return attemptResult{resp: resp, err: err, target: target}
}
