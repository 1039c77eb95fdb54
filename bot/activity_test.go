package bot

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"
	"github.com/agreementbot/agreementbot/knowledge"
)

// memoryActivity is an ActivityLog in memory, telling each question it
// records on recorded. Record waits for gate, when set; fail makes every
// call fail.
type memoryActivity struct {
	mu        sync.Mutex
	questions []ActivityQuestion
	votes     map[string]ActivityVote // by member and answer
	recorded  chan ActivityQuestion
	gate      chan struct{}
	fail      atomic.Bool
}

func newMemoryActivity() *memoryActivity {
	return &memoryActivity{votes: map[string]ActivityVote{}, recorded: make(chan ActivityQuestion, 2*activityQueueSize)}
}

var errStoreDown = errors.New("store down")

func (m *memoryActivity) Record(ctx context.Context, q ActivityQuestion) error {
	if m.gate != nil {
		<-m.gate
	}
	if m.fail.Load() {
		return errStoreDown
	}
	m.mu.Lock()
	m.questions = append(m.questions, q)
	m.mu.Unlock()
	m.recorded <- q
	return nil
}

func (m *memoryActivity) Vote(ctx context.Context, v ActivityVote) (VoteResult, error) {
	if m.fail.Load() {
		return 0, errStoreDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	key := v.UserID + "|" + v.Check + "|" + v.FactID
	old, ok := m.votes[key]
	m.votes[key] = v
	switch {
	case !ok:
		return VoteCounted, nil
	case old.Up == v.Up:
		return VoteKept, nil
	}
	return VoteChanged, nil
}

// counts returns the votes kept, up and down.
func (m *memoryActivity) counts() (up, down int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, v := range m.votes {
		if v.Up {
			up++
		} else {
			down++
		}
	}
	return up, down
}

// await waits for the next question recorded.
func (m *memoryActivity) await(t *testing.T) ActivityQuestion {
	t.Helper()
	select {
	case q := <-m.recorded:
		return q
	case <-time.After(10 * time.Second):
		t.Fatal("no question recorded")
	}
	return ActivityQuestion{}
}

// withActivity returns handlers keeping their activity in a memory log,
// logging to logs, closed when the test ends.
func withActivity(t *testing.T, set HandlerOptions, logs *syncbuf.Buffer) (*Handlers, *memoryActivity) {
	t.Helper()
	return withActivityObserved(t, set, logs, nil)
}

// withActivityObserved is withActivity telling obs what the bot does.
func withActivityObserved(t *testing.T, set HandlerOptions, logs *syncbuf.Buffer, obs Observer) (*Handlers, *memoryActivity) {
	t.Helper()
	_, lib := newTestHandlers(t, HandlerOptions{})
	m := newMemoryActivity()
	set.Activity, set.ConfidentThreshold = m, cmp.Or(set.ConfidentThreshold, alwaysConfident)
	set.Observer = obs
	h := NewHandlers(lib, set, nil, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(h.Close)
	return h, m
}

// Answers, confident and tentative, have 👍 and 👎 on their first fact,
// under the question's check; declines, the pages More shows and
// handlers without an activity history have none.
func TestVoteButtons(t *testing.T) {
	const q = "Where did the foreign ministers  MEET?"
	for _, tt := range []struct {
		name      string
		set       HandlerOptions
		question  string
		withVotes bool
	}{
		{"answered", HandlerOptions{}, q, true},
		{"tentative", HandlerOptions{ConfidentThreshold: alwaysTentative}, q, true},
		{"declined", HandlerOptions{}, "Who wrote Hamlet?", false},
	} {
		h, _ := withActivity(t, tt.set, &syncbuf.Buffer{})
		r := h.Handle(t.Context(), askRequest(tt.question))
		ids := buttonIDs(r)
		up, down := ids["👍"], ids["👎"]
		if !tt.withVotes {
			if up != "" || down != "" {
				t.Errorf("%s: vote buttons %v", tt.name, ids)
			}
			continue
		}
		first := firstFactID(t, h, tt.question)
		if want := "vote:up:" + ActivityCheck(q) + ":" + first; up != want || down != "vote:down:"+ActivityCheck(q)+":"+first {
			t.Errorf("%s: vote buttons %q, %q; want %q and its down", tt.name, up, down, want)
		}
		if ActivityCheck(q) != ActivityCheck("where did the foreign ministers meet?") {
			t.Error("the check of a question differs from its normalized text's")
		}
		if more := ids["More"]; more != "" {
			if page := h.Handle(t.Context(), press(r, more)); buttonIDs(page)["👍"] != "" {
				t.Errorf("%s: votes under the page More shows: %v", tt.name, buttonIDs(page))
			}
		}
	}
	h, _ := newTestHandlers(t, HandlerOptions{})
	if ids := buttonIDs(h.Handle(t.Context(), askRequest(q))); ids["👍"] != "" || len(ids) != 2 {
		t.Errorf("without an activity history: buttons %v, want Source and More only", ids)
	}
}

// firstFactID is the id of the first fact the engine answers q with.
func firstFactID(t *testing.T, h *Handlers, q string) string {
	t.Helper()
	ans, _, err := h.answer(t.Context(), h.lib.Index(), q, 0)
	if err != nil || len(ans.Facts) == 0 {
		t.Fatalf("%q: %+v, %v", q, ans, err)
	}
	return ans.Facts[0].ID
}

// A member's second press of 👎 keeps their one vote, another member's
// 👍 counts apart, and a change of mind replaces the vote: each is told
// privately, in their language.
func TestVotesOnePerMemberPerAnswer(t *testing.T) {
	h, m := withActivity(t, HandlerOptions{}, &syncbuf.Buffer{})
	r := h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	ids := buttonIDs(r)
	vote := func(user, locale, label string) Reply {
		req := press(r, ids[label])
		req.UserID, req.Locale = user, locale
		if !h.Ephemeral(req) {
			t.Errorf("a vote's reply is not private")
		}
		return h.Handle(t.Context(), req)
	}
	for _, tt := range []struct {
		user, locale, label string
		want                string
		up, down            int
	}{
		{"u1", "en-US", "👎", "Thanks! Your 👎 on this answer is counted.", 0, 1},
		{"u1", "en-US", "👎", "You had already voted 👎 on this answer; it still counts once.", 0, 1},
		{"u2", "es-ES", "👍", "¡Gracias! Tu 👍 a esta respuesta queda registrado.", 1, 1},
		{"u1", "en-US", "👍", "Thanks! Your vote on this answer is now 👍.", 2, 0},
	} {
		got := vote(tt.user, tt.locale, tt.label)
		if got.Content != tt.want || !got.Ephemeral {
			t.Errorf("%s presses %s: %q (private %v), want %q", tt.user, tt.label, got.Content, got.Ephemeral, tt.want)
		}
		if up, down := m.counts(); up != tt.up || down != tt.down {
			t.Errorf("after %s presses %s: %d up, %d down; want %d, %d", tt.user, tt.label, up, down, tt.up, tt.down)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, v := range m.votes {
		if v.Question != "where did the foreign ministers meet?" || v.UserID == "" {
			t.Errorf("vote %+v: want the question's normalized text, read back from the title, and the member", v)
		}
	}
}

// Every vote is reported to the Observer with what became of it, for
// /metrics.
func TestVotesObserved(t *testing.T) {
	rec := &recorder{}
	h, m := withActivityObserved(t, HandlerOptions{}, &syncbuf.Buffer{}, rec)
	r := h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	ids := buttonIDs(r)
	for _, label := range []string{"👎", "👎", "👍"} {
		h.Handle(t.Context(), press(r, ids[label]))
	}
	m.fail.Store(true)
	h.Handle(t.Context(), press(r, ids["👍"]))
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if want := []string{"down counted", "down kept", "up changed", "up failed"}; !slices.Equal(rec.votes, want) {
		t.Errorf("votes observed: %q, want %q", rec.votes, want)
	}
}

// A vote the activity history cannot keep tells the member so; a vote
// button the bot did not make is refused as any other.
func TestVoteNotKept(t *testing.T) {
	h, m := withActivity(t, HandlerOptions{}, &syncbuf.Buffer{})
	r := h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	m.fail.Store(true)
	if got := h.Handle(t.Context(), press(r, buttonIDs(r)["👍"])); !strings.Contains(got.Content, "couldn't record your vote") || !got.Ephemeral {
		t.Errorf("vote with the store down: %+v", got)
	}
	plain, _ := newTestHandlers(t, HandlerOptions{})
	if got := plain.Handle(t.Context(), press(r, buttonIDs(r)["👍"])); !strings.Contains(got.Content, "couldn't record your vote") {
		t.Errorf("vote on a process without an activity history: %+v", got)
	}
	if got := h.Handle(t.Context(), press(r, "vote:up:0000000g:"+firstFactID(t, h, "Where did the foreign ministers meet?"))); !strings.Contains(got.Content, "recognise that button") {
		t.Errorf("a forged vote: %+v", got)
	}
}

// Every question reaching the engine is recorded: its normalized text,
// the check its vote buttons carry, its language, outcome, first fact,
// latency and asker; a refused one too.
func TestQuestionsRecorded(t *testing.T) {
	h, m := withActivity(t, HandlerOptions{}, &syncbuf.Buffer{})
	ctx := t.Context()
	r := h.Handle(ctx, askRequest("Where did the foreign  ministers MEET?"))
	q := m.await(t)
	if q.Question != "where did the foreign ministers meet?" || q.Outcome != OutcomeAnswered || q.Language != "en" ||
		q.FactID != firstFactID(t, h, "Where did the foreign ministers meet?") || q.UserID != "u1" || q.Latency <= 0 || q.At.IsZero() ||
		"vote:up:"+q.Check+":"+q.FactID != buttonIDs(r)["👍"] {
		t.Errorf("answered question recorded as %+v", q)
	}
	h.Handle(ctx, askRequest("¿Quién escribió Hamlet?"))
	if q := m.await(t); q.Question != "¿quien escribio hamlet?" || q.Outcome != OutcomeAbstained || q.Language != "es" || q.FactID != "" {
		t.Errorf("declined question recorded as %+v", q)
	}
	h.Handle(ctx, askRequest(strings.Repeat("why ", knowledge.MaxQuestionLength)))
	if q := m.await(t); q.Outcome != OutcomeRefused || len(q.Question) != knowledge.MaxQuestionLength || q.FactID != "" {
		t.Errorf("refused question recorded as %+v (%d bytes)", q, len(q.Question))
	}
	h.Handle(ctx, press(r, buttonIDs(r)["More"])) // a page of the same answer: no new question
	h.Handle(ctx, askRequest("Who hosted the meeting?"))
	if q := m.await(t); q.Question != "who hosted the meeting?" {
		t.Errorf("after More, the next question recorded is %+v", q)
	}
}

// A store that does not answer never holds an answer up: questions are
// answered while it blocks, those past the queue are left out with one
// warning, and the rest are recorded once it answers; a failing store
// fails no answer.
func TestRecordingNeverHoldsAnswersUp(t *testing.T) {
	var logs syncbuf.Buffer
	h, m := withActivity(t, HandlerOptions{}, &logs)
	m.gate = make(chan struct{})
	ctx := t.Context()
	const asked = activityQueueSize + 10
	for i := range asked {
		if r := h.Handle(ctx, askRequest("Where did the foreign ministers meet?")); len(r.Embeds) == 0 || len(r.Embeds[0].Fields) == 0 {
			t.Fatalf("question %d not answered while the store blocks: %+v", i, r)
		}
	}
	close(m.gate)
	h.Close()
	if n := len(m.recorded); n < activityQueueSize || n >= asked {
		t.Errorf("%d of %d questions recorded, want the queue's %d (and the one in flight)", n, asked, activityQueueSize)
	}
	if n := strings.Count(logs.String(), "activity history falling behind"); n != 1 {
		t.Errorf("%d warnings that questions were left out, want 1:\n%s", n, logs.String())
	}
	if r := h.Handle(ctx, askRequest("Where did the foreign ministers meet?")); len(r.Embeds) == 0 {
		t.Errorf("not answered after Close: %+v", r)
	}

	failing, m := withActivity(t, HandlerOptions{}, &syncbuf.Buffer{})
	m.fail.Store(true)
	if r := failing.Handle(ctx, askRequest("Where did the foreign ministers meet?")); len(r.Embeds) == 0 || len(r.Embeds[0].Fields) == 0 {
		t.Errorf("not answered with the store failing: %+v", r)
	}
}

// The report sums a window up: questions per hour and per day by
// outcome, the share answered, the 95th percentile of latency, the votes;
// the questions declined, and those voted down, by normalized text.
func TestActivityReport(t *testing.T) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	r := NewActivityReport(at(22, 30), at(25, 0))
	for _, q := range []ActivityQuestion{
		{At: at(22, 0), Question: "too early", Outcome: OutcomeAnswered},
		{At: at(22, 30), Question: "where", Check: "c1", Outcome: OutcomeAnswered, FactID: "f1", Latency: 10 * time.Millisecond},
		{At: at(22, 40), Question: "hamlet", Check: "c2", Outcome: OutcomeAbstained, Latency: 30 * time.Millisecond},
		{At: at(23, 5), Question: "where", Check: "c1", Outcome: OutcomeTentative, FactID: "f1", Latency: 20 * time.Millisecond},
		{At: at(24, 10), Question: "hamlet", Check: "c2", Outcome: OutcomeAbstained, Latency: 40 * time.Millisecond},
		{At: at(24, 20), Question: "", Outcome: OutcomeRefused},
		{At: at(24, 30), Question: "moon", Check: "c3", Outcome: OutcomeAbstained, Latency: 5 * time.Millisecond},
		{At: at(25, 0), Question: "too late", Outcome: OutcomeAnswered},
	} {
		r.AddQuestion(q)
	}
	for _, v := range []ActivityVote{
		{At: at(23, 0), Check: "c1", FactID: "f1", Up: false},
		{At: at(23, 1), Check: "c1", FactID: "f1", Question: "where", Up: true},
		{At: at(23, 2), Check: "c1", FactID: "f1", Up: false},
		{At: at(23, 3), Check: "c9", FactID: "f9", Up: false}, // its question is not in the window
		{At: at(21, 0), Check: "c1", FactID: "f1", Up: false}, // before the window
	} {
		r.AddVote(v)
	}
	s := r.Summary()
	if len(s.Hourly) != 3 || !s.Hourly[0].Start.Equal(at(22, 0)) || s.Hourly[0].Answered != 1 || s.Hourly[0].Declined != 1 ||
		s.Hourly[1].Tentative != 1 || s.Hourly[2].Declined != 2 || s.Hourly[2].Refused != 1 {
		t.Errorf("hourly: %+v", s.Hourly)
	}
	if len(s.Daily) != 2 || s.Daily[0].Answered+s.Daily[0].Tentative+s.Daily[0].Declined != 3 || s.Daily[1].Declined != 2 {
		t.Errorf("daily: %+v", s.Daily)
	}
	if s.Total != (OutcomeCounts{Start: at(22, 30), Answered: 1, Tentative: 1, Declined: 3, Refused: 1}) || s.AnsweredShare != 0.4 ||
		s.P95Latency != 40*time.Millisecond || s.Up != 1 || s.Down != 3 {
		t.Errorf("summary: %+v", s)
	}
	if got := r.Unanswered(5); len(got) != 2 || got[0] != (QuestionActivity{Question: "hamlet", Asked: 2, LastAsked: at(24, 10)}) ||
		got[1].Question != "moon" {
		t.Errorf("unanswered: %+v", got)
	}
	if got := r.VotedDown(5); len(got) != 1 || got[0] != (QuestionActivity{Question: "where", Asked: 2, LastAsked: at(23, 5), Up: 1, Down: 2}) {
		t.Errorf("voted down: %+v", got)
	}
	if got := r.FactVotes(1); len(got) != 1 || got[0] != (FactVotes{FactID: "f1", Up: 1, Down: 2}) {
		t.Errorf("fact votes: %+v", got)
	}
	if got := NewActivityReport(at(0, 0), at(1, 0)).Summary(); got.P95Latency != 0 || got.AnsweredShare != 0 || len(got.Hourly) != 1 {
		t.Errorf("empty window: %+v", got)
	}
}
