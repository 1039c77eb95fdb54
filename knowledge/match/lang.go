package match

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/agreementbot/agreementbot/internal/fold"
)

// The languages the analyser knows, by the folder of their word lists
// under lang/. A text is analysed in one of them, or in all at once
// (langAny) where its language does not matter.
const (
	langEN = iota
	langES
	numLanguages
	langAny = numLanguages
)

// languageCodes name the languages' folders under lang/.
var languageCodes = [numLanguages]string{"en", "es"}

//go:embed lang
var langFS embed.FS

// wordSet is a set of folded words or phrases (words joined by one space).
type wordSet map[string]bool

// phrases returns the set's entries of more than one word, split.
func (s wordSet) phrases() [][]string {
	var out [][]string
	for p := range s {
		if strings.Contains(p, " ") {
			out = append(out, strings.Fields(p))
		}
	}
	return out
}

// dictionary is a large word list kept sorted, which takes a fraction of
// the memory of a map of the same words.
type dictionary []string

// newDictionary sorts the words of set.
func newDictionary(set wordSet) dictionary {
	d := make(dictionary, 0, len(set))
	for w := range set {
		d = append(d, w)
	}
	slices.Sort(d)
	return d
}

// has reports whether w is in the dictionary.
func (d dictionary) has(w string) bool {
	_, found := slices.BinarySearch(d, w)
	return found
}

// language is one language's word lists (see lang/README.md).
type language struct {
	stop, markers, topic, focus               wordSet
	honorifics, personVerbs                   wordSet
	placeNouns, placePrepositions, orgNouns   wordSet
	places, placeQualifiers, demonyms         wordSet // places may be phrases
	givenNames, units                         wordSet
	months, days, dateWords, datePrepositions wordSet
	numberWords, ordinals                     wordSet
	reasons, pronouns, anaphors               wordSet
	questions                                 map[string]string // question phrase → answer type
	words, names                              dictionary        // when the language has one
	levels                                    wordLevels        // how common each word of the dictionary is
	reasonPhrases                             [][]string
	// lexicon maps the stem of a word of this language to the stems of the
	// English words it translates to (nil for English itself); fromEnglish
	// is the reverse, from an English stem to this language's stems.
	lexicon, fromEnglish map[string][]string
	// english maps a lexicon key to the English words it translates to,
	// as written, to tell a name ("salvadoreño": Salvadoran) from a word.
	english map[string][]string
	// irregular maps an irregular verb form ("dijo") to the lexicon key of
	// its infinitive (the stem of "decir").
	irregular map[string]string
	// thesaurus maps the stem of a word to the stems of its synonyms
	// (English only: lang/en/thesaurus.txt, from WordNet).
	thesaurus map[string][]string
}

// languages returns the embedded languages, parsed once. An unreadable
// list is a build defect, so it panics.
var languages = sync.OnceValue(func() *[numLanguages]*language {
	var out [numLanguages]*language
	for i, code := range languageCodes {
		l, err := loadLanguage(langFS, path.Join("lang", code))
		if err != nil {
			panic(fmt.Sprintf("language %s: %v", code, err))
		}
		out[i] = l
	}
	return &out
})

// loadLanguage reads the word lists of the language in dir.
func loadLanguage(fsys fs.FS, dir string) (*language, error) {
	l := &language{}
	lists := map[string]*wordSet{
		"stopwords.txt": &l.stop, "markers.txt": &l.markers, "topic.txt": &l.topic, "focus.txt": &l.focus,
		"honorifics.txt": &l.honorifics, "person-verbs.txt": &l.personVerbs,
		"place-nouns.txt": &l.placeNouns, "place-prepositions.txt": &l.placePrepositions, "organisation-nouns.txt": &l.orgNouns,
		"months.txt": &l.months, "days.txt": &l.days, "date-words.txt": &l.dateWords, "date-prepositions.txt": &l.datePrepositions,
		"number-words.txt": &l.numberWords, "ordinals.txt": &l.ordinals,
		"reason.txt": &l.reasons, "pronouns.txt": &l.pronouns, "anaphors.txt": &l.anaphors,
		"places.txt": &l.places, "place-qualifiers.txt": &l.placeQualifiers, "demonyms.txt": &l.demonyms, "given-names.txt": &l.givenNames, "units.txt": &l.units,
	}
	for name, dst := range lists {
		set, err := readWordList(fsys, path.Join(dir, name), name == "reason.txt" || name == "places.txt")
		if err != nil {
			return nil, err
		}
		*dst = set
	}
	l.reasonPhrases = l.reasons.phrases()
	for name, dst := range map[string]*dictionary{"words.txt": &l.words, "names.txt": &l.names} {
		set, err := readWordList(fsys, path.Join(dir, name), true)
		if err != nil {
			return nil, err
		}
		*dst = newDictionary(set)
	}
	levels, err := readWordLevels(fsys, path.Join(dir, "levels.txt"), l.words, l.names)
	if err != nil {
		return nil, err
	}
	l.levels = levels
	if err := l.readLexicon(fsys, path.Join(dir, "lexicon.txt")); err != nil {
		return nil, err
	}
	if err := l.readIrregular(fsys, path.Join(dir, "irregular-verbs.txt")); err != nil {
		return nil, err
	}
	if err := l.readThesaurus(fsys, path.Join(dir, "thesaurus.txt"), stemWord); err != nil {
		return nil, err
	}
	q, err := readQuestionList(fsys, path.Join(dir, "questions.txt"))
	if err != nil {
		return nil, err
	}
	l.questions = q
	return l, nil
}

