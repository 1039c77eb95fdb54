package match

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/spanish"

	"github.com/agreementbot/agreementbot/internal/editdist"
	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

// Term namespaces. A plain stem has no prefix; the others cannot collide
// with a stem because a stem never starts with punctuation.
const (
	conceptPrefix = "@" // an entity: "@blinken"
	synonymPrefix = "=" // a synonym group: "=3"
	familyPrefix  = "~" // a word family: the first letters of a long word
	familyLen     = 6   // letters in a word family key: "countr" is not "county"
)

// Strengths of a term in a fact: how directly the fact says it.
const (
	strengthDirect  = 1.0  // the word or name is in the fact
	strengthTitle   = 0.75 // a title that refers to an entity named earlier
	strengthPronoun = 0.55 // a pronoun that refers to the last person named
	strengthContext = 0.3  // a word of the sentence before, in the same paragraph
	strengthAnaphor = 0.5  // ... when the fact opens with a word that points back
)

// token is one word of analyzed text.
type token struct {
	lower   string // folded, lower case, spelling variant applied
	key     string // the stem the index matches on
	fam     string // the word-family term ("~migra"), or empty
	upper   bool   // written in capitals in the original (an acronym)
	capital bool   // written with a capital first letter
	stop    bool   // a stop word
	num     bool   // a number such as 2.4 or 285000
	gap     bool   // a punctuation mark other than a full stop stands before it
	// terms is, while a worker indexes facts, the worker's entry for the
	// terms of the word plus one (see factAnalyser.label); else 0.
	terms int32
}

// analyzer turns text into tokens and matching terms using a compiled
// vocabulary. It is immutable after construction and safe for concurrent use.
type analyzer struct {
	stop map[string]bool // the vocabulary's stop words
	// stopIn are the stop words of text in each language, and of langAny.
	stopIn   [numLanguages + 1]map[string]bool
	variants map[string]string
	repairs  map[string][]string
	phrases  map[string][]phrase // by the key of their first token
	// spanish holds the same phrases keyed by Spanish stems, for Spanish
	// questions ("combatirán" and "combatir" share a Spanish stem); made on
	// the first Spanish question, so indexing never pays for it.
	spanish       func() map[string][]phrase
	phraseSources []phraseSource              // each phrase added with its tokens, for spanish
	questions     map[string][]phrase         // question phrases, by first key
	entities      map[string]knowledge.Entity // by concept term ("@id")
	synonyms      [][]string
	stems         map[string]wordForms        // cache, filled while indexing only
	kindTerms     map[knowledge.Kind][]string // terms every fact of a kind carries (see kindWords)
	longStops     []string                    // stop words long enough to be corrected to
	frozen        bool                        // set once indexing is done: stems is read-only
	// esStems caches Spanish stems by word, safe for concurrent questions;
	// esStemCount counts what was stored, to bound it.
	esStems     sync.Map
	esStemCount atomic.Int64
}

// phrase is a multi-word (or single-word) name, title or synonym.
type phrase struct {
	keys     []string
	concept  string // "@id" or "=n"; for question phrases the wanted type
	title    bool   // an entity title: resolved by coreference in sources
	caseSens bool   // an acronym that is also a common word ("US" but not "us")
}

func newAnalyzer(v *knowledge.Vocabulary) *analyzer {
	a := &analyzer{
		stop:      make(map[string]bool, len(v.StopWords)),
		variants:  make(map[string]string, len(v.Variants)),
		repairs:   make(map[string][]string, len(v.Repairs)),
		phrases:   make(map[string][]phrase),
		questions: make(map[string][]phrase),
		entities:  make(map[string]knowledge.Entity, len(v.Entities)),
		stems:     make(map[string]wordForms),
	}
	for _, w := range v.StopWords {
		a.stop[fold.String(w)] = true
	}
	a.stopIn = stopWordsByLanguage(a.stop)
	for _, l := range languages() {
		for w := range l.stop {
			a.forms(w) // every question has some: stem them once, here
		}
	}
	a.longStops = longStopWords(a.stop)
	for from, to := range v.Variants {
		a.variants[fold.String(from)] = fold.String(to)
	}
	for from, to := range v.Repairs {
		a.repairs[fold.String(from)] = strings.Fields(fold.String(to))
	}
	for _, e := range v.Entities {
		concept := conceptPrefix + e.ID
		a.entities[concept] = e
		for _, n := range e.Names {
			a.addPhrase(a.phrases, n, concept, false)
		}
		for _, n := range e.Titles {
			a.addPhrase(a.phrases, n, concept, true)
		}
	}
	for i, group := range v.Synonyms {
		concept := synonymPrefix + strconv.Itoa(i)
		for _, w := range group {
			a.addPhrase(a.phrases, w, concept, false)
		}
	}
	a.synonyms = v.Synonyms
	for _, l := range languages() {
		for w, want := range l.questions {
			a.addPhrase(a.questions, w, want, false)
		}
	}
	for w, want := range v.QuestionWords {
		a.addPhrase(a.questions, w, want, false)
	}
	a.spanish = sync.OnceValue(a.spanishPhrases)
	a.kindTerms = map[knowledge.Kind][]string{}
	for k, words := range kindWords {
		for _, t := range a.tokens(words) {
			if !t.stop {
				a.kindTerms[k] = append(a.kindTerms[k], t.key)
			}
		}
	}
	return a
}

