package outage

import (
	"sync"
	"time"
)

// Tracker is whether a service answers, as its callers find it. It is
// safe for concurrent use.
type Tracker struct {
	retry time.Duration
	now   func() time.Time

	mu      sync.Mutex
	down    bool
	retryAt time.Time // while down: when callers may try again
}

// New returns the tracker of a service presumed up, which callers leave
// alone for retry after each failure; now is the clock (time.Now outside
// tests).
func New(retry time.Duration, now func() time.Time) *Tracker {
	return &Tracker{retry: retry, now: now}
}

// Usable reports whether to try the service now: it is up, or the retry
// delay since its last failure has passed.
func (t *Tracker) Usable() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.down || !t.now().Before(t.retryAt)
}

// Down reports whether the service is counted down.
func (t *Tracker) Down() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.down
}

// Failed counts the service down from now, reporting whether this began
// an outage (it was up), for the caller to say so once.
func (t *Tracker) Failed() (began bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.retryAt = t.now().Add(t.retry)
	began, t.down = !t.down, true
	return began
}

// Recovered counts the service up, reporting whether this ended an
// outage (it was down), for the caller to say so once.
func (t *Tracker) Recovered() (ended bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ended, t.down = t.down, false
	return ended
}
