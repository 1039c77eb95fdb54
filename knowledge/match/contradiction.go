package match

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/agreementbot/agreementbot/internal/fold"
)

// A fact that says what a question asks about may still be about
// something else: "Who won the bake-off in 2023?" is not answered by "The
// winner of the 2024 bake-off was Sam", nor "Who is the vice-chair?" by
// "Our chair is Priya". The question names a value of some kind (a year, a
// weekday, a month, an ordinal, a role, a place) and the fact names
// another of the same kind and not the question's: the confidence counts
// such contradictions as evidence that the sources are silent.

// valueKind is a kind of value a question and a fact can disagree on.
type valueKind uint8

// The kinds of value, as lang/*/values.txt names them; years are read
// from digits, not listed. Places are the facts' own (see otherPlace).
const (
	valueYear valueKind = iota
	valueWeekday
	valueMonth
	valueOrdinal
	valueRole
	numValueKinds
)

// valueKindNames name the listed kinds in lang/*/values.txt.
var valueKindNames = map[string]valueKind{
	"weekday": valueWeekday, "month": valueMonth, "ordinal": valueOrdinal, "role": valueRole,
}

// valueForm is one way of writing a value: its folded words.
type valueForm struct {
	words []string
	kind  valueKind
	value string
}

// valueTable holds a language's forms by their first word, longest
// first, so that "vice chair" is read before "chair".
type valueTable map[string][]valueForm

// valueTables are the embedded languages' value lists, parsed once. An
// unreadable list is a build defect, so it panics.
var valueTables = sync.OnceValue(func() *[numLanguages]valueTable {
	var out [numLanguages]valueTable
	for i, code := range languageCodes {
		t, err := readValueTable(langFS, path.Join("lang", code, "values.txt"))
		if err != nil {
			panic(fmt.Sprintf("language %s: %v", code, err))
		}
		out[i] = t
	}
	return &out
})

// readValueTable reads "kind value: form, form" lines. A missing file is
// an empty table.
func readValueTable(fsys fs.FS, name string) (valueTable, error) {
	lines, err := listLines(fsys, name)
	if err != nil {
		return nil, err
	}
	t := valueTable{}
	for _, l := range lines {
		n, line := l.n, l.text
		head, forms, ok := strings.Cut(line, ":")
		kindName, value, ok2 := strings.Cut(strings.TrimSpace(head), " ")
		kind, known := valueKindNames[kindName]
		if !ok || !ok2 || !known || strings.TrimSpace(value) == "" {
			return nil, fmt.Errorf("%s:%d: %q is not \"kind value: forms\" of a known kind", name, n, line)
		}
		for _, form := range strings.Split(forms, ",") {
			words := strings.FieldsFunc(fold.String(form), func(r rune) bool { return r == ' ' || r == '-' })
			if len(words) == 0 {
				return nil, fmt.Errorf("%s:%d: an empty form", name, n)
			}
			t[words[0]] = append(t[words[0]], valueForm{words: words, kind: kind, value: strings.TrimSpace(value)})
		}
	}
	for _, forms := range t {
		slices.SortStableFunc(forms, func(a, b valueForm) int { return len(b.words) - len(a.words) })
	}
	return t, nil
}

// namedValues are the values a text names, by kind.
type namedValues [numValueKinds][]string

// any reports whether the text names a value of any kind.
func (nv *namedValues) any() bool {
	return slices.ContainsFunc(nv[:], func(vs []string) bool { return len(vs) > 0 })
}

// add records value v of kind k once.
func (nv *namedValues) add(k valueKind, v string) {
	if !slices.Contains(nv[k], v) {
		nv[k] = append(nv[k], v)
	}
}

// readValues returns the values toks, text of language lang, name: the
// forms of lang's list, and years.
func readValues(toks []token, lang int) namedValues {
	var nv namedValues
	t := valueTables()[min(lang, numLanguages-1)]
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		if tk.num {
			if isYear(tk.lower) {
				nv.add(valueYear, tk.lower)
			}
			continue
		}
		for _, f := range t[tk.lower] {
			if formAt(toks, i, f.words) {
				nv.add(f.kind, f.value)
				i += len(f.words) - 1
				break
			}
		}
	}
	return nv
}

// formAt reports whether words are written at toks[i:].
func formAt(toks []token, i int, words []string) bool {
	if i+len(words) > len(toks) {
		return false
	}
	for j, w := range words {
		if toks[i+j].lower != w {
			return false
		}
	}
	return true
}

// isYear reports whether a number token is a year: four digits from 1000
// to 2199.
func isYear(w string) bool {
	if len(w) != 4 {
		return false
	}
	n, err := strconv.Atoi(w)
	return err == nil && n >= 1000 && n <= 2199
}

// disagreements reports, for each kind, whether a fact's values disagree
// with a question's: the question names some of the kind, the fact names
// others and none of the question's.
func disagreements(question, fact namedValues) [numValueKinds]bool {
	var out [numValueKinds]bool
	for k := range numValueKinds {
		q, f := question[k], fact[k]
		out[k] = len(q) > 0 && len(f) > 0 && !slices.ContainsFunc(q, func(v string) bool { return slices.Contains(f, v) })
	}
	return out
}

// placeIndex holds the places the facts name (their spans typed as
// places), each as the term ids of its words, by each of those ids.
type placeIndex map[int32][][]int32

// buildPlaces gathers the places the facts name.
func (ix *Index) buildPlaces() placeIndex {
	out := placeIndex{}
	seen := map[string]bool{}
	for d := range ix.corpus.Facts {
		for _, sp := range ix.forward.spansOf(int32(d)) {
			ids := placeWords(ix.forward, sp)
			if len(ids) == 0 || seen[placeKey(ids)] {
				continue
			}
			seen[placeKey(ids)] = true
			for _, id := range ids {
				out[id] = append(out[id], ids)
			}
		}
	}
	return out
}

// placeWords returns the distinct term ids of the words of span sp when it
// is a place, else nil.
func placeWords(fw forwardIndex, sp factSpan) []int32 {
	if sp.want&hasPlace == 0 {
		return nil
	}
	var ids []int32
	for _, id := range fw.spanTerms(sp) {
		if id >= 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// placeKey names a place by its words' term ids.
func placeKey(ids []int32) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.Itoa(int(id)))
		b.WriteByte(' ')
	}
	return b.String()
}

// questionPlaces returns the places of the facts every word of which the
// question says (terms are its terms, by id).
func (ix *Index) questionPlaces(terms map[int32]int) [][]int32 {
	var out [][]int32
	places := ix.places()
	for id := range terms {
		for _, ids := range places[id] {
			all := !slices.ContainsFunc(ids, func(w int32) bool { _, ok := terms[w]; return !ok })
			if all && !slices.ContainsFunc(out, func(o []int32) bool { return slices.Equal(o, ids) }) {
				out = append(out, ids)
			}
		}
	}
	return out
}

// otherPlace reports whether fact d, whose words' term ids are says, is
// about another place than the question's: the question names places of
// the facts (asked, see questionPlaces), the fact says none of them and
// names a place the question does not (terms).
func (ix *Index) otherPlace(d int32, asked [][]int32, says map[int32]bool, terms map[int32]int) bool {
	if len(asked) == 0 {
		return false
	}
	for _, ids := range asked {
		if !slices.ContainsFunc(ids, func(id int32) bool { return !says[id] }) {
			return false // the fact says this one
		}
	}
	for _, sp := range ix.forward.spansOf(d) {
		if ids := placeWords(ix.forward, sp); len(ids) > 0 && novel(ids, terms) {
			return true
		}
	}
	return false
}
