package restclient

import (
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// LatencyConfig configures a Latency. Zero fields take their defaults.
type LatencyConfig struct {
	// Window is how far back the percentile looks, in ten slices: a slice
	// older than the window is forgotten whole. Default 10s.
	Window time.Duration
	// MinSamples is the answers the window must hold before it reports a
	// percentile. Default 20.
	MinSamples int
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// latencySlices is the number of slices of a Latency's window.
const latencySlices = 10

// Latency tracks how long one upstream's attempts took to answer over a
// sliding window: Attempt records every answered attempt, refuses to start
// one with less time left than the median (Config.Latency), and Retry times
// hedges by the 95th percentile (HedgeConfig). Values are kept in an HDR
// histogram per slice (hdrhistogram-go), from 100µs to 1 minute at two
// significant digits; the percentiles are computed once per slice, so a
// read is a lock and a copy. Safe for concurrent use.
type Latency struct {
	slice      time.Duration
	minSamples int64
	now        func() time.Time

	mu         sync.Mutex
	w          *hdrhistogram.WindowedHistogram
	sliceStart time.Time
	fresh      bool // p50, p95 and count cover what was recorded
	p50, p95   time.Duration
	count      int64
}

// NewLatency returns a tracker as cfg says.
func NewLatency(cfg LatencyConfig) *Latency {
	if cfg.Window <= 0 {
		cfg.Window = 10 * time.Second
	}
	if cfg.MinSamples <= 0 {
		cfg.MinSamples = 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Latency{
		slice:      max(cfg.Window/latencySlices, time.Millisecond),
		minSamples: int64(cfg.MinSamples),
		now:        cfg.Now,
		w:          hdrhistogram.NewWindowed(latencySlices, latencyMin, latencyMax, 2),
		sliceStart: cfg.Now(),
	}
}

// The range the histograms hold, in microseconds; values outside it are
// clamped into it.
const (
	latencyMin = 100
	latencyMax = int64(time.Minute / time.Microsecond)
)

// Observe records one attempt that answered after d. A nil *Latency
// records nothing.
func (l *Latency) Observe(d time.Duration) {
	if l == nil {
		return
	}
	v := min(max(d.Microseconds(), latencyMin), latencyMax)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.advance()
	_ = l.w.Current.RecordValue(v) // in range: cannot fail
	if l.count < l.minSamples {
		l.fresh = false // until there are enough, every answer may be the one that makes it
	}
}

// P95 returns the 95th percentile of the window's answers, and false while
// the window holds fewer than MinSamples.
func (l *Latency) P95() (time.Duration, bool) {
	_, p95, ok := l.percentiles()
	return p95, ok
}

// P50 returns the median of the window's answers, and false while the
// window holds fewer than MinSamples.
func (l *Latency) P50() (time.Duration, bool) {
	p50, _, ok := l.percentiles()
	return p50, ok
}

func (l *Latency) percentiles() (p50, p95 time.Duration, ok bool) {
	if l == nil {
		return 0, 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.advance()
	if !l.fresh {
		h := l.w.Merge()
		l.count = h.TotalCount()
		l.p50 = time.Duration(h.ValueAtQuantile(50)) * time.Microsecond
		l.p95 = time.Duration(h.ValueAtQuantile(95)) * time.Microsecond
		l.fresh = true
	}
	return l.p50, l.p95, l.count >= l.minSamples
}

// advance rotates the window to the current slice, forgetting the slices
// that fell out of it. Called with mu held.
func (l *Latency) advance() {
	elapsed := l.now().Sub(l.sliceStart)
	if elapsed < l.slice {
		return
	}
	n := min(int(elapsed/l.slice), latencySlices)
	for range n {
		l.w.Rotate()
	}
	l.sliceStart = l.sliceStart.Add(elapsed / l.slice * l.slice)
	l.fresh = false
}
