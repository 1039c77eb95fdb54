package redisstate

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"
)

// TestHealth checks the transitions: a failure counts Redis down, with
// one warning however many follow, and commands are held back for
// RetryDelay after each; a command answered meanwhile has the watcher
// check at once; recovery is said once, at info level.
func TestHealth(t *testing.T) {
	var logs syncbuf.Buffer
	now := time.Unix(0, 0)
	h := newHealth(slog.New(slog.NewTextHandler(&logs, nil)), func() time.Time { return now })
	down := errors.New("connection refused")
	if !h.usable() {
		t.Fatal("not usable at first")
	}
	h.result(down)
	h.result(down)
	if h.usable() {
		t.Error("usable right after a failure")
	}
	now = now.Add(RetryDelay)
	if !h.usable() {
		t.Error("not usable after the retry delay")
	}
	h.result(nil)
	select {
	case <-h.kick:
	default:
		t.Error("an answer while down did not have the watcher check")
	}
	h.recovered()
	h.recovered()
	h.result(nil)
	select {
	case <-h.kick:
		t.Error("an answer while up had the watcher check")
	default:
	}
	if got := logs.String(); strings.Count(got, "level=WARN") != 1 || strings.Count(got, "level=INFO") != 1 ||
		!strings.Contains(got, "redis available again") {
		t.Errorf("want one warning and one message at info level:\n%s", got)
	}
}
