package redisstate_test

import (
	"context"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/redistest"
)

// subscribe runs c.Reloads as replica self until the test ends, sending
// the announcing replicas' ids on the returned channel.
func subscribe(t *testing.T, url, self string) (<-chan string, <-chan struct{}) {
	t.Helper()
	got, done := make(chan string, 10), make(chan struct{})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		defer close(done)
		open(t, url).Reloads(ctx, self, func(from string) { got <- from })
	}()
	t.Cleanup(func() { cancel(); <-done })
	return got, done
}

// TestReloadAnnounced checks that a reload announced by one replica
// reaches another within a second, and not the announcer itself; and that
// with Redis stopped, subscribers neither crash nor spin, and stop on
// cancel.
func TestReloadAnnounced(t *testing.T) {
	s := redistest.Start(t)
	a, _ := subscribe(t, s.URL, "a")
	b, _ := subscribe(t, s.URL, "b")
	pub := open(t, s.URL)
	deadline := time.Now().Add(5 * time.Second)
	for { // until both have subscribed
		if err := pub.PublishReload(t.Context(), "a"); err != nil {
			t.Fatal(err)
		}
		select {
		case from := <-b:
			if from != "a" {
				t.Fatalf("b got a reload from %q", from)
			}
		case <-time.After(time.Second):
			if time.Now().After(deadline) {
				t.Fatal("b never got a's reload")
			}
			continue
		}
		break
	}
	start := time.Now()
	if err := pub.PublishReload(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-b:
		if d := time.Since(start); d > time.Second {
			t.Errorf("b got the reload after %v", d)
		}
	case <-time.After(time.Second):
		t.Fatal("b did not get a's reload within a second")
	}
	select {
	case from := <-a:
		t.Errorf("a got its own reload (from %q)", from)
	case <-time.After(200 * time.Millisecond):
	}

	s.Stop()
	if err := pub.PublishReload(t.Context(), "a"); err == nil {
		t.Error("publish with redis stopped: no error")
	}
	time.Sleep(2 * time.Second) // subscribers retrying with backoff: must not crash
	select {
	case from := <-b:
		t.Errorf("b got a reload from %q with redis stopped", from)
	default:
	}
}
