package restclient

import (
	"sync"
	"time"
)

// RetryBudgetConfig configures a RetryBudget.
type RetryBudgetConfig struct {
	// Ratio is the retries allowed per request in the window (0.2: one
	// retry per five requests). Negative counts as 0.
	Ratio float64
	// MinPerSecond is the retries always allowed per second of the window,
	// however few the requests. Negative counts as 0.
	MinPerSecond float64
	// Window is the sliding window (ten buckets) over which requests and
	// retries are counted. Default 10s.
	Window time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// budgetBuckets is the number of buckets of a budget's sliding window.
const budgetBuckets = 10

// RetryBudget bounds the retries sent to one upstream so that a struggling
// upstream is not hammered by them: over a sliding window, retries may not
// exceed Ratio × requests + MinPerSecond × window seconds. It is safe for
// concurrent use.
type RetryBudget struct {
	ratio, floor float64
	bucket       time.Duration
	now          func() time.Time

	mu      sync.Mutex
	buckets [budgetBuckets]budgetBucket
}

type budgetBucket struct {
	slot              int64 // which bucket-length period of time it counts
	requests, retries int
}

// NewRetryBudget returns a budget as cfg says.
func NewRetryBudget(cfg RetryBudgetConfig) *RetryBudget {
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &RetryBudget{
		ratio:  max(cfg.Ratio, 0),
		floor:  max(cfg.MinPerSecond, 0) * cfg.Window.Seconds(),
		bucket: max(cfg.Window/budgetBuckets, time.Nanosecond),
		now:    cfg.Now,
	}
}

// Request records one request.
func (b *RetryBudget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.current().requests++
}

// TryRetry spends one retry and reports true when the budget allows it;
// otherwise it reports false and the caller must not retry.
func (b *RetryBudget) TryRetry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	cur := b.current()
	var requests, retries int
	for i := range b.buckets {
		if bk := &b.buckets[i]; bk.slot > cur.slot-budgetBuckets {
			requests += bk.requests
			retries += bk.retries
		}
	}
	if float64(retries+1) > b.ratio*float64(requests)+b.floor {
		return false
	}
	cur.retries++
	return true
}

// current returns the bucket of now, emptied when it last counted an older
// period. The caller holds b.mu.
func (b *RetryBudget) current() *budgetBucket {
	slot := b.now().UnixNano() / int64(b.bucket)
	bk := &b.buckets[slot%budgetBuckets]
	if bk.slot != slot {
		*bk = budgetBucket{slot: slot}
	}
	return bk
}
