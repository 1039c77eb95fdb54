package redisstate_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/redistest"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// open opens a client, closed when the test ends, logging (at debug
// level) to log, when not nil.
func open(t *testing.T, url string, log io.Writer) *redisstate.Client {
	t.Helper()
	opts := redisstate.Options{URL: url}
	if log != nil {
		opts.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := redisstate.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// library serves the embedded article.
type library struct{ ix knowledge.Index }

func (l library) Index() knowledge.Index { return l.ix }
func (l library) Reload(context.Context) (knowledge.ReloadReport, error) {
	return knowledge.ReloadReport{}, nil
}
func (l library) AddSource(context.Context, string, []byte) (knowledge.ReloadReport, error) {
	return knowledge.ReloadReport{}, nil
}

const admin = "42"

// replica returns handlers (one replica) whose limits (count per minute)
// and stats are kept in the Redis at url (none: in-process only), logging
// to log.
func replica(t *testing.T, url string, count int, log io.Writer) *bot.Handlers {
	t.Helper()
	c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	set := bot.HandlerOptions{RateCount: count, RatePer: time.Minute, AdminUsers: []string{admin}, ConfidentThreshold: 1e-9} // every answer confident
	if url != "" {
		rc := open(t, url, log)
		set.SharedLimiter, set.SharedStats = rc.Limiter(count, time.Minute), rc.Stats()
	}
	return bot.NewHandlers(library{match.NewIndex(c)}, set, nil, slog.New(slog.NewTextHandler(log, nil)))
}

func ask(user, q string) bot.Request {
	return bot.Request{ID: "1", Kind: bot.KindCommand, Command: "ask", Options: map[string]string{"question": q}, UserID: user}
}

func rateLimited(r bot.Reply) bool { return strings.Contains(r.Content, "faster than I can keep up") }

func answered(r bot.Reply) bool {
	return len(r.Embeds) == 1 && len(r.Embeds[0].Fields) > 0 && strings.Contains(r.Embeds[0].Fields[0].Value, "Washington")
}

const question = "Where did the foreign ministers meet?"

// TestRateLimitSharedByReplicas checks that a user's limit holds across
// two replicas sharing one Redis, and only that user's.
func TestRateLimitSharedByReplicas(t *testing.T) {
	s := redistest.Start(t)
	a, b := replica(t, s.URL, 3, io.Discard), replica(t, s.URL, 3, io.Discard)
	ctx := t.Context()
	for i, h := range []*bot.Handlers{a, b, a} {
		if r := h.Handle(ctx, ask("u1", question)); !answered(r) {
			t.Fatalf("question %d not answered: %+v", i, r)
		}
	}
	for name, h := range map[string]*bot.Handlers{"a": a, "b": b} {
		if r := h.Handle(ctx, ask("u1", question)); !rateLimited(r) {
			t.Errorf("4th question on replica %s not refused: %+v", name, r)
		}
	}
	if r := b.Handle(ctx, ask("u2", question)); !answered(r) {
		t.Errorf("another user refused: %+v", r)
	}
}

// TestStatsSharedByReplicas checks that /stats on either replica counts
// the questions answered and not answered on both.
func TestStatsSharedByReplicas(t *testing.T) {
	s := redistest.Start(t)
	a, b := replica(t, s.URL, 100, io.Discard), replica(t, s.URL, 100, io.Discard)
	ctx := t.Context()
	a.Handle(ctx, ask("u1", question))
	b.Handle(ctx, ask("u2", question))
	a.Handle(ctx, ask("u1", "Who wrote Hamlet?"))
	b.Handle(ctx, ask("u2", "who  wrote HAMLET?"))
	b.Handle(ctx, ask("u2", "What is the tallest mountain in the world?"))
	for name, h := range map[string]*bot.Handlers{"a": a, "b": b} {
		s := h.StatsSnapshot(ctx, 5)
		if s.Answered != 2 || s.Abstained != 3 || len(s.TopUnanswered) != 2 ||
			s.TopUnanswered[0] != (bot.UnansweredCount{Question: "Who wrote Hamlet?", Count: 2}) {
			t.Errorf("replica %s: snapshot %+v", name, s)
		}
		r := h.Handle(ctx, bot.Request{ID: "2", Kind: bot.KindCommand, Command: "stats", UserID: admin})
		if len(r.Embeds) != 1 || !strings.Contains(r.Embeds[0].Description, "Answered: **2** · Tentative: **0** · Not answered: **3**") ||
			!strings.Contains(r.Embeds[0].Fields[0].Value, "2× Who wrote Hamlet?") {
			t.Errorf("replica %s: /stats = %+v", name, r)
		}
	}
}

// TestStatsCountTentative checks that the shared counters tell a
// tentative answer from a confident one and from a declined one, which
// alone counts among the unanswered questions.
func TestStatsCountTentative(t *testing.T) {
	s := redistest.Start(t)
	a, b := open(t, s.URL, nil).Stats(), open(t, s.URL, nil).Stats()
	ctx := t.Context()
	for _, r := range []struct {
		stats   *redisstate.Stats
		outcome string
		q       string
	}{
		{a, bot.OutcomeAnswered, "Where did they meet?"},
		{b, bot.OutcomeTentative, "Who won the 2022 bake-off?"},
		{a, bot.OutcomeTentative, "Who is the treasurer?"},
		{b, bot.OutcomeAbstained, "Who wrote Hamlet?"},
	} {
		if err := r.stats.Record(ctx, r.outcome, strings.ToLower(r.q), r.q); err != nil {
			t.Fatal(err)
		}
	}
	for name, st := range map[string]*redisstate.Stats{"a": a, "b": b} {
		snap, err := st.Snapshot(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Answered != 1 || snap.Tentative != 2 || snap.Abstained != 1 || len(snap.TopUnanswered) != 1 {
			t.Errorf("%s: snapshot %+v, want 1 answered, 2 tentative, 1 declined (the only one unanswered)", name, snap)
		}
	}
}

// TestRedisStoppedMidRun checks that when Redis stops, answering goes on
// with this process's limits and counts, with one warning (not one for
// the limits and one for the stats).
func TestRedisStoppedMidRun(t *testing.T) {
	s := redistest.Start(t)
	var logs syncbuf.Buffer
	h := replica(t, s.URL, 3, &logs)
	ctx := t.Context()
	if r := h.Handle(ctx, ask("u1", question)); !answered(r) {
		t.Fatalf("not answered with redis up: %+v", r)
	}
	s.Stop()
	for i := range 3 {
		r := h.Handle(ctx, ask("u1", question))
		if got, want := rateLimited(r), i == 2; got != want || (!got && !answered(r)) {
			t.Errorf("question %d after redis stopped: rate limited %v (want %v): %+v", i+2, got, want, r)
		}
	}
	if st := h.StatsSnapshot(ctx, 5); st.Answered != 3 {
		t.Errorf("snapshot after redis stopped: %+v, want this process's 3 answers", st)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 || !strings.Contains(logs.String(), "redis unavailable") {
		t.Errorf("%d warnings, want one that redis is unavailable:\n%s", n, logs.String())
	}
}

// TestUnreachableRedis checks the fallback without any Redis: answering
// works, the in-process limit holds, /stats counts this process.
func TestUnreachableRedis(t *testing.T) {
	var logs syncbuf.Buffer
	h := replica(t, "redis://127.0.0.1:1/0", 2, &logs) // nothing listens on port 1
	ctx := t.Context()
	for i := range 3 {
		r := h.Handle(ctx, ask("u1", question))
		if got, want := rateLimited(r), i == 2; got != want || (!got && !answered(r)) {
			t.Errorf("question %d: rate limited %v (want %v): %+v", i, got, want, r)
		}
	}
	if st := h.StatsSnapshot(ctx, 5); st.Answered != 2 {
		t.Errorf("snapshot: %+v, want 2 answers", st)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, logs.String())
	}
}

// TestOpenHidesPassword checks that an invalid URL's error does not show
// its password.
func TestOpenHidesPassword(t *testing.T) {
	_, err := redisstate.Open(redisstate.Options{URL: "redis://:hunter2@127.0.0.1:6379/notadb"})
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("Open: %v", err)
	}
}