// readWordList reads a list: entries are lines when byLine is set (so they
// may be phrases), else any white-space separated words. A missing file is
// an empty list: not every language has a dictionary.
func readWordList(fsys fs.FS, name string, byLine bool) (wordSet, error) {
	lines, err := listLines(fsys, name)
	if err != nil {
		return nil, err
	}
	set := wordSet{}
	for _, l := range lines {
		line := fold.String(l.text)
		if line == "" {
			continue
		}
		if byLine {
			set[strings.Join(strings.Fields(line), " ")] = true
			continue
		}
		for _, w := range strings.Fields(line) {
			set[w] = true
		}
	}
	return set, nil
}

// listLine is one line of a list under lang/, with its number.
type listLine struct {
	n    int
	text string
}

// listLines returns the lines of a list under lang/, each with its
// number, with comments ("# …") and the space around them removed and
// blank lines left out: the one reader of their shared form. A missing
// file has no lines, and is told by a nil slice from an existing file
// with none: not every language has every list.
func listLines(fsys fs.FS, name string) ([]listLine, error) {
	raw, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := []listLine{}
	for n, rest := 1, string(raw); rest != ""; n++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, listLine{n, line})
		}
	}
	return out, nil
}

// readQuestionList reads "phrase: type" lines.
func readQuestionList(fsys fs.FS, name string) (map[string]string, error) {
	set, err := readWordList(fsys, name, true)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(set))
	for line := range set {
		phrase, want, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("%s: %q has no answer type", name, line)
		}
		out[strings.TrimSpace(phrase)] = strings.TrimSpace(want)
	}
	return out, nil
}

// detectLanguage tells the language of tokens by their marker words:
// Spanish when they have more Spanish markers than English ones, else
// English. opensSpanish is set for a text that opens with ¿ or ¡.
func detectLanguage(toks []token, opensSpanish bool) int {
	if opensSpanish {
		return langES
	}
	langs := languages()
	es, en := 0, 0
	for _, t := range toks {
		if langs[langES].markers[t.lower] {
			es++
		}
		if langs[langEN].markers[t.lower] {
			en++
		}
	}
	if es > en {
		return langES
	}
	return langEN
}

// readLexicon reads "word: english, english" lines, keying the word by its
// stem in the language (Spanish) and each English word by its English stem,
// so that any form of either finds the other. A missing file is an empty
// lexicon.
func (l *language) readLexicon(fsys fs.FS, name string) error {
	set, err := readWordList(fsys, name, true)
	if err != nil {
		return err
	}
	if len(set) == 0 {
		return nil
	}
	l.lexicon, l.fromEnglish, l.english = map[string][]string{}, map[string][]string{}, map[string][]string{}
	for line := range set {
		word, english, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("%s: %q has no translation", name, line)
		}
		key := lexiconKey(word, spanishStem)
		if key == "" {
			continue
		}
		for _, en := range strings.Split(english, ",") {
			l.english[key] = append(l.english[key], strings.TrimSpace(en))
			for _, w := range strings.Fields(en) {
				if enKey := stemWord(w); len(w) > 2 && !slices.Contains(l.lexicon[key], enKey) {
					l.lexicon[key] = append(l.lexicon[key], enKey)
					l.fromEnglish[enKey] = append(l.fromEnglish[enKey], key)
				}
			}
		}
	}
	return nil
}

// readIrregular reads "infinitive: form form" lines into l.irregular. A
// missing file is no irregular forms.
func (l *language) readIrregular(fsys fs.FS, name string) error {
	set, err := readWordList(fsys, name, true)
	if err != nil {
		return err
	}
	l.irregular = map[string]string{}
	for line := range set {
		inf, forms, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("%s: %q has no forms", name, line)
		}
		for _, f := range strings.Fields(forms) {
			l.irregular[f] = spanishStem(strings.TrimSpace(inf))
		}
	}
	return nil
}

// readThesaurus reads "word: synonym, synonym" lines into l.thesaurus,
// keying each word and synonym by its stem. A missing file is no
// synonyms.
func (l *language) readThesaurus(fsys fs.FS, name string, stem func(string) string) error {
	lines, err := listLines(fsys, name)
	if err != nil {
		return err
	}
	l.thesaurus = map[string][]string{}
	for _, line := range lines {
		word, syns, ok := strings.Cut(line.text, ":")
		if !ok {
			return fmt.Errorf("%s:%d: %q has no synonyms", name, line.n, line.text)
		}
		key := stem(strings.TrimSpace(word))
		for _, s := range strings.Split(syns, ",") {
			if sk := stem(strings.TrimSpace(s)); sk != key && !slices.Contains(l.thesaurus[key], sk) {
				l.thesaurus[key] = append(l.thesaurus[key], sk)
			}
		}
	}
	return nil
}

// lexiconKey is the stem of a one-word lexicon entry; phrases are not
// looked up word by word, so they are keyed by nothing.
func lexiconKey(word string, stem func(string) string) string {
	fields := strings.Fields(word)
	if len(fields) != 1 {
		return ""
	}
	return stem(fields[0])
}

// spanishStem is the Spanish stem of a folded word.
func spanishStem(w string) string {
	return spanishKey(token{lower: w, key: w})
}