// kindWords are what people call each kind of fact: "the photo", "her
// tweet", "the sources of the article". Facts of the kind carry them,
// weakly, so such questions find them though the words are not in the
// text.
var kindWords = map[knowledge.Kind]string{
	knowledge.KindCaption: "photo picture image caption photograph",
	knowledge.KindTweet:   "tweet twitter post posted social media",
	knowledge.KindQuote:   "quote quoted",
	knowledge.KindCredit:  "source sources credit credits reporting agency agencies written author",
}

// stopWordsByLanguage returns, for each language and for langAny, the set
// of its stop words and the vocabulary's, so that telling a stop word
// takes one look-up.
func stopWordsByLanguage(vocabulary map[string]bool) [numLanguages + 1]map[string]bool {
	var out [numLanguages + 1]map[string]bool
	out[langAny] = maps.Clone(vocabulary)
	for i, l := range languages() {
		out[i] = maps.Clone(vocabulary)
		for w := range l.stop {
			out[i][w] = true
			out[langAny][w] = true
		}
	}
	return out
}

// longStopWords are the stop words of the vocabulary and of every language
// long enough to be taken for misspelt (see nearStopWord).
func longStopWords(vocabulary map[string]bool) []string {
	seen := map[string]bool{}
	var out []string
	add := func(w string) {
		if !seen[w] && len(w) >= minStopTypoLength {
			seen[w] = true
			out = append(out, w)
		}
	}
	for w := range vocabulary {
		add(w)
	}
	for _, l := range languages() {
		for w := range l.stop {
			add(w)
		}
	}
	slices.Sort(out)
	return out
}

func (a *analyzer) addPhrase(into map[string][]phrase, text, concept string, title bool) {
	isQuestion := wantFeature(concept) != 0
	toks := a.tokens(text)
	if len(toks) == 0 {
		return
	}
	p := phrase{concept: concept, title: title}
	for _, t := range toks {
		p.keys = append(p.keys, t.key)
	}
	// An all-capitals name whose lower-case form is an ordinary stop word
	// ("US" / "us") only matches when written in capitals.
	if len(toks) == 1 && toks[0].upper && a.isStop(toks[0].lower, langAny) {
		p.caseSens = true
	}
	// A phrase made only of stop words would fire everywhere.
	if len(toks) == 1 && a.isStop(toks[0].lower, langAny) && !p.caseSens && !isQuestion {
		return
	}
	into[p.keys[0]] = append(into[p.keys[0]], p)
	if !isQuestion {
		a.phraseSources = append(a.phraseSources, phraseSource{toks: toks, p: p})
	}
}

// phraseSource is a phrase with the tokens it was made from.
type phraseSource struct {
	toks []token
	p    phrase
}

// spanishPhrases keys every name, title and synonym phrase by the Spanish
// stems of its words.
func (a *analyzer) spanishPhrases() map[string][]phrase {
	out := make(map[string][]phrase, len(a.phraseSources))
	for _, src := range a.phraseSources {
		es := src.p
		es.keys = make([]string, len(src.toks))
		for i, t := range src.toks {
			es.keys[i] = spanishKey(t)
		}
		out[es.keys[0]] = append(out[es.keys[0]], es)
	}
	return out
}

// maxSpanishStems bounds the cache of Spanish stems, which questions fill
// with any words people type.
const maxSpanishStems = 50_000

// spanishKey is spanishKey through the analyzer's cache: stemming a
// Spanish word takes several microseconds, and questions repeat words.
func (a *analyzer) spanishKey(t token) string {
	if t.num || len(t.lower) < 3 {
		return t.key
	}
	if k, ok := a.esStems.Load(t.lower); ok {
		return k.(string)
	}
	k := spanishKey(t)
	if a.esStemCount.Add(1) <= maxSpanishStems {
		a.esStems.Store(strings.Clone(t.lower), k)
	}
	return k
}

