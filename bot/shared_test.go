package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// flakyShared is a shared limiter and stats store that fails while down.
type flakyShared struct {
	mu      sync.Mutex
	down    bool
	asked   map[string]int
	records int
}

var errDown = errors.New("connection refused")

func (f *flakyShared) setDown(down bool) { f.mu.Lock(); f.down = down; f.mu.Unlock() }

func (f *flakyShared) Allow(_ context.Context, user string) (bool, time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return false, 0, errDown
	}
	f.asked[user]++
	return f.asked[user] <= 1, time.Minute, nil // one question a minute
}

func (f *flakyShared) Record(context.Context, string, string, string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errDown
	}
	f.records++
	return nil
}

func (f *flakyShared) Snapshot(context.Context, int) (StatsSnapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return StatsSnapshot{}, errDown
	}
	return StatsSnapshot{Answered: 1000 + f.records}, nil
}

// TestSharedStateFallsBack checks that the handlers use the shared
// state while it works, fall back to their own while it fails (answering
// all along), and use it again once it is back; they log nothing of it,
// which the shared store does itself, once per outage.
func TestSharedStateFallsBack(t *testing.T) {
	var logs bytes.Buffer
	shared := &flakyShared{asked: map[string]int{}}
	set := HandlerOptions{RateCount: 3, RatePer: time.Minute, SharedLimiter: shared, SharedStats: shared, ConfidentThreshold: alwaysConfident}
	h := NewHandlers(&testLibrary{ix: newTestHandlersIndex(t)}, set, nil, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx := t.Context()
	q := askRequest("Where did the foreign ministers meet?")

	// Up: the shared limit (one a minute) holds; /stats reads the store.
	if r := h.Handle(ctx, q); isRateLimited(r) {
		t.Fatal("first question refused")
	}
	if r := h.Handle(ctx, q); !isRateLimited(r) {
		t.Fatalf("second question not refused by the shared limit: %+v", r)
	}
	if s := h.StatsSnapshot(ctx, 5); s.Answered != 1001 {
		t.Errorf("shared snapshot: answered %d, want 1001", s.Answered)
	}

	// Down: the local limit (3 a minute, 1 used while up) takes over, answering
	// goes on, /stats shows this process's counts.
	shared.setDown(true)
	for i := range 3 {
		r := h.Handle(ctx, q)
		if got, want := isRateLimited(r), i == 2; got != want {
			t.Errorf("question %d with the store down: rate limited %v, want %v", i, got, want)
		}
		if !isRateLimited(r) && (len(r.Embeds) == 0 || !strings.Contains(r.Embeds[0].Fields[0].Value, "Washington")) {
			t.Errorf("question %d with the store down not answered: %+v", i, r)
		}
	}
	if s := h.StatsSnapshot(ctx, 5); s.Answered != 3 {
		t.Errorf("fallback snapshot: answered %d, want this process's 3", s.Answered)
	}

	// Back: the store is used again at once.
	shared.setDown(false)
	if r := h.Handle(ctx, askRequest("Where did the ministers meet?")); !isRateLimited(r) {
		t.Errorf("store back: its limit (already used) should refuse: %+v", r)
	}
	h.Handle(ctx, Request{ID: "2", Kind: KindCommand, Command: cmdAsk, Options: map[string]string{optQuestion: "Who met?"}, UserID: "u2"})
	if s := h.StatsSnapshot(ctx, 5); s.Answered < 1001 {
		t.Errorf("store back: snapshot %+v, want the shared counts", s)
	}
	if strings.Contains(logs.String(), "level=WARN") || strings.Contains(logs.String(), errDown.Error()) {
		t.Errorf("the handlers logged the shared store's outage, which it logs itself:\n%s", logs.String())
	}
}

// newTestHandlersIndex is the index of the embedded article.
func newTestHandlersIndex(t *testing.T) knowledge.Index {
	t.Helper()
	_, lib := newTestHandlers(t, HandlerOptions{})
	return lib.ix
}

func isRateLimited(r Reply) bool { return strings.Contains(r.Content, "faster than I can keep up") }
