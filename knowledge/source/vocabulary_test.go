package source

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

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

// TestVocabularyFollowsItsSource checks that the embedded article's
// vocabulary (its people, synonyms and topics) is a corpus's only when the
// article is among its sources: by its name, or by its bytes under
// another; a club's own rules get the common vocabulary and their own
// vocabulary file, never the article's.
func TestVocabularyFollowsItsSource(t *testing.T) {
	const articleFile = "trilateral-migration-2024-02-28.txt"
	article, err := fs.ReadFile(DefaultSources(), articleFile)
	if err != nil {
		t.Fatal(err)
	}
	rules := []byte("Officers\n\nThe committee is made up of a chair, a secretary and a match captain.\n")
	articleTopics := DefaultVocabulary().Topics
	if len(articleTopics) == 0 || len(CommonVocabulary().Topics) != 0 || len(CommonVocabulary().Entities) != 0 {
		t.Fatalf("the article's vocabulary should have the topics, the common one none: %v, %v", articleTopics, CommonVocabulary().Topics)
	}
	tests := []struct {
		name        string
		files       fstest.MapFS
		wantTopics  []string
		wantArticle bool
	}{
		{"the article", fstest.MapFS{articleFile: {Data: article}}, articleTopics, true},
		{"the article under another name", fstest.MapFS{"article.txt": {Data: article}}, articleTopics, true},
		{"the article edited", fstest.MapFS{articleFile: {Data: append(slices.Clone(article), "\n\nA paragraph added.\n"...)}}, articleTopics, true},
		{"the article and a club", fstest.MapFS{articleFile: {Data: article}, "club-rules.txt": {Data: rules}}, articleTopics, true},
		{"a club", fstest.MapFS{"club-rules.txt": {Data: rules}}, nil, false},
		{"a club with its own vocabulary", fstest.MapFS{"club-rules.txt": {Data: rules},
			VocabularyFile: {Data: []byte("topics: [the club's officers]\n")}}, []string{"the club's officers"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadCorpus(t.Context(), tt.files)
			if err != nil {
				t.Fatal(err)
			}
			v := c.Vocabulary
			if !slices.Equal(v.Topics, tt.wantTopics) {
				t.Errorf("topics = %q, want %q", v.Topics, tt.wantTopics)
			}
			hasArticle := slices.ContainsFunc(v.Entities, func(e knowledge.Entity) bool { return e.ID == "blinken" }) ||
				len(v.Synonyms) > len(CommonVocabulary().Synonyms) || len(v.Repairs) > 0
			if hasArticle != tt.wantArticle {
				t.Errorf("the article's names and synonyms: %v, want %v (entities %d, synonyms %d)", hasArticle, tt.wantArticle, len(v.Entities), len(v.Synonyms))
			}
			if v.Variants["labour"] != "labor" || !slices.Contains(v.StopWords, "please") {
				t.Errorf("the common vocabulary is missing: variants %v, stop words %v", v.Variants, v.StopWords)
			}
		})
	}
}
