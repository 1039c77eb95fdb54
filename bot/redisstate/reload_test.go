package redisstate_test

import (
	"context"
	"github.com/agreementbot/agreementbot/bot"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/redistest"
	"github.com/agreementbot/agreementbot/internal/syncbuf"
)

// testWait bounds every wait for an event in these tests.
const testWait = 10 * time.Second

// watcher is a client running Watch as one replica until the test ends.
type watcher struct {
	c    *redisstate.Client
	got  chan string // the ids of the replicas whose reloads it was told of
	logs *syncbuf.Buffer
}

// watch runs Watch as replica self until the test ends.
func watch(t *testing.T, url, self string) *watcher {
	t.Helper()
	w := &watcher{got: make(chan string, 10), logs: &syncbuf.Buffer{}}
	w.c = open(t, url, w.logs)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.c.Watch(ctx, self, func(from string) { w.got <- from })
	}()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// await waits until the watcher has logged text n times.
func (w *watcher) await(t *testing.T, text string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testWait)
	defer cancel()
	if logs, err := w.logs.AwaitText(ctx, text, n); err != nil {
		t.Fatalf("waiting for %q (%d times): %v\n%s", text, n, err, logs)
	}
}

// next returns the id of the next replica whose reload w is told of.
func (w *watcher) next(t *testing.T) string {
	t.Helper()
	select {
	case from := <-w.got:
		return from
	case <-time.After(testWait):
		t.Fatal("no reload announced")
		return ""
	}
}

// TestReloadAnnounced checks that a reload announced by one replica
// reaches the others and not the announcer itself.
func TestReloadAnnounced(t *testing.T) {
	s := redistest.Start(t)
	a, b := watch(t, s.URL, "a"), watch(t, s.URL, "b")
	a.await(t, "subscribed to reload announcements", 1)
	b.await(t, "subscribed to reload announcements", 1)
	if err := a.c.PublishReload(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if from := b.next(t); from != "a" {
		t.Errorf("b was told of a reload by %q, want a", from)
	}
	// Messages arrive in order: had a been told of its own, it would
	// come before b's.
	if err := b.c.PublishReload(t.Context(), "b"); err != nil {
		t.Fatal(err)
	}
	if from := a.next(t); from != "b" {
		t.Errorf("a was told of a reload by %q, want only b's", from)
	}
}

// TestRedisOutageWatched stops Redis while nothing uses it: the watcher
// notices and warns once, however many commands then fail. When Redis is
// back, the watcher subscribes again and only then says so, once, at
// info level: reloads announced from then on arrive.
func TestRedisOutageWatched(t *testing.T) {
	s := redistest.Start(t)
	w := watch(t, s.URL, "w")
	w.await(t, "subscribed to reload announcements", 1)

	s.Stop()
	w.await(t, "redis unavailable", 1)
	for range 3 { // failing at once (TestHealth), or after trying again
		if _, _, err := w.c.Limiter(1, time.Minute).Allow(t.Context(), "u1"); err == nil {
			t.Error("rate limit with redis down: no error")
		}
		if err := w.c.Stats().Record(t.Context(), bot.OutcomeAnswered, "", ""); err == nil {
			t.Error("stats with redis down: no error")
		}
	}

	s.Restart(t)
	w.await(t, "redis available again", 1)
	if err := open(t, s.URL, nil).PublishReload(t.Context(), "other"); err != nil {
		t.Fatal(err)
	}
	if from := w.next(t); from != "other" {
		t.Errorf("told of a reload by %q, want other", from)
	}
	logs := w.logs.String()
	if n := strings.Count(logs, "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs)
	}
	if n := strings.Count(logs, `level=INFO msg="redis available again`); n != 1 {
		t.Errorf("%d messages that redis is back at info level, want 1:\n%s", n, logs)
	}
}
