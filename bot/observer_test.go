package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// recorder is an Observer that writes down what it is told.
type recorder struct {
	mu        sync.Mutex
	questions []string // "entry outcome"
	latencies []time.Duration
	reloads   []string // "trigger ok"
	loaded    [][2]int
	gateway   []bool
	votes     []string // "up|down result"
}

func (r *recorder) Question(entry, outcome string, latency time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.questions = append(r.questions, entry+" "+outcome)
	r.latencies = append(r.latencies, latency)
}

func (r *recorder) Reload(trigger string, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reloads = append(r.reloads, trigger+map[bool]string{true: " ok", false: " failed"}[ok])
}

func (r *recorder) Loaded(sources, facts int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loaded = append(r.loaded, [2]int{sources, facts})
}

func (r *recorder) Gateway(_ int, connected bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gateway = append(r.gateway, connected)
}

func (r *recorder) Vote(up bool, result string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	vote := "down"
	if up {
		vote = "up"
	}
	r.votes = append(r.votes, vote+" "+result)
}

// take returns the questions recorded since the last call.
func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.questions
	r.questions = nil
	return q
}

// observed returns handlers reporting to a new recorder.
func observed(t *testing.T, set HandlerOptions) (*Handlers, *testLibrary, *recorder) {
	t.Helper()
	rec := &recorder{}
	set.Observer = rec
	h, lib := newTestHandlers(t, set)
	return h, lib, rec
}

// Every entry point reports its questions, and only its questions, with
// the outcome the member saw.
func TestObserverQuestionEntriesAndOutcomes(t *testing.T) {
	h, _, rec := observed(t, HandlerOptions{})
	abstained := h.Handle(t.Context(), askRequest("What is the tallest mountain in the world?"))
	sug := allButtons(abstained)[0].CustomID
	answered := h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	var more, src string
	for _, b := range allButtons(answered) {
		switch {
		case strings.HasPrefix(b.CustomID, buttonMore+":"):
			more = b.CustomID
		case strings.HasPrefix(b.CustomID, buttonSource+":"):
			src = b.CustomID
		}
	}
	if got, want := rec.take(), []string{"slash abstained", "slash answered"}; !slices.Equal(got, want) {
		t.Fatalf("after two /ask: %q, want %q", got, want)
	}
	for _, tt := range []struct {
		name string
		req  Request
		want []string // nil: not a question
	}{
		{"no question", Request{Kind: KindCommand, Command: cmdAsk, UserID: "u1"}, []string{"slash refused"}},
		{"too long", askRequest(strings.Repeat("border ", knowledge.MaxQuestionLength)), []string{"slash refused"}},
		{"autocomplete", Request{Kind: KindAutocomplete, Command: cmdAsk, Focused: optQuestion, Options: map[string]string{optQuestion: "migr"}},
			[]string{"autocomplete answered"}},
		{"autocomplete, nothing", Request{Kind: KindAutocomplete, Command: cmdAsk, Focused: optQuestion,
			Options: map[string]string{optQuestion: "qqqqqqqqqqqqxzxzxzxz"}}, []string{"autocomplete abstained"}},
		{"autocomplete of /fact", Request{Kind: KindAutocomplete, Command: cmdFact, Focused: optID, Options: map[string]string{optID: "f"}}, nil},
		{"suggestion", Request{Kind: KindButton, CustomID: sug, UserID: "u1"}, []string{"button answered"}},
		{"more", press(answered, more), []string{"button answered"}},
		{"source", Request{Kind: KindButton, CustomID: src, UserID: "u1"}, nil},
		{"forged more", Request{Kind: KindButton, CustomID: "more:99:zz", UserID: "u1"}, []string{"button refused"}},
		{"menu", Request{Kind: KindMessageMenu, Text: "Who hosted the foreign ministers?", UserID: "u1"}, []string{"menu answered"}},
		{"dm", Request{Kind: KindMessage, Text: "Where did the ministers meet?", UserID: "u1"}, []string{"dm answered"}},
		{"mention", Request{Kind: KindMessage, Text: "Who wrote Hamlet?", UserID: "u1", GuildID: "g1"}, []string{"mention abstained"}},
		{"empty dm", Request{Kind: KindMessage, Text: "  ", UserID: "u1"}, nil},
		{"/sources", Request{Kind: KindCommand, Command: cmdSources, UserID: "u1"}, nil},
		{"/help", Request{Kind: KindCommand, Command: cmdHelp, UserID: "u1"}, nil},
	} {
		h.Handle(t.Context(), tt.req)
		if got := rec.take(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: observed %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestObserverRateLimited(t *testing.T) {
	h, _, rec := observed(t, HandlerOptions{RateCount: 1, RatePer: time.Hour})
	h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	if got, want := rec.take(), []string{"slash answered", "slash rate_limited"}; !slices.Equal(got, want) {
		t.Errorf("observed %q, want %q", got, want)
	}
}

// brokenIndex fails or panics on every question.
type brokenIndex struct {
	knowledge.Index
	panics bool
}

func (b brokenIndex) Answer(context.Context, string, knowledge.Options) (knowledge.Answer, error) {
	if b.panics {
		panic("test: the engine is broken")
	}
	return knowledge.Answer{}, errors.New("test: the store is gone")
}

// An unexpected failure and a panic are errors; the panic is still
// answered by Recover, and reported once.
func TestObserverErrorsAndPanics(t *testing.T) {
	for _, panics := range []bool{false, true} {
		h, lib, rec := observed(t, HandlerOptions{})
		lib.ix = brokenIndex{Index: lib.ix, panics: panics}
		r := Recover(h, slog.New(slog.NewTextHandler(io.Discard, nil))).Handle(t.Context(), askRequest("Where did they meet?"))
		if !strings.Contains(r.Content, "Sorry") {
			t.Errorf("panics=%v: reply %+v, want the apology", panics, r)
		}
		if got, want := rec.take(), []string{"slash error"}; !slices.Equal(got, want) {
			t.Errorf("panics=%v: observed %q, want %q", panics, got, want)
		}
	}
}

// /reload reports the reload, by command, and on success what is loaded.
func TestObserverReloadCommand(t *testing.T) {
	h, lib, rec := observed(t, HandlerOptions{})
	admin := Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true}
	h.Handle(t.Context(), admin)
	lib.reloadErr = errors.New("broken.md:3: bad front matter")
	h.Handle(t.Context(), admin)
	h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdReload, UserID: "member", GuildID: "g"}) // refused: no reload
	if want := []string{"command ok", "command failed"}; !slices.Equal(rec.reloads, want) {
		t.Errorf("reloads %q, want %q", rec.reloads, want)
	}
	if want := [][2]int{{1, 28}}; !slices.Equal(rec.loaded, want) {
		t.Errorf("loaded %v, want %v (only after the reload that succeeded)", rec.loaded, want)
	}
	if q := rec.take(); len(q) != 0 {
		t.Errorf("a reload counted as a question: %q", q)
	}
}

// Without an Observer, the handlers work as before.
func TestNoObserver(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	if r := h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?")); len(r.Embeds) != 1 {
		t.Errorf("reply = %+v", r)
	}
}
