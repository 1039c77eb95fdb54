package match

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"

	"github.com/sahilm/fuzzy"

	"github.com/agreementbot/agreementbot/internal/editdist"
	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

// Answer answers a question with ranked, cited facts, or abstains. Bad input
// (empty, too long) is an error; input with nothing to match (punctuation,
// emoji, off-topic words) is an abstention.
func (ix *Index) Answer(ctx context.Context, question string, opt knowledge.Options) (knowledge.Answer, error) {
	if err := ctx.Err(); err != nil {
		return knowledge.Answer{}, err
	}
	q, err := knowledge.CleanQuestion(question)
	if err != nil {
		return knowledge.Answer{}, err
	}
	opt = opt.Normalize()
	pq := ix.parseQuery(q)
	ans := knowledge.Answer{Question: q, Language: languageCodes[pq.lang]}
	var buf [maxViews]view
	vs := ix.views(ctx, q, pq, buf[:0])
	hits := rankViews(vs, max(opt.Offset+opt.Top+1, minRanked))
	if len(hits) == 0 {
		ans.Suggestions = ix.suggest(pq, hits, maxSuggestions)
		return ans, nil
	}
	m := calibration()
	confidence, _, _ := judge(vs, hits, 0, m)
	if d, ok := ix.phrasedFact(q); ok {
		hits, confidence = phrasedFirst(hits, d), phrasedConfidence
	}
	ans.Confidence = round3(confidence)
	if confidence < opt.Threshold {
		ans.Suggestions = ix.suggest(pq, hits, maxSuggestions)
		return ans, nil
	}
	ans.Answered = true
	ans.Tentative = confidence < opt.ConfidentThreshold
	for i, h := range hits {
		if i > 0 && h.coverage < minFollowerCoverage {
			break
		}
		if i < opt.Offset {
			continue
		}
		if len(ans.Facts) == opt.Top {
			ans.More = true
			break
		}
		score := confidence
		if hits[0].score > 0 {
			score *= h.score / hits[0].score
		}
		sf := knowledge.ScoredFact{Fact: ix.corpus.Facts[h.doc], Score: round3(score)}
		if opt.Explain {
			_, v, vh := judge(vs, hits, i, m)
			sf.Explanation = v.ix.explain(v.pq, vh, v.features(vh, nextHit(v.hits, slices.Index(v.hits, vh))), m)
			sf.Explanation.Translation = v.translation
			if v.ix != ix {
				sf.Explanation.Translation = v.ix.corpus.Facts[h.doc].Clean
			}
		}
		ans.Facts = append(ans.Facts, sf)
	}
	return ans, nil
}

// phrasedConfidence is the confidence in a fact that an admin gave the
// question itself as a phrasing of: they said it answers it.
const phrasedConfidence = 1

// phrasingKey is how a question is compared with the phrasings admins
// gave facts: folded, its words alone (fold.Words, as the taught file's
// duplicates are told).
func phrasingKey(q string) string { return fold.Words(q) }

// phrasedFact returns the fact an admin gave question q as a phrasing
// of, if any.
func (ix *Index) phrasedFact(q string) (int32, bool) {
	if len(ix.phrased) == 0 {
		return 0, false // most sources have no phrasings: spare the folding
	}
	d, ok := ix.phrased[phrasingKey(q)]
	return d, ok
}

// phrasedFirst returns hits with fact d first: moved there when it is
// among them, put there when it is not.
func phrasedFirst(hits []hit, d int32) []hit {
	i := slices.IndexFunc(hits, func(h hit) bool { return h.doc == d })
	h := hit{doc: d, coverage: 1}
	if i >= 0 {
		h, hits = hits[i], slices.Delete(slices.Clone(hits), i, i+1)
	}
	if len(hits) > 0 {
		h.score = max(h.score, hits[0].score)
	}
	return append([]hit{h}, hits...)
}

// nextHit returns the hit after hits[i], or nil.
func nextHit(hits []hit, i int) *hit {
	if i+1 < len(hits) {
		return &hits[i+1]
	}
	return nil
}

