package source

import (
	"context"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
)

func TestParseVocabularyErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "entitees: []\n", "vocabulary.yaml:1"},
		{"entity without id", "entities:\n  - type: person\n    names: [X]\n", "has no id"},
		{"unknown type", "entities:\n  - id: x\n    type: planet\n    names: [X]\n", "unknown type"},
		{"empty variant", "variants: {migration: \"\"}\n", "both sides need a word"},
		{"punctuation repair", "repairs: {\"abc\": \"!!\"}\n", "both sides need a word"},
		{"unknown answer type", "question_words: {who: colour}\n", "unknown type"},
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
