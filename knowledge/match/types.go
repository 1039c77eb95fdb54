package match

import (
	"strconv"
	"strings"
	"sync"
)

// Answer types are recognised in every fact from the text's own form, for
// any document: names from capitals (people and bodies, places,
// organisations, told apart by titles, prepositions, nouns and verbs around
// them), dates from years, months, decades and centuries, quantities from
// digits and number words, reasons from causal words. The
// vocabulary's entities add to this; they are never required.

// typeSpan is a run of tokens [start, end) that holds an answer type.
type typeSpan struct {
	start, end int
	want       featureSet
}

// answerTypes finds the spans of toks, text of language lang, that hold an
// answer type, and returns them with the union of their types.
func (a *analyzer) answerTypes(toks []token, lang int) (featureSet, []typeSpan) {
	r := typeReader{a: a, toks: toks, lang: languages()[min(lang, numLanguages-1)]}
	for r.firstWord < len(toks) && toks[r.firstWord].stop {
		r.firstWord++
	}
	for i := 0; i < len(toks); {
		i = r.next(i)
	}
	r.coordinate()
	return r.feats, r.spans
}

// typeReader scans one text for typed spans.
type typeReader struct {
	a     *analyzer
	toks  []token
	lang  *language
	feats featureSet
	spans []typeSpan
	// weak are the indexes in spans of the names typed for want of any
	// evidence.
	weak []int
	// firstWord is the index of the first token that is no stop word.
	firstWord int
}

// add records a span of the given type.
func (r *typeReader) add(start, end int, want featureSet) {
	r.feats |= want
	r.spans = append(r.spans, typeSpan{start, end, want})
}

// coordinate gives a name typed for want of evidence the type of a place
// listed beside it: "Apulia and Calabria", "Lanzarote, Fuerteventura y El
// Hierro".
func (r *typeReader) coordinate() {
	for range 2 { // a list's place may stand after its weak names, or before
		for _, k := range r.weak {
			for _, j := range [2]int{k - 1, k + 1} {
				if j >= 0 && j < len(r.spans) && r.spans[j].want == hasPlace && r.listed(min(j, k), max(j, k)) {
					r.spans[k].want = hasPlace
					r.feats |= hasPlace
				}
			}
		}
	}
}

// listed reports whether spans a and b, a before b, stand side by side in
// a list: nothing between them but a comma, "and" or "or", and articles.
func (r *typeReader) listed(a, b int) bool {
	from, to := int(r.spans[a].end), int(r.spans[b].start)
	if from > to {
		return false
	}
	for _, t := range r.toks[from:to] {
		if !listWords[t.lower] && !nameArticles[t.lower] {
			return false
		}
	}
	return from < to || r.toks[to].gap
}

// listWords join the items of a list.
var listWords = map[string]bool{"and": true, "or": true, "y": true, "e": true, "o": true, "u": true}

// next reads what starts at token i and returns where to go on.
func (r *typeReader) next(i int) int {
	t := r.toks[i]
	c := wordClassOf(t.lower) // one look-up for every test of t.lower
	switch {
	case t.num && t.upper:
		// A code, not a quantity: "Astra 2A", "4G".
	case t.num:
		r.add(i, i+1, r.numberType(i))
	case c&(classMonth|classDay) != 0:
		r.add(i, i+1, hasDate)
	case c&classNumber != 0 || t.lower == "%":
		r.add(i, i+1, hasNumber)
	case c&classOrdinal != 0 && i+1 < len(r.toks) && isWordIn(classDateWord, r.toks[i+1].lower):
		r.add(i, i+2, hasDate) // "the tenth century"
		return i + 2
	case c&classReason != 0:
		r.add(i, i+1, hasReason)
	case c&classReasonStart != 0 && phraseLen(r.toks, i, allReasonPhrases()) > 0:
		n := phraseLen(r.toks, i, allReasonPhrases())
		r.add(i, i+n, hasReason) // "in the face of": the whole phrase, not its stop words alone
		return i + n
	case r.nameStart(i, c):
		return r.name(i)
	}
	return i + 1
}

