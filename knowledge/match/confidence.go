package match

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

// The features of a match that the confidence is computed from. Each says
// something about whether the fact ranked first answers the question; the
// calibrated model (calibration.json) weighs them.
const (
	featCoverage       = iota // share of the question's weight matched, after penalties
	featMatched               // share of the question's weight matched, before penalties
	featMissingRare           // rarity of the rarest question word the fact lacks, 0 to 1
	featMissingShare          // share of the question's weight the fact lacks entirely
	featUnknownNames          // names and topic words of the question no source has
	featUnknownNumbers        // numbers of the question no source has
	featTypeHit               // the question asks for a type and the fact has one
	featTypeMiss              // the question asks for a type and the fact has none
	featMargin                // how far the fact's score is ahead of the next fact's
	featFocusMiss             // the question's focus word is not in the fact
	featWords                 // log of the number of words and phrases asked about
	featUnknownShare          // share of the question's weight in names and rare words no source has
	featUnknownPlain          // share of the question's weight in ordinary words no source has
	featMatchedRare           // rarity of the rarest question word the fact says, 0 to 1
	featCoverage2             // coverage squared: the model may bend
	featNamesUnknown          // 1 when the question names something no source mentions
	featCrossLingual          // 1 when the question and the fact are in different languages
	featCrossCoverage         // coverage, for a question matched across languages
	featTypeNear              // how near the words matched the span of the type asked for stands, 0 to 1
	featUncoveredRare         // rarity in general use of the rarest question word no fact has, 0 to 1
	featMissedGeneral         // rarity in general use of the rarest question word the fact lacks, 0 to 1
	featContradiction         // kinds of value (year, weekday, month, ordinal, role) the fact names otherwise
	featContraPlace           // 1 when the fact names another place than the question's
	numFeatures
)

// featureNames name the features in explanations and in calibration.json.
var featureNames = [numFeatures]string{
	"coverage", "matched", "missing_rare", "missing_share", "unknown_names", "unknown_numbers",
	"type_hit", "type_miss", "margin", "focus_miss", "words",
	"unknown_share", "unknown_plain", "matched_rare", "coverage2", "names_unknown",
	"cross_lingual", "cross_coverage",
	"type_near", "uncovered_general", "missed_general", "contradiction", "contradiction_place",
}

// features are the values of the features of one match.
type features [numFeatures]float64

// model is a logistic model of the probability that the fact ranked first
// answers the question, fitted by `agreementbot calibrate` on development
// data (see docs/quality.md).
type model struct {
	Intercept float64            `json:"intercept"`
	Weights   map[string]float64 `json:"weights"`
	// Threshold is the confidence below which the engine abstains, chosen
	// with the weights; knowledge.DefaultThreshold must equal it.
	Threshold float64 `json:"threshold"`
	// ConfidentThreshold is the confidence from which an answer is
	// confident rather than tentative, chosen with the weights;
	// knowledge.DefaultConfidentThreshold must equal it.
	ConfidentThreshold float64 `json:"confident_threshold"`
	// Penalties multiply the fitted probability once for each unit of a
	// feature: names and numbers a question asks about that no source
	// mentions are strong evidence that the sources do not answer it, too
	// rare in the development data for a fit to learn.
	Penalties map[string]float64 `json:"penalties"`
	// FittedOn says what data the weights were fitted on.
	FittedOn string `json:"fitted_on"`
	w        features
	pen      features // 0 for no penalty
}

//go:embed calibration.json
var calibrationJSON []byte

// calibration is the embedded model, parsed once.
var calibration = sync.OnceValue(func() *model {
	m, err := parseModel(calibrationJSON)
	if err != nil {
		panic(fmt.Sprintf("embedded calibration.json: %v", err))
	}
	return m
})

// parseModel reads a model, refusing unknown feature names.
func parseModel(raw []byte) (*model, error) {
	var m model
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for name, w := range m.Weights {
		i := slices.Index(featureNames[:], name)
		if i < 0 {
			return nil, fmt.Errorf("unknown feature %q", name)
		}
		m.w[i] = w
	}
	for name, p := range m.Penalties {
		i := slices.Index(featureNames[:], name)
		if i < 0 || p <= 0 || p > 1 {
			return nil, fmt.Errorf("bad penalty %q: %g", name, p)
		}
		m.pen[i] = p
	}
	return &m, nil
}

// probability is the model's confidence for features f.
func (m *model) probability(f features) float64 {
	z := m.Intercept
	for i, v := range f {
		z += m.w[i] * v
	}
	p := 1 / (1 + math.Exp(-z))
	for i, pen := range m.pen {
		if pen > 0 && f[i] > 0 {
			p *= math.Pow(pen, f[i])
		}
	}
	return p
}

// explain lists the features with their values and weights.
func (m *model) explain(f features) []knowledge.Feature {
	out := make([]knowledge.Feature, numFeatures)
	for i, v := range f {
		out[i] = knowledge.Feature{Name: featureNames[i], Value: v, Weight: m.w[i]} // exact: calibrate fits on these
	}
	return out
}

