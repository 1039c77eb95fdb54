package activitytest

import (
	"context"
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot"
)

// Store is an activity store under test: the log the bot writes, and the
// report the dashboard reads.
type Store interface {
	bot.ActivityLog
	// Report reads the history of [since, until) (no older than the
	// retention) into a report.
	Report(ctx context.Context, since, until time.Time) (*bot.ActivityReport, error)
}

// Options are a store's settings, as the test opens it.
type Options struct {
	Retention   time.Duration
	KeepUserIDs bool
	// VoteKey is the key votes' members are hashed under; nil: the
	// store's own.
	VoteKey []byte
	// Now is the store's clock, which the retention is counted on.
	Now func() time.Time
}

// Harness gives the contract one store, empty at first.
type Harness struct {
	// Open opens the store with opts; opened again, it is the same store
	// (a restart), its history kept. The harness closes what it opens.
	Open func(t *testing.T, opts Options) Store
	// Dump returns everything the store keeps, as text, to look for ids
	// in.
	Dump func(t *testing.T) string
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// start is when the contract's history begins; ms rounds times as stores
// keep them.
var start = time.Date(2024, 3, 1, 22, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return start.Add(time.Duration(minutes) * time.Minute) }

// member is a Discord id that the dumps are searched for.
const member = "312345678901234567"

// cases are the contract, each run on a store of its own.
var cases = []struct {
	name string
	run  func(t *testing.T, h Harness, c *clock)
}{
	{"report sums up what was recorded", reportCase},
	{"one vote per member per answer", oneVoteCase},
	{"votes at once by one member count once", concurrentVotesCase},
	{"window bounds", windowCase},
	{"retention", retentionCase},
	{"no user ids unless kept", userIDsCase},
	{"reopened, history and votes kept", reopenCase},
	{"a vote key given is never kept", voteKeyCase},
}

// Run runs the contract on the stores newHarness gives, one per case.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{now: at(0)}
			tc.run(t, newHarness(t), c)
		})
	}
}

// history is the questions and votes of reportCase.
var (
	questions = []bot.ActivityQuestion{
		q(0, "where did they meet?", bot.OutcomeAnswered, "f00000000001", 12*time.Millisecond),
		q(10, "who wrote hamlet?", bot.OutcomeAbstained, "", 30*time.Millisecond),
		q(65, "where did they meet?", bot.OutcomeTentative, "f00000000001", 20*time.Millisecond),
		q(130, "who wrote hamlet?", bot.OutcomeAbstained, "", 41*time.Millisecond),
		q(131, "", bot.OutcomeRefused, "", 0),
		q(140, "¿donde esta la luna?", bot.OutcomeAbstained, "", 5*time.Millisecond),
		q(150, "who hosted them?", bot.OutcomeAnswered, "f00000000002", 7*time.Millisecond),
	}
	votes = []bot.ActivityVote{
		v(1, "u1", questions[0], false, true),
		v(2, "u2", questions[0], true, false), // its text from the questions, by check
		v(3, "u3", questions[0], false, false),
		v(151, "u1", questions[6], true, true),
	}
)

func q(minute int, text, outcome, fact string, latency time.Duration) bot.ActivityQuestion {
	lang := "en"
	if strings.HasPrefix(text, "¿") {
		lang = "es"
	}
	return bot.ActivityQuestion{At: at(minute), Question: text, Check: bot.ActivityCheck(text), Language: lang, Outcome: outcome,
		FactID: fact, Latency: latency, UserID: member}
}

func v(minute int, user string, q bot.ActivityQuestion, up, withText bool) bot.ActivityVote {
	out := bot.ActivityVote{At: at(minute), Check: q.Check, FactID: q.FactID, Up: up, UserID: user}
	if withText {
		out.Question = q.Question
	}
	return out
}

// fill records questions and casts votes in s.
func fill(t *testing.T, s Store, qs []bot.ActivityQuestion, vs []bot.ActivityVote) {
	t.Helper()
	for _, q := range qs {
		if err := s.Record(t.Context(), q); err != nil {
			t.Fatalf("Record(%+v): %v", q, err)
		}
	}
	for _, v := range vs {
		if _, err := s.Vote(t.Context(), v); err != nil {
			t.Fatalf("Vote(%+v): %v", v, err)
		}
	}
}

// report reads s's report of [since, until).
func report(t *testing.T, s Store, since, until time.Time) *bot.ActivityReport {
	t.Helper()
	r, err := s.Report(t.Context(), since, until)
	if err != nil {
		t.Fatalf("Report: %v", err)
	}
	return r
}

