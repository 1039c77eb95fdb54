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
	for i := 0; i < len(toks); {
		i = r.next(i)
	}
	return r.feats, r.spans
}

// typeReader scans one text for typed spans.
type typeReader struct {
	a     *analyzer
	toks  []token
	lang  *language
	feats featureSet
	spans []typeSpan
}

// add records a span of the given type.
func (r *typeReader) add(start, end int, want featureSet) {
	r.feats |= want
	r.spans = append(r.spans, typeSpan{start, end, want})
}

// next reads what starts at token i and returns where to go on.
func (r *typeReader) next(i int) int {
	t := r.toks[i]
	c := wordClassOf(t.lower) // one look-up for every test of t.lower
	switch {
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
	switch {
	case err != nil:
		return hasNumber
	case suffix == "s" && len(digits) >= 3: // the 1990s, the 1600s
		return hasDate
	case (suffix == "th" || suffix == "st" || suffix == "nd" || suffix == "rd") && isWordIn(classDateWord, next):
		return hasDate
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
// classes c: a capitalised word that is not a stop word, nor (opening the
// text) a common word alone.
func (r *typeReader) nameStart(i int, c wordClass) bool {
	t := r.toks[i]
	if !t.capital || t.stop || t.num || c&(classMonth|classDay) != 0 {
		return false
	}
	if i > 0 {
		return true
	}
	// Opening the text, a capital says nothing: a name is a word no
	// dictionary has as a common word, a known name or title, or a word
	// followed by another capitalised word or by what people do ("Smith
	// said").
	next := r.word(i + 1)
	return !r.lang.words.has(t.lower) || r.lang.names.has(t.lower) || c&classHonorific != 0 ||
		isWordIn(classPersonVerb, next) || (i+1 < len(r.toks) && r.toks[i+1].capital && !r.toks[i+1].stop)
}

// nameConnectors may stand inside a name between capitalised words:
// "University of Paris", "Duke of Normandy", "Universidad de Chile".
var nameConnectors = map[string]bool{"of": true, "de": true, "del": true, "the": true, "and": true, "la": true}

// name reads the name starting at i, records it with its type, and returns
// the index just past it.
func (r *typeReader) name(i int) int {
	end := i + 1
	for end < len(r.toks) {
		t := r.toks[end]
		if t.capital && !t.num {
			end++
			continue
		}
		if nameConnectors[t.lower] && end+1 < len(r.toks) && r.toks[end+1].capital && !r.toks[end+1].stop {
			end += 2
			continue
		}
		break
	}
	r.add(i, end, r.nameType(i, end))
	return end
}

// nameType tells what the name toks[i:end] is: a place (after "in", "near"
// or with a place noun: "the Rhine River", "Lake Geneva"), an organisation
// (with an organisation noun, or an acronym), or otherwise a person or
// body that can act (after a title, before "said", or any other name: a
// "who" question is answered by people and by groups alike).
func (r *typeReader) nameType(i, end int) featureSet {
	first, last := r.toks[i].lower, r.toks[end-1].lower
	prev := r.word(i - 1)
	if prev == "the" {
		prev = r.word(i - 2)
	}
	switch {
	case isWordIn(classHonorific, first) || isWordIn(classHonorific, prev):
		return hasPerson
	case isWordIn(classPersonVerb, r.word(end)):
		return hasPerson
	case isWordIn(classPlaceNoun, last) || isWordIn(classPlaceNoun, first):
		return hasPlace
	case isWordIn(classOrgNoun, last) || isWordIn(classOrgNoun, first) || r.toks[i].upper && end == i+1 && len(first) > 1:
		return hasPerson // an organisation acts like a person: "who reported it?"
	case isWordIn(classPlacePreposition, prev) && prev != "of" && prev != "de":
		return hasPlace | hasPerson // "in France", but also "to the Normans"
	}
	return hasPerson
}

// wordClass says which of the type lists of any language hold a word. A
// fact's types are read alike whatever its language, since month names or
// honorifics of one language mean nothing else in another; one look-up
// answers for every list.
type wordClass uint16

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
		} {
			for w := range set {
				out[w] |= cls
			}
		}
		for _, p := range l.reasonPhrases {
			out[p[0]] |= classReasonStart
		}
	}
	return out
})

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

// allReasonPhrases are the multi-word reason phrases of every language.
var allReasonPhrases = sync.OnceValue(func() [][]string {
	var out [][]string
	for _, l := range languages() {
		out = append(out, l.reasonPhrases...)
	}
	return out
})
