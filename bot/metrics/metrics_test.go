package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// library serves the embedded article; reloads report fixed counts and
// fail with err.
type library struct {
	ix  knowledge.Index
	err error
}

func (l *library) Index() knowledge.Index { return l.ix }
func (l *library) Reload(context.Context) (knowledge.ReloadReport, error) {
	return knowledge.ReloadReport{Sources: 3, Facts: 41}, l.err
}
func (l *library) AddSource(context.Context, string, []byte) (knowledge.ReloadReport, error) {
	return knowledge.ReloadReport{Sources: 3, Facts: 41}, l.err
}

// handlers returns the bot's handlers over the embedded article, telling
// m, with a rate limit of two questions per user, every answer confident.
func handlers(t *testing.T, m *Metrics) (*bot.Handlers, *library) {
	t.Helper()
	return handlersSure(t, m, 1e-9)
}

// handlersSure is handlers with answers confident from confidence sure.
func handlersSure(t *testing.T, m *Metrics, sure float64) (*bot.Handlers, *library) {
	t.Helper()
	c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	lib := &library{ix: match.NewIndex(c)}
	set := bot.HandlerOptions{RateCount: 2, RatePer: time.Hour, Observer: m, ConfidentThreshold: sure}
	return bot.NewHandlers(lib, set, nil, slog.New(slog.NewTextHandler(io.Discard, nil))), lib
}

func ask(user, question string) bot.Request {
	return bot.Request{ID: "1", Kind: bot.KindCommand, Command: "ask", Options: map[string]string{"question": question}, UserID: user, GuildID: "g"}
}

// scrape returns what the metrics handler serves.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}

// hasLine reports whether the exposition has line, whole.
func hasLine(text, line string) bool {
	return strings.Contains("\n"+text, "\n"+line+"\n")
}

// Asking questions through the real handlers moves the counter of their
// outcome, and only that one; the answers and abstentions are timed.
func TestHandlersMoveQuestionCounters(t *testing.T) {
	m := New(Options{Transport: TransportHTTP})
	h, _ := handlers(t, m)
	h.Handle(t.Context(), ask("asker", "Where did the foreign ministers meet?"))      // answered
	h.Handle(t.Context(), ask("asker", "What is the tallest mountain in the world?")) // abstained
	h.Handle(t.Context(), ask("asker", "Who hosted the foreign ministers?"))          // third in the hour: rate limited
	h.Handle(t.Context(), ask("other", "   "))                                        // refused: no question
	h.Handle(t.Context(), bot.Request{Kind: bot.KindCommand, Command: "help", UserID: "other"})

	want := map[[2]string]float64{
		{bot.EntrySlash, bot.OutcomeAnswered}:    1,
		{bot.EntrySlash, bot.OutcomeAbstained}:   1,
		{bot.EntrySlash, bot.OutcomeRateLimited}: 1,
		{bot.EntrySlash, bot.OutcomeRefused}:     1,
	}
	for _, entry := range bot.Entries() {
		for _, outcome := range bot.Outcomes() {
			got := testutil.ToFloat64(m.questions.WithLabelValues(entry, outcome))
			if w := want[[2]string{entry, outcome}]; got != w {
				t.Errorf("questions{entry=%q, outcome=%q} = %v, want %v", entry, outcome, got, w)
			}
		}
	}
	text := scrape(t, m)
	for _, line := range []string{
		`agreementbot_questions_total{entry="slash",outcome="answered",transport="http"} 1`,
		`agreementbot_questions_total{entry="slash",outcome="rate_limited",transport="http"} 1`,
		`agreementbot_questions_total{entry="dm",outcome="answered",transport="http"} 0`,
		// Only the answer and the abstention are timed.
		`agreementbot_answer_duration_seconds_count{entry="slash"} 2`,
		`agreementbot_answer_duration_seconds_count{entry="dm"} 0`,
	} {
		if !hasLine(text, line) {
			t.Errorf("the exposition lacks %s", line)
		}
	}
}