// sameReport checks that got sums up as want does, in every view.
func sameReport(t *testing.T, got, want *bot.ActivityReport) {
	t.Helper()
	for _, view := range []struct {
		name      string
		got, want any
	}{
		{"Summary", got.Summary(), want.Summary()},
		{"Unanswered", got.Unanswered(10), want.Unanswered(10)},
		{"VotedDown", got.VotedDown(10), want.VotedDown(10)},
		{"FactVotes", got.FactVotes(10), want.FactVotes(10)},
	} {
		if g, w := fmt.Sprintf("%+v", utc(view.got)), fmt.Sprintf("%+v", utc(view.want)); g != w {
			t.Errorf("%s:\n got %s\nwant %s", view.name, g, w)
		}
	}
}

// utc returns v with its times in UTC, so that a time read back from a
// store prints as the one given.
func utc(v any) any {
	switch v := v.(type) {
	case []bot.QuestionActivity:
		for i := range v {
			v[i].LastAsked = v[i].LastAsked.UTC()
		}
	}
	return v
}

// expected is the report of the window that the store should give.
func expected(since, until time.Time, qs []bot.ActivityQuestion, vs []bot.ActivityVote) *bot.ActivityReport {
	r := bot.NewActivityReport(since, until)
	for _, q := range qs {
		r.AddQuestion(q)
	}
	for _, v := range vs {
		r.AddVote(v)
	}
	return r
}

func reportCase(t *testing.T, h Harness, c *clock) {
	s := h.Open(t, Options{Retention: 720 * time.Hour, Now: c.Now})
	fill(t, s, questions, votes)
	c.set(at(200))
	r := report(t, s, at(0), at(200))
	sameReport(t, r, expected(at(0), at(200), questions, votes))
	sum := r.Summary()
	if sum.Total != (bot.OutcomeCounts{Start: at(0), Answered: 2, Tentative: 1, Declined: 3, Refused: 1}) || sum.Up != 2 || sum.Down != 2 ||
		sum.P95Latency != 41*time.Millisecond || len(sum.Hourly) != 4 || len(sum.Daily) != 2 {
		t.Errorf("summary: %+v", sum)
	}
	if un := r.Unanswered(1); len(un) != 1 || un[0].Question != "who wrote hamlet?" || un[0].Asked != 2 || !un[0].LastAsked.Equal(at(130)) {
		t.Errorf("unanswered: %+v", un)
	}
	if down := r.VotedDown(5); len(down) != 1 || down[0].Question != "where did they meet?" || down[0].Down != 2 || down[0].Up != 1 ||
		down[0].Asked != 2 {
		t.Errorf("voted down: %+v", down)
	}
}

func oneVoteCase(t *testing.T, h Harness, c *clock) {
	s := h.Open(t, Options{Retention: 720 * time.Hour, Now: c.Now})
	fill(t, s, questions[:1], nil)
	other := questions[6]
	for i, step := range []struct {
		vote bot.ActivityVote
		want bot.VoteResult
	}{
		{v(1, member, questions[0], false, true), bot.VoteCounted},
		{v(2, member, questions[0], false, true), bot.VoteKept},
		{v(3, "u2", questions[0], true, true), bot.VoteCounted},
		{v(4, member, other, false, true), bot.VoteCounted}, // another answer
		{v(5, member, questions[0], true, true), bot.VoteChanged},
		{v(6, member, questions[0], false, true), bot.VoteChanged},
	} {
		got, err := s.Vote(t.Context(), step.vote)
		if err != nil || got != step.want {
			t.Errorf("vote %d: %v, %v; want %v", i, got, err, step.want)
		}
	}
	c.set(at(10))
	sum := report(t, s, at(0), at(10)).Summary()
	if sum.Up != 1 || sum.Down != 2 {
		t.Errorf("%d up, %d down; want 1 (u2) and 2 (the member's, on two answers)", sum.Up, sum.Down)
	}
	if f := report(t, s, at(0), at(10)).FactVotes(5); len(f) != 2 || f[0] != (bot.FactVotes{FactID: "f00000000001", Up: 1, Down: 1}) {
		t.Errorf("fact votes: %+v", f)
	}
}