// numberType tells a date from a quantity among digit tokens: a year
// (1000–2199, or any number after "in", "since" and the like, or before AD
// or BC), a decade ("1990s"), a century ("17th century"), or a day of the
// month are dates; anything else is a quantity.
func (r *typeReader) numberType(i int) featureSet {
	t := r.toks[i]
	digits := strings.TrimRight(t.key, "abcdefghijklmnopqrstuvwxyz")
	suffix := t.key[len(digits):]
	n, err := strconv.Atoi(strings.ReplaceAll(digits, ".", ""))
	prev, next := r.word(i-1), r.word(i+1)
	ordinal := suffix == "th" || suffix == "st" || suffix == "nd" || suffix == "rd"
	switch {
	case err != nil || isWordIn(classUnit, next): // 1600 mm
		return hasNumber
	case suffix == "s" && len(digits) >= 3: // the 1990s, the 1600s
		return hasDate
	case ordinal && isWordIn(classDateWord, next):
		return hasDate
	case ordinal && listWords[next] && isWordIn(classDateWord, r.word(i+3)):
		return hasDate // the 10th and 13th centuries
	case isWordIn(classMonth, prev) || isWordIn(classMonth, next):
		return hasDate
	case isWordIn(classDateWord, next) && next != "years" && next != "anos":
		return hasDate // 1066 AD, 300 BC
	case len(digits) == 4 && n >= 1000 && n <= 2199 && !strings.Contains(digits, "."):
		return hasDate
	case len(digits) >= 3 && n < 2200 && isWordIn(classDatePreposition, prev):
		return hasDate // in 911, since 1066
	}
	return hasNumber
}

// word returns the folded word at i, or "" out of range.
func (r *typeReader) word(i int) string {
	if i < 0 || i >= len(r.toks) {
		return ""
	}
	return r.toks[i].lower
}

// nameStart reports whether a name starts at token i, whose word is of
// classes c: a capitalised word that is not a stop word (unless written in
// capitals: "US"), nor (opening the text) a common word alone.
func (r *typeReader) nameStart(i int, c wordClass) bool {
	t := r.toks[i]
	if !t.capital || t.num || c&(classMonth|classDay) != 0 || t.stop && !(t.upper && len(t.lower) > 1) {
		return false
	}
	if strings.ContainsAny(t.lower, "0123456789") {
		return false // a code or formula: O2, F16
	}
	if !r.opening(i) {
		return true
	}
	// Opening the text, a capital says nothing: a name is a word no
	// dictionary has as a common word, a known name, place or title, or a
	// word followed by another capitalised word or by what people do
	// ("Smith said").
	next := r.word(i + 1)
	return !r.common(t.lower) || r.lang.names.has(t.lower) || c&(classHonorific|classGivenName|classDemonym) != 0 ||
		allPlaces()[t.lower] || isWordIn(classPersonVerb, next) ||
		(i+1 < len(r.toks) && r.toks[i+1].capital && !r.toks[i+1].stop && !r.toks[i+1].gap) ||
		c&(classOrgNoun|classPlaceNoun) != 0 && i+1 < len(r.toks) && r.connector(i+1, false) > 0 // "University of Paris"
}

// opening reports whether token i opens the text, after stop words alone
// ("The Governments of Mexico").
func (r *typeReader) opening(i int) bool {
	return i <= r.firstWord
}

// common reports whether w is a common word of the text's language: in
// its dictionary, or, for a language that has none but a lexicon
// (Spanish), among the lexicon's words or irregular verb forms.
func (r *typeReader) common(w string) bool {
	switch {
	case len(r.lang.words) > 0:
		return r.lang.words.has(w)
	case r.lang.lexicon != nil:
		_, ok := r.lang.lexicon[spanishStem(w)]
		_, irregular := r.lang.irregular[w]
		return ok || irregular
	}
	return false
}

// nameConnectors may stand inside a name between capitalised words:
// "University of Paris", "Duke of Normandy", "Universidad de Chile"; with
// an article after them too ("Gadifer de la Salle").
var nameConnectors = map[string]bool{"of": true, "de": true, "del": true, "di": true, "da": true, "du": true, "von": true, "van": true}

// nameArticles may follow a connector inside a name.
var nameArticles = map[string]bool{"the": true, "la": true, "las": true, "los": true, "el": true}

// orgConnectors join the words of an organisation's name, and of nothing
// else: "Select Committee on National Heritage", "Department of Health
// and Human Services" (but "Mexico and Guatemala" are two names).
var orgConnectors = map[string]bool{"and": true, "on": true, "for": true, "y": true, "e": true, "para": true, "sobre": true}

// name reads the name starting at i, records it with its type, and returns
// the index just past it. A name does not run across punctuation.
func (r *typeReader) name(i int) int {
	end := i + 1
	org := isWordIn(classOrgNoun, r.toks[i].lower)
	for end < len(r.toks) {
		t := r.toks[end]
		if t.gap {
			break
		}
		if t.capital && !t.num {
			org = org || isWordIn(classOrgNoun, t.lower)
			end++
			continue
		}
		if n := r.connector(end, org); n > 0 {
			end += n
			continue
		}
		break
	}
	// "US Secretary of State": a place, then a title.
	if k := r.placePrefix(i, end); k > i && k < end {
		r.add(i, k, hasPlace)
		i = k
	}
	// "El Salvador", "Los Ángeles": a capitalised article opens the place.
	if i > 0 && r.toks[i-1].capital && r.toks[i-1].stop && !r.toks[i].gap && r.coveredByPlaces(i-1, end) {
		i--
	}
	r.add(i, end, r.nameType(i, end))
	return end
}