// explain says how hit h matched the query.
func (ix *Index) explain(pq query, h hit, f features, m *model) *knowledge.Explanation {
	e := &knowledge.Explanation{Wants: pq.wants, Score: round3(h.score), Features: m.explain(f)}
	for _, g := range pq.groups {
		e.Terms = append(e.Terms, knowledge.TermMatch{Term: g.label, Weight: round3(g.weight), Match: round3(float64(ix.groupMatch(g, h.doc)))})
	}
	e.Evidence = ix.evidence(h.doc, wantFeature(pq.wants), pq.termGroups())
	return e
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// Weights of the alternative terms of a group, relative to the word itself.
const (
	// minRanked is the fewest facts ranked for any question, so that
	// suggestions have something to draw on.
	minRanked = 3
	// maxSuggestions is the most "did you mean" topics offered.
	maxSuggestions = 3
	// minFollowerCoverage is the share of the question's weight that facts
	// after the first must match to be given with it.
	minFollowerCoverage = 0.175
	weightExact         = 1.0
	weightEntity        = 1.0
	weightSynonym       = 0.85
	// weightTranslation is a word of the other language that translates
	// the question's word.
	weightTranslation = 0.8
	weightFamily      = 0.45
	// weightThesaurus is a synonym of the question's word from the
	// general thesaurus (lang/en/thesaurus.txt), weaker than one the
	// vocabulary gives for its sources.
	weightThesaurus = 0.35
	weightPrefix    = 0.6
	weightPart      = 0.5 // one word of a multi-word name
	weightTypo1     = 0.85
	weightTypo2     = 0.7
	// wantBoost multiplies the score of a fact that has what the question
	// word asks for (a date for "when", a person for "who").
	wantBoost = 0.35
	// Scales of the weight of a word no fact has (see unknownWeight).
	unknownNameWeight = 1.0
	unknownWordWeight = 0.6
	// unknownSpecificPenalty multiplies the confidence once for every name
	// or number in the question that no source mentions: "When did Biden
	// meet Putin?" matches Biden and meeting, and "How many migrants were
	// apprehended in 2019?" almost everything, but the sources answer
	// neither.
	unknownSpecificPenalty = 0.5
	// unknownNumberPenalty is the same for a number: a question about 2022
	// is not answered by a fact about 2023, however close the rest.
	unknownNumberPenalty = 0.3
	// typeMismatchPenalty multiplies the confidence in a fact that lacks
	// what the question word asks for: no number for "how many", no date
	// for "when", no person for "who", no place for "where".
	typeMismatchPenalty = 0.45
	// focusBoost multiplies the score of a fact that says the question's
	// focus word itself (see parseQuery).
	focusBoost = 0.3
)

// unknownWeight scales the weight of a word no fact has. A capitalised
// word inside the question is most likely a name the sources never mention
// ("Japan"), strong evidence that the question is about something else; an
// ordinary word ("want", "allow") is often just the asker's phrasing.
func unknownWeight(name bool) float64 {
	if name {
		return unknownNameWeight
	}
	return unknownWordWeight
}

// isName guesses whether a question word is a proper name: capitalised,
// not the question's first word, in a question not written in title case
// or capitals throughout.
func isName(t token, pos int, titleCase bool) bool {
	return t.capital && pos > 0 && !titleCase
}

// isTitleCase reports whether every longer word of a question is
// capitalised ("Who Hosted The Meeting"), in which case capitals say
// nothing about names.
func isTitleCase(toks []token) bool {
	for _, t := range toks {
		if len(t.lower) > 3 && !t.num && !t.capital {
			return false
		}
	}
	return true
}

func conceptWeight(p phrase) float32 {
	if strings.HasPrefix(p.concept, conceptPrefix) {
		return weightEntity
	}
	return weightSynonym
}

func minWeight(ws []float32) float32 {
	m := float32(1)
	for _, w := range ws {
		m = min(m, w)
	}
	return m
}

func (g *group) add(ix *Index, term string, w float32) {
	id, ok := ix.termIDs[term]
	if !ok {
		return
	}
	for i, t := range g.terms {
		if t.id == id {
			g.terms[i].w = max(t.w, w)
			return
		}
	}
	g.terms = append(g.terms, qterm{id: id, w: w})
}

// groupWeight is the idf of the group's main term, or of a word no fact has
// when the index does not know it: an unknown word weighs the most, so a
// question about something else entirely cannot reach the threshold.
func (ix *Index) groupWeight(g group, main string) float64 {
	if id, ok := ix.termIDs[main]; ok {
		return float64(ix.idf[id])
	}
	best := float32(0)
	for _, t := range g.terms {
		best = max(best, ix.idf[t.id]*t.w)
	}
	if best == 0 {
		return float64(ix.idfMissing)
	}
	return float64(best)
}

// known reports whether the index has the token's word, or a phrase begins
// with it.
func (ix *Index) known(t token) bool {
	if _, ok := ix.termIDs[t.key]; ok {
		return true
	}
	if _, ok := ix.words[t.lower]; ok {
		return true
	}
	if _, ok := ix.an.phrases[t.key]; ok {
		return true
	}
	_, ok := ix.an.questions[t.key]
	return ok
}

// correctQuestionWord fixes a misspelt question word ("whre", "hwo") at
// the start of a question. Of question words as near, the one sharing the
// longest beginning with w wins ("wher" is "where", not "when"), then the
// first in alphabetical order: the same every time, whatever order the
// table is walked in.
func (ix *Index) correctQuestionWord(w string) ([]string, int) {
	if len(w) < 3 {
		return nil, 0
	}
	best, bestDist := "", 2
	for key, ps := range ix.an.questions {
		if len(ps) == 0 {
			continue
		}
		d := editdist.Distance(w, key, 1)
		if d < bestDist || d == bestDist && best != "" && nearerQuestionWord(w, key, best) {
			best, bestDist = key, d
		}
	}
	if best == "" {
		return nil, 0
	}
	return []string{best}, bestDist
}

// nearerQuestionWord reports whether question word a is a likelier
// reading of w than b, when both are as far from it: it shares a longer
// beginning with w, or as long a one and comes first alphabetically.
func nearerQuestionWord(w, a, b string) bool {
	pa, pb := commonPrefix(w, a), commonPrefix(w, b)
	if pa != pb {
		return pa > pb
	}
	return a < b
}

// commonPrefix returns how many bytes a and b begin with in common.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// hit is one ranked fact.
type hit struct {
	doc      int32
	score    float64 // ranking score
	coverage float64 // share of the question's weight matched, after penalties
	base     float64 // ranking score before the answer type and focus count
	focused  bool    // the fact says the question's focus word
	// typed is set when the fact holds a span of the type the question asks
	// for that the question does not itself say.
	typed bool
}

// scratch holds the per-fact accumulators of one search, pooled so that a
// search allocates almost nothing.
type scratch struct {
	score, cover   []float32
	gbest, gcover  []float32
	seen, gseen    []bool
	focused        []bool
	touched, gdocs []int32
}

func newScratch(n int) *scratch {
	return &scratch{
		score: make([]float32, n), cover: make([]float32, n),
		gbest: make([]float32, n), gcover: make([]float32, n),
		seen: make([]bool, n), gseen: make([]bool, n), focused: make([]bool, n),
	}
}

// rank scores every fact in language only (langAny: every fact) that
// matches the query and returns the best n.
func (ix *Index) rank(pq query, n int, only int) []hit {
	if pq.total == 0 || len(ix.corpus.Facts) == 0 {
		return nil
	}
	sc := ix.scratch.Get().(*scratch)
	defer ix.scratch.Put(sc)
	sc.touched = sc.touched[:0]
	for _, g := range pq.groups {
		sc.gdocs = sc.gdocs[:0]
		for _, t := range g.terms {
			idf := ix.idf[t.id]
			for _, p := range ix.postings[t.id] {
				d := p.doc
				if !sc.gseen[d] {
					sc.gseen[d] = true
					sc.gdocs = append(sc.gdocs, d)
				}
				sc.gbest[d] = max(sc.gbest[d], idf*t.w*p.w)
				sc.gcover[d] = max(sc.gcover[d], t.w*p.s)
			}
		}
		gw := float32(g.weight)
		for _, d := range sc.gdocs {
			if !sc.seen[d] {
				sc.seen[d] = true
				sc.touched = append(sc.touched, d)
			}
			sc.score[d] += sc.gbest[d]
			sc.cover[d] += gw * sc.gcover[d]
			if g.focus && sc.gcover[d] >= weightSynonym {
				sc.focused[d] = true
			}
			sc.gbest[d], sc.gcover[d], sc.gseen[d] = 0, 0, false
		}
	}
	want := wantFeature(pq.wants)
	depth := max(n, rerankDepth)
	top := make([]hit, 0, depth+1)
	for _, d := range sc.touched {
		if only != langAny && int(ix.docLang[d]) != only {
			sc.score[d], sc.cover[d], sc.seen[d], sc.focused[d] = 0, 0, false, false
			continue
		}
		cov := float64(sc.cover[d]) / pq.total * math.Pow(unknownSpecificPenalty, float64(pq.unknownSpecifics)) *
			math.Pow(unknownNumberPenalty, float64(pq.unknownNumbers))
		base := float64(sc.score[d]) * math.Sqrt(cov)
		s := base
		if want != 0 && ix.feats[d]&want != 0 {
			s *= 1 + wantBoost // a first guess, which rerank refines
		}
		h := hit{doc: d, score: s, base: base, coverage: min(cov, 1), focused: sc.focused[d]}
		sc.score[d], sc.cover[d], sc.seen[d], sc.focused[d] = 0, 0, false, false
		top = insertHit(top, h, depth)
	}
	return ix.rerank(pq, top, n)
}

// insertHit keeps in top the best n hits seen, as a heap whose root is the
// worst of them, so that each of many candidates costs a comparison or a
// few; sortHits orders them at the end.
func insertHit(top []hit, h hit, n int) []hit {
	if len(top) < n {
		top = append(top, h)
		for i := len(top) - 1; i > 0; {
			parent := (i - 1) / 2
			if !better(top[parent], top[i]) {
				break
			}
			top[parent], top[i] = top[i], top[parent]
			i = parent
		}
		return top
	}
	if !better(h, top[0]) {
		return top
	}
	top[0] = h
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(top) && better(top[worst], top[l]) {
			worst = l
		}
		if r < len(top) && better(top[worst], top[r]) {
			worst = r
		}
		if worst == i {
			return top
		}
		top[i], top[worst] = top[worst], top[i]
		i = worst
	}
}

