package source

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
)

// TestParseFactsReportsEveryProblem checks that one facts file hears of
// all its problems at once, each at its line.
func TestParseFactsReportsEveryProblem(t *testing.T) {
	raw := "source: {title: T, date: soon}\nfacts:\n  - text: ''\n  - text: fine\n  - txt: typo\nextra: 1\n"
	_, err := Parse("notes.yaml", []byte(raw))
	var list knowledge.SourceErrors
	if !errors.As(err, &list) {
		t.Fatalf("error = %v, want a list of problems", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Error())
	}
	want := []string{
		`notes.yaml:1: source: date: bad date "soon", want YYYY-MM-DD`,
		"notes.yaml:3: fact 1: empty text",
		`notes.yaml:5: fact 2: unknown key "txt"`,
		`notes.yaml:6: unknown key "extra"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLoadCorpusReportsEveryBrokenFile checks that a reload over several
// broken sources names every broken file and line, in file order, not
// only the first.
func TestLoadCorpusReportsEveryBrokenFile(t *testing.T) {
	fsys := fstest.MapFS{
		"a-good.md":       {Data: []byte("Good text.\n")},
		"b-bad.md":        {Data: []byte("---\ndate: yesterday\n---\nText.\n")},
		"c-bad.yaml":      {Data: []byte("facts:\n  - text: a\n    sectoin: b\n")},
		"d-bad.txt":       {Data: []byte("One.\nTwo.\x00")},
		VocabularyFile:    {Data: []byte("entities:\n  - id: x\n    type: planet\n    names: [X]\n")},
		"notes.pdf":       {Data: []byte("not a source, skipped")},
		"sub/ignored.txt": {Data: []byte("\x00")},
	}
	_, err := LoadCorpus(t.Context(), fsys)
	var list knowledge.SourceErrors
	if !errors.As(err, &list) {
		t.Fatalf("error = %v, want a list of problems", err)
	}
	var got []string
	for _, e := range list {
		got = append(got, fmt.Sprintf("%s:%d", e.Path, e.Line))
	}
	want := "b-bad.md:2 c-bad.yaml:3 d-bad.txt:2 vocabulary.yaml:3"
	if strings.Join(got, " ") != want {
		t.Errorf("problems at %v, want %s\n%v", got, want, err)
	}
}
