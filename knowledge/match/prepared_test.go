package match

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// storeRoundTrip analyses c, writes it with its prepared index to a store
// file, and returns the index of the full analysis and the one loaded from
// the store's prepared index.
func storeRoundTrip(t *testing.T, c *knowledge.Corpus) (full, loaded *Index) {
	t.Helper()
	ctx := t.Context()
	full, p, err := BuildPrepared(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "facts.db")
	if _, err := sqlite.Build(ctx, path, c, p); err != nil {
		t.Fatal(err)
	}
	return full, loadStore(t, path)
}

// questionFile reads the questions of a JSON Lines question file.
func questionFile(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, line := range bytes.Split(raw, []byte("\n")) {
		var q struct{ Q string }
		if json.Unmarshal(line, &q) == nil && q.Q != "" {
			qs = append(qs, q.Q)
		}
	}
	return qs
}

// sameAnswers asks both indexes every question, with the most facts and
// their explanations, and checks the answers are identical: the same
// facts, scores, confidences, explanations and suggestions; and, for some
// of them, the same completions and facts matched as they are typed.
func sameAnswers(t *testing.T, full, loaded *Index, qs []string) {
	t.Helper()
	ctx := context.Background()
	opt := knowledge.Options{Top: knowledge.MaxTop, Explain: true}
	answered := 0
	typing := max(1, len(qs)/40) // completion is slow: try some 40 questions
	for n, q := range qs {
		want, werr := full.Answer(ctx, q, opt)
		got, gerr := loaded.Answer(ctx, q, opt)
		if !errors.Is(gerr, werr) || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: loaded index answers\n%+v (%v)\nfull analysis answers\n%+v (%v)", q, got, gerr, want, werr)
			continue
		}
		if want.Answered {
			answered++
		}
		if n%typing != 0 {
			continue
		}
		for _, typed := range []string{q[:len(q)/2], q} {
			if g, w := loaded.Complete(typed, 5), full.Complete(typed, 5); !reflect.DeepEqual(g, w) {
				t.Errorf("Complete(%q) = %q, full analysis %q", typed, g, w)
			}
			if g, w := loaded.MatchFacts(typed, 5), full.MatchFacts(typed, 5); !reflect.DeepEqual(g, w) {
				t.Errorf("MatchFacts(%q) differs from the full analysis'", typed)
			}
		}
	}
	if answered == 0 {
		t.Errorf("none of the %d questions was answered: the comparison says little", len(qs))
	}
	t.Logf("%d questions, %d answered, the same answers", len(qs), answered)
}

// sameTables checks that the loaded index holds what the full analysis
// built, table by table (not the analyser's caches, which only speed it up).
func sameTables(t *testing.T, full, loaded *Index) {
	t.Helper()
	tables := map[string][2]any{
		"termIDs": {full.termIDs, loaded.termIDs}, "postings": {full.postings, loaded.postings},
		"idf": {full.idf, loaded.idf}, "idfMissing": {full.idfMissing, loaded.idfMissing},
		"feats": {full.feats, loaded.feats}, "forward": {full.forward, loaded.forward},
		"byID": {full.byID, loaded.byID}, "paras": {full.paras, loaded.paras},
		"sourceLang": {full.sourceLang, loaded.sourceLang}, "hasSpanish": {full.hasSpanish, loaded.hasSpanish},
		"words": {full.words, loaded.words}, "sorted": {full.sorted, loaded.sorted},
		"deletions": {full.deletions, loaded.deletions}, "topics": {full.topics, loaded.topics},
		"completions": {full.completions, loaded.completions}, "factLabels": {full.factLabels(), loaded.factLabels()},
	}
	for name, pair := range tables {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("the loaded index's %s differ from the full analysis'", name)
		}
	}
	for _, w := range loaded.sorted {
		if got, want := loaded.an.forms(w), full.an.forms(w); got != want {
			t.Errorf("the loaded stem of %q is %+v, the full analysis' %+v", w, got, want)
		}
	}
}

// TestPreparedAnswersAsAnalysis checks that an index loaded from a store's
// prepared index answers exactly as the full analysis of the same facts:
// the article with every question of the project's question sets, SQuAD's
// articles with theirs, and a generated corpus with questions made of its
// sentences.
func TestPreparedAnswersAsAnalysis(t *testing.T) {
	testdata := filepath.Join("..", "evaluation", "testdata")
	t.Run("article", func(t *testing.T) {
		c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
		if err != nil {
			t.Fatal(err)
		}
		qs := append(append([]string{}, benchQuestions...), benchQuestionsES...)
		files, _ := filepath.Glob(filepath.Join(testdata, "*.jsonl"))
		for _, f := range files {
			qs = append(qs, questionFile(t, f)...)
		}
		full, loaded := storeRoundTrip(t, c)
		sameTables(t, full, loaded)
		sameAnswers(t, full, loaded, qs)
	})
	t.Run("squad", func(t *testing.T) {
		if testing.Short() {
			t.Skip("short")
		}
		dir := filepath.Join(testdata, "squad")
		c, err := source.LoadCorpus(t.Context(), os.DirFS(filepath.Join(dir, "sources")))
		if err != nil {
			t.Fatal(err)
		}
		qs := questionFile(t, filepath.Join(dir, "questions.jsonl"))
		full, loaded := storeRoundTrip(t, c)
		sameTables(t, full, loaded)
		sameAnswers(t, full, loaded, qs[:len(qs)/4])
	})
	t.Run("synthetic", func(t *testing.T) {
		c := syntheticCorpus(t, 3000)
		qs := append([]string{}, benchQuestions...)
		for i := 0; i < len(c.Facts); i += 37 {
			words := strings.Fields(c.Facts[i].Text)
			q := strings.Join(words[:min(len(words), 6)], " ")
			qs = append(qs, "Who "+q+"?", strings.Join(words[len(words)/2:], " "))
			if w := words[len(words)-1]; len(w) > 6 {
				qs = append(qs, "what about "+w[:3]+w[4:]) // a typo
			}
		}
		full, loaded := storeRoundTrip(t, c)
		sameTables(t, full, loaded)
		sameAnswers(t, full, loaded, qs)
	})
}

