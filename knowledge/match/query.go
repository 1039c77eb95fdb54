package match

import (
	"slices"
	"strings"
	"unicode"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

// query is a question analysed for matching.
type query struct {
	groups []group
	lang   int // the question's language
	wants  string
	words  []string // content words, for suggestions
	total  float64  // sum of group weights
	// unknownSpecifics counts the names, topic words and counted things
	// ("how many kilometers") in the question that no source has;
	// unknownNumbers the numbers (years, counts).
	unknownSpecifics, unknownNumbers int
	// values are the years, weekdays, roles ... the question names, that
	// a fact may contradict (see contradiction.go).
	values namedValues
}

// group is one thing the question asks about (a word, a name, a phrase),
// with the alternative terms that count as matching it. A fact scores the
// best of the alternatives, so a word and its synonym are not counted twice.
type group struct {
	label  string // the word or phrase as the question has it, for explanations
	terms  []qterm
	weight float64 // how much the group matters: the idf of its main term
	focus  bool    // the word the question asks about ("how many X")
	// plainWord is set for a word no source has that is nonetheless an
	// ordinary word of the language (the asker's phrasing), as opposed to a
	// name, a number or a word no dictionary knows.
	plainWord bool
}

type qterm struct {
	id int32
	w  float32
}

// Bounds of question analysis.
const (
	// maxQueryTokens is the most words of a question that are analysed; a
	// real question has far fewer, and the bound keeps every answer fast.
	maxQueryTokens = 64
	// questionPhraseWindow is how far into a question its question phrase
	// ("how many", "in which city") may start.
	questionPhraseWindow = 4
	// questionWordTypoWindow is how far into a question a misspelt question
	// word ("whre") is looked for.
	questionWordTypoWindow = 3
	// minCompletedWord is the shortest unknown word completed as a prefix
	// ("deport" → deportation, deportations).
	minCompletedWord = 4
	// maxCompletions is the most completions of one unknown word.
	maxCompletions = 4
)

// queryParser turns a question into a query, one stage a method, in the
// manner of go/parser: typo correction, Spanish keys, the question phrase,
// the topic and focus, then a group per word or phrase.
type queryParser struct {
	ix   *Index
	q    string
	toks []token
	// weights[i] is how sure the i'th word is: 1, or less once corrected.
	weights []float32
	// unknown[i] is set for a word no fact has and no correction found.
	unknown []bool
	// spanish is set for a question in Spanish; esToks are then its tokens
	// keyed by Spanish stems, to look vocabulary phrases up by.
	spanish bool
	esToks  []token
	esKeys  []string // each token's Spanish stem, for a Spanish question
	// accented holds the question's words written with an accent, folded:
	// a word someone took care to accent is no typo ("escribió").
	accented map[string]bool
	lang     int // the question's language (langAny: not told yet)
	start    int // first token after the question phrase
	topic    int // the topic marker ("about"), or -1
	focus    int // the focus word ("how many X", "which X"), or -1
	out      query
}

// parseQuery analyses a question for matching.
func (ix *Index) parseQuery(q string) query { return ix.parseQueryIn(q, langAny) }

// parseQueryIn analyses a question written in language lang (langAny:
// the one its words tell) for matching.
func (ix *Index) parseQueryIn(q string, lang int) query {
	q = stripMarkup(q)
	toks := ix.an.tokens(q)
	p := &queryParser{ix: ix, q: q, toks: toks[:min(len(toks), maxQueryTokens)], topic: -1, focus: -1, lang: lang}
	p.correctWords()
	p.out.lang = p.lang
	p.spanishKeys()
	p.questionPhrase()
	p.topicAndFocus()
	p.groups()
	p.out.values = readValues(p.toks, p.lang)
	return p.out
}

// correctWords corrects unknown words first, so that phrases and question
// words are found in the corrected text.
func (p *queryParser) correctWords() {
	p.weights = make([]float32, len(p.toks))
	p.unknown = make([]bool, len(p.toks))
	if p.lang == langAny {
		p.lang = detectLanguage(p.toks, strings.HasPrefix(p.q, "¿") || strings.HasPrefix(p.q, "¡"))
	}
	p.spanish = p.lang == langES
	p.ix.an.setLanguage(p.toks, p.lang)
	if p.spanish {
		p.accented = accentedWords(p.q)
		p.esKeys = make([]string, len(p.toks))
		for i, t := range p.toks {
			p.esKeys[i] = p.esKey(t)
		}
	}
	for i := range p.toks {
		p.weights[i] = 1
		p.correctWord(i)
	}
}

// correctWord corrects the i'th word if the index does not know it.
func (p *queryParser) correctWord(i int) {
	ix, t := p.ix, p.toks[i]
	if t.stop || t.num || ix.known(t) {
		return
	}
	if p.spanish && (len(ix.an.spanish()[p.esKeys[i]]) > 0 || len(languages()[langES].lexicon[p.esKeys[i]]) > 0) {
		return // a Spanish word, of the vocabulary or the lexicon: not a typo
	}
	var fixes []string
	var dist int
	if isRealWord(t.lower) || (p.spanish && p.accented[t.lower]) {
		if !ix.translated { // no guess upon the guess of a machine translation
			fixes, dist = p.realWordFix(i)
		}
		if len(fixes) == 0 {
			p.unknown[i] = true // a word, just not one the sources use, nor a likely typo of one
			return
		}
	} else if !ix.translated {
		fixes, dist = ix.correct(t.lower)
	}
	if len(fixes) == 0 && i < questionWordTypoWindow {
		fixes, dist = ix.correctQuestionWord(t.lower)
	}
	switch {
	case len(fixes) > 0:
		p.toks[i] = ix.an.makeToken(fixes[0], t.upper)
		p.toks[i].stop = ix.an.isStop(p.toks[i].lower, p.lang)
		if p.spanish {
			p.esKeys[i] = p.esKey(p.toks[i])
		}
		p.weights[i] = weightTypo1
		if dist > 1 {
			p.weights[i] = weightTypo2
		}
	case ix.an.nearStopWord(t.lower):
		p.toks[i].stop = true // "artcle", "accross": a misspelt filler word
	default:
		p.unknown[i] = true
	}
}

// esKey is the Spanish key of token t: its Spanish stem or, for an
// irregular verb form the lexicon does not have as a word of its own, its
// infinitive's ("dijo" → decir), which the stem alone would not reach.
// Vowel changes are listed too rather than guessed by rule: a rule would
// take "huyen" for "hoy" and "dijo" for "dejar".
func (p *queryParser) esKey(t token) string {
	key := p.ix.an.spanishKey(t)
	es := languages()[langES]
	if len(p.ix.an.spanish()[key]) > 0 || len(es.lexicon[key]) > 0 {
		return key // a word of its own: "hecho" (fact), "puesto" (post), "vino" (wine)
	}
	if inf, ok := es.irregular[t.lower]; ok {
		return inf
	}
	return key
}

// spanishKeys keys a Spanish question's words by their Spanish stems, so
// that any form of a Spanish word in the vocabulary finds its concept.
func (p *queryParser) spanishKeys() {
	if !p.spanish {
		return
	}
	p.esToks = slices.Clone(p.toks)
	for i := range p.esToks {
		p.esToks[i].key = p.esKeys[i]
	}
}

// questionPhrase finds what the question asks for ("who" → a person) and
// where its question phrase ends.
func (p *queryParser) questionPhrase() {
	an := p.ix.an
	for i := 0; i < len(p.toks) && i < questionPhraseWindow; i++ {
		if ph, ok := an.longestPhrase(an.questions, p.toks, i); ok {
			p.out.wants = ph.concept
			p.start = i + len(ph.keys)
			return
		}
	}
}

// topicAndFocus finds the topic and the focus word. Words after "about"
// name the topic ("what did she say about tariffs"): one the sources never
// mention is as telling as an unknown name. The word right after "how
// many" or "which" names what is asked about ("how many Guatemalans",
// "which agency"): the answer must say it, not just words around it.
func (p *queryParser) topicAndFocus() {
	for i, t := range p.toks {
		if languages()[p.lang].topic[t.lower] {
			p.topic = i
			break
		}
	}
	switch {
	case p.out.wants == knowledge.WantNumber && p.start > 0:
		p.focus = p.start
	case len(p.toks) > 1 && languages()[p.lang].focus[p.toks[0].lower]:
		p.focus = 1
	}
}

// groups makes a group of alternative terms for every phrase and content
// word after the question phrase.
func (p *queryParser) groups() {
	titleCase := isTitleCase(p.toks)
	for i := p.start; i < len(p.toks); i++ {
		if ph, ok := p.longest(i); ok && len(ph.keys) > 1 {
			p.phraseGroup(i, ph)
			i += len(ph.keys) - 1
			continue
		}
		if !p.toks[i].stop && !p.foreignStop(i) {
			p.wordGroup(i, titleCase)
		}
	}
	for _, g := range p.out.groups {
		p.out.total += g.weight
	}
}

// foreignStop reports whether the i'th word, which no fact has, is a stop
// word of the other language when some sources are written in it: "La"
// of "La Acequia" in an English question about a Spanish document, which
// the document's own analysis dropped. It is neither a name the sources
// lack nor a word that weighs against the question.
func (p *queryParser) foreignStop(i int) bool {
	other := otherLanguage(p.lang)
	return p.ix.langs[other] && p.ix.an.isStop(p.toks[i].lower, other) && !p.ix.known(p.toks[i])
}

// longest returns the longest vocabulary phrase starting at token i, in
// English or (for a Spanish question) by Spanish stems. A title that the
// sources give to someone other than the person the question names ("the
// president of Mexico") is no phrase: the sources do not say who holds it.
func (p *queryParser) longest(i int) (phrase, bool) {
	an := p.ix.an
	ph, ok := an.longestPhrase(an.phrases, p.toks, i)
	if p.spanish {
		if pe, found := an.longestPhrase(an.spanish(), p.esToks, i); found && (!ok || len(pe.keys) > len(ph.keys)) {
			ph, ok = pe, true
		}
	}
	if ok && ph.title && an.titleOfAnother(p.toks, i, ph) {
		p.out.unknownSpecifics++
		return phrase{}, false
	}
	return ph, ok
}

// each calls fn for every vocabulary phrase that starts at token i.
func (p *queryParser) each(i int, fn func(*phrase)) {
	an := p.ix.an
	an.eachPhrase(an.phrases, p.toks, i, fn)
	if p.spanish {
		an.eachPhrase(an.spanish(), p.esToks, i, fn)
	}
}

// phraseGroup makes one group for a multi-word name or phrase starting at
// token i: the concept, and each of its words weakly.
func (p *queryParser) phraseGroup(i int, ph phrase) {
	ix := p.ix
	g := group{label: p.span(i, i+len(ph.keys))}
	g.add(ix, ph.concept, conceptWeight(ph)*minWeight(p.weights[i:i+len(ph.keys)]))
	for j := i; j < i+len(ph.keys); j++ {
		if !p.toks[j].stop {
			g.add(ix, p.toks[j].key, weightPart*p.weights[j])
			p.out.words = append(p.out.words, p.toks[j].lower)
		}
	}
	g.weight = ix.groupWeight(g, ph.concept)
	g.focus = i == p.focus
	p.out.groups = append(p.out.groups, g)
}

// wordGroup makes the group of the content word at token i: the word, its
// family, the concepts it belongs to and, for an unknown word, its
// completions. A word no fact has weighs against the question.
func (p *queryParser) wordGroup(i int, titleCase bool) {
	ix, t, w := p.ix, p.toks[i], p.weights[i]
	p.out.words = append(p.out.words, t.lower)
	g := group{label: t.lower}
	g.add(ix, t.key, weightExact*w)
	p.translations(&g, i, w)
	if t.fam != "" {
		g.add(ix, t.fam, weightFamily*w)
	}
	p.synonyms(&g, i, w)
	p.each(i, func(ph *phrase) {
		if !ph.title || !ix.an.titleOfAnother(p.toks, i, *ph) {
			g.add(ix, ph.concept, conceptWeight(*ph)*w)
		}
	})
	if p.unknown[i] && len(t.lower) >= minCompletedWord && !t.num {
		for _, c := range ix.complete(t.lower, maxCompletions) {
			g.add(ix, ix.an.stem(c), weightPrefix)
		}
	}
	g.weight = ix.groupWeight(g, t.key)
	g.focus = i == p.focus
	if len(g.terms) == 0 {
		name := (isName(t, i, titleCase) && !p.spanishWord(i)) || p.translatesToName(i)
		g.weight *= unknownWeight(name)
		g.plainWord = !t.num && !name && (isRealWord(t.lower) || p.spanishWord(i))
		switch {
		case t.num:
			p.out.unknownNumbers++
		case name || (p.topic >= 0 && i > p.topic) || (g.focus && p.out.wants == knowledge.WantNumber):
			p.out.unknownSpecifics++
		}
	}
	p.out.groups = append(p.out.groups, g)
}

// span is the words of tokens i to j, as folded.
func (p *queryParser) span(i, j int) string {
	words := make([]string, 0, j-i)
	for _, t := range p.toks[i:j] {
		words = append(words, t.lower)
	}
	return strings.Join(words, " ")
}

// isRealWord reports whether w is a word of some language's dictionary.
// A word no dictionary knows is taken for a typo of the nearest word of the
// sources; a real word only on evidence (see realWordFix): "posed" must not
// become "posted", nor "evaluated" "evacuated".
func isRealWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for _, l := range languages() {
		if l.words.has(w) {
			return true
		}
	}
	return false
}

