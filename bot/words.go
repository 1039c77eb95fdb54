package bot

import "github.com/agreementbot/agreementbot/knowledge"

// Words are the bot's words in one language, for a front end other than
// Discord (the command line) to answer as the bot does: the same
// catalogue (locales/), the same citations, the same refusals.
type Words struct{ l *language }

// WordsFor returns the words of a language by its BCP 47 base tag ("es",
// as knowledge.Answer.Language gives it), or English's when the bot does
// not speak it.
func WordsFor(code string) Words { return Words{languageFor(code)} }

// Language is the base tag of the language the words are in.
func (w Words) Language() string { return w.l.Code }

// Title heads the answer to question: "Q: question".
func (w Words) Title(question string) string {
	return w.l.format("answer.title", vars{"question": question})
}

// Unknown says that nothing in the sources answers the question.
func (w Words) Unknown() string { return w.l.text("answer.unknown") }

// DidYouMean introduces the topics offered instead of an answer.
func (w Words) DidYouMean() string { return w.l.text("answer.did_you_mean") }

// Confidence ends an answer with its confidence: what the facts rest on
// when answered, how far short it fell when not.
func (w Words) Confidence(confidence float64, answered bool) string {
	v := vars{"confidence": w.l.decimal(confidence)}
	if answered {
		return w.l.format("answer.footer", v)
	}
	return w.l.format("answer.footer_unknown", v)
}

// Tentative heads an answer the engine is unsure of: the closest fact
// follows.
func (w Words) Tentative() string { return w.l.text("answer.tentative") }

// TentativeConfidence ends a tentative answer with its confidence.
func (w Words) TentativeConfidence(confidence float64) string {
	return w.l.format("answer.footer_tentative", vars{"confidence": w.l.decimal(confidence)})
}

// FactReference names a fact by its id, with its score.
func (w Words) FactReference(id string, score float64) string {
	return w.l.format("answer.fact_reference", vars{"id": id, "score": w.l.decimal(score)})
}

// Place says where in its source a fact stands, as a reply's citation
// does: "Title · 2024-02-28 · paragraph 3, sentence 2".
func (w Words) Place(c knowledge.Citation) string { return sourceName(c) + " · " + where(c, w.l) }

// Refusal says why the engine refused a question (knowledge's
// ErrEmptyQuestion, ErrQuestionTooLong), as a reply on Discord does.
func (w Words) Refusal(err error) string { return refusal(err, w.l) }

// Reloaded says what a reload changed, as /reload's reply does.
func (w Words) Reloaded(rep knowledge.ReloadReport) string { return reloadDone(rep, w.l) }

// Facts counts facts: "1 fact", "12 facts".
func (w Words) Facts(n int) string { return w.l.plural("count.facts", n) }
