package dashboard

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/knowledge"
)

// Teacher teaches the facts that a question is answered by a fact: the
// question becomes one of the fact's phrasings, kept in the sources
// directory, and the facts are reloaded. cmd/agreementbot wires the
// library's Teach to it.
type Teacher interface {
	// Teach teaches that question is answered by the fact factID, and
	// reloads the facts. A refusal the admin can act on
	// (no such fact, the question taught already, no sources directory)
	// is a *TeachRefused; anything else is a failure.
	Teach(ctx context.Context, question, factID string) (Taught, error)
	// Check returns the *TeachRefused Teach would refuse question with,
	// or nil, changing nothing: a refusal is then no failed reload.
	Check(question, factID string) error
}

// Taught is what teaching a question did. (The dashboard asks the
// reloaded facts itself how they answer the question, with the bot's
// answer settings.)
type Taught struct {
	// Question is the question taught, cleaned as the engine cleans it.
	Question string
	// Fact is the fact taught, as served now.
	Fact knowledge.Fact
	// Report is the reload's.
	Report knowledge.ReloadReport
}

// TeachRefused is a Teacher's refusal to teach a question, for a reason
// the admin can act on; nothing was changed. Reason is one of the
// Refused... constants, which the page says in the admin's language.
type TeachRefused struct {
	Reason string
	Err    error
}

// Why a Teacher refuses to teach a question (TeachRefused.Reason).
const (
	RefusedTaughtAlready = "taught_already" // a phrasing of a fact already
	RefusedUnknownFact   = "unknown_fact"   // the fact is not served, or not from the sources directory
	RefusedNoSources     = "no_sources"     // no sources directory to keep it in
)

// Error says why the question was not taught.
func (e *TeachRefused) Error() string { return e.Err.Error() }

// Unwrap returns the reason.
func (e *TeachRefused) Unwrap() error { return e.Err }

// rankedShown bounds the facts the teach page's result explains.
const rankedShown = 3

// teachView is the teach page: the question, how the engine answers it
// now, the facts a search found to pick from, and what teaching did.
type teachView struct {
	Question, Search string
	Refused          string      // why the question cannot be asked
	Now              *testResult // the engine's answer now
	Searched         bool
	Candidates       []candidate
	Picked           string // the fact picked, kept when the form comes back
	Problem          string // why the form did not teach
	Done             *taughtView
	Off              bool // no Teacher: teaching is not possible here
}

// candidate is a fact to pick, with its id and explanation.
type candidate struct {
	ID string
	shownFact
}

// taughtView is what teaching did: whether the fact answers the question
// now (a catalogue key), the reload, and the facts ranked first,
// explained.
type taughtView struct {
	Status, Question, Confidence, Reloaded string
	Fact                                   candidate
	Ranked                                 []candidate
}

// teachPage shows the teach page for ?q=, searching the facts with
// ?search= (else the question itself).
func (d *Dashboard) teachPage(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.URL.Query()
	v := d.teachView(w, r, q.Get("q"), q.Get("search"))
	status := http.StatusOK
	if v.Refused != "" && v.Question != "" {
		status = http.StatusUnprocessableEntity
	}
	d.render(w, r, status, "teach", pageData{Title: "teach.title", Nav: "teach", Session: sess, Teach: v})
}

// teachView is the teach page for question, its facts searched with
// search (else the question): how the engine answers it now, and the
// facts to pick from, each explained.
func (d *Dashboard) teachView(w http.ResponseWriter, r *http.Request, question, search string) *teachView {
	v := &teachView{Question: strings.TrimSpace(question), Search: strings.TrimSpace(search), Off: d.opts.Teacher == nil}
	if v.Question == "" {
		return v
	}
	words := bot.WordsFor(d.pages.lang(w, r))
	if _, err := knowledge.CleanQuestion(v.Question); err != nil {
		v.Refused = words.Refusal(err)
		return v
	}
	ix := d.lib.Index()
	opt := d.opts.Answer
	opt.Explain, opt.Offset = true, 0
	if ans, err := ix.Answer(r.Context(), v.Question, opt); err == nil {
		v.Now = &testResult{Question: v.Question}
		d.explain(r, ix, ans, words, v.Now)
	}
	terms := v.Search
	if terms == "" {
		terms = v.Question
	}
	v.Searched = true
	found, err := ix.Answer(r.Context(), terms, knowledge.Options{Top: knowledge.MaxTop, Threshold: math.SmallestNonzeroFloat64, Explain: true})
	if err != nil {
		return v
	}
	for _, f := range found.Facts {
		v.Candidates = append(v.Candidates, candidate{ID: f.ID, shownFact: d.shown(f, words)})
	}
	return v
}