// translations adds to g the words of the other language that translate
// the i'th token (see lang/es/lexicon.txt): a Spanish question finds English facts,
// an English question Spanish ones. A Spanish word is also looked up by its
// Spanish stem, as Spanish sources are indexed.
func (p *queryParser) translations(g *group, i int, w float32) {
	ix, es, t := p.ix, languages()[langES], p.toks[i]
	if t.num {
		return
	}
	if p.spanish {
		key := p.esKeys[i]
		g.add(ix, key, weightExact*w)
		for _, en := range es.lexicon[key] {
			g.add(ix, en, weightTranslation*w)
			p.translationConcepts(g, en, w)
			for _, s := range languages()[langEN].thesaurus[en] {
				g.add(ix, s, weightTranslation*weightThesaurus*w)
			}
		}
		return
	}
	if !ix.hasSpanish {
		return // Spanish stems that happen to be English words would only add noise
	}
	for _, esKey := range es.fromEnglish[t.key] {
		g.add(ix, esKey, weightTranslation*w)
	}
}

// synonyms adds to g the synonyms of the i'th token of an English
// question (see lang/en/thesaurus.txt), weakly: a question's "price" finds
// the fact that gives a "cost", its "invoice" the one about "bills".
func (p *queryParser) synonyms(g *group, i int, w float32) {
	if p.spanish || p.toks[i].num {
		return
	}
	for _, s := range languages()[langEN].thesaurus[p.toks[i].key] {
		g.add(p.ix, s, weightThesaurus*w)
	}
}