func better(a, b hit) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// suggest offers up to n topics related to what the question did match
// (the headings and the people, places and bodies of the facts it came
// closest to), topics whose names fuzzily match its words, and to make up
// the number the topics of the sources served, curated ones first (see
// buildTopics). A corpus without curated topics or headings gets only
// what its facts suggest, or none.
func (ix *Index) suggest(pq query, hits []hit, n int) []string {
	scores := map[string]int{}
	order := []string{}
	bump := func(topic string, by int) {
		if topic == "" {
			return
		}
		if _, ok := scores[topic]; !ok {
			order = append(order, topic)
		}
		scores[topic] += by
	}
	for _, w := range pq.words {
		if len(w) < 3 {
			continue
		}
		for _, topics := range [2][]string{ix.foldedTopics, ix.foldedTranslated} {
			if len(topics) == 0 {
				continue // fuzzy.Find allocates even then
			}
			for _, m := range fuzzy.Find(w, topics) {
				if wordPrefixMatch(m) {
					bump(ix.topics[m.Index], 100+m.Score)
				}
			}
		}
	}
	for rank, h := range hits {
		f := ix.corpus.Facts[h.doc]
		if h.coverage > 0.15 {
			bump(f.Citation.Section, 10-rank)
			for _, e := range ix.mentions(h.doc) {
				bump(e, 10-rank)
			}
		}
	}
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(scores[b], scores[a]) })
	if len(order) < n {
		for _, t := range ix.topics {
			if _, ok := scores[t]; !ok {
				order = append(order, t)
				scores[t] = 0
			}
		}
	}
	if len(order) > n {
		order = order[:n]
	}
	for i, t := range order {
		order[i] = ix.topicIn(t, pq.lang)
	}
	return order
}

