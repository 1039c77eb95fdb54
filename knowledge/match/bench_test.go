package match

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

// benchQuestions are asked in turn by the answer benchmarks: a spread of
// question types, a typo, and an off-topic question.
var benchQuestions = []string{
	"Where did the foreign ministers meet?",
	"What did the three countries agree to create?",
	"How many migrants were apprehended at the southern border in 2023?",
	"Who is the Guatemalan foreign minister?",
	"What did Blinkn say about root causes?",
	"What are Trump's plans for deportation?",
	"What is the tallest mountain in the world?",
}

// benchQuestionsES are benchQuestions asked in Spanish, for comparing the
// cost of a Spanish question with an English one.
var benchQuestionsES = []string{
	"¿Dónde se reunieron los cancilleres?",
	"¿Qué acordaron crear los tres países?",
	"¿Cuántos migrantes fueron detenidos en la frontera sur en 2023?",
	"¿Quién es el canciller de Guatemala?",
	"¿Qué dijo Blinkn sobre las causas de fondo?",
	"¿Cuáles son los planes de Trump para las deportaciones?",
	"¿Cuál es la montaña más alta del mundo?",
}

func articleIndex(tb testing.TB) *Index {
	tb.Helper()
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		tb.Fatal(err)
	}
	return NewIndex(c)
}

// BenchmarkAnswerSQuAD measures answering the SQuAD set's questions, in
// turn, against its eight articles: documents nobody tuned the engine for.
func BenchmarkAnswerSQuAD(b *testing.B) {
	dir := filepath.Join("..", "evaluation", "testdata", "squad")
	c, err := source.LoadCorpus(context.Background(), os.DirFS(filepath.Join(dir, "sources")))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "questions.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	var qs []string
	for _, line := range bytes.Split(raw, []byte("\n")) {
		var q struct{ Q string }
		if json.Unmarshal(line, &q) == nil && q.Q != "" {
			qs = append(qs, q.Q)
		}
	}
	benchmarkQuestions(b, NewIndex(c), qs)
}

// BenchmarkAnswer measures answering one question against the article.
func BenchmarkAnswer(b *testing.B) {
	benchmarkAnswers(b, articleIndex(b))
}

// BenchmarkAnswerSpanish measures answering the same questions in Spanish
// against the article (English): the cost of crossing languages.
func BenchmarkAnswerSpanish(b *testing.B) {
	ix := articleIndex(b)
	ix.Answer(context.Background(), benchQuestionsES[0], knowledge.Options{}) // the Spanish phrase table is built once, on the first
	benchmarkQuestions(b, ix, benchQuestionsES)
}

// benchmarkAnswers asks benchQuestions in turn, one per iteration.
func benchmarkAnswers(b *testing.B, ix *Index) { benchmarkQuestions(b, ix, benchQuestions) }