// translationConcepts adds to g the vocabulary concepts the English word
// of key en names on its own, as an English question's word adds them:
// "detenidos" → detain → the concept that also holds "apprehensions".
func (p *queryParser) translationConcepts(g *group, en string, w float32) {
	for _, ph := range p.ix.an.phrases[en] {
		if len(ph.keys) == 1 && !ph.caseSens && !ph.title {
			g.add(p.ix, ph.concept, weightTranslation*conceptWeight(ph)*w)
		}
	}
}

// accentedWords returns the words of q written with a letter folding
// removes a mark from, folded.
func accentedWords(q string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if f := fold.String(w); f != strings.ToLower(w) {
			out[f] = true
		}
	}
	return out
}

// translatesToName reports whether the i'th word of a Spanish question
// translates to an English name: Spanish writes peoples and nationalities
// in lower case ("salvadoreños"), English with a capital (Salvadorans), and
// one the sources never mention is as telling as an unknown name.
func (p *queryParser) translatesToName(i int) bool {
	if !p.spanish {
		return false
	}
	en := languages()[langEN]
	for _, w := range languages()[langES].english[p.esKeys[i]] {
		if !strings.Contains(w, " ") && en.names.has(w) && !en.words.has(w) {
			return true
		}
	}
	return false
}

// spanishWord reports whether the i'th word of a Spanish question is a word
// of the Spanish lexicon: Spanish capitalises the words of institutions'
// names ("Relaciones Exteriores"), which are no unknown names for that.
func (p *queryParser) spanishWord(i int) bool {
	return p.spanish && len(languages()[langES].lexicon[p.esKeys[i]]) > 0
}
