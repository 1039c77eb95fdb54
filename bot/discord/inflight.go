package discord

import (
	"context"
	"sync"
)

// inflight counts the work a transport has taken on (replies still to
// send), so that at shutdown it can stop taking more and wait for what it
// took. The zero value is ready to use.
type inflight struct {
	// mu makes "not stopped, so count this in" one step, so that a wait
	// never races a late add.
	mu      sync.Mutex
	stopped bool
	wg      sync.WaitGroup
}

// begin counts one piece of work in, unless the transport is shutting
// down; every true must be matched by a call to done.
func (f *inflight) begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return false
	}
	f.wg.Add(1)
	return true
}

// done counts one piece of work out.
func (f *inflight) done() { f.wg.Done() }

// stop makes every later begin refuse.
func (f *inflight) stop() {
	f.mu.Lock()
	f.stopped = true
	f.mu.Unlock()
}

// wait waits for the work counted in to finish, or for ctx to end; it
// reports whether all of it finished.
func (f *inflight) wait(ctx context.Context) bool {
	finished := make(chan struct{})
	go func() { f.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return true
	case <-ctx.Done():
		return false
	}
}
