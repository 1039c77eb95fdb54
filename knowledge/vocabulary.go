package knowledge

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/agreementbot/agreementbot/internal/fold"
)

//go:embed default/vocabulary.yaml
var defaultVocabulary []byte

// VocabularyFile is the name of the vocabulary file an admin may put in a
// sources directory to extend the default vocabulary.
const VocabularyFile = "vocabulary.yaml"

// Vocabulary is the domain knowledge the matcher uses beyond the words of the
// sources: who and what the story is about, which words mean the same, and
// how questions ask for a kind of answer. It is data, loaded from YAML, so
// admins can extend it without touching code.
type Vocabulary struct {
	Entities      []Entity          `yaml:"entities" json:"entities"`
	Synonyms      [][]string        `yaml:"synonyms" json:"synonyms"`
	Variants      map[string]string `yaml:"variants" json:"variants"`
	Repairs       map[string]string `yaml:"repairs" json:"repairs"`
	StopWords     []string          `yaml:"stopwords" json:"stopwords"`
	QuestionWords map[string]string `yaml:"question_words" json:"question_words"`
	Topics        []string          `yaml:"topics" json:"topics"`
}

// Entity is a person, place, country or organization the sources talk about.
type Entity struct {
	ID      string `yaml:"id" json:"id"`
	Type    string `yaml:"type" json:"type"`
	Display string `yaml:"display" json:"display"`
	// Names always refer to the entity.
	Names []string `yaml:"names" json:"names"`
	// Titles refer to it in a source only after it has been named there
	// (coreference), and always in a question.
	Titles []string `yaml:"titles,omitempty" json:"titles,omitempty"`
	// Country is the id of the country entity a person serves, so that
	// "the president of Mexico" is not taken for the US president.
	Country string `yaml:"country,omitempty" json:"country,omitempty"`
}

// Entity types the matcher understands.
const (
	EntityPerson       = "person"
	EntityCountry      = "country"
	EntityPlace        = "place"
	EntityOrganization = "organization"
)

// Answer types a question word can ask for.
const (
	WantPerson = "person"
	WantDate   = "date"
	WantPlace  = "place"
	WantNumber = "number"
	WantReason = "reason"
)

// DefaultVocabulary returns a copy of the vocabulary embedded in the
// binary.
func DefaultVocabulary() *Vocabulary {
	return parsedDefaultVocabulary().Merge(&Vocabulary{})
}

// parsedDefaultVocabulary parses the embedded vocabulary once; callers get
// copies, so the parsed value is never changed.
var parsedDefaultVocabulary = sync.OnceValue(func() *Vocabulary {
	v, err := ParseVocabulary("default/"+VocabularyFile, defaultVocabulary)
	if err != nil {
		panic(fmt.Sprintf("embedded vocabulary is invalid: %v", err))
	}
	return v
})

// ParseVocabulary reads a vocabulary file. Unknown keys, entities without an
// id or a name, unknown entity types and unknown answer types are errors that
// name the file and line.
func ParseVocabulary(path string, raw []byte) (*Vocabulary, error) {
	var v Vocabulary
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&v); err != nil {
		if errors.Is(err, io.EOF) {
			return &v, nil
		}
		return nil, &SourceError{Path: path, Line: lineOfYAMLError(err), Err: fmt.Errorf("vocabulary: %w", err)}
	}
	if err := v.validate(); err != nil {
		return nil, &SourceError{Path: path, Err: err}
	}
	return &v, nil
}

func (v *Vocabulary) validate() error {
	for _, m := range []struct {
		what string
		m    map[string]string
	}{{"variants", v.Variants}, {"repairs", v.Repairs}} {
		for from, to := range m.m {
			if !hasWord(from) || !hasWord(to) {
				return fmt.Errorf("vocabulary: %s: %q → %q: both sides need a word", m.what, from, to)
			}
		}
	}
	for i, e := range v.Entities {
		if strings.TrimSpace(e.ID) == "" {
			return fmt.Errorf("vocabulary: entity %d has no id", i+1)
		}
		if len(e.Names) == 0 && len(e.Titles) == 0 {
			return fmt.Errorf("vocabulary: entity %q has no names", e.ID)
		}
		switch e.Type {
		case EntityPerson, EntityCountry, EntityPlace, EntityOrganization:
		default:
			return fmt.Errorf("vocabulary: entity %q has unknown type %q (want person, country, place or organization)", e.ID, e.Type)
		}
	}
	for w, want := range v.QuestionWords {
		switch want {
		case WantPerson, WantDate, WantPlace, WantNumber, WantReason:
		default:
			return fmt.Errorf("vocabulary: question word %q asks for unknown type %q", w, want)
		}
	}
	return nil
}

// Merge returns a vocabulary holding v's entries and then extra's; an entity
// of extra with an id v already has adds its names and titles to it.
func (v *Vocabulary) Merge(extra *Vocabulary) *Vocabulary {
	out := &Vocabulary{
		Entities:      slices.Clone(v.Entities),
		Synonyms:      slices.Clone(v.Synonyms),
		Variants:      mergeMaps(v.Variants, extra.Variants),
		Repairs:       mergeMaps(v.Repairs, extra.Repairs),
		StopWords:     append(slices.Clone(v.StopWords), extra.StopWords...),
		QuestionWords: mergeMaps(v.QuestionWords, extra.QuestionWords),
		Topics:        append(slices.Clone(v.Topics), extra.Topics...),
	}
	for _, e := range extra.Entities {
		i := slices.IndexFunc(out.Entities, func(o Entity) bool { return o.ID == e.ID })
		if i < 0 {
			out.Entities = append(out.Entities, e)
			continue
		}
		o := out.Entities[i]
		o.Names = append(slices.Clone(o.Names), e.Names...)
		o.Titles = append(slices.Clone(o.Titles), e.Titles...)
		if e.Display != "" {
			o.Display = e.Display
		}
		out.Entities[i] = o
	}
	out.Synonyms = append(out.Synonyms, extra.Synonyms...)
	return out
}

// hasWord reports whether s has a letter or digit once folded.
func hasWord(s string) bool {
	return strings.ContainsFunc(fold.String(s), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
}

func mergeMaps(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// lineOfYAMLError digs the line number out of a YAML decoding error, or 0.
func lineOfYAMLError(err error) int {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}