// connector returns how many words at j join the name before them to a
// capitalised word after them, 0 when they do not; org tells whether the
// name so far has an organisation noun.
func (r *typeReader) connector(j int, org bool) int {
	w := r.toks[j].lower
	n := 0
	switch {
	case nameConnectors[w] && nameArticles[r.word(j+1)]:
		n = 2
	case nameConnectors[w] || org && orgConnectors[w]:
		n = 1
	default:
		return 0
	}
	if j+n >= len(r.toks) {
		return 0
	}
	next := r.toks[j+n]
	if !next.capital || next.stop || next.num || next.gap || r.toks[j+n-1].gap {
		return 0
	}
	return n
}

// nameType tells what the name toks[i:end] is. A place: a known place
// ("Southern California"), or a name with a place noun ("the Rhine River",
// "Lake Geneva", "the Balkan peninsula", "bahía de Sullivan"), or one after
// "in", "at" or "from". An organisation: a name with an organisation noun,
// or an acronym. A person: after a title, with a given name, before
// "said"; and by default, since a "who" question is answered by any name
// that acts, peoples ("the Normans") included.
func (r *typeReader) nameType(i, end int) featureSet {
	first, last := r.toks[i].lower, r.toks[end-1].lower
	p := i - 1 // the word before, past an article
	if nameArticles[r.word(p)] {
		p--
	}
	prev, prev2 := r.word(p), r.word(p-1)
	lowerPrev := p >= 0 && !r.toks[p].capital
	next := r.word(end)
	ofPlace := nameConnectors[prev] && (isNoun(classPlaceNoun, prev2) || isWordIn(classHonorific, prev2))
	switch {
	case r.coveredByPlaces(i, end):
		return hasPlace
	case r.anyOf(i, end, classOrgNoun):
		return hasOrg // "Premier League", "Ministry of Foreign Affairs"
	case isWordIn(classHonorific, first) || isWordIn(classHonorific, prev):
		return hasPerson
	case r.anyOf(i, end, classHonorific):
		return hasPerson // "the Secretary of State", "Prime Minister"
	case end-i > 1 && (isWordIn(classPlaceNoun, last) || isWordIn(classPlaceNoun, first)):
		return hasPlace
	case isNoun(classPlaceNoun, prev) && lowerPrev || ofPlace || isNoun(classPlaceNoun, next) && !r.toks[end].capital:
		return hasPlace // "río James", "condado de Aversa", "duque de Apulia", "Chiapas state"
	case isWordIn(classGivenName, first) && (end-i > 1 || !isWordIn(classPlacePreposition, prev)):
		return hasPerson // "Carlos Ramiro Martínez", but "in Victoria" is a place
	case r.allOf(i, end, classDemonym):
		return hasPerson // a people: "the Normans", "Mexicans"
	case isWordIn(classPersonVerb, next):
		return hasPerson
	case r.toks[i].upper && end == i+1 && len(first) > 1:
		return hasOrg
	case weakPlacePrepositions[prev]:
		return hasPlace | hasPerson // "to France", but also "to the Normans", "a licence from Ofcom"
	case isWordIn(classPlacePreposition, prev):
		return hasPlace
	}
	r.weak = append(r.weak, len(r.spans))
	return hasPerson
}

// weakPlacePrepositions introduce places, but people and bodies as well.
var weakPlacePrepositions = map[string]bool{"to": true, "from": true, "at": true, "between": true, "desde": true, "hasta": true}

// anyOf reports whether a word of toks[i:end] is in a list of class cls.
func (r *typeReader) anyOf(i, end int, cls wordClass) bool {
	for _, t := range r.toks[i:end] {
		if isWordIn(cls, t.lower) {
			return true
		}
	}
	return false
}

// allOf reports whether every capitalised word of toks[i:end] is in a
// list of class cls.
func (r *typeReader) allOf(i, end int, cls wordClass) bool {
	for _, t := range r.toks[i:end] {
		if t.capital && !isWordIn(cls, t.lower) {
			return false
		}
	}
	return true
}

// maxPlaceWords is the most words of a known place's name.
const maxPlaceWords = 5

