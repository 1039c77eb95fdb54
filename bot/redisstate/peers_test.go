package redisstate

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/redistest"
	"github.com/agreementbot/agreementbot/internal/syncbuf"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// replica is one library over the shared store, announcing its loads
// through its Peers; each load's verdict (announced or not) is sent on
// announced. Its client logs to logs.
type replica struct {
	lib       *library.Library
	peers     *Peers
	announced chan bool
	logs      *syncbuf.Buffer
}

func newReplica(t *testing.T, url, src, db string) *replica {
	t.Helper()
	logs := &syncbuf.Buffer{}
	c := openLogged(t, url, logs)
	r := &replica{peers: c.Peers(slog.New(slog.DiscardHandler)), announced: make(chan bool, 10), logs: logs}
	hook := func(rep knowledge.ReloadReport, v library.StoreVersion) {
		r.announced <- r.peers.announces(v)
		r.peers.Loaded(rep, v)
	}
	lib, err := library.New(t.Context(), src, db, library.WithOnLoad(hook))
	if err != nil {
		t.Fatal(err)
	}
	r.lib = lib
	return r
}

// recv returns what ch sends next, failing the test after 10 s.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s within 10 s", what)
		panic("unreachable")
	}
}

// openLogged opens a client of the Redis at url logging to logs at
// debug level, closed when the test ends.
func openLogged(t *testing.T, url string, logs *syncbuf.Buffer) *Client {
	t.Helper()
	c, err := Open(Options{URL: url, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// awaitSubscribed waits until the client logging to logs listens for
// announcements.
func awaitSubscribed(t *testing.T, logs *syncbuf.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if written, err := logs.AwaitText(ctx, "subscribed to reload announcements", 1); err != nil {
		t.Fatalf("not listening for announcements: %v\n%s", err, written)
	}
}

// Two replicas over one store and one Redis: a reload on a is announced,
// and b loads the store at once when it hears it, without announcing that
// load in turn; b's own reload is announced.
func TestPeersAnnounceAndListen(t *testing.T) {
	rs := redistest.Start(t)
	src := t.TempDir()
	writeFact := func(name, text string) {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFact("article.txt", "The working group first met in Washington on 1 March 2024.")
	db := filepath.Join(t.TempDir(), "facts.db")
	a, b := newReplica(t, rs.URL, src, db), newReplica(t, rs.URL, src, db)

	watcherLogs := &syncbuf.Buffer{}
	watcher := openLogged(t, rs.URL, watcherLogs)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	heard := make(chan string, 10)
	go watcher.Watch(ctx, "watcher", func(from string) { heard <- from })
	reports := make(chan knowledge.ReloadReport, 10)
	go b.peers.Listen(ctx, b.lib, func(rep knowledge.ReloadReport, err error) {
		if err != nil {
			t.Errorf("b's load: %v", err)
		}
		reports <- rep
	})
	awaitSubscribed(t, watcherLogs)
	awaitSubscribed(t, b.logs)

	writeFact("notes.txt", "The group met again in Mexico City on 5 March 2024.")
	if _, err := a.lib.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !recv(t, a.announced, "verdict on a's reload") {
		t.Error("a's reload was not announced")
	}
	if from := recv(t, heard, "announcement"); from != a.peers.id {
		t.Errorf("announcement from %q, want a's %q", from, a.peers.id)
	}
	if rep := recv(t, reports, "load on b"); rep.Added != 1 {
		t.Errorf("b loaded %+v, want a's new fact", rep)
	}
	if recv(t, b.announced, "verdict on b's load") {
		t.Error("b announced the load a's announcement caused")
	}

	if _, err := b.lib.Reload(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !recv(t, b.announced, "verdict on b's reload") {
		t.Error("b's own reload was not announced")
	}
	if from := recv(t, heard, "announcement"); from != b.peers.id {
		t.Errorf("announcement from %q, want b's %q", from, b.peers.id)
	}
}