// TestLoadRefusesUnusable checks that Load refuses, with ErrNotPrepared, a
// prepared index it must not trust: none, one made by another analysis or
// for another vocabulary (stale), one made from other facts, and damaged
// ones.
func TestLoadRefusesUnusable(t *testing.T) {
	c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	_, p, err := BuildPrepared(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(t.Context(), c, p); err != nil {
		t.Fatalf("the prepared index of the same facts: %v", err)
	}
	changed := func(change func(c *knowledge.Corpus, p *knowledge.Prepared)) (*knowledge.Corpus, *knowledge.Prepared) {
		cc, pp := *c, *p
		cc.Facts = append([]knowledge.Fact(nil), c.Facts...)
		pp.Sections = nil
		for _, s := range p.Sections {
			pp.Sections = append(pp.Sections, knowledge.PreparedSection{Name: s.Name, Data: bytes.Clone(s.Data)})
		}
		change(&cc, &pp)
		return &cc, &pp
	}
	section := func(p *knowledge.Prepared, name string) *knowledge.PreparedSection {
		for i := range p.Sections {
			if p.Sections[i].Name == name {
				return &p.Sections[i]
			}
		}
		t.Fatalf("no section %s", name)
		return nil
	}
	tests := []struct {
		name   string
		change func(c *knowledge.Corpus, p *knowledge.Prepared)
		want   string
	}{
		{"another analysis", func(_ *knowledge.Corpus, p *knowledge.Prepared) { p.Fingerprint = "a0-0123" }, "another analysis"},
		{"another vocabulary", func(c *knowledge.Corpus, _ *knowledge.Prepared) {
			c.Vocabulary = c.Vocabulary.Merge(&knowledge.Vocabulary{StopWords: []string{"migration"}})
		}, "another analysis"},
		{"a fact reworded", func(c *knowledge.Corpus, _ *knowledge.Prepared) {
			c.Facts[3].Clean += " Or not."
		}, "other facts"},
		{"a fact less", func(c *knowledge.Corpus, _ *knowledge.Prepared) { c.Facts = c.Facts[1:] }, "other facts"},
		{"a byte changed", func(_ *knowledge.Corpus, p *knowledge.Prepared) { section(p, sectionPostings).Data[100]++ }, "checksum"},
		{"a section missing", func(_ *knowledge.Corpus, p *knowledge.Prepared) { p.Sections = p.Sections[:len(p.Sections)-1] }, "no words"},
		{"a damaged header", func(_ *knowledge.Corpus, p *knowledge.Prepared) { section(p, sectionHeader).Data[0] = '[' }, "damaged header"},
		{"another format", func(_ *knowledge.Corpus, p *knowledge.Prepared) {
			h := section(p, sectionHeader)
			h.Data = bytes.Replace(h.Data, []byte(`"format":1`), []byte(`"format":99`), 1)
		}, "format 99"},
		{"a count no section could hold", func(_ *knowledge.Corpus, p *knowledge.Prepared) {
			h := section(p, sectionHeader)
			h.Data = bytes.Replace(h.Data, []byte(`"postings":`), []byte(`"postings":2999999999`), 1)
		}, "damaged header"},
		{"a negative count", func(_ *knowledge.Corpus, p *knowledge.Prepared) {
			h := section(p, sectionHeader)
			h.Data = bytes.Replace(h.Data, []byte(`"words":`), []byte(`"words":-`), 1)
		}, "damaged header"},
		{"wrong sizes", func(_ *knowledge.Corpus, p *knowledge.Prepared) {
			h := section(p, sectionHeader)
			var head preparedHeader
			if err := json.Unmarshal(h.Data, &head); err != nil {
				t.Fatal(err)
			}
			head.Postings++ // within what the section could hold, but wrong
			h.Data, _ = json.Marshal(head)
		}, "damaged postings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc, pp := changed(tt.change)
			ix, err := Load(t.Context(), cc, pp)
			if ix != nil || !errors.Is(err, ErrNotPrepared) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load = %v, %v; want ErrNotPrepared saying %q", ix != nil, err, tt.want)
			}
		})
	}
	if _, err := Load(t.Context(), c, nil); !errors.Is(err, ErrNotPrepared) {
		t.Errorf("Load without a prepared index = %v, want ErrNotPrepared", err)
	}
}

