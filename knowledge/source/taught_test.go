package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
)

func TestParseTaught(t *testing.T) {
	tests := []struct {
		file      string
		questions []string // every entry's, in order
		err       string   // every problem, one per line
	}{
		{file: "good.yaml", questions: []string{"When is the weekly club night?", "¿Cuándo se reúne el club?", "How much are the dues?"}},
		{file: "empty.yaml"},
		{file: "empty-list.yaml"},
		{file: "null-list.yaml"},
		{file: "unknown-entry-key.yaml", err: `taught.yaml:6: entry 1: unknown key "why"`},
		{file: "unknown-key.yaml", err: `taught.yaml:2: taught file: unknown key "facts" (want taught)`},
		{file: "no-fact.yaml", err: "taught.yaml:2: entry 1: no fact id"},
		{file: "bad-fact.yaml", err: `taught.yaml:2: entry 1: "1234" is not a fact id`},
		{file: "bad-source.yaml", err: `taught.yaml:3: entry 1: "../etc/notes.md" is not the name of a source file`},
		{file: "empty-text.yaml", err: "taught.yaml:2: entry 1: no text"},
		{file: "no-questions.yaml", err: "taught.yaml:5: entry 1: no questions"},
		{file: "questions-not-list.yaml", err: "taught.yaml:5: entry 1: questions: want a list"},
		{file: "blank-question.yaml", err: `taught.yaml:5: entry 1: question "": the question is empty`},
		{file: "long-question.yaml", err: "taught.yaml:5: entry 1: question \"why why"},
		{file: "taught-twice.yaml", err: `taught.yaml:6: entry 2: the question "where is IT?" is taught already, at line 2`},
		{file: "not-a-list.yaml", err: "taught.yaml:1: taught: want a list"},
		{file: "bad-syntax.yaml", err: "taught.yaml:2: taught file: did not find expected"},
		{file: "two-documents.yaml", err: "taught.yaml:6: taught file: only one YAML document"},
		{file: "several-problems.yaml", err: "taught.yaml:6: entry 2: want a mapping\ntaught.yaml:10: entry 3: questions: want a list"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata/taught", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			entries, err := ParseTaught("taught.yaml", raw)
			if tt.err != "" {
				if err == nil || !linesHavePrefixes(err.Error(), tt.err) {
					t.Fatalf("error = %v, want\n%s", err, tt.err)
				}
				if !errors.As(err, new(*knowledge.SourceError)) {
					t.Errorf("error is a %T, want source errors", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Questions...)
			}
			if !slices.Equal(got, tt.questions) {
				t.Errorf("questions = %q, want %q", got, tt.questions)
			}
		})
	}
}

// linesHavePrefixes reports whether got has as many lines as want and
// each begins with want's line.
func linesHavePrefixes(got, want string) bool {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	if len(g) != len(w) {
		return false
	}
	for i := range g {
		if !strings.HasPrefix(g[i], w[i]) {
			return false
		}
	}
	return true
}

