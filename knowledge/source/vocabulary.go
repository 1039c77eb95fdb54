package source

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/internal/yamlpos"
	"github.com/agreementbot/agreementbot/knowledge"
)

//go:embed default/vocabulary.yaml
var defaultVocabulary []byte

// VocabularyFile is the name of the vocabulary file an admin may put in a
// sources directory to extend the default vocabulary.
const VocabularyFile = "vocabulary.yaml"

// DefaultVocabulary returns a copy of the vocabulary embedded in the
// binary.
func DefaultVocabulary() *knowledge.Vocabulary {
	return parsedDefaultVocabulary().Merge(&knowledge.Vocabulary{})
}

// parsedDefaultVocabulary parses the embedded vocabulary once; callers get
// copies, so the parsed value is never changed.
var parsedDefaultVocabulary = sync.OnceValue(func() *knowledge.Vocabulary {
	v, err := ParseVocabulary("default/"+VocabularyFile, defaultVocabulary)
	if err != nil {
		panic(fmt.Sprintf("embedded vocabulary is invalid: %v", err))
	}
	return v
})

// ParseVocabulary reads a vocabulary file. Unknown keys, values of the
// wrong type, entities without an id or a name, unknown entity types and
// unknown answer types are all reported, each naming the file and line, as
// knowledge.SourceErrors (or the lone *knowledge.SourceError).
func ParseVocabulary(path string, raw []byte) (*knowledge.Vocabulary, error) {
	if err := checkEncoding(path, raw); err != nil {
		return nil, err
	}
	doc, err := yamlpos.Parse(raw, 0)
	if err != nil {
		return nil, sourceErrors(path, err)
	}
	var v knowledge.Vocabulary
	if err := doc.DecodeStrict(&v); err != nil {
		return nil, sourceErrors(path, err)
	}
	if err := validateVocabulary(doc, &v); err != nil {
		return nil, sourceErrors(path, err)
	}
	return &v, nil
}

// sourceErrors turns the yamlpos errors of the file at path into source
// errors: a yamlpos.ErrorList or a single *yamlpos.Error.
func sourceErrors(path string, err error) error {
	var list yamlpos.ErrorList
	switch e := err.(type) {
	case yamlpos.ErrorList:
		list = e
	case *yamlpos.Error:
		list = yamlpos.ErrorList{e}
	default:
		return &knowledge.SourceError{Path: path, Err: err}
	}
	out := make(knowledge.SourceErrors, len(list))
	for i, e := range list {
		out[i] = &knowledge.SourceError{Path: path, Line: e.Line, Err: fmt.Errorf("vocabulary: %s", e.Msg)}
	}
	return out.Err()
}

// validateVocabulary checks what decoding cannot, reporting each problem at
// the line of the value at fault.
func validateVocabulary(doc *yamlpos.Doc, v *knowledge.Vocabulary) error {
	var list yamlpos.ErrorList
	bad := func(format string, args []any, path ...any) {
		list = append(list, doc.Errorf(yamlpos.Lookup(doc.Root, path...), format, args...))
	}
	for _, m := range []struct {
		key string
		m   map[string]string
	}{{"variants", v.Variants}, {"repairs", v.Repairs}} {
		for from, to := range m.m {
			if !hasWord(from) || !hasWord(to) {
				bad("%s: %q → %q: both sides need a word", []any{m.key, from, to}, m.key, yamlpos.Key(from))
			}
		}
	}
	for i, e := range v.Entities {
		switch {
		case strings.TrimSpace(e.ID) == "":
			bad("entity %d has no id", []any{i + 1}, "entities", i)
		case len(e.Names) == 0 && len(e.Titles) == 0:
			bad("entity %q has no names", []any{e.ID}, "entities", i)
		}
		switch e.Type {
		case knowledge.EntityPerson, knowledge.EntityCountry, knowledge.EntityPlace, knowledge.EntityOrganization:
		default:
			bad("entity %q has unknown type %q (want person, country, place or organization)", []any{e.ID, e.Type}, "entities", i, "type")
		}
	}
	for w, want := range v.QuestionWords {
		switch want {
		case knowledge.WantPerson, knowledge.WantDate, knowledge.WantPlace, knowledge.WantNumber, knowledge.WantReason:
		default:
			bad("question word %q asks for unknown type %q", []any{w, want}, "question_words", w)
		}
	}
	return list.Err()
}

// hasWord reports whether s has a letter or digit once folded.
func hasWord(s string) bool {
	return strings.ContainsFunc(fold.String(s), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}
