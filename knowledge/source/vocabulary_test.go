package source

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
)

// TestParseVocabularyErrors checks that every kind of problem in a
// vocabulary names its file and line.
func TestParseVocabularyErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "entitees: []\n", "vocabulary.yaml:1: vocabulary: field entitees not found"},
		{"wrong type", "topics: [a]\nstopwords: {a: b}\n", "vocabulary.yaml:2: vocabulary: cannot unmarshal"},
		{"entity without id", "entities:\n  - type: person\n    names: [X]\n", "vocabulary.yaml:2: vocabulary: entity 1 has no id"},
		{"entity without names", "entities:\n  - id: a\n    type: person\n  - id: b\n    type: person\n    names: []\n", "vocabulary.yaml:4: vocabulary: entity \"b\" has no names"},
		{"unknown type", "entities:\n  - id: x\n    type: planet\n    names: [X]\n", "vocabulary.yaml:3: vocabulary: entity \"x\" has unknown type \"planet\""},
		{"empty variant", "variants: {migration: \"\"}\n", "vocabulary.yaml:1: vocabulary: variants"},
		{"punctuation repair", "topics: []\nrepairs:\n  \"abc\": \"!!\"\n", "vocabulary.yaml:3: vocabulary: repairs: \"abc\" → \"!!\": both sides need a word"},
		{"unknown answer type", "question_words:\n  who: person\n  huh: colour\n", "vocabulary.yaml:3: vocabulary: question word \"huh\" asks for unknown type \"colour\""},
		{"syntax", "entities: [\n", "vocabulary.yaml:1: vocabulary: did not find expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseVocabulary("vocabulary.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestParseVocabularyReportsEveryProblem checks that one upload hears of
// all its problems at once, each at its line.
func TestParseVocabularyReportsEveryProblem(t *testing.T) {
	raw := "entities:\n  - id: x\n    type: planet\n    names: [X]\nquestion_words: {who: colour}\n"
	_, err := ParseVocabulary("vocabulary.yaml", []byte(raw))
	var list knowledge.SourceErrors
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("error = %v, want two problems", err)
	}
	if list[0].Line != 3 || list[1].Line != 5 {
		t.Errorf("problems at lines %d and %d, want 3 and 5", list[0].Line, list[1].Line)
	}
}

// FuzzVocabulary checks that any vocabulary an admin can upload either is
// refused or builds an index that answers without panicking.
func FuzzVocabulary(f *testing.F) {
	f.Add([]byte("variants: {labour: labor}\nrepairs: {trafficindicated: traffic indicated}\n"))
	f.Add([]byte("entities:\n  - id: x\n    type: person\n    names: [Blinken]\n    titles: [\"of\"]\n"))
	f.Add([]byte("synonyms: [[\"\", a], [\"...\"]]\nstopwords: [\"\"]\nquestion_words: {\"\": person}\n"))
	f.Add([]byte("topics: [\"\"]\n"))
	c, err := LoadCorpus(context.Background(), DefaultSources())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		extra, err := ParseVocabulary("vocabulary.yaml", raw)
		if err != nil {
			return
		}
		cc := *c
		cc.Vocabulary = DefaultVocabulary().Merge(extra)
		ix := match.NewIndex(&cc)
		for _, q := range []string{"Where did the ministers meet?", "labour traffic", "x"} {
			if _, err := ix.Answer(context.Background(), q, knowledge.Options{}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