func TestParseTaughtEntry(t *testing.T) {
	raw, err := os.ReadFile("testdata/taught/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := ParseTaught("taught.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	want := Taught{Fact: "f0b762598b77", Source: "notes.md", Text: "The club meets every Tuesday at 7 pm.",
		Questions: []string{"When is the weekly club night?", "¿Cuándo se reúne el club?"}, Line: 3}
	if len(entries) != 2 || !reflect.DeepEqual(entries[0], want) || entries[1].Line != 10 {
		t.Errorf("entries = %+v, want first %+v and the second at line 10", entries, want)
	}
}

// clubNotes is a Markdown source whose second sentence is taught.
const clubNotes = "---\ntitle: Club notes\n---\nMembers pay their dues in January. The club meets every Tuesday at 7 pm.\n"

// clubFact returns the fact of clubNotes holding words.
func clubFact(t *testing.T, c *knowledge.Corpus, words string) knowledge.Fact {
	t.Helper()
	for _, f := range c.Facts {
		if strings.Contains(f.Text, words) {
			return f
		}
	}
	t.Fatalf("no fact holds %q", words)
	return knowledge.Fact{}
}

func TestLoadCorpusAppliesTaught(t *testing.T) {
	plain, err := LoadCorpus(t.Context(), fstest.MapFS{"notes.md": {Data: []byte(clubNotes)}})
	if err != nil {
		t.Fatal(err)
	}
	meets := clubFact(t, plain, "Tuesday")
	taught := "taught:\n" +
		// by id
		"  - fact: " + meets.ID + "\n    source: notes.md\n    text: The club meets every Tuesday at 7 pm.\n    questions: [\"When is club night?\"]\n" +
		// a stale id, found by its words in its source
		"  - fact: f00000000000\n    source: notes.md\n    text: Members  pay their dues in January.\n    questions: [\"When are dues paid?\"]\n" +
		// gone: the words are no longer there
		"  - fact: f11111111111\n    source: notes.md\n    text: The club has a library.\n    questions: [\"Is there a library?\", \"Can I borrow books?\"]\n" +
		// gone: its source is gone
		"  - fact: f22222222222\n    source: old.md\n    text: The club meets every Tuesday at 7 pm.\n    questions: [\"Where was the old club?\"]\n"
	c, err := LoadCorpus(t.Context(), fstest.MapFS{
		"notes.md":  {Data: []byte(clubNotes)},
		TaughtFile:  {Data: []byte(taught)},
		"rules.yml": {Data: []byte("facts:\n  - text: Guests are welcome.\n    phrasings: [\"Can I bring a friend?\"]\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Facts) != len(plain.Facts)+1 {
		t.Errorf("%d facts, want %d: the taught file added or dropped facts", len(c.Facts), len(plain.Facts)+1)
	}
	for words, want := range map[string][]string{
		"Tuesday": {"When is club night?"},
		"dues":    {"When are dues paid?"},
		"Guests":  {"Can I bring a friend?"},
	} {
		if got := clubFact(t, c, words).Phrasings; !slices.Equal(got, want) {
			t.Errorf("phrasings of the fact with %q = %q, want %q", words, got, want)
		}
	}
	if got := clubFact(t, c, "Tuesday"); got.ID != meets.ID || got.Text != meets.Text {
		t.Errorf("taught fact = %+v, want its id and words unchanged", got)
	}
	var lines []string
	for _, w := range c.Warnings {
		if !errors.Is(w, ErrTaughtFactGone) || w.Path != TaughtFile {
			t.Errorf("warning %v: want a gone fact in %s", w, TaughtFile)
		}
		lines = append(lines, w.Error())
	}
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "taught.yaml:10: ") || !strings.Contains(lines[0], "2 questions are not used") ||
		!strings.HasPrefix(lines[1], "taught.yaml:14: ") || !strings.Contains(lines[1], "old.md is no longer among the sources") {
		t.Errorf("warnings =\n%s\nwant the entries at lines 10 and 14", strings.Join(lines, "\n"))
	}
}

func TestLoadCorpusBrokenTaughtFails(t *testing.T) {
	_, err := LoadCorpus(t.Context(), fstest.MapFS{
		"notes.md": {Data: []byte(clubNotes)},
		TaughtFile: {Data: []byte("taught:\n  - fact: nope\n")},
	})
	if err == nil || !strings.HasPrefix(err.Error(), "taught.yaml:2: ") {
		t.Errorf("error = %v, want one at taught.yaml:2", err)
	}
}

func TestTaughtFileIsNoSource(t *testing.T) {
	if IsSourceFile(TaughtFile) {
		t.Error("taught.yaml is read as a source")
	}
	skipped, err := Skipped(fstest.MapFS{TaughtFile: {Data: []byte("taught: []\n")}, "notes.md": {Data: []byte(clubNotes)}})
	if err != nil || len(skipped) != 0 {
		t.Errorf("skipped = %v, %v; want nothing", skipped, err)
	}
}

func TestAddTaught(t *testing.T) {
	good, err := os.ReadFile("testdata/taught/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		raw  string
		add  Taught
		want []Taught // entries after, Line ignored
		keep []string // lines of raw kept as they were
	}{{
		name: "first question",
		add:  Taught{Fact: "f0b762598b77", Source: "notes.md", Text: "The club meets.", Questions: []string{"When: tonight?"}},
		want: []Taught{{Fact: "f0b762598b77", Source: "notes.md", Text: "The club meets.", Questions: []string{"When: tonight?"}}},
		keep: []string{"# dashboard's teach page; it may be edited by hand. See docs/sources.md."},
	}, {
		name: "to an entry found by id",
		raw:  string(good),
		add:  Taught{Fact: "f1234567890a", Source: "rules.yaml", Text: "Dues are ten euros.", Questions: []string{"yes"}},
		want: []Taught{
			{Fact: "f0b762598b77", Source: "notes.md", Text: "The club meets every Tuesday at 7 pm.", Questions: []string{"When is the weekly club night?", "¿Cuándo se reúne el club?"}},
			{Fact: "f1234567890a", Source: "rules.yaml", Text: "Dues are ten euros.", Questions: []string{"How much are the dues?", "yes"}},
		},
		keep: []string{"# Questions taught by the admins.", "  # A curated fact, taught too.", "      - \"¿Cuándo se reúne el club?\""},
	}, {
		name: "to an entry found by its words, whose id is brought up to date",
		raw:  string(good),
		add:  Taught{Fact: "fabcdefabcde", Source: "notes.md", Text: "The club meets every  Tuesday at 7 pm.", Questions: []string{"Club night?"}},
		want: []Taught{
			{Fact: "fabcdefabcde", Source: "notes.md", Text: "The club meets every Tuesday at 7 pm.", Questions: []string{"When is the weekly club night?", "¿Cuándo se reúne el club?", "Club night?"}},
			{Fact: "f1234567890a", Source: "rules.yaml", Text: "Dues are ten euros.", Questions: []string{"How much are the dues?"}},
		},
		keep: []string{"# Questions taught by the admins."},
	}, {
		name: "a new entry",
		raw:  "# mine\ntaught:\n",
		add:  Taught{Fact: "fabcdefabcde", Source: "a.txt", Text: "A.", Questions: []string{"B?"}},
		want: []Taught{{Fact: "fabcdefabcde", Source: "a.txt", Text: "A.", Questions: []string{"B?"}}},
		keep: []string{"# mine"},
	}, {
		name: "beside an aliased list, left as it was",
		raw:  "taught:\n  - fact: f0b762598b77\n    source: a.md\n    text: &t A.\n    questions: &q [\"B?\"]\n  - fact: f0b762598b78\n    source: b.md\n    text: *t\n    questions: [\"C?\"]\n",
		add:  Taught{Fact: "f0b762598b78", Source: "b.md", Text: "A.", Questions: []string{"D?"}},
		want: []Taught{
			{Fact: "f0b762598b77", Source: "a.md", Text: "A.", Questions: []string{"B?"}},
			{Fact: "f0b762598b78", Source: "b.md", Text: "A.", Questions: []string{"C?", "D?"}},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := AddTaught(TaughtFile, []byte(tt.raw), tt.add)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseTaught(TaughtFile, out)
			if err != nil {
				t.Fatalf("%v in\n%s", err, out)
			}
			for i := range got {
				got[i].Line = 0
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %+v\nwant %+v\nin\n%s", got, tt.want, out)
			}
			for _, line := range tt.keep {
				if !bytes.Contains(out, []byte(line+"\n")) {
					t.Errorf("line %q lost from\n%s", line, out)
				}
			}
		})
	}
}

func TestAddTaughtRefusesWhatDoesNotParse(t *testing.T) {
	add := Taught{Fact: "f0b762598b77", Source: "notes.md", Text: "T.", Questions: []string{"Where is IT?"}}
	for _, raw := range []string{
		"taught: {}\n", // broken already
		"taught:\n  - fact: f0b762598b78\n    source: notes.md\n    text: U.\n    questions: [\"where is it?\"]\n", // taught already
	} {
		if out, err := AddTaught(TaughtFile, []byte(raw), add); err == nil {
			t.Errorf("AddTaught over %q = %s, want an error", raw, out)
		}
	}
}