func concurrentVotesCase(t *testing.T, h Harness, c *clock) {
	s := h.Open(t, Options{Retention: 720 * time.Hour, Now: c.Now})
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			if _, err := s.Vote(context.Background(), v(1, member, questions[0], i%2 == 0, true)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	c.set(at(10))
	if sum := report(t, s, at(0), at(10)).Summary(); sum.Up+sum.Down != 1 {
		t.Errorf("one member's 16 votes on one answer counted %d up, %d down; want one vote", sum.Up, sum.Down)
	}
}

func windowCase(t *testing.T, h Harness, c *clock) {
	s := h.Open(t, Options{Retention: 720 * time.Hour, Now: c.Now})
	fill(t, s, questions, votes)
	c.set(at(300))
	for _, w := range [][2]int{{10, 130}, {0, 1}, {1, 65}, {131, 300}, {65, 66}, {500, 600}} {
		sameReport(t, report(t, s, at(w[0]), at(w[1])), expected(at(w[0]), at(w[1]), questions, votes))
	}
}

func retentionCase(t *testing.T, h Harness, c *clock) {
	s := h.Open(t, Options{Retention: 2 * time.Hour, Now: c.Now})
	fill(t, s, questions[:2], votes[:1])
	c.set(at(135)) // questions[0], questions[1] and the vote are more than 2 h old
	fill(t, s, questions[3:4], votes[3:4])
	r := report(t, s, at(0), at(200))
	if sum := r.Summary(); sum.Total.Declined != 1 || sum.Total.Answered != 0 || sum.Up != 1 || sum.Down != 0 {
		t.Errorf("after the retention: %+v, want the recent question and vote only", sum)
	}
	if dump := h.Dump(t); strings.Contains(dump, "where did they meet?") {
		t.Errorf("a question older than the retention is still kept:\n%s", dump)
	}
}

func userIDsCase(t *testing.T, h Harness, c *clock) {
	s := h.Open(t, Options{Retention: 720 * time.Hour, Now: c.Now})
	fill(t, s, questions[:1], []bot.ActivityVote{v(1, member, questions[0], true, true)})
	if dump := h.Dump(t); strings.Contains(dump, member) || !strings.Contains(dump, "where did they meet?") {
		t.Errorf("without keep_user_ids, the member's id is kept (or the question is not):\n%s", dump)
	}
	s = h.Open(t, Options{Retention: 720 * time.Hour, KeepUserIDs: true, Now: c.Now})
	if got, err := s.Vote(t.Context(), v(2, member, questions[0], true, true)); err != nil || got != bot.VoteKept {
		t.Errorf("the member's vote again, ids now kept: %v, %v; want VoteKept", got, err)
	}
	fill(t, s, questions[1:2], nil)
	if dump := h.Dump(t); !strings.Contains(dump, member) {
		t.Errorf("with keep_user_ids, the member's id is not kept:\n%s", dump)
	}
}

func reopenCase(t *testing.T, h Harness, c *clock) {
	opts := Options{Retention: 720 * time.Hour, Now: c.Now}
	s := h.Open(t, opts)
	fill(t, s, questions, votes)
	c.set(at(200))
	before := report(t, s, at(0), at(200))
	s = h.Open(t, opts)
	after := report(t, s, at(0), at(200))
	sameReport(t, after, before)
	if got, err := s.Vote(t.Context(), v(160, "u1", questions[0], false, true)); err != nil || got != bot.VoteKept {
		t.Errorf("a member's vote again after reopening: %v, %v; want VoteKept (the same key)", got, err)
	}
	if !reflect.DeepEqual(report(t, s, at(0), at(200)).Summary(), before.Summary()) {
		t.Error("a vote kept changed the counts")
	}
}

// voteKey is the vote key voteKeyCase gives the store.
var voteKey = []byte("a vote key of thirty-two letters")

func voteKeyCase(t *testing.T, h Harness, c *clock) {
	opts := Options{Retention: 720 * time.Hour, Now: c.Now, VoteKey: voteKey}
	s := h.Open(t, opts)
	fill(t, s, questions[:1], nil)
	vote := v(1, member, questions[0], false, true)
	if got, err := s.Vote(t.Context(), vote); err != nil || got != bot.VoteCounted {
		t.Fatalf("a vote: %v, %v", got, err)
	}
	dump := h.Dump(t)
	if !strings.Contains(dump, bot.VoterKey(voteKey, vote)) {
		t.Errorf("the vote is not kept under the key given:\n%s", dump)
	}
	for _, form := range []string{string(voteKey), hex.EncodeToString(voteKey), fmt.Sprintf("%q", voteKey)} {
		if strings.Contains(dump, form) {
			t.Errorf("the vote key given is kept in the store:\n%s", dump)
		}
	}
	s = h.Open(t, opts)
	if got, err := s.Vote(t.Context(), v(2, member, questions[0], false, true)); err != nil || got != bot.VoteKept {
		t.Errorf("the member's vote again, reopened with the same key: %v, %v; want VoteKept", got, err)
	}
}