// benchmarkQuestions asks qs in turn, one per iteration.
func benchmarkQuestions(b *testing.B, ix *Index, qs []string) {
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ix.Answer(ctx, qs[i%len(qs)], knowledge.Options{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBuildArticle measures building the store and the index from the
// embedded article: parse, analyse, write a SQLite file with the prepared
// index, read it back and load the index from it.
func BenchmarkBuildArticle(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	path := filepath.Join(dir, "facts.db")
	b.ReportAllocs()
	for b.Loop() {
		c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
		if err != nil {
			b.Fatal(err)
		}
		_, p, err := BuildPrepared(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sqlite.Build(ctx, path, c, p); err != nil {
			b.Fatal(err)
		}
		loadStore(b, path)
	}
}

// loadStore reads the store at path and loads its index from the prepared
// form it keeps, as the library does; it fails when that cannot be used.
func loadStore(tb testing.TB, path string) *Index {
	tb.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	defer s.Close()
	c, err := s.Corpus(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := s.Prepared(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	ix, err := Load(ctx, c, p)
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

// scaleFacts is the size of the generated corpus of the scale benchmarks.
const scaleFacts = 100_000

// syntheticSources generates plain-text sources holding n sentences in
// all: words drawn with a Zipf distribution from a made-up vocabulary, mixed
// with the article's own words, so postings lists have a realistic skew.
func syntheticSources(n int) map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	article := strings.Fields("migration border security working group Mexico Guatemala United States " +
		"Washington Blinken Bárcena Martínez apprehensions deportation asylum police cooperation trafficking " +
		"Biden Trump Congress caravan Chiapas Arriaga families detention centers opportunities development")
	syll := []string{"ka", "lo", "mi", "ra", "te", "su", "vin", "dor", "pel", "an", "tro", "gue", "nas", "bel", "co", "fi"}
	vocab := make([]string, 20000)
	for i := range vocab {
		var sb strings.Builder
		for j := 0; j < 2+i%3; j++ {
			sb.WriteString(syll[(i/(j+1)+j*7)%len(syll)])
		}
		sb.WriteString(strconv.Itoa(i % 97))
		vocab[i] = strings.TrimRight(sb.String(), "0123456789") + string(rune('a'+i%26)) + string(rune('a'+(i/26)%26))
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	files := map[string][]byte{}
	const perFile = 1000
	for f := 0; f*perFile < n; f++ {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, " date 2024-%02d-%02d ", 1+f%12, 1+f%28)
		for s := 0; s < perFile && f*perFile+s < n; s++ {
			words := 12 + rng.IntN(18)
			for w := 0; w < words; w++ {
				word := vocab[zipf.Uint64()]
				if rng.IntN(8) == 0 {
					word = article[rng.IntN(len(article))]
				}
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					buf.WriteByte(' ')
				}
				buf.WriteString(word)
			}
			buf.WriteString(".")
			if s%3 == 2 {
				buf.WriteString("\n\n")
			} else {
				buf.WriteString(" ")
			}
		}
		files[fmt.Sprintf("synthetic-%04d.txt", f)] = buf.Bytes()
	}
	return files
}

func syntheticCorpus(tb testing.TB, n int) *knowledge.Corpus {
	tb.Helper()
	files := syntheticSources(n)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	c := &knowledge.Corpus{Vocabulary: source.DefaultVocabulary()}
	for _, name := range names {
		doc, err := source.Parse(name, files[name])
		if err != nil {
			tb.Fatal(err)
		}
		c.Add(doc)
	}
	return c
}

var (
	scaleOnce  sync.Once
	scaleIndex *Index
)

// BenchmarkScaleAnswer measures answering against a generated corpus of
// 100,000 facts.
func BenchmarkScaleAnswer(b *testing.B) {
	scaleOnce.Do(func() { scaleIndex = NewIndex(syntheticCorpus(b, scaleFacts)) })
	b.ReportMetric(float64(len(scaleIndex.Facts())), "facts")
	benchmarkAnswers(b, scaleIndex)
}

// BenchmarkScaleIngest measures ingesting 100,000 generated facts: parse
// the sources, analyse them and write them with their prepared index to a
// SQLite store file, as `agreementbot ingest` does. It reports facts per
// second and the peak resident memory (VmHWM) while ingesting.
func BenchmarkScaleIngest(b *testing.B) {
	files := syntheticSources(scaleFacts)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	dir := b.TempDir()
	for name, raw := range files {
		if err := os.WriteFile(filepath.Join(dir, name), raw, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	files = nil
	runtime.GC()
	resetPeakRSS()
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "facts.db")
	var total, parse, analyse time.Duration
	for b.Loop() {
		start := time.Now()
		c, err := source.LoadCorpus(context.Background(), os.DirFS(dir))
		if err != nil {
			b.Fatal(err)
		}
		parse += time.Since(start)
		_, p, err := BuildPrepared(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC() // as library.BuildStore does: the index is garbage
		analyse += time.Since(start) - parse
		if _, err := sqlite.Build(ctx, db, c, p); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		if len(c.Facts) < scaleFacts {
			b.Fatalf("ingested %d facts, want %d", len(c.Facts), scaleFacts)
		}
	}
	b.ReportMetric(float64(scaleFacts)*float64(b.N)/total.Seconds(), "facts/s")
	b.ReportMetric(parse.Seconds()/float64(b.N), "parse-s")
	b.ReportMetric(analyse.Seconds()/float64(b.N), "analyse-s")
	b.ReportMetric((total-parse-analyse).Seconds()/float64(b.N), "write-s")
	if peak := peakRSS(); peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	}
}

// BenchmarkScaleIndex measures loading 100,000 facts from a store and
// indexing them from the prepared index it keeps, the work a bot does at
// start and on reload, and reports peak resident memory.
func BenchmarkScaleIndex(b *testing.B) {
	db := scaleStore(b)
	for b.Loop() {
		loadStore(b, db)
	}
	if peak := peakRSS(); peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	}
}

// BenchmarkScaleAnalyse is BenchmarkScaleIndex analysing every fact
// instead: what loading a store without a usable prepared index costs.
func BenchmarkScaleAnalyse(b *testing.B) {
	ctx := context.Background()
	db := scaleStore(b)
	for b.Loop() {
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		c, err := s.Corpus(ctx)
		s.Close()
		if err != nil {
			b.Fatal(err)
		}
		NewIndex(c)
	}
	if peak := peakRSS(); peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	}
}

// scaleStore writes the generated corpus of 100,000 facts, with its
// prepared index, to a store file, and starts a new peak-memory
// measurement.
func scaleStore(b *testing.B) string {
	ctx := context.Background()
	db := filepath.Join(b.TempDir(), "facts.db")
	c := syntheticCorpus(b, scaleFacts)
	_, p, err := BuildPrepared(ctx, c)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sqlite.Build(ctx, db, c, p); err != nil {
		b.Fatal(err)
	}
	// Hand back what building took, so the peak that follows is loading's.
	debug.FreeOSMemory()
	resetPeakRSS()
	return db
}

// resetPeakRSS starts a new peak-memory measurement: on Linux, writing 5 to
// clear_refs resets VmHWM to the current resident size, so the peak that
// follows belongs to the code being measured, not to setting it up.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS returns the process's peak resident set size in bytes, from
// /proc/self/status, or 0 where that is not available.
func peakRSS() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
