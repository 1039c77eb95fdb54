package match

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agreementbot/agreementbot/internal/editdist"
	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

// BM25 parameters. Facts are single sentences, so length normalisation is
// kept mild.
const (
	bm25K1 = 1.2
	bm25B  = 0.5
)

// Index is an immutable in-memory retrieval index over a corpus: the
// analysed terms of every fact, their BM25 weights, and the word lists used
// for typo tolerance and prefix completion. It is safe for concurrent use.
type Index struct {
	corpus   *knowledge.Corpus
	an       *analyzer
	termIDs  map[string]int32
	postings [][]posting
	idf      []float32
	feats    []featureSet
	// forward holds each fact's words as term ids and the spans of them
	// that hold an answer type: what reranking reads of the best candidates.
	forward forwardIndex
	byID    map[string]int
	paras   map[paraKey]int // into corpus.Paragraphs
	// sourceLang is the language of each source, by id; hasSpanish is set
	// when one of them is Spanish.
	sourceLang map[string]int
	hasSpanish bool

	// Word lists for typo tolerance and prefix completion.
	words      map[string]int // surface word → number of facts using it
	sorted     []string       // words, sorted, for prefix search
	deletions  deletionTable  // word with one letter deleted → words (into sorted)
	idfMissing float32        // the idf of a word no fact has

	topics       []string
	foldedTopics []string // topics folded, for fuzzy matching
	// foldedTranslated are the topics' translations folded, "" where a
	// topic has none, so that a question in the other language finds them.
	foldedTranslated []string
	// completions are what Complete offers: topics, then the phrasings of
	// curated facts; foldedCompletions the same folded.
	completions, foldedCompletions []string
	// phrased maps each phrasing an admin gave a fact (curated, or taught
	// from the dashboard), as phrasingKey reads it, to that fact.
	phrased map[string]int32
	// factLabels are "id words" of each fact, folded, for MatchFacts;
	// made on first use, as most callers never need them.
	factLabels func() []string
	// places are the places the facts name, for telling a fact about
	// another place (see contradiction.go); gathered on first use.
	places func() placeIndex
	// factWords caches the words of the facts the confidence reads
	// (see factTokens), a slot a fact, bounded.
	factWords []atomic.Pointer[factWords]
	scratch   sync.Pool

	// Across languages (see translate.go): docLang is each fact's
	// language and langs the languages of the facts; mirror indexes the
	// facts' translations (nil: none), fact for fact; translator
	// translates questions, waiting at most translateWait; topicsIn
	// holds each topic's language and translation.
	docLang       []uint8
	langs         [numLanguages]bool
	translated    bool // the index is a mirror: of machine translations
	mirror        *Index
	translator    Translator
	translateWait time.Duration
	topicsIn      map[string]topicText
}

type posting struct {
	doc int32
	w   float32 // BM25 term-frequency weight times strength
	s   float32 // strength: how directly the fact says it
}

type paraKey struct {
	source string
	number int
}

// termStat accumulates one term of one fact while indexing.
type termStat struct {
	tf float32
	s  float32
}

// largeCorpus is the number of facts from which indexing runs with a
// tighter garbage collector (see tightGC).
const largeCorpus = 20_000

// buildGCPercent is the garbage collector's target while a large index is
// built: building leaves garbage as fast as it keeps data (postings grow by
// copying), and at the default of 100 the heap would reach twice what is
// kept between collections; with the analysis run by parallel workers, 40
// still let the full analysis of 100,000 facts (BenchmarkScaleAnalyse)
// peak at 272–299 MB. At 25: 255–260 MB, and no slower.
const buildGCPercent = 25

// gcTarget tracks the builds running with a tighter collector. The
// collector's target is one setting for the whole process, so what tracks
// who changed it is one for the whole package: the only package-level
// state here, mirroring the runtime's own.
var gcTarget struct {
	sync.Mutex
	builds int // builds running
	saved  int // the target before the first of them
}

// tightGC lowers the garbage collector's target while a large index is
// built and returns the function that puts it back. Builds may overlap (a
// reload while the command line indexes, or in tests); the target is
// restored when the last one ends.
func tightGC() (restore func()) {
	gcTarget.Lock()
	defer gcTarget.Unlock()
	if gcTarget.builds == 0 {
		gcTarget.saved = debug.SetGCPercent(buildGCPercent)
		if gcTarget.saved < buildGCPercent { // already tighter, or off: leave it
			debug.SetGCPercent(gcTarget.saved)
		}
	}
	gcTarget.builds++
	return func() {
		gcTarget.Lock()
		defer gcTarget.Unlock()
		if gcTarget.builds--; gcTarget.builds == 0 {
			debug.SetGCPercent(gcTarget.saved)
		}
	}
}