// features computes the features of hit h, the next hit being next (nil
// when there is none).
func (ix *Index) features(pq query, h hit, next *hit) features {
	var f features
	f[featCoverage] = h.coverage
	var matched, missing, unknown, plain float64
	for _, g := range pq.groups {
		m := float64(ix.groupMatch(g, h.doc))
		matched += g.weight * m
		if m == 0 {
			missing += g.weight
		}
		switch {
		case len(g.terms) > 0:
		case g.plainWord:
			plain += g.weight
		default:
			unknown += g.weight
		}
		if m >= weightSynonym && ix.idfMissing > 0 {
			f[featMatchedRare] = max(f[featMatchedRare], g.weight/float64(ix.idfMissing))
		}
		if m < weightSynonym && ix.idfMissing > 0 {
			f[featMissingRare] = max(f[featMissingRare], g.weight/float64(ix.idfMissing))
		}
		if g.focus && m < weightSynonym {
			f[featFocusMiss] = 1
		}
	}
	if pq.total > 0 {
		f[featMatched] = min(matched/pq.total, 1)
		f[featMissingShare] = missing / pq.total
		f[featUnknownShare] = unknown / pq.total
		f[featUnknownPlain] = plain / pq.total
	}
	f[featCoverage2] = h.coverage * h.coverage
	f[featUnknownNames] = float64(pq.unknownSpecifics)
	f[featNamesUnknown] = float64(min(pq.unknownSpecifics+pq.unknownNumbers, 1))
	f[featUnknownNumbers] = float64(pq.unknownNumbers)
	if want := wantFeature(pq.wants); want != 0 {
		if h.typed {
			f[featTypeHit] = 1
		} else {
			f[featTypeMiss] = 1
		}
	}
	f[featMargin] = 1
	if next != nil && h.score > 0 {
		f[featMargin] = 1 - next.score/h.score
	}
	f[featWords] = math.Log1p(float64(len(pq.groups)))
	if ix.sourceLang[ix.corpus.Facts[h.doc].Citation.SourceID] != pq.lang {
		// Matched through the lexicon: a translation matches less surely
		// than the word itself, so coverage means less.
		f[featCrossLingual] = 1
		f[featCrossCoverage] = h.coverage
	}
	ix.evidenceFeatures(pq, h, &f)
	return f
}

// features computes the features of hit h in the view that ranked it.
func (v view) features(h hit, next *hit) features { return v.ix.features(v.pq, h, next) }

// groupMatch is how directly fact d says what group g asks about: the best
// of its terms, 0 when the fact has none of them.
func (ix *Index) groupMatch(g group, d int32) float32 {
	var best float32
	for _, t := range g.terms {
		ps := ix.postings[t.id]
		i, found := slices.BinarySearchFunc(ps, d, func(p posting, d int32) int { return int(p.doc - d) })
		if found {
			best = max(best, t.w*ps[i].s)
		}
	}
	return best
}

// evidenceFeatures sets the features read from the words of hit h's fact:
// whether the span of the type asked for stands near the words matched,
// how rare in general use the question's words are that no fact (or not
// this one) says, and whether the fact names another year, weekday, role
// or place than the question's. They tell "the sources say" from "the
// sources are silent" on questions near a source's topic.
func (ix *Index) evidenceFeatures(pq query, h hit, f *features) {
	fact := ix.corpus.Facts[h.doc]
	lang := ix.sourceLang[fact.Citation.SourceID]
	var toks []token // the fact's words, read only when a feature needs them
	words := func() []token {
		if toks == nil {
			toks = ix.factTokens(h.doc, fact.Clean, lang)
		}
		return toks
	}
	terms := pq.termGroups()
	if want := wantFeature(pq.wants); want != 0 && h.typed { // else it has no span to be near
		f[featTypeNear] = ix.typeNearness(h.doc, want, terms, ix.matchedTokens(words(), lang, terms))
	}
	for _, g := range pq.groups {
		uncovered, missed := len(g.terms) == 0, ix.groupMatch(g, h.doc) < weightSynonym
		if !uncovered && !missed {
			continue
		}
		r := generalRarity(g.label, pq.lang)
		if uncovered {
			f[featUncoveredRare] = max(f[featUncoveredRare], r)
		}
		if missed {
			f[featMissedGeneral] = max(f[featMissedGeneral], r)
		}
	}
	if pq.values.any() {
		for _, differ := range disagreements(pq.values, readValues(words(), lang)) {
			if differ {
				f[featContradiction]++
			}
		}
	}
	if asked := ix.questionPlaces(terms); len(asked) > 0 && ix.otherPlace(h.doc, asked, ix.termsSaid(words(), lang), terms) {
		f[featContraPlace] = 1
	}
}

// termsSaid returns the term ids of the words of a fact, text of language
// lang: each word's and, in a Spanish fact, its Spanish stem's.
func (ix *Index) termsSaid(toks []token, lang int) map[int32]bool {
	out := make(map[int32]bool, 2*len(toks))
	for _, t := range toks {
		if id, ok := ix.termIDs[t.key]; ok && !t.stop {
			out[id] = true
		}
		if lang == langES && !t.stop && !t.num {
			if id, ok := ix.termIDs[ix.an.spanishKey(t)]; ok {
				out[id] = true
			}
		}
	}
	return out
}