// goldenPrepared is the digest of the prepared index of goldenCorpus.
//
// If TestAnalysisGolden fails, the analysis now finds something else in
// the same words. When the change is to the code (not only to the word
// lists under lang/, which the fingerprint covers), bump analysisVersion,
// so that stores prepared by earlier builds are analysed again instead of
// trusted; then, in any case, put the new digest here.
const goldenPrepared = "03949b7260a49b4e"

// goldenCorpus is a small corpus that exercises the analysis: names,
// titles tied to them, a pronoun, dates, numbers, places, a reason, a
// caption with its credit, a curated fact with phrasings, and Spanish.
func goldenCorpus(t *testing.T) *knowledge.Corpus {
	t.Helper()
	docs := map[string]string{
		"a.txt": "Secretary of State Antony Blinken met Alicia Bárcena in Washington on 28 February 2024.\n\n" +
			"He said the group would meet again in March because 285,000 migrants crossed in 2023.\n\n" +
			"The minister answered that Guatemala's president agreed.",
		"b.txt": "Los cancilleres acordaron crear un grupo de trabajo en la frontera sur de México.",
	}
	v := &knowledge.Vocabulary{
		Entities: []knowledge.Entity{
			{ID: "blinken", Type: knowledge.EntityPerson, Names: []string{"Antony Blinken", "Blinken"}, Titles: []string{"Secretary of State"}, Country: "us"},
			{ID: "barcena", Type: knowledge.EntityPerson, Names: []string{"Alicia Bárcena"}, Titles: []string{"the minister"}},
			{ID: "us", Type: knowledge.EntityCountry, Names: []string{"United States", "US"}},
			{ID: "guatemala", Type: knowledge.EntityCountry, Names: []string{"Guatemala"}},
			{ID: "washington", Type: knowledge.EntityPlace, Names: []string{"Washington"}},
		},
		Synonyms:  [][]string{{"migrants", "migrantes"}, {"group", "grupo"}},
		Variants:  map[string]string{"colour": "color"},
		StopWords: []string{"said"},
		Topics:    []string{"The working group"},
	}
	c := &knowledge.Corpus{Vocabulary: v}
	for _, name := range []string{"a.txt", "b.txt"} {
		doc, err := source.Parse(name, []byte(docs[name]))
		if err != nil {
			t.Fatal(err)
		}
		c.Add(doc)
	}
	c.Facts = append(c.Facts, knowledge.Fact{
		ID: "curated-1", Kind: knowledge.KindCurated, Text: "The working group reports every quarter.",
		Clean: "The working group reports every quarter.", Phrasings: []string{"How often does the group report?"},
		Citation: knowledge.Citation{SourceID: "a", Paragraph: 9, Credit: "AFP"},
	}, knowledge.Fact{
		ID: "caption-1", Kind: knowledge.KindCaption, Text: "Migrants walk towards the border.",
		Clean: "Migrants walk towards the border.", Citation: knowledge.Citation{SourceID: "a", Paragraph: 10, Credit: "AFP – STRINGER"},
	})
	return c
}

// TestAnalysisGolden fails when the analysis of goldenCorpus changes, as a
// reminder to bump analysisVersion (see goldenPrepared).
func TestAnalysisGolden(t *testing.T) {
	_, p, err := BuildPrepared(t.Context(), goldenCorpus(t))
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, s := range p.Sections {
		h.Write([]byte(s.Name))
		h.Write(s.Data)
	}
	if got := hex.EncodeToString(h.Sum(nil))[:16]; got != goldenPrepared {
		t.Errorf("the analysis of the golden corpus changed (digest %s, was %s): if the code of the analysis changed, bump analysisVersion; then set goldenPrepared to %s", got, goldenPrepared, got)
	}
}

// TestFingerprintCoversWordLists checks that the fingerprint changes with
// every embedded word list, the speller's frequency table too: an index
// prepared under other lists is analysed again, not trusted.
func TestFingerprintCoversWordLists(t *testing.T) {
	lists := fstest.MapFS{}
	err := fs.WalkDir(langFS, "lang", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(langFS, name)
		lists[name] = &fstest.MapFile{Data: raw}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	base := analysisDigestOf(lists)
	if base != analysisDigest() {
		t.Fatal("a copy of the word lists digests unlike the lists")
	}
	for _, name := range []string{"lang/en/levels.txt", "lang/en/words.txt", "lang/es/lexicon.txt"} {
		if lists[name] == nil {
			t.Fatalf("%s is not embedded", name)
		}
		changed := maps.Clone(lists)
		changed[name] = &fstest.MapFile{Data: append(slices.Clone(lists[name].Data), "zzz 50\n"...)}
		if analysisDigestOf(changed) == base {
			t.Errorf("a change to %s leaves the fingerprint as it was", name)
		}
	}
}
