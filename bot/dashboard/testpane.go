package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/knowledge"
)

// testResult is the test pane's answer to a question, worded as the bot
// and `ask --explain` word it.
type testResult struct {
	Question    string
	Refused     string // why the engine refused the question, if it did
	Status      string // catalogue key: test.confident, test.tentative, test.declined
	Confidence  string
	Heading     string // the tentative answer's heading, or "I don't know"
	DidYouMean  string
	Suggestions []string
	Candidate   bool // Facts is the declined answer's best candidate
	Facts       []shownFact
}

// shownFact is one fact of an answer with its citation and explanation.
type shownFact struct {
	Text, Place, URL, Reference string
	Explanation                 []string
}

// testPage shows the test pane's form.
func (d *Dashboard) testPage(w http.ResponseWriter, r *http.Request, sess *session) {
	d.render(w, r, http.StatusOK, "test", pageData{Title: "test.title", Nav: "test", Session: sess})
}

// ask answers the form's question through the index serving now, as the
// bot does, explained.
func (d *Dashboard) ask(w http.ResponseWriter, r *http.Request, sess *session) {
	q := r.PostFormValue("q")
	ix := d.lib.Index()
	opt := d.opts.Answer
	opt.Explain, opt.Offset = true, 0
	ans, err := ix.Answer(r.Context(), q, opt)
	words := bot.WordsFor(d.pages.lang(w, r))
	res := &testResult{Question: q}
	switch {
	case errors.Is(err, knowledge.ErrEmptyQuestion), errors.Is(err, knowledge.ErrQuestionTooLong):
		res.Refused = words.Refusal(err)
	case err != nil:
		d.fail(w, r, err)
		return
	default:
		d.explain(r, ix, ans, words, res)
	}
	status := http.StatusOK
	if res.Refused != "" {
		status = http.StatusUnprocessableEntity
	}
	d.render(w, r, status, "test", pageData{Title: "test.title", Nav: "test", Session: sess, Test: res})
}

// explain fills res from an answer: its tier, confidence and facts (the
// closest one alone when tentative, the best candidate when declined),
// each with its explanation.
func (d *Dashboard) explain(r *http.Request, ix knowledge.Index, ans knowledge.Answer, words bot.Words, res *testResult) {
	facts := ans.Facts
	switch {
	case !ans.Answered:
		res.Status, res.Heading = "test.declined", words.Unknown()
		res.Confidence = words.Confidence(ans.Confidence, false)
		res.Suggestions, res.DidYouMean = ans.Suggestions, words.DidYouMean()
		facts = knowledge.BestCandidate(r.Context(), ix, ans.Question)
		res.Candidate = len(facts) > 0
	case ans.Tentative:
		res.Status, res.Heading = "test.tentative", words.Tentative()
		res.Confidence = words.TentativeConfidence(ans.Confidence)
		facts = facts[:min(len(facts), 1)]
	default:
		res.Status, res.Confidence = "test.confident", words.Confidence(ans.Confidence, true)
	}
	for _, f := range facts {
		res.Facts = append(res.Facts, d.shown(f, words))
	}
}

// shown is a fact as the pages show it: its words, citation, reference
// and explanation.
func (d *Dashboard) shown(f knowledge.ScoredFact, words bot.Words) shownFact {
	sf := shownFact{Text: strings.Join(strings.Fields(f.Text), " "), Place: words.Place(f.Citation), URL: f.Citation.URL,
		Reference: words.FactReference(f.ID, f.Score)}
	if credit := f.OwnCredit(); credit != "" {
		sf.Place += " · " + credit
	}
	if f.Explanation != nil {
		sf.Explanation = f.Explanation.Lines()
	}
	return sf
}