// topicIn returns topic in language lang: its translation, when it is
// written in the other language and has one, else as it is.
func (ix *Index) topicIn(topic string, lang int) string {
	if tt, ok := ix.topicsIn[topic]; ok && tt.lang != lang && tt.translation != "" {
		return tt.translation
	}
	return topic
}

// wordPrefixMatch accepts a fuzzy match only when the pattern matched the
// start of a word of the topic and stayed contiguous: sahilm/fuzzy matches
// any subsequence, which for suggestions is too loose.
func wordPrefixMatch(m fuzzy.Match) bool {
	if len(m.MatchedIndexes) == 0 {
		return false
	}
	first := m.MatchedIndexes[0]
	if first > 0 && m.Str[first-1] != ' ' {
		return false
	}
	for i := 1; i < len(m.MatchedIndexes); i++ {
		if m.MatchedIndexes[i] != m.MatchedIndexes[i-1]+1 {
			return false
		}
	}
	return true
}

// mentions lists the display names of the entities a fact names directly.
func (ix *Index) mentions(doc int32) []string {
	var out []string
	for _, e := range ix.corpus.Vocabulary.Entities {
		id, ok := ix.termIDs[conceptPrefix+e.ID]
		if !ok || e.Display == "" || e.Type == knowledge.EntityCountry {
			continue
		}
		for _, p := range ix.postings[id] {
			if p.doc == doc && p.s >= strengthDirect {
				out = append(out, e.Display)
				break
			}
		}
	}
	return out
}