// NewIndex analyses the corpus and builds an index over it. A corpus
// without a vocabulary is matched on its words alone.
func NewIndex(c *knowledge.Corpus, opts ...Option) *Index {
	ix, _ := Build(context.Background(), c, opts...) // never ends early
	return ix
}

// Build is NewIndex that stops, with ctx's error, when ctx ends: indexing
// 100,000 facts takes seconds, which a shutting-down bot need not wait.
func Build(ctx context.Context, c *knowledge.Corpus, opts ...Option) (*Index, error) {
	ix, _, err := build(ctx, c, false, defaultSpread(), opts...)
	return ix, err
}

// BuildPrepared is Build that also returns the prepared form of the
// corpus (see Load), for a store to keep beside the facts.
func BuildPrepared(ctx context.Context, c *knowledge.Corpus, opts ...Option) (*Index, *knowledge.Prepared, error) {
	return build(ctx, c, true, defaultSpread(), opts...)
}

// build analyses every fact of c, spreading the work as sp says, and
// indexes them, and their translations when c has some (see mirror);
// with prepare set it also encodes what the analysis found.
func build(ctx context.Context, c *knowledge.Corpus, prepare bool, sp spread, opts ...Option) (*Index, *knowledge.Prepared, error) {
	ix, p, err := analyse(ctx, c, prepare, sp, nil)
	if err != nil {
		return nil, nil, err
	}
	if mc := ix.mirrorCorpus(); mc != nil {
		mirror, mp, err := analyse(ctx, mc, prepare, sp, ix.mirrorLanguages())
		if err != nil {
			return nil, nil, err
		}
		ix.mirror = mirror
		mirror.translated = true
		if p != nil {
			p.Sections = append(p.Sections, mirrorSections(mp)...)
		}
	}
	ix.apply(opts)
	return ix, p, nil
}

// analyse indexes the facts of c, with prepare set also encoding what it
// found. langs gives the sources' languages; nil means tell them from
// their words.
func analyse(ctx context.Context, c *knowledge.Corpus, prepare bool, sp spread, langs map[string]int) (*Index, *knowledge.Prepared, error) {
	if len(c.Facts) >= largeCorpus {
		defer tightGC()()
	}
	ix := newIndex(c)
	c = ix.corpus
	ix.sourceLang = langs
	if langs == nil {
		ix.sourceLang = ix.an.sourceLanguages(c)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("index the sources: %w", err)
	}
	lengths, err := ix.analyseFacts(ctx, sp)
	if err != nil {
		return nil, nil, err
	}
	ix.an.frozen = true
	ix.addVocabularyWords()
	var p *knowledge.Prepared
	if prepare {
		if p, err = ix.prepare(lengths); err != nil {
			return nil, nil, fmt.Errorf("index the sources: %w", err)
		}
	}
	ix.weigh(lengths)
	ix.finishTables()
	return ix, p, nil
}

// newIndex returns an index over c with nothing indexed yet: its
// analyser, and the facts and paragraphs by their keys. A corpus without a
// vocabulary is given an empty one; the caller's corpus is left as it was.
func newIndex(c *knowledge.Corpus) *Index {
	if c.Vocabulary == nil {
		with := *c
		with.Vocabulary = &knowledge.Vocabulary{}
		c = &with
	}
	ix := &Index{
		corpus:  c,
		an:      newAnalyzer(c.Vocabulary),
		termIDs: make(map[string]int32),
		byID:    make(map[string]int, len(c.Facts)),
		paras:   make(map[paraKey]int, len(c.Paragraphs)),
		words:   make(map[string]int),
		feats:   make([]featureSet, len(c.Facts)),
	}
	for i, p := range c.Paragraphs {
		ix.paras[paraKey{p.SourceID, p.Number}] = i
	}
	return ix
}