// coveredByPlaces reports whether toks[i:end] are known places, with
// words that qualify them and words that join them: "Southern
// California", "San Diego-Tijuana", "California del Sur".
func (r *typeReader) coveredByPlaces(i, end int) bool {
	found := false
	for k := i; k < end; {
		if n := r.placeAt(k, end); n > 0 {
			found = true
			k += n
			continue
		}
		w := r.toks[k].lower
		if !isWordIn(classPlaceQualifier, w) && !nameConnectors[w] {
			return false
		}
		k++
	}
	return found
}

// placePrefix returns where a known place that opens toks[i:end] ends,
// when a title follows it ("US Secretary of State"); else i.
func (r *typeReader) placePrefix(i, end int) int {
	n := r.placeAt(i, end)
	if n == 0 || i+n >= end || !isWordIn(classHonorific, r.toks[i+n].lower) {
		return i
	}
	return i + n
}

// placeAt returns the number of words of the longest known place that
// starts at toks[k] and ends by end, 0 when none does.
func (r *typeReader) placeAt(k, end int) int {
	places := allPlaces()
	best := 0
	if places[r.toks[k].lower] {
		best = 1
	}
	if !isWordIn(classPlaceStart, r.toks[k].lower) || k+2 > end {
		return best
	}
	var b strings.Builder
	b.WriteString(r.toks[k].lower)
	for n := 2; n <= maxPlaceWords && k+n <= end; n++ {
		b.WriteByte(' ')
		b.WriteString(r.toks[k+n-1].lower)
		if places[b.String()] {
			best = n
		}
	}
	return best
}

// wordClass says which of the type lists of any language hold a word. A
// fact's types are read alike whatever its language, since month names or
// honorifics of one language mean nothing else in another; one look-up
// answers for every list.
type wordClass uint32

// The classes of word the type reader looks for.
const (
	classMonth wordClass = 1 << iota
	classDay
	classNumber
	classOrdinal
	classDateWord
	classReason
	classReasonStart // the first word of a reason phrase
	classHonorific
	classPersonVerb
	classPlaceNoun
	classOrgNoun
	classPlacePreposition
	classDatePreposition
	classPlaceQualifier
	classDemonym
	classGivenName
	classUnit
	classPlaceStart // the first word of a known place of several words
)

// wordClasses maps each word of the type lists of every language to its
// classes.
var wordClasses = sync.OnceValue(func() map[string]wordClass {
	out := map[string]wordClass{}
	for _, l := range languages() {
		for cls, set := range map[wordClass]wordSet{
			classMonth: l.months, classDay: l.days, classNumber: l.numberWords, classOrdinal: l.ordinals,
			classDateWord: l.dateWords, classReason: l.reasons, classHonorific: l.honorifics,
			classPersonVerb: l.personVerbs, classPlaceNoun: l.placeNouns, classOrgNoun: l.orgNouns,
			classPlacePreposition: l.placePrepositions, classDatePreposition: l.datePrepositions,
			classPlaceQualifier: l.placeQualifiers, classDemonym: l.demonyms, classGivenName: l.givenNames,
			classUnit: l.units,
		} {
			for w := range set {
				out[w] |= cls
			}
		}
		for _, p := range l.reasonPhrases {
			out[p[0]] |= classReasonStart
		}
		for p := range l.places {
			if first, _, several := strings.Cut(p, " "); several {
				out[first] |= classPlaceStart
			}
		}
	}
	return out
})

// isNoun reports whether w, or its singular, is in a list of the class of
// some language: "the cities of", "las islas de".
func isNoun(cls wordClass, w string) bool {
	if isWordIn(cls, w) {
		return true
	}
	for _, end := range [...]string{"s", "es"} {
		if stem, ok := strings.CutSuffix(w, end); ok && isWordIn(cls, stem) {
			return true
		}
	}
	return false
}

// isWordIn reports whether w is in a list of the class of some language.
func isWordIn(cls wordClass, w string) bool {
	return wordClassOf(w)&cls != 0
}

// wordClassOf returns the classes of w.
func wordClassOf(w string) wordClass {
	if w == "" {
		return 0
	}
	return wordClasses()[w]
}

// allPlaces are the known places of every language, as folded words
// joined by one space.
var allPlaces = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	for _, l := range languages() {
		for p := range l.places {
			out[p] = true
		}
	}
	return out
})

// allReasonPhrases are the multi-word reason phrases of every language.
var allReasonPhrases = sync.OnceValue(func() [][]string {
	var out [][]string
	for _, l := range languages() {
		out = append(out, l.reasonPhrases...)
	}
	return out
})
