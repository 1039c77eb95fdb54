package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// fuzzSeeds adds the real article and the test data files matching glob
// to f's corpus.
func fuzzSeeds(f *testing.F, globs ...string) {
	f.Helper()
	for _, glob := range append([]string{"default/sources/*"}, globs...) {
		paths, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(raw)
		}
	}
}

func FuzzParseText(f *testing.F) {
	fuzzSeeds(f, "testdata/broken/*.txt")
	for _, s := range []string{
		"",
		" date 2024-02-28 One. Two.\r\n\r\nHeading here\r\n\r\nWith EFE",
		"\uFEFFdate 2024-01-01\n\n“Quote,” he said. “More.”",
		"#tag 🇲🇽\n\nText pic.twitter.com/x -- Name (@h) May 1, 2024",
		"A caption. AFP – STRINGER\n\nB. Photo: Reuters",
		"Mr. J. Smith met Dr. No. He left at 2.30 p.m. Then \"Hi.\" Done.",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkParsed(t, "sources/fuzz.txt", raw, ParseText)
	})
}

func FuzzParseMarkdown(f *testing.F) {
	fuzzSeeds(f, "testdata/sources/*.md", "testdata/broken/*.md")
	for _, s := range []string{
		"",
		"---\ntitle: T\n---\n# H\n\nText **bold** and [link](u).",
		"> quote\nlazy\n\n- a\n- b\n1. c\n\n```\ncode\n",
		"Setext\n===\n\n*a _b* c_ `x` ![i](s) <b>t</b> <a@b.c> \\*",
		"[a](b)[c][d] ***x*** ~~y~~ [unclosed",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkParsed(t, "sources/fuzz.md", raw, ParseMarkdown)
	})
}

func FuzzParseFacts(f *testing.F) {
	fuzzSeeds(f, "testdata/*.yaml", "testdata/broken/*.yaml")
	for _, s := range []string{
		"",
		"facts:\n  - text: A.\n  - text: A.\n",
		"source: &s\n  title: T\nfacts:\n  - &f {text: B, phrasings: x}\n  - *f\n",
		"facts: [{text: C, date: 2024-02-29, section: S}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkParsed(t, "sources/fuzz.yaml", raw, ParseFacts)
	})
}

// checkParsed parses raw with parse and checks that the result is either a
// *SourceError for path or a document whose every fact holds the
// invariants all parsers promise.
func checkParsed(t *testing.T, path string, raw []byte, parse func(string, []byte) (*knowledge.Document, error)) *knowledge.Document {
	t.Helper()
	doc, err := parse(path, raw)
	if err != nil {
		var se *knowledge.SourceError
		if !errors.As(err, &se) {
			t.Fatalf("error %v is a %T, want *SourceError", err, err)
		}
		if se.Path != path || se.Line < 0 || se.Line > bytes.Count(raw, []byte("\n"))+1 {
			t.Fatalf("error %q: bad path or line", err)
		}
		if doc != nil {
			t.Fatalf("got a document along with error %v", err)
		}
		return nil
	}
	src := doc.Source
	format := strings.TrimPrefix(filepath.Ext(path), ".")
	if src.ID != strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) ||
		src.Path != filepath.Base(path) || src.Format != format || src.Title == "" {
		t.Fatalf("bad source %+v", src)
	}
	if src.Date != "" && !validDate(src.Date) {
		t.Fatalf("bad source date %q", src.Date)
	}
	if len(doc.Facts) == 0 {
		t.Fatal("no facts and no error")
	}
	for i, p := range doc.Paragraphs {
		if p.Number != i+1 {
			t.Fatalf("paragraph %d numbered %d", i+1, p.Number)
		}
	}
	seen := make(map[string]int)
	prev := knowledge.Citation{}
	for i, f := range doc.Facts {
		c := f.Citation
		norm := strings.Join(strings.Fields(f.Text), " ")
		if want := knowledge.FactID(src.ID, f.Text, seen[norm]); f.ID != want {
			t.Errorf("fact %d: id %s, want %s", i, f.ID, want)
		}
		seen[norm]++
		if f.Text == "" || f.Text != strings.TrimSpace(f.Text) {
			t.Errorf("fact %d: text %q is empty or untrimmed", i, f.Text)
		}
		if f.Clean != norm {
			t.Errorf("fact %d: clean %q, want %q", i, f.Clean, norm)
		}
		if c.SourceID != src.ID || c.Title != src.Title || c.Publisher != src.Publisher {
			t.Errorf("fact %d: citation %+v does not match source %+v", i, c, src)
		}
		if c.Date != "" && !validDate(c.Date) {
			t.Errorf("fact %d: bad date %q", i, c.Date)
		}
		if (f.Kind == knowledge.KindTweet || f.Kind == knowledge.KindCaption) && c.Credit == "" {
			t.Errorf("fact %d: %s without credit", i, f.Kind)
		}
		if c.Paragraph < 1 || c.Paragraph > len(doc.Paragraphs) {
			t.Fatalf("fact %d: paragraph %d of %d", i, c.Paragraph, len(doc.Paragraphs))
		}
		if p := doc.Paragraphs[c.Paragraph-1]; p.Section != c.Section {
			t.Errorf("fact %d: section %q, its paragraph's %q", i, c.Section, p.Section)
		}
		switch {
		case c.Paragraph == prev.Paragraph && c.Sentence != prev.Sentence+1,
			c.Paragraph != prev.Paragraph && (c.Sentence != 1 || c.Paragraph < prev.Paragraph):
			t.Errorf("fact %d: %d.%d follows %d.%d", i, c.Paragraph, c.Sentence, prev.Paragraph, prev.Sentence)
		}
		switch format {
		case "yaml":
			if f.Kind != knowledge.KindCurated || c.Start != 0 || c.End != 0 || c.Paragraph != i+1 {
				t.Errorf("fact %d: %s at %d.%d, bytes %d-%d", i, f.Kind, c.Paragraph, c.Sentence, c.Start, c.End)
			}
			continue
		case "txt":
			if f.Kind == knowledge.KindCurated || c.Start < prev.End || c.End > len(raw) || string(raw[c.Start:c.End]) != f.Text {
				t.Errorf("fact %d: %s %q at bytes %d-%d (previous ends at %d)", i, f.Kind, f.Text, c.Start, c.End, prev.End)
			}
		case "md":
			if f.Kind != knowledge.KindSentence && f.Kind != knowledge.KindQuote || c.Start < prev.End || c.End > len(raw) || !isSubsequence(f.Text, string(raw[c.Start:c.End])) {
				t.Errorf("fact %d: %s %q at bytes %d-%d (previous ends at %d)", i, f.Kind, f.Text, c.Start, c.End, prev.End)
			}
		}
		prev = c
	}
	return doc
}