// finishTables builds what the index derives from its terms and words once
// they are all in: the typo-correction table, the topics and completions.
func (ix *Index) finishTables() {
	c := ix.corpus
	for _, lang := range ix.sourceLang {
		ix.hasSpanish = ix.hasSpanish || lang == langES
		ix.langs[lang] = true
	}
	ix.docLang = make([]uint8, len(c.Facts))
	for i := range c.Facts {
		ix.docLang[i] = uint8(ix.sourceLang[c.Facts[i].Citation.SourceID])
	}
	ix.topicsIn = topicTranslations(c, ix.an, ix.sourceLang)
	ix.deletions = newDeletionTable(ix.sorted)
	ix.topics = ix.buildTopics()
	for _, t := range ix.topics {
		ix.foldedTopics = append(ix.foldedTopics, fold.String(t))
		if ix.topicsIn != nil {
			ix.foldedTranslated = append(ix.foldedTranslated, fold.String(ix.topicsIn[t].translation))
		}
	}
	ix.factLabels = sync.OnceValue(func() []string {
		labels := make([]string, len(c.Facts))
		for i, f := range c.Facts {
			labels[i] = f.ID + " " + fold.String(f.Clean)
		}
		return labels
	})
	ix.places = sync.OnceValue(ix.buildPlaces)
	ix.factWords = make([]atomic.Pointer[factWords], min(len(c.Facts), maxCachedFacts))
	ix.completions = slices.Clone(ix.topics)
	ix.phrased = map[string]int32{}
	ambiguous := map[string]bool{}
	for i, f := range c.Facts {
		ix.completions = append(ix.completions, f.Phrasings...)
		for _, p := range f.Phrasings {
			k := phrasingKey(p)
			if d, ok := ix.phrased[k]; ok && d != int32(i) {
				ambiguous[k] = true
			}
			ix.phrased[k] = int32(i)
		}
	}
	for k := range ambiguous {
		delete(ix.phrased, k) // given to two facts: neither is sure to answer it
	}
	for _, t := range ix.completions {
		ix.foldedCompletions = append(ix.foldedCompletions, fold.String(t))
	}
	ix.scratch.New = func() any { return newScratch(len(c.Facts)) }
}

// termID returns the id of a term, adding it if new.
func (ix *Index) termID(term string) int32 {
	if id, ok := ix.termIDs[term]; ok {
		return id
	}
	id := int32(len(ix.postings))
	ix.termIDs[strings.Clone(term)] = id
	ix.postings = append(ix.postings, nil)
	return id
}

// weigh turns the raw term frequencies of the postings into BM25 weights,
// given each fact's length in words, and computes each term's idf.
func (ix *Index) weigh(lengths []float32) {
	var total float32
	for _, l := range lengths {
		total += l
	}
	avg := total / float32(max(len(lengths), 1))
	n := float64(len(lengths))
	ix.idf = make([]float32, len(ix.postings))
	for id, ps := range ix.postings {
		for j := range ps {
			p := &ps[j]
			norm := bm25K1 * (1 - bm25B + bm25B*lengths[p.doc]/avg)
			p.w = p.w * (bm25K1 + 1) / (p.w + norm) * p.s
		}
		ix.postings[id] = slices.Clip(ps)
		ix.idf[id] = bm25IDF(n, float64(len(ps)))
	}
	ix.idfMissing = bm25IDF(n, 0)
}

// coref carries what a source has said so far, so later sentences can be
// tied to the entities they refer to.
type coref struct {
	named      map[string]bool // entity concepts named so far in the source
	lastPerson string          // the person most recently named
}

// termAdder takes the terms of a fact, with their strengths.
type termAdder interface {
	// add takes a term.
	add(term string, s float32)
	// addWord takes a word's key, and then its family if it has one.
	addWord(t *token, s float32)
}

// docTerms reports the terms of one fact's tokens to terms, with their
// strengths, and returns the fact's question-type features.
func (a *analyzer) docTerms(terms termAdder, toks []token, co *coref, lang int) (featureSet, []typeSpan) {
	feats, spans := a.answerTypes(toks, lang)
	pronouns := languages()[lang].pronouns
	// Names first: a title in apposition before the name ("The US
	// Secretary of State, Antony Blinken, ...") refers to it too.
	for i := range toks {
		a.eachPhrase(a.phrases, toks, i, func(p *phrase) {
			if _, isEntity := a.entities[p.concept]; isEntity && !p.title {
				co.named[p.concept] = true
			}
		})
	}
	pronoun := false
	person := ""
	for i, t := range toks {
		if pronouns[t.lower] {
			pronoun = true
		}
		if !t.stop {
			terms.addWord(&toks[i], strengthDirect)
		}
		a.eachPhrase(a.phrases, toks, i, func(p *phrase) {
			s := float32(strengthDirect)
			if p.title {
				if !co.named[p.concept] {
					return
				}
				s = strengthTitle
			}
			terms.add(p.concept, s)
			e, isEntity := a.entities[p.concept]
			if !isEntity {
				return
			}
			if !p.title {
				co.named[p.concept] = true
			}
			feats |= entityFeature(e)
			spans = append(spans, typeSpan{i, i + len(p.keys), entityFeature(e)})
			if e.Type == knowledge.EntityPerson {
				person = p.concept
			}
		})
	}
	if pronoun && co.lastPerson != "" && co.lastPerson != person {
		terms.add(co.lastPerson, strengthPronoun)
		feats |= hasPerson
	}
	if person != "" {
		co.lastPerson = person
	}
	return feats, spans
}

