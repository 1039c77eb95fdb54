package syncbuf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
)

// Buffer is a bytes.Buffer safe for concurrent use; the zero value is an
// empty buffer ready to use.
type Buffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed at the next write; nil: nobody waits
}

// Write appends p to the buffer and wakes whoever waits for it.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written != nil {
		close(s.written)
		s.written = nil
	}
	return s.b.Write(p)
}

// String returns what has been written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Await waits until what has been written satisfies cond, checked now
// and after each write, and returns it; when ctx ends first, it returns
// what was written by then and an error.
func (s *Buffer) Await(ctx context.Context, cond func(written string) bool) (string, error) {
	for {
		s.mu.Lock()
		text := s.b.String()
		if s.written == nil {
			s.written = make(chan struct{})
		}
		next := s.written
		s.mu.Unlock()
		if cond(text) {
			return text, nil
		}
		select {
		case <-ctx.Done():
			return text, fmt.Errorf("syncbuf: waiting for a write: %w", context.Cause(ctx))
		case <-next:
		}
	}
}

// AwaitText waits until what has been written contains text n times or
// more (see Await).
func (s *Buffer) AwaitText(ctx context.Context, text string, n int) (string, error) {
	return s.Await(ctx, func(written string) bool { return strings.Count(written, text) >= n })
}
