package source

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/internal/yamlpos"
	"github.com/agreementbot/agreementbot/knowledge"
)

//go:embed default/vocabulary.yaml
var commonVocabulary []byte

//go:embed default/vocabularies
var sourceVocabularies embed.FS

// VocabularyFile is the name of the vocabulary file an admin may put in a
// sources directory to extend the vocabulary.
const VocabularyFile = "vocabulary.yaml"

// CommonVocabulary returns a copy of the vocabulary every corpus gets,
// whatever its sources: what is true of any English text and of how people
// ask (spelling variants, the filler words of questions).
func CommonVocabulary() *knowledge.Vocabulary {
	return parsedCommonVocabulary().Merge(&knowledge.Vocabulary{})
}

// DefaultVocabulary returns the vocabulary a corpus of the embedded
// sources (DefaultSources) gets: the common vocabulary and the embedded
// article's.
func DefaultVocabulary() *knowledge.Vocabulary {
	var all []knowledge.Source
	for _, sv := range embeddedVocabularies() {
		all = append(all, knowledge.Source{ID: sv.sourceID})
	}
	return VocabularyFor(all)
}

// VocabularyFor returns the vocabulary a corpus of the given sources gets
// before any vocabulary file of its own: the common vocabulary, and the
// vocabulary embedded for each embedded source that is among them (the
// same source id, or the same bytes under another name). The embedded
// article's people, synonyms and topics thus serve the article, and never
// a corpus without it.
func VocabularyFor(sources []knowledge.Source) *knowledge.Vocabulary {
	v := CommonVocabulary()
	for _, sv := range embeddedVocabularies() {
		if slices.ContainsFunc(sources, sv.belongsTo) {
			v = v.Merge(sv.vocabulary)
		}
	}
	return v
}

// sourceVocabulary is the vocabulary embedded for one embedded source.
type sourceVocabulary struct {
	sourceID, sha256 string // the source's id and the digest of its bytes
	vocabulary       *knowledge.Vocabulary
}

// belongsTo reports whether the vocabulary is the one of s: s is the
// embedded source it was written for, by id or by its very bytes.
func (sv sourceVocabulary) belongsTo(s knowledge.Source) bool {
	return s.ID == sv.sourceID || (s.SHA256 != "" && s.SHA256 == sv.sha256)
}

// parsedCommonVocabulary parses the common vocabulary once; callers get
// copies, so the parsed value is never changed.
var parsedCommonVocabulary = sync.OnceValue(func() *knowledge.Vocabulary {
	v, err := ParseVocabulary("default/"+VocabularyFile, commonVocabulary)
	if err != nil {
		panic(fmt.Sprintf("embedded vocabulary is invalid: %v", err))
	}
	return v
})

// embeddedVocabularies parses once the vocabularies of the embedded
// sources, default/vocabularies/<source id>.yaml, each tied to the
// embedded source of that id. Merge copies what it reads, so the parsed
// values are never changed.
var embeddedVocabularies = sync.OnceValue(func() []sourceVocabulary {
	names, err := fs.Glob(sourceVocabularies, "default/vocabularies/*.yaml")
	if err != nil {
		panic(err) // the pattern is valid
	}
	var out []sourceVocabulary
	for _, name := range names {
		id := strings.TrimSuffix(path.Base(name), path.Ext(name))
		raw, _ := fs.ReadFile(sourceVocabularies, name)
		v, err := ParseVocabulary(name, raw)
		if err != nil {
			panic(fmt.Sprintf("embedded vocabulary is invalid: %v", err))
		}
		out = append(out, sourceVocabulary{sourceID: id, sha256: embeddedSourceDigest(id), vocabulary: v})
	}
	return out
})

// embeddedSourceDigest returns the hex SHA-256 of the embedded source
// whose id is id, as its Source.SHA256 says it.
func embeddedSourceDigest(id string) string {
	entries, _ := fs.ReadDir(DefaultSources(), ".")
	for _, e := range entries {
		if name := e.Name(); strings.TrimSuffix(name, path.Ext(name)) == id {
			raw, _ := fs.ReadFile(DefaultSources(), name)
			sum := sha256.Sum256(raw)
			return hex.EncodeToString(sum[:])
		}
	}
	panic(fmt.Sprintf("embedded vocabulary for %q, which is not an embedded source", id)) // a build defect
}

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