// matchedTokens marks the tokens of a fact, text of language lang, that
// say a term of the question (terms, by id): the word, its family or, in a
// Spanish fact, its Spanish stem.
func (ix *Index) matchedTokens(toks []token, lang int, terms map[int32]int) []bool {
	asked := func(term string) bool {
		id, ok := ix.termIDs[term]
		if ok {
			_, ok = terms[id]
		}
		return ok
	}
	out := make([]bool, len(toks))
	for i, t := range toks {
		if !t.stop {
			out[i] = asked(t.key) || t.fam != "" && asked(t.fam) || lang == langES && !t.num && asked(ix.an.spanishKey(t))
		}
	}
	return out
}

// nearScale is the gap, in words, at which a span of the type asked for
// counts half as near the words matched as one beside them.
const nearScale = 4.0

// typeNearness is how near the words of fact d that the question says
// (matched) its nearest span of type want stands, that says something the
// question does not: 1 beside or among them, falling with the words
// between; 0 when the fact has none or the question asks for no type. A
// fact that says "Sam won the 2024 bake-off" holds the person asked for
// where the question's words are; one that only mentions somebody three
// clauses away may be about something else.
func (ix *Index) typeNearness(d int32, want featureSet, terms map[int32]int, matched []bool) float64 {
	if want == 0 {
		return 0
	}
	best := 0.0
	for _, sp := range ix.forward.spansOf(d) {
		start, end := int(sp.start), int(sp.end)
		if sp.want&want == 0 || end > len(matched) || !novel(ix.forward.spanTerms(sp), terms) {
			continue
		}
		for i, m := range matched {
			if !m {
				continue
			}
			gap := 0
			switch {
			case i < start:
				gap = start - i - 1
			case i >= end:
				gap = i - end
			}
			best = max(best, 1/(1+float64(gap)/nearScale))
		}
	}
	return best
}

// generalRarity is how rare the words of label (one word or a phrase),
// in language lang, are in general use, from 0 for the commonest words to
// 1 for a word no word list has (a name, a term of art): a question word
// the sources lack that is rare in general use names a topic they do not
// cover; a common one is often just the asker's phrasing. English words
// are ranked by their SCOWL size (lang/en/levels.txt); a Spanish word by
// its commonest English translation (lang/es/lexicon.txt), a stop word being
// common and a word of neither list rare. A phrase is as rare as its
// rarest word.
func generalRarity(label string, lang int) float64 {
	r := 0.0
	for _, w := range strings.Fields(label) {
		r = max(r, wordRarity(w, lang))
	}
	return r
}

// wordRarity is generalRarity for one folded word.
func wordRarity(w string, lang int) float64 {
	langs := languages()
	if langs[min(lang, numLanguages-1)].stop[w] {
		return 0
	}
	if lang != langES {
		return englishRarity(w)
	}
	es := langs[langES]
	key := spanishStem(w)
	if inf, ok := es.irregular[w]; ok {
		key = inf
	}
	r, found := 1.0, false
	for _, en := range es.english[key] {
		if !strings.Contains(en, " ") {
			r, found = min(r, englishRarity(fold.String(en))), true
		}
	}
	if !found && isNumber(w) {
		return englishRarity(w)
	}
	return r
}

// englishRarity places an English word's frequency rank between the
// commonest words' (0) and that of a word without a size (1).
func englishRarity(w string) float64 {
	en := languages()[langEN]
	lo, hi := en.levels.lnRank[10], en.levels.lnUnlisted
	if hi <= lo {
		return 1
	}
	return max(0, min(1, (en.rank(w)-lo)/(hi-lo)))
}

// isNumber reports whether w is written in digits.
func isNumber(w string) bool {
	return w != "" && strings.IndexFunc(w, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// maxCachedFacts bounds the facts whose words an index keeps for the
// confidence: all of a small corpus's, one a slot of a large one's.
const maxCachedFacts = 4096

// factWords are one fact's words, as the confidence reads them.
type factWords struct {
	doc  int32
	toks []token
}

// factTokens returns the words of fact d (text, in language lang), read
// once and kept in d's slot of a bounded cache: the confidence reads the
// first facts' words for every question, and reading them was most of its
// cost. The words are never changed once made, so questions answered at
// once share them.
func (ix *Index) factTokens(d int32, text string, lang int) []token {
	if len(ix.factWords) == 0 {
		return ix.readFactTokens(text, lang)
	}
	slot := &ix.factWords[int(d)%len(ix.factWords)]
	if w := slot.Load(); w != nil && w.doc == d {
		return w.toks
	}
	toks := ix.readFactTokens(text, lang)
	slot.Store(&factWords{doc: d, toks: toks})
	return toks
}

// readFactTokens reads a fact's words in its language.
func (ix *Index) readFactTokens(text string, lang int) []token {
	toks := ix.an.tokens(text)
	ix.an.setLanguage(toks, lang)
	return toks
}