// A tentative answer is counted under outcome "tentative", not
// "answered", and timed like any answer.
func TestTentativeAnswersCountedApart(t *testing.T) {
	m := New(Options{Transport: TransportHTTP})
	h, _ := handlersSure(t, m, 1) // every answer tentative
	h.Handle(t.Context(), ask("asker", "Where did the foreign ministers meet?"))
	text := scrape(t, m)
	for _, line := range []string{
		`agreementbot_questions_total{entry="slash",outcome="tentative",transport="http"} 1`,
		`agreementbot_questions_total{entry="slash",outcome="answered",transport="http"} 0`,
		`agreementbot_answer_duration_seconds_count{entry="slash"} 1`,
	} {
		if !hasLine(text, line) {
			t.Errorf("the exposition lacks %s", line)
		}
	}
}

// Other entry points are counted under their own label.
func TestHandlersCountEntries(t *testing.T) {
	m := New(Options{Transport: TransportGateway, Gateway: true})
	h, _ := handlers(t, m)
	h.Handle(t.Context(), bot.Request{Kind: bot.KindMessage, Text: "Where did the ministers meet?", UserID: "a"})
	h.Handle(t.Context(), bot.Request{Kind: bot.KindMessage, Text: "Who wrote Hamlet?", UserID: "b", GuildID: "g"})
	h.Handle(t.Context(), bot.Request{Kind: bot.KindMessageMenu, Text: "Who hosted the foreign ministers?", UserID: "c"})
	h.Handle(t.Context(), bot.Request{Kind: bot.KindAutocomplete, Command: "ask", Focused: "question", Options: map[string]string{"question": "migr"}})
	for _, tt := range []struct {
		entry, outcome string
	}{
		{bot.EntryDM, bot.OutcomeAnswered},
		{bot.EntryMention, bot.OutcomeAbstained},
		{bot.EntryMenu, bot.OutcomeAnswered},
		{bot.EntryAutocomplete, bot.OutcomeAnswered},
	} {
		if got := testutil.ToFloat64(m.questions.WithLabelValues(tt.entry, tt.outcome)); got != 1 {
			t.Errorf("questions{entry=%q, outcome=%q} = %v, want 1", tt.entry, tt.outcome, got)
		}
	}
	if got := testutil.ToFloat64(m.questions.WithLabelValues(bot.EntrySlash, bot.OutcomeAnswered)); got != 0 {
		t.Errorf("questions{entry=slash} = %v, want 0", got)
	}
	if !hasLine(scrape(t, m), `agreementbot_questions_total{entry="dm",outcome="answered",transport="gateway"} 1`) {
		t.Error("the exposition lacks the DM, with transport=gateway")
	}
}

// /reload counts a reload by command, a failed one a failure too, and a
// successful one sets what is loaded.
func TestReloadsAndLoaded(t *testing.T) {
	m := New(Options{Transport: TransportHTTP})
	h, lib := handlers(t, m)
	admin := bot.Request{Kind: bot.KindCommand, Command: "reload", UserID: "u", GuildID: "g", ManageServer: true}
	h.Handle(t.Context(), admin)
	if got := testutil.ToFloat64(m.facts); got != 41 {
		t.Errorf("facts loaded = %v, want 41", got)
	}
	if got := testutil.ToFloat64(m.sources); got != 3 {
		t.Errorf("sources loaded = %v, want 3", got)
	}
	lib.err = errors.New("broken.md:3: bad front matter")
	h.Handle(t.Context(), admin)
	m.Reload(bot.ReloadSignal, true)
	m.Reload(bot.ReloadStore, false)
	for _, tt := range []struct {
		trigger           string
		reloads, failures float64
	}{
		{bot.ReloadCommand, 2, 1},
		{bot.ReloadSignal, 1, 0},
		{bot.ReloadStore, 1, 1},
	} {
		if got := testutil.ToFloat64(m.reloads.WithLabelValues(tt.trigger)); got != tt.reloads {
			t.Errorf("reloads{trigger=%q} = %v, want %v", tt.trigger, got, tt.reloads)
		}
		if got := testutil.ToFloat64(m.failures.WithLabelValues(tt.trigger)); got != tt.failures {
			t.Errorf("reload failures{trigger=%q} = %v, want %v", tt.trigger, got, tt.failures)
		}
	}
	text := scrape(t, m)
	for _, line := range []string{
		`agreementbot_reloads_total{trigger="command"} 2`,
		`agreementbot_reload_failures_total{trigger="command"} 1`,
		`agreementbot_facts_loaded 41`,
		`agreementbot_sources_loaded 3`,
	} {
		if !hasLine(text, line) {
			t.Errorf("the exposition lacks %s", line)
		}
	}
}

