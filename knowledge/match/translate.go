package match

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Machine translation is alternative evidence beside the lexicon, never a
// replacement for it. A question asked in one language of facts in the
// other is matched three ways: through the lexicon, as always; translated
// into the facts' language, against the facts; and as it is, against the
// facts' own translations into its language (the mirror index, built
// from translations made once, when the sources were ingested). A fact
// is ranked by the best of the three, and its confidence computed from
// the match that ranked it. A question in the language of every source is
// matched as before, and asks the translator nothing.

// Translator translates texts from one language to another, given as BCP
// 47 base tags ("en", "es"), returning the translations in the order of
// texts: a machine translator (knowledge/apertium), or anything that
// stands in for one. It must be safe for concurrent use.
type Translator interface {
	Translate(ctx context.Context, texts []string, from, to string) ([]string, error)
}

// DefaultTranslateWait is how long a question waits for its translation
// when WithTranslator is given no wait: a translation takes a translation
// server some tens of milliseconds.
const DefaultTranslateWait = 500 * time.Millisecond

// Option changes how an index answers.
type Option func(*Index)

// WithTranslator has a question asked in a language some sources are not
// written in translated by tr into theirs, waiting at most wait for it
// (DefaultTranslateWait when 0). Without a translation in time, or when
// tr fails, the question is matched without one.
func WithTranslator(tr Translator, wait time.Duration) Option {
	return func(ix *Index) {
		ix.translator, ix.translateWait = tr, cmp.Or(wait, DefaultTranslateWait)
	}
}

// apply applies opts to ix.
func (ix *Index) apply(opts []Option) {
	for _, o := range opts {
		o(ix)
	}
}

// otherLanguage is the language facts and questions in lang are
// translated into.
func otherLanguage(lang int) int { return 1 - lang }

// mirrorCorpus returns the corpus of the facts' translations, fact for
// fact (an empty fact where one has none), or nil when the index's corpus
// has no translations. Its sources are the index's, each written in the
// language its facts were translated into.
func (ix *Index) mirrorCorpus() *knowledge.Corpus {
	c := ix.corpus
	if len(c.Translations) == 0 {
		return nil
	}
	out := &knowledge.Corpus{Sources: c.Sources, Vocabulary: c.Vocabulary, Origin: c.Origin, Facts: make([]knowledge.Fact, len(c.Facts))}
	for i, f := range c.Facts {
		from := ix.sourceLang[f.Citation.SourceID]
		text, _ := c.Translations.Lookup(f.Clean, languageCodes[from], languageCodes[otherLanguage(from)])
		out.Facts[i] = knowledge.Fact{ID: f.ID, Kind: f.Kind, Text: text, Clean: text, Citation: f.Citation}
	}
	return out
}

// mirrorLanguages returns the languages of the mirror's sources: the
// other language of each source.
func (ix *Index) mirrorLanguages() map[string]int {
	out := make(map[string]int, len(ix.sourceLang))
	for id, lang := range ix.sourceLang {
		out[id] = otherLanguage(lang)
	}
	return out
}

// mirrorPrefix begins the names of the prepared sections of the mirror.
const mirrorPrefix = "translated/"

// mirrorSections returns the sections of the mirror's prepared form,
// renamed to stand beside the index's own.
func mirrorSections(p *knowledge.Prepared) []knowledge.PreparedSection {
	if p == nil {
		return nil
	}
	out := make([]knowledge.PreparedSection, len(p.Sections))
	for i, s := range p.Sections {
		out[i] = knowledge.PreparedSection{Name: mirrorPrefix + s.Name, Data: s.Data}
	}
	return out
}

// loadMirror loads the index of mc, the facts' translations, from the
// mirror's sections of p, or analyses mc when they cannot be used.
func loadMirror(ctx context.Context, mc *knowledge.Corpus, p *knowledge.Prepared, langs map[string]int) (*Index, error) {
	sub := &knowledge.Prepared{Fingerprint: p.Fingerprint}
	for _, s := range p.Sections {
		if name, ok := strings.CutPrefix(s.Name, mirrorPrefix); ok {
			sub.Sections = append(sub.Sections, knowledge.PreparedSection{Name: name, Data: s.Data})
		}
	}
	ix, err := load(ctx, mc, sub)
	if !errors.Is(err, ErrNotPrepared) {
		return ix, err
	}
	ix, _, err = analyse(ctx, mc, false, defaultSpread(), langs)
	return ix, err
}

// topicText is a topic's language and its translation into the other
// ("" when it has none).
type topicText struct {
	lang        int
	translation string
}

