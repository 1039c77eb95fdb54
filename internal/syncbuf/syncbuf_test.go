package syncbuf

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Await returns once a write makes its condition true, whatever the
// writes before; and with an error, and what was written, when its
// context ends first.
func TestAwait(t *testing.T) {
	var b Buffer
	fmt.Fprintln(&b, "starting")
	released := make(chan struct{})
	go func() {
		<-released
		for i := range 3 {
			fmt.Fprintf(&b, "line %d\n", i)
		}
	}()
	close(released)
	got, err := b.AwaitText(t.Context(), "line", 3)
	if err != nil || strings.Count(got, "line") != 3 {
		t.Fatalf("AwaitText = %q, %v", got, err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	got, err = b.AwaitText(ctx, "never written", 1)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(got, "starting") {
		t.Errorf("AwaitText on a cancelled context = %q, %v; want what was written and context.Canceled", got, err)
	}
}