// The gateway gauge exists only for a gateway process, and follows the
// connection of each shard apart.
func TestGatewayConnected(t *testing.T) {
	serve := New(Options{Transport: TransportHTTP})
	serve.Gateway(0, true)
	if text := scrape(t, serve); strings.Contains(text, NameGatewayConnected) {
		t.Errorf("serve exposes %s", NameGatewayConnected)
	}
	run := New(Options{Transport: TransportGateway, Gateway: true})
	for _, up := range []bool{true, false, true} {
		run.Gateway(0, up)
		want := map[bool]string{true: "1", false: "0"}[up]
		if text := scrape(t, run); !hasLine(text, NameGatewayConnected+`{shard="0"} `+want) {
			t.Errorf("after Gateway(0, %v): lacks %s{shard=\"0\"} %s", up, NameGatewayConnected, want)
		}
	}
	run.Gateway(1, false)
	run.Gateway(3, true)
	text := scrape(t, run)
	for _, line := range []string{`{shard="0"} 1`, `{shard="1"} 0`, `{shard="3"} 1`} {
		if !hasLine(text, NameGatewayConnected+line) {
			t.Errorf("after reports of shards 1 and 3: lacks %s%s", NameGatewayConnected, line)
		}
	}
}

// Members' votes are counted by direction and result, every combination
// at zero from the start.
func TestVotes(t *testing.T) {
	m := New(Options{Transport: TransportHTTP})
	if text := scrape(t, m); !hasLine(text, NameVotes+`{result="failed",vote="up"} 0`) {
		t.Errorf("no zero series for the votes before the first")
	}
	m.Vote(false, bot.VoteResultCounted)
	m.Vote(false, bot.VoteResultKept)
	m.Vote(true, bot.VoteResultCounted)
	text := scrape(t, m)
	for _, line := range []string{`{result="counted",vote="down"} 1`, `{result="kept",vote="down"} 1`, `{result="counted",vote="up"} 1`, `{result="changed",vote="up"} 0`} {
		if !hasLine(text, NameVotes+line) {
			t.Errorf("the exposition lacks %s%s", NameVotes, line)
		}
	}
}

// Every metric is exposed with its help and type, from a registry of its
// own (two Metrics in one process do not collide), beside the Go runtime's
// and the process's.
func TestExposition(t *testing.T) {
	New(Options{Transport: TransportGateway, Gateway: true})
	m := New(Options{Transport: TransportGateway, Gateway: true})
	m.Gateway(0, false) // the gauge has a series once the bot reports its shards
	text := scrape(t, m)
	for name, typ := range map[string]string{
		NameQuestions: "counter", NameAnswerDuration: "histogram", NameReloads: "counter", NameReloadFailures: "counter",
		NameSourcesLoaded: "gauge", NameFactsLoaded: "gauge", NameGatewayConnected: "gauge", NameVotes: "counter",
		"go_goroutines": "gauge", "process_cpu_seconds_total": "counter",
	} {
		if !strings.Contains(text, "# HELP "+name+" ") || !hasLine(text, "# TYPE "+name+" "+typ) {
			t.Errorf("%s: no help, or not a %s", name, typ)
		}
	}
}

// A translator's counts are exposed as counters read at every scrape,
// only by a process that translates.
func TestTranslationCounts(t *testing.T) {
	m := New(Options{Transport: TransportHTTP})
	if text := scrape(t, m); strings.Contains(text, NameTranslations) {
		t.Errorf("a process without a translator exposes %s", NameTranslations)
	}
	var counts TranslationCounts
	m.CountTranslations(func() TranslationCounts { return counts })
	counts = TranslationCounts{Translated: 1411, CacheHits: 7, Failures: 2}
	text := scrape(t, m)
	for _, line := range []string{NameTranslations + " 1411", NameTranslationHits + " 7", NameTranslationFails + " 2",
		"# TYPE " + NameTranslations + " counter", "# TYPE " + NameTranslationFails + " counter"} {
		if !hasLine(text, line) {
			t.Errorf("the exposition lacks %s", line)
		}
	}
	counts.CacheHits++
	if !hasLine(scrape(t, m), NameTranslationHits+" 8") {
		t.Errorf("a second scrape does not read the counts again")
	}
}