// corpusTopics calls fn with every topic the index may offer as "did you
// mean" and its language: the vocabulary's topics and entities' names, in
// the language their words tell, and the section headings, in their
// source's.
func corpusTopics(c *knowledge.Corpus, an *analyzer, langs map[string]int, fn func(topic string, lang int)) {
	v := c.Vocabulary
	if v == nil {
		v = &knowledge.Vocabulary{}
	}
	told := func(t string) int { return detectLanguage(an.tokens(t), strings.HasPrefix(t, "¿")) }
	for _, t := range v.Topics {
		fn(strings.TrimSpace(t), told(t))
	}
	for _, e := range v.Entities {
		if e.Display != "" {
			fn(strings.TrimSpace(e.Display), told(e.Display))
		}
	}
	for _, f := range c.Facts {
		if f.Citation.Section != "" {
			fn(strings.TrimSpace(f.Citation.Section), langs[f.Citation.SourceID])
		}
	}
}

// topicTranslations returns each topic of c with its language and, when
// c has one, its translation; an tells the topics' languages.
func topicTranslations(c *knowledge.Corpus, an *analyzer, langs map[string]int) map[string]topicText {
	if len(c.Translations) == 0 {
		return nil
	}
	out := map[string]topicText{}
	corpusTopics(c, an, langs, func(t string, lang int) {
		if _, seen := out[t]; !seen {
			tr, _ := c.Translations.Lookup(t, languageCodes[lang], languageCodes[otherLanguage(lang)])
			out[t] = topicText{lang: lang, translation: tr}
		}
	})
	return out
}

// translateBatch is how many texts TranslateCorpus hands the translator
// at once, and reports progress after.
const translateBatch = 200

// TranslateCorpus returns the translations of c's facts and topics into
// the other language (see knowledge.Translations): those known already
// are taken from known, and only the rest are given to tr, many at a
// time, progress being told how many of those are done (it may be nil).
// Without a translator (tr nil) it returns those known alone. When tr
// fails, it returns what it has with the error: the words not translated
// are then matched without a translation.
func TranslateCorpus(ctx context.Context, c *knowledge.Corpus, tr Translator, known knowledge.Translations, progress func(done, total int)) (knowledge.Translations, error) {
	if tr == nil && len(known) == 0 {
		return nil, nil
	}
	v := c.Vocabulary
	if v == nil {
		v = &knowledge.Vocabulary{}
	}
	out, todo := knownTranslations(c, newAnalyzer(v), known)
	if tr == nil {
		return out, nil
	}
	return out, translateAll(ctx, tr, todo, out, progress)
}

// pendingText is a text still to translate from one language to another.
type pendingText struct{ text, from, to string }

// knownTranslations returns the translations of c's facts and topics that
// known has, and the texts still to translate, each once, those of one
// language pair together.
func knownTranslations(c *knowledge.Corpus, an *analyzer, known knowledge.Translations) (knowledge.Translations, []pendingText) {
	langs := an.sourceLanguages(c)
	out := knowledge.Translations{}
	pending := map[knowledge.TranslationKey]bool{}
	var todo []pendingText
	add := func(text string, lang int) {
		if strings.TrimSpace(text) == "" {
			return
		}
		from, to := languageCodes[lang], languageCodes[otherLanguage(lang)]
		k := knowledge.KeyOf(text, from, to)
		if t, ok := known[k]; ok {
			out[k] = t
		} else if !pending[k] {
			pending[k] = true
			todo = append(todo, pendingText{text, from, to})
		}
	}
	for _, f := range c.Facts {
		add(f.Clean, langs[f.Citation.SourceID])
	}
	corpusTopics(c, an, langs, add)
	slices.SortStableFunc(todo, func(a, b pendingText) int { return cmp.Compare(a.from, b.from) })
	return out, todo
}

// translateAll translates todo through tr into out, up to translateBatch
// texts of one language pair at a time, telling progress after each.
func translateAll(ctx context.Context, tr Translator, todo []pendingText, out knowledge.Translations, progress func(done, total int)) error {
	for start := 0; start < len(todo); {
		end := start + 1
		for end < len(todo) && end-start < translateBatch && todo[end].from == todo[start].from {
			end++
		}
		batch := make([]string, 0, end-start)
		for _, p := range todo[start:end] {
			batch = append(batch, p.text)
		}
		from, to := todo[start].from, todo[start].to
		got, err := tr.Translate(ctx, batch, from, to)
		if err == nil && len(got) != len(batch) {
			err = fmt.Errorf("the translator returned %d translations of %d texts", len(got), len(batch))
		}
		if err != nil {
			return fmt.Errorf("translate the sources: %w", err)
		}
		for i, text := range batch {
			out[knowledge.KeyOf(text, from, to)] = got[i]
		}
		if start = end; progress != nil {
			progress(start, len(todo))
		}
	}
	return nil
}

// view is one way of matching a question: a query analysed against an
// index (of the facts, or of their translations), ranking only the facts
// in language only (langAny: all).
type view struct {
	ix   *Index
	pq   query
	only int
	// translation is the translated question or, for the mirror, empty.
	translation string
	// hits are the best facts it ranked (see rankViews).
	hits []hit
}

// maxViews is the most ways a question is matched.
const maxViews = 3