// spanishKey is a token's key under the Spanish stemmer.
func spanishKey(t token) string {
	if t.num || len(t.lower) < 3 || !isAlpha(t.lower) {
		return t.key
	}
	return spanish.Stem(spanishSingular(t.lower), true)
}

// spanishSingular returns the singular of a Spanish plural in -es after
// r, l, n, d or j ("cancilleres", "lugares", "ciudades"), and any other
// word as it is. The Snowball stemmer cuts -er, -ar and -ir from the
// singular as a verb ending but keeps them in the plural ("canciller" →
// cancill, "cancilleres" → canciller), so the two would never match;
// stemming the singular gives both one stem.
func spanishSingular(w string) string {
	n := len(w)
	if n < 6 || !strings.HasSuffix(w, "es") || !strings.ContainsRune("rlndj", rune(w[n-3])) {
		return w
	}
	return w[:n-2]
}

// wordForms are the matching terms derived from one word.
type wordForms struct {
	key string // stem
	fam string // word-family term, or empty
}

// minStopTypoLength is the shortest word taken for a misspelt stop word:
// shorter ones are too often real words ("world" is one edit from
// "would").
const minStopTypoLength = 6

// nearStopWord reports whether w is one edit away from a stop word of
// six letters or more.
func (a *analyzer) nearStopWord(w string) bool {
	if len(w) < minStopTypoLength-1 || len(w) > 20 {
		return false
	}
	for _, s := range a.longStops {
		if d := len(s) - len(w); d >= -1 && d <= 1 && editdist.Distance(w, s, 1) <= 1 {
			return true
		}
	}
	return false
}

// stem returns the matching key of a folded lower-case word.
func (a *analyzer) stem(w string) string { return a.forms(w).key }

// forms returns the stem and word-family term of a folded lower-case word,
// caching them while the index is being built so that indexing a large
// corpus stems each distinct word once.
func (a *analyzer) forms(w string) wordForms { return a.formsIn(w, nil) }

// wordCache holds what one indexing worker has made of the words it
// met: their forms, so that workers analysing facts in parallel never
// write the analyzer's own cache, which they read (see analyseFacts), and
// their tokens, as the words are written, as a corpus repeats its words.
type wordCache struct {
	forms  map[string]wordForms
	tokens map[string][]token
	// label is called with the tokens of each new word before they are
	// kept, so the owner of the cache may mark them.
	label func(toks []token)
}

// newWordCache returns an empty cache that calls label with each word's
// new tokens.
func newWordCache(label func(toks []token)) *wordCache {
	return &wordCache{forms: map[string]wordForms{}, tokens: map[string][]token{}, label: label}
}

// formsIn is forms caching in cache, when it is not nil, instead of in the
// analyzer.
func (a *analyzer) formsIn(w string, cache *wordCache) wordForms {
	if f, ok := a.stems[w]; ok {
		return f
	}
	if cache != nil {
		if f, ok := cache.forms[w]; ok {
			return f
		}
	}
	f := wordForms{key: stemWord(w), fam: familyOf(w)}
	switch {
	case cache != nil:
		cache.forms[strings.Clone(w)] = f
	case !a.frozen:
		a.stems[strings.Clone(w)] = f
	}
	return f
}

// familyOf returns the word-family term of a folded lower-case word, or
// "" for a short word or one with other characters than letters.
func familyOf(w string) string {
	if len(w) > familyLen && isAlpha(w) {
		return familyPrefix + w[:familyLen]
	}
	return ""
}

func stemWord(w string) string {
	if len(w) < 3 || !isAlpha(w) {
		return w
	}
	return english.Stem(w, true)
}