// isSubsequence reports whether the bytes of s appear in order in t.
func isSubsequence(s, t string) bool {
	for i := 0; i < len(s); i++ {
		j := strings.IndexByte(t, s[i])
		if j < 0 {
			return false
		}
		t = t[j+1:]
	}
	return true
}

// FuzzParseTaught checks that a taught file, which an admin may upload,
// is read or refused with errors at its lines, never a panic; and that
// one read can have a question taught into it, losing none of its own.
func FuzzParseTaught(f *testing.F) {
	fuzzSeeds(f, "testdata/taught/*.yaml")
	for _, s := range []string{
		"taught:\n  - &e {fact: f0b762598b77, source: a.md, text: T, questions: [\"Q\"]}\n  - *e\n",
		"taught: [{fact: f0b762598b77, source: a.md, text: &t T, questions: &q [\"Q\"]}, {fact: f0b762598b78, source: b.md, text: *t, questions: *q}]\n",
		"\uFEFFtaught: ~\n# end\n",
		"taught:\n- fact: f0b762598b77\n  source: A.TXT\n  text: \"T\\u0085\"\n  questions: [\"fuzz question?\"]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		entries, err := ParseTaught(TaughtFile, raw)
		if err != nil {
			lines := bytes.Count(raw, []byte("\n")) + 1
			list, ok := err.(knowledge.SourceErrors)
			if !ok {
				var se *knowledge.SourceError
				if !errors.As(err, &se) {
					t.Fatalf("error %v is a %T, want source errors", err, err)
				}
				list = knowledge.SourceErrors{se}
			}
			for _, se := range list {
				if se.Path != TaughtFile || se.Line < 0 || se.Line > lines {
					t.Fatalf("error %q: bad path or line", se)
				}
			}
			return
		}
		asked := map[string]bool{}
		for _, e := range entries {
			if !factIDRe.MatchString(e.Fact) || !IsSourceFile(e.Source) || e.Text == "" || len(e.Questions) == 0 {
				t.Fatalf("bad entry %+v", e)
			}
			for _, q := range e.Questions {
				if clean, err := knowledge.CleanQuestion(q); err != nil || clean != q || asked[QuestionKey(q)] {
					t.Fatalf("entry %+v: question %q unclean or taught twice", e, q)
				}
				asked[QuestionKey(q)] = true
			}
		}
		add := Taught{Fact: "fabcdef01234", Source: "fuzz.md", Text: "Fuzz.", Questions: []string{"A question nobody fuzzed?"}}
		if len(entries) > 0 {
			add = entries[0]
			add.Questions = []string{"A question nobody fuzzed?"}
		}
		if asked[QuestionKey(add.Questions[0])] {
			return
		}
		out, err := AddTaught(TaughtFile, raw, add)
		if err != nil {
			t.Fatalf("AddTaught: %v", err)
		}
		after, err := ParseTaught(TaughtFile, out)
		if err != nil {
			t.Fatalf("AddTaught wrote what does not parse: %v\n%s", err, out)
		}
		for _, e := range after {
			for _, q := range e.Questions {
				delete(asked, QuestionKey(q))
			}
		}
		if len(asked) > 0 {
			t.Fatalf("AddTaught lost %v:\n%s", asked, out)
		}
	})
}