// teach teaches the form's question for the fact picked, through the
// bot's path for changing the sources, and shows whether the fact now
// answers it, or why not.
func (d *Dashboard) teach(w http.ResponseWriter, r *http.Request, sess *session) {
	lang := d.pages.lang(w, r)
	question, factID := r.PostFormValue("q"), r.PostFormValue("fact")
	show := func(status int, v *teachView) {
		d.render(w, r, status, "teach", pageData{Title: "teach.title", Nav: "teach", Session: sess, Teach: v})
	}
	v := d.teachView(w, r, question, r.PostFormValue("search"))
	v.Picked = factID
	switch {
	case v.Off:
		show(http.StatusServiceUnavailable, v)
		return
	case v.Question == "" || v.Refused != "":
		if v.Refused == "" {
			v.Refused = bot.WordsFor(lang).Refusal(knowledge.ErrEmptyQuestion)
		}
		show(http.StatusUnprocessableEntity, v)
		return
	case factID == "":
		v.Problem = d.pages.text(lang, "teach.no_fact")
		show(http.StatusUnprocessableEntity, v)
		return
	}
	if _, ok := d.lib.Index().Fact(factID); !ok {
		v.Problem = d.pages.text(lang, "teach.unknown_fact")
		show(http.StatusUnprocessableEntity, v)
		return
	}
	var got Taught
	req := adminRequest(sess, lang)
	err := d.opts.Teacher.Check(v.Question, factID)
	if err == nil {
		_, err = d.admin.ChangeSources(r.Context(), req, func(ctx context.Context) (knowledge.ReloadReport, error) {
			var err error
			got, err = d.opts.Teacher.Teach(ctx, v.Question, factID)
			return got.Report, err
		})
	}
	var refused *TeachRefused
	switch {
	case errors.As(err, &refused):
		v.Problem = d.pages.text(lang, "teach.refused."+refused.Reason)
		show(http.StatusUnprocessableEntity, v)
		return
	case err != nil:
		v.Problem = d.admin.ErrorText(req, err)
		show(http.StatusUnprocessableEntity, v)
		return
	}
	d.log.Info("dashboard: question taught", "user", sess.UserID, "fact", factID)
	done, err := d.taughtView(r.Context(), got, bot.WordsFor(lang))
	if err != nil {
		d.fail(w, r, err)
		return
	}
	show(http.StatusOK, &teachView{Question: got.Question, Done: done})
}

// taughtView words what teaching did, asking the facts serving now as
// the bot asks them: whether the fact answers the question first
// (confidently or tentatively), comes after another, or the engine still
// declines it; and the facts ranked first, explained.
func (d *Dashboard) taughtView(ctx context.Context, t Taught, words bot.Words) (*taughtView, error) {
	ix := d.lib.Index()
	opt := d.opts.Answer
	opt.Offset = 0
	ans, err := ix.Answer(ctx, t.Question, opt)
	if err != nil {
		return nil, fmt.Errorf("ask the question just taught: %w", err)
	}
	ranked, err := ix.Answer(ctx, t.Question, knowledge.Options{Top: knowledge.MaxTop, Threshold: math.SmallestNonzeroFloat64, Explain: true})
	if err != nil {
		return nil, fmt.Errorf("rank the facts for the question just taught: %w", err)
	}
	v := &taughtView{Question: t.Question, Reloaded: words.Reloaded(t.Report), Fact: candidate{ID: t.Fact.ID}}
	fact := knowledge.ScoredFact{Fact: t.Fact}
	for _, f := range ranked.Facts {
		if f.ID == t.Fact.ID {
			fact = f
		}
	}
	v.Fact.shownFact = d.shown(fact, words)
	v.Fact.Explanation = nil // the ranked facts below show it
	first := len(ans.Facts) > 0 && ans.Facts[0].ID == t.Fact.ID
	switch {
	case !ans.Answered:
		v.Status, v.Confidence = "teach.declined", words.Confidence(ans.Confidence, false)
	case !first:
		v.Status = "teach.not_first"
	case ans.Tentative:
		v.Status, v.Confidence = "teach.tentative", words.TentativeConfidence(ans.Confidence)
	default:
		v.Status, v.Confidence = "teach.answered", words.Confidence(ans.Confidence, true)
	}
	for i, f := range ranked.Facts {
		if i < rankedShown || f.ID == t.Fact.ID {
			v.Ranked = append(v.Ranked, candidate{ID: f.ID, shownFact: d.shown(f, words)})
		}
	}
	return v, nil
}