func isAlpha(w string) bool {
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// tokens splits text into words: letters and digits, numbers kept whole
// ("2.4", "285,000" → "285000"), dotted acronyms joined ("U.S." → "us"),
// possessive endings dropped, and run-together words repaired.
func (a *analyzer) tokens(text string) []token { return a.tokensIn(text, nil) }

// tokensIn is tokens, using and filling cache when it is not nil.
func (a *analyzer) tokensIn(text string, cache *wordCache) []token {
	return a.appendTokensIn(make([]token, 0, len(text)/6+1), text, cache)
}

// appendTokens is tokens appending to out, so a caller can reuse a buffer.
func (a *analyzer) appendTokens(out []token, text string) []token {
	return a.appendTokensIn(out, text, nil)
}

// appendTokensIn is appendTokens, using and filling cache when it is not
// nil.
func (a *analyzer) appendTokensIn(out []token, text string, cache *wordCache) []token {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	raw := fold.KeepCase(text)
	i := 0
	gap := false
	for i < len(raw) {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if !isWordRune(r) {
			// A dash between spaces is a gap; inside a word it joins it.
			gap = gap || isGapRune(r) || r == '-' && i > 0 && raw[i-1] == ' '
			i += size
			continue
		}
		start := i
		word, next := scanWord(raw, i)
		i = next
		// Drop the "s" of a possessive and the "t" of a contraction.
		if start > 0 && raw[start-1] == '\'' && (word == "s" || word == "S" || word == "t") {
			continue
		}
		n := len(out)
		out = a.appendToken(out, word, cache)
		if gap && len(out) > n {
			out[n].gap = true
		}
		gap = false
	}
	return out
}

// isGapRune reports whether r separates the words around it as a comma,
// bracket, quotation mark or dash does: a name does not run across it
// ("Mexico, Alicia Bárcena"). A full stop does not count, for it also ends
// abbreviations ("St. Louis").
func isGapRune(r rune) bool {
	return unicode.IsPunct(r) && r != '.' && r != '\'' && r != '-' && r != '’' && r != '&'
}

// maxWordLength bounds a token: nothing in any language needs more, and
// typo tolerance on a long word costs its length cubed.
const maxWordLength = 40

// appendToken appends the tokens of a word, as written, to out, from
// cache when it holds them.
func (a *analyzer) appendToken(out []token, word string, cache *wordCache) []token {
	if cache == nil {
		return a.makeTokens(out, word, nil)
	}
	if toks, ok := cache.tokens[word]; ok {
		return append(out, toks...)
	}
	n := len(out)
	out = a.makeTokens(out, word, cache)
	toks := slices.Clone(out[n:])
	for i, t := range toks {
		// The words may be cut from the text: keep only their own bytes.
		toks[i].lower = strings.Clone(t.lower)
		if t.key == t.lower {
			toks[i].key = toks[i].lower
		}
	}
	cache.label(toks)
	cache.tokens[strings.Clone(word)] = toks
	return append(out[:n], toks...)
}

// makeTokens appends the tokens of word to out: one, or the parts of a
// run-together word.
func (a *analyzer) makeTokens(out []token, word string, cache *wordCache) []token {
	if len(word) > maxWordLength {
		word = truncateWord(word, maxWordLength)
	}
	upper := isAllCaps(word)
	first, _ := utf8.DecodeRuneInString(word)
	capital := unicode.IsUpper(first)
	lower := strings.ToLower(word)
	if parts, ok := a.repairs[lower]; ok {
		for _, p := range parts {
			if p != "" {
				out = append(out, a.makeTokenIn(p, false, cache))
			}
		}
		return out
	}
	t := a.makeTokenIn(lower, upper, cache)
	t.capital = capital
	return append(out, t)
}

func (a *analyzer) makeToken(lower string, upper bool) token { return a.makeTokenIn(lower, upper, nil) }

// makeTokenIn is makeToken caching the word's forms in cache (see formsIn).
func (a *analyzer) makeTokenIn(lower string, upper bool, cache *wordCache) token {
	if v, ok := a.variants[lower]; ok && v != "" {
		lower = v
	}
	t := token{lower: lower, upper: upper, stop: a.isStop(lower, langAny)}
	if lower != "" && lower[0] >= '0' && lower[0] <= '9' {
		t.num = true
		t.key = strings.ReplaceAll(lower, ",", "")
		return t
	}
	f := a.formsIn(lower, cache)
	t.key, t.fam = f.key, f.fam
	return t
}

// isStop reports whether w is a stop word of text in language lang: one
// of the vocabulary's, or of that language (of any, for langAny).
func (a *analyzer) isStop(w string, lang int) bool {
	return a.stopIn[lang][w]
}

// setLanguage marks the stop words of toks as text of language lang:
// a word is never dropped for being a stop word of another language ("son"
// in English, "the" in Spanish).
func (a *analyzer) setLanguage(toks []token, lang int) {
	for i := range toks {
		if !toks[i].num {
			toks[i].stop = a.isStop(toks[i].lower, lang)
		}
	}
}

// truncateWord cuts w to at most n bytes at a rune boundary.
func truncateWord(w string, n int) string {
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}

// isAllCaps reports whether every letter of s is upper case and it has
// one at least ("US", "AFP"), without allocating.
func isAllCaps(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// scanWord reads the word starting at raw[i] and returns it with the index
// just past it. Digits may hold '.' or ',' between them ("2.4", "285,000");
// single letters joined by dots form one acronym ("U.S." → "US").
func scanWord(raw string, i int) (string, int) {
	start := i
	for i < len(raw) {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if isWordRune(r) {
			i += size
			continue
		}
		if (r == '.' || r == ',') && i > start && i+1 < len(raw) && isDigit(raw[i-1]) && isDigit(raw[i+1]) {
			i++
			continue
		}
		break
	}
	word := raw[start:i]
	if len(word) != 1 || !isASCIILetter(word[0]) {
		return word, i
	}
	acronym := []byte(word)
	for i+1 < len(raw) && raw[i] == '.' && isASCIILetter(raw[i+1]) && (i+2 == len(raw) || !isWordByte(raw[i+2])) {
		acronym = append(acronym, raw[i+1])
		i += 2
	}
	return string(acronym), i
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isWordByte(c byte) bool    { return isASCIILetter(c) || isDigit(c) || c >= utf8.RuneSelf }

// eachPhrase calls fn for every phrase of table that matches toks starting
// at i.
func (a *analyzer) eachPhrase(table map[string][]phrase, toks []token, i int, fn func(p *phrase)) {
	cands := table[toks[i].key]
	for c := range cands {
		p := &cands[c]
		if i+len(p.keys) > len(toks) || (p.caseSens && !toks[i].upper) {
			continue
		}
		ok := true
		for j, k := range p.keys {
			if toks[i+j].key != k {
				ok = false
				break
			}
		}
		if ok {
			fn(p)
		}
	}
}

// longestPhrase returns the longest phrase of table matching toks at i.
func (a *analyzer) longestPhrase(table map[string][]phrase, toks []token, i int) (phrase, bool) {
	var best *phrase
	a.eachPhrase(table, toks, i, func(p *phrase) {
		if best == nil || len(p.keys) > len(best.keys) {
			best = p
		}
	})
	if best == nil {
		return phrase{}, false
	}
	return *best, true
}

// titleOfAnother reports whether the title phrase p at toks[i] is qualified
// by a country other than its holder's: "the president of Mexico" or
// "Guatemala's president" when the vocabulary gives "president" to the US
// president.
func (a *analyzer) titleOfAnother(toks []token, i int, p phrase) bool {
	e, ok := a.entities[p.concept]
	if !ok || e.Country == "" {
		return false
	}
	own := conceptPrefix + e.Country
	other := func(k int, endAt int) bool {
		c, ok := a.longestPhrase(a.phrases, toks, k)
		if !ok || (endAt >= 0 && k+len(c.keys) != endAt) {
			return false
		}
		ce, isEntity := a.entities[c.concept]
		return isEntity && ce.Type == knowledge.EntityCountry && c.concept != own
	}
	for k := max(0, i-3); k < i; k++ {
		if other(k, i) {
			return true
		}
	}
	j := i + len(p.keys)
	if j+1 < len(toks) && (toks[j].lower == "of" || toks[j].lower == "de") {
		if toks[j+1].lower == "the" && j+2 < len(toks) {
			j++
		}
		return other(j+1, -1)
	}
	return false
}

// features a fact can have that question types look for.
type featureSet uint8

const (
	hasDate featureSet = 1 << iota
	hasNumber
	hasPerson
	hasPlace
	hasReason
	hasOrg
)

// wantFeature returns the features that answer a question asking for
// want. "Who" asks for a person: a country, a city or an organisation is
// no answer to "who represented Guatemala?".
func wantFeature(want string) featureSet {
	switch want {
	case knowledge.WantDate:
		return hasDate
	case knowledge.WantNumber:
		return hasNumber
	case knowledge.WantPerson:
		return hasPerson
	case knowledge.WantPlace:
		return hasPlace
	case knowledge.WantReason:
		return hasReason
	case knowledge.WantOrganization:
		return hasOrg | hasPerson // a body, or a group of people: "the Huguenots"
	}
	return 0
}

// phraseLen returns the length of the first of phrases (lower-case words)
// that begins at toks[i], or 0 when none does.
func phraseLen(toks []token, i int, phrases [][]string) int {
	for _, p := range phrases {
		if i+len(p) > len(toks) {
			continue
		}
		match := true
		for j, w := range p {
			if toks[i+j].lower != w {
				match = false
				break
			}
		}
		if match {
			return len(p)
		}
	}
	return 0
}