// views appends to vs the ways question q, analysed as pq, is matched:
// through the lexicon, and, when some facts are in the other language,
// against their translations and translated into their language.
func (ix *Index) views(ctx context.Context, q string, pq query, vs []view) []view {
	vs = append(vs, view{ix: ix, pq: pq, only: langAny})
	other := otherLanguage(pq.lang)
	if !ix.langs[other] {
		return vs // every source speaks the question's language
	}
	if ix.mirror != nil {
		vs = append(vs, view{ix: ix.mirror, pq: ix.mirror.parseQuery(q), only: pq.lang})
	}
	if tq, ok := ix.translateQuestion(ctx, q, pq.lang, other); ok {
		vs = append(vs, view{ix: ix, pq: ix.parseQueryIn(tq, other), only: other, translation: tq})
	}
	return vs
}

// translateQuestion translates q, with its chat markup removed, from
// language from to language to, waiting at most ix.translateWait. It
// reports false without a translator or a translation in time.
func (ix *Index) translateQuestion(ctx context.Context, q string, from, to int) (string, bool) {
	if ix.translator == nil {
		return "", false
	}
	ctx, cancel := context.WithTimeout(ctx, ix.translateWait)
	defer cancel()
	out, err := ix.translator.Translate(ctx, []string{stripMarkup(q)}, languageCodes[from], languageCodes[to])
	if err != nil || len(out) != 1 || strings.TrimSpace(out[0]) == "" {
		return "", false
	}
	return out[0], true
}

// corroboration is the share of a fact's score by one way that is added
// to its score by the other: a fact that the lexicon and a translation
// both find is likelier right than one that only one of them does. (On the
// development sets, adding a half ranked as well as taking the best alone
// or adding a third, and better than adding all.)
const corroboration = 0.5

// minCrossCoverage is the share of the question's weight a fact must
// match across languages (through a translation, or in the other
// language through the lexicon) for its score to count in full; below it
// the score is scaled down in proportion. A translation that matches one
// word of "riverside hours" ("horas") is weaker evidence than a fact in
// the question's language that matches both. (Fitted on half of the
// mixed-language development questions: 0.6 and 0.7 ranked alike, 0.5
// and 1 worse.)
const minCrossCoverage = 0.6

// rankViews ranks the facts by every view, keeping each view's best n in
// its hits, and returns the best n of them all, each fact once. The
// lexicon is one way and the translations (the question's and the
// facts') together are the other: they are two readings of the same
// translation, and a fact they both find on the same word is no better
// for it, so only the better of them counts. A fact is ranked by the
// better of the two ways plus a part of the other (see corroboration),
// its cross-lingual matches weighed by how much of the question they
// cover (see crossScore).
func rankViews(vs []view, n int) []hit {
	for i := range vs {
		vs[i].hits = vs[i].ix.rank(vs[i].pq, n, vs[i].only)
	}
	if len(vs) == 1 {
		return vs[0].hits
	}
	type ways struct {
		h               hit // the fact's best hit in any view
		lexicon, transl float64
	}
	at := map[int32]*ways{}
	var order []int32
	lang := vs[0].pq.lang
	for i, v := range vs {
		for _, h := range v.hits {
			w, ok := at[h.doc]
			if !ok {
				w = &ways{h: h}
				at[h.doc] = w
				order = append(order, h.doc)
			} else if better(h, w.h) {
				w.h = h
			}
			s := crossScore(h, i > 0 || int(v.ix.docLang[h.doc]) != lang)
			if i == 0 {
				w.lexicon = s
			} else {
				w.transl = max(w.transl, s)
			}
		}
	}
	out := make([]hit, 0, len(order))
	for _, d := range order {
		w := at[d]
		h := w.h
		h.score = max(w.lexicon, w.transl) + corroboration*min(w.lexicon, w.transl)
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b hit) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	return out[:min(n, len(out))]
}

// crossScore returns the score hit h counts for in rankViews: its own,
// or, when it matched across languages (cross) less than
// minCrossCoverage of the question, that scaled down in proportion.
func crossScore(h hit, cross bool) float64 {
	if !cross || h.coverage >= minCrossCoverage {
		return h.score
	}
	return h.score * h.coverage / minCrossCoverage
}

// judge returns the confidence in hits[i], the i'th fact of an answer
// ranked by rankViews: the best confidence of the views that ranked that
// fact, each computed from the fact's match in that view and the fact
// ranked after it there; with the view and its hit of the fact. With one
// view that is the fact's match and the fact after it in the answer.
func judge(vs []view, hits []hit, i int, m *model) (float64, view, hit) {
	if len(vs) == 1 {
		return m.probability(vs[0].features(hits[i], nextHit(hits, i))), vs[0], hits[i]
	}
	best, bestView, bestHit := -1.0, vs[0], hits[i]
	for _, v := range vs {
		j := slices.IndexFunc(v.hits, func(h hit) bool { return h.doc == hits[i].doc })
		if j < 0 {
			continue
		}
		if p := m.probability(v.features(v.hits[j], nextHit(v.hits, j))); p > best {
			best, bestView, bestHit = p, v, v.hits[j]
		}
	}
	return best, bestView, bestHit
}
