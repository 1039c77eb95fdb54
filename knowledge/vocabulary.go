package knowledge

import (
	"maps"
	"slices"
)

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
	// WantOrganization is asked for by "what organization": a body, or a
	// group of people.
	WantOrganization = "organization"
)

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

// mergeMaps returns a new map holding a's entries, then b's over them.
func mergeMaps(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}