func entityFeature(e knowledge.Entity) featureSet {
	switch e.Type {
	case knowledge.EntityPerson:
		return hasPerson
	case knowledge.EntityOrganization:
		return hasOrg
	case knowledge.EntityPlace:
		return hasPlace
	}
	return 0
}

// anaphorWindow is how many words into a sentence a word that points
// back may stand ("And then he ...").
const anaphorWindow = 4

func opensWithAnaphor(toks []token, lang int) bool {
	anaphors := languages()[lang].anaphors
	for i := 0; i < len(toks) && i < anaphorWindow; i++ {
		if anaphors[toks[i].lower] {
			return true
		}
	}
	return false
}

func bm25IDF(n, df float64) float32 {
	return float32(math.Log(1 + (n-df+0.5)/(df+0.5)))
}

// addVocabularyWords adds the words of the vocabulary to the known words,
// so a misspelt name is corrected even when the sources only use the
// person's title, and sorts them for prefix search.
func (ix *Index) addVocabularyWords() {
	for _, w := range vocabularyWords(ix.corpus.Vocabulary) {
		for _, t := range ix.an.tokens(w) {
			if !t.stop && !t.num && len(t.lower) >= 3 {
				if _, ok := ix.words[t.lower]; !ok {
					ix.words[t.lower] = 0
				}
			}
		}
	}
	ix.sorted = make([]string, 0, len(ix.words))
	for w := range ix.words {
		ix.sorted = append(ix.sorted, w)
	}
	sort.Strings(ix.sorted)
}

func vocabularyWords(v *knowledge.Vocabulary) []string {
	var out []string
	for _, e := range v.Entities {
		out = append(out, e.Names...)
		out = append(out, e.Titles...)
	}
	for _, g := range v.Synonyms {
		out = append(out, g...)
	}
	return out
}