// Complete suggests up to n questions or topics for what a user has typed
// so far: the curated topics, section headings, entities and the
// alternative phrasings of curated facts, ranked with sahilm/fuzzy (made
// for exactly this kind of as-you-type matching). With nothing typed it
// returns the first topics.
func (ix *Index) Complete(typed string, n int) []string {
	typed = strings.TrimSpace(fold.String(typed))
	if typed == "" {
		return slices.Clone(ix.completions[:min(n, len(ix.completions))])
	}
	matches := fuzzy.Find(typed, ix.foldedCompletions)
	out := make([]string, 0, min(n, len(matches)))
	for _, m := range matches {
		if len(out) == n {
			break
		}
		out = append(out, ix.completions[m.Index])
	}
	return out
}

// MatchFacts returns up to n facts whose id or words match what a user has
// typed, best first, for picking a fact by id. With nothing typed it
// returns the first facts.
func (ix *Index) MatchFacts(typed string, n int) []knowledge.Fact {
	facts := ix.corpus.Facts
	typed = strings.TrimSpace(fold.String(typed))
	if typed == "" {
		return slices.Clone(facts[:min(n, len(facts))])
	}
	if i, ok := ix.byID[typed]; ok {
		return []knowledge.Fact{facts[i]}
	}
	matches := fuzzy.Find(typed, ix.factLabels())
	out := make([]knowledge.Fact, 0, min(n, len(matches)))
	for _, m := range matches {
		if len(out) == n {
			break
		}
		out = append(out, facts[m.Index])
	}
	return out
}

// Language tells the language text is written in, as Answer does a
// question's: "en" or "es".
func (ix *Index) Language(text string) string {
	toks := ix.an.tokens(text)
	return languageCodes[detectLanguage(toks, strings.HasPrefix(text, "¿") || strings.HasPrefix(text, "¡"))]
}