// deletions returns the distinct strings made by deleting one byte-rune
// of w. Words here are folded, so almost always ASCII.
func deletions(w string) []string {
	r := []rune(w)
	out := make([]string, 0, len(r))
	for i := range r {
		d := string(r[:i]) + string(r[i+1:])
		if len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

// buildTopics lists what the sources served are about, for suggestions
// and completions: the vocabulary's curated topics, then the headings the
// facts sit under, then the display names of the vocabulary's entities the
// facts mention. All of it comes from the corpus, so a corpus gets only
// its own sources' topics.
func (ix *Index) buildTopics() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s != "" && !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	for _, t := range ix.corpus.Vocabulary.Topics {
		add(t)
	}
	for _, f := range ix.corpus.Facts {
		add(f.Citation.Section)
	}
	for _, e := range ix.corpus.Vocabulary.Entities {
		if _, ok := ix.termIDs[conceptPrefix+e.ID]; ok && e.Display != "" {
			add(e.Display)
		}
	}
	return out
}

// Facts returns the indexed facts in source order. The slice is the
// index's own: callers must not modify it.
func (ix *Index) Facts() []knowledge.Fact { return ix.corpus.Facts }

// Sources returns the indexed sources; callers must not modify them.
func (ix *Index) Sources() []knowledge.Source { return ix.corpus.Sources }

// Fact returns the fact with the given id.
func (ix *Index) Fact(id string) (knowledge.Fact, bool) {
	i, ok := ix.byID[id]
	if !ok {
		return knowledge.Fact{}, false
	}
	return ix.corpus.Facts[i], true
}

// Paragraph returns the whole paragraph a fact came from.
func (ix *Index) Paragraph(f knowledge.Fact) (knowledge.Paragraph, bool) {
	i, ok := ix.paras[paraKey{f.Citation.SourceID, f.Citation.Paragraph}]
	if !ok {
		return knowledge.Paragraph{}, false
	}
	return ix.corpus.Paragraphs[i].Paragraph, true
}

// minTypoLength is the shortest word typo tolerance corrects: shorter words
// have too many neighbours one edit away ("hace" is not a typo of "face").
const minTypoLength = 5

// maxTypoLength is the longest word typo tolerance corrects: the search
// for two edits grows with the cube of the length.
const maxTypoLength = 24

// correct returns the known words closest to an unknown word: at edit
// distance 1 (substitution, omission, insertion or transposition), or 2 for
// long words, most frequent first. It returns the distance found.
func (ix *Index) correct(w string) ([]string, int) {
	n := len([]rune(w))
	if n < minTypoLength || n > maxTypoLength {
		return nil, 0
	}
	maxDist := 1
	if n >= 8 {
		maxDist = 2
	}
	cands := map[string]bool{}
	consider := func(d string) {
		if _, ok := ix.words[d]; ok {
			cands[d] = true
		}
		for _, i := range ix.deletions.wordsOf(d) {
			cands[ix.sorted[i]] = true
		}
	}
	consider(w)
	dels := deletions(w)
	for _, d := range dels {
		consider(d)
	}
	best, bestDist := []string(nil), maxDist+1
	check := func() {
		for c := range cands {
			if c == w {
				continue
			}
			d := editdist.Distance(w, c, maxDist)
			if d < bestDist {
				best, bestDist = []string{c}, d
			} else if d == bestDist {
				best = append(best, c)
			}
		}
	}
	check()
	if best == nil && maxDist == 2 {
		for _, d := range dels {
			for _, dd := range deletions(d) {
				consider(dd)
			}
		}
		check()
	}
	slices.SortFunc(best, func(a, b string) int {
		return cmp.Or(cmp.Compare(ix.words[b], ix.words[a]), cmp.Compare(a, b))
	})
	if len(best) > 3 {
		best = best[:3]
	}
	return best, bestDist
}

// complete returns known words that start with prefix, most frequent first.
func (ix *Index) complete(prefix string, limit int) []string {
	i := sort.SearchStrings(ix.sorted, prefix)
	var out []string
	for ; i < len(ix.sorted) && strings.HasPrefix(ix.sorted[i], prefix); i++ {
		if ix.sorted[i] != prefix {
			out = append(out, ix.sorted[i])
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(ix.words[b], ix.words[a]), cmp.Compare(a, b))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// FactCounts returns how many facts each source has, by source id.
func (ix *Index) FactCounts() map[string]int { return ix.corpus.FactCount() }

// Corpus returns the corpus the index was built from. It must not be
// changed.
func (ix *Index) Corpus() *knowledge.Corpus { return ix.corpus }

// languageSample is how many facts of a source tell its language.
const languageSample = 50

// sourceLanguages tells the language of each source from the marker words
// of its first facts.
func (a *analyzer) sourceLanguages(c *knowledge.Corpus) map[string]int {
	type tally struct{ facts, en, es int }
	counts := map[string]*tally{}
	langs := languages()
	var toks []token
	for _, f := range c.Facts {
		t := counts[f.Citation.SourceID]
		if t == nil {
			t = &tally{}
			counts[f.Citation.SourceID] = t
		}
		if t.facts == languageSample {
			continue
		}
		t.facts++
		toks = a.appendTokens(toks[:0], f.Clean)
		for _, tok := range toks {
			if langs[langEN].markers[tok.lower] {
				t.en++
			}
			if langs[langES].markers[tok.lower] {
				t.es++
			}
		}
	}
	out := make(map[string]int, len(counts))
	for id, t := range counts {
		out[id] = langEN
		if t.es > t.en {
			out[id] = langES
		}
	}
	return out
}

// factSpan is a typeSpan kept with the fact, compactly: where it stands in
// the fact's words, its type, and where its words' term ids start in the
// forward index.
type factSpan struct {
	start, end uint16
	want       featureSet
	termAt     uint32
}

// forwardIndex holds, for each fact in order, the spans of its words that
// hold an answer type, with the term ids of their words (-1 for a stop
// word): what reranking reads of the best candidates. It is kept in flat
// arrays: one slice per fact would cost a header and an allocation each,
// which a store of 100,000 facts feels.
type forwardIndex struct {
	spans  []factSpan
	spanAt []uint32 // fact d's spans are spans[spanAt[d]:spanAt[d+1]]
	terms  []int32
}

// spansOf returns fact d's typed spans.
func (fw *forwardIndex) spansOf(d int32) []factSpan {
	return fw.spans[fw.spanAt[d]:fw.spanAt[d+1]]
}

// spanTerms returns the term ids of the words of span sp.
func (fw *forwardIndex) spanTerms(sp factSpan) []int32 {
	return fw.terms[sp.termAt : sp.termAt+uint32(sp.end-sp.start)]
}

// SourceLanguage returns the language a source is written in, as a BCP 47
// base tag ("en", "es"), so that a reply can say which language its quotes
// are in.
func (ix *Index) SourceLanguage(sourceID string) string {
	return languageCodes[ix.sourceLang[sourceID]]
}
