package apertium_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/apytest"
	"github.com/agreementbot/agreementbot/knowledge/apertium"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// TestRealServer translates through a real apertium-apy: a batch of
// sentences comes back one translation each, in order, and a question
// both ways.
func TestRealServer(t *testing.T) {
	srv := apytest.Start(t)
	c, err := apertium.New(apertium.Options{URL: srv.URL, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	facts := []string{
		"Los ministros se reunieron en Washington.",
		"El grupo de trabajo abordará la migración irregular.",
		"",
		"México y Guatemala firmaron el acuerdo el 28 de febrero de 2024.",
	}
	got, err := c.Translate(t.Context(), facts, "es", "en")
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Washington", "migration", "", "Guatemala"} {
		if !strings.Contains(got[i], want) || (want == "") != (got[i] == "") {
			t.Errorf("translation %d = %q, want it to say %q", i, got[i], want)
		}
	}
	q, err := c.Translate(t.Context(), []string{"Where did the ministers meet?"}, "en", "es")
	if err != nil || !strings.Contains(strings.ToLower(q[0]), "ministros") {
		t.Errorf("question: %q, %v; want it in Spanish", q, err)
	}
	if s := c.Stats(); s.Translated != 6 || s.Failures != 0 { // the warm-up's two words included
		t.Errorf("stats %+v, want 6 translated", s)
	}
}

// BenchmarkRealBatched translates the embedded article's facts through a
// real apertium-apy in one call, as ingest does, reporting words a second.
func BenchmarkRealBatched(b *testing.B) { benchmarkReal(b, 0) }

// BenchmarkRealOneByOne translates the same facts one call a fact.
func BenchmarkRealOneByOne(b *testing.B) { benchmarkReal(b, 1) }

// benchmarkReal translates the article's facts per calls of per texts (0:
// all in one call).
func benchmarkReal(b *testing.B, per int) {
	srv := apytest.Start(b)
	c, err := apertium.New(apertium.Options{URL: srv.URL, CacheSize: -1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Warm(b.Context()); err != nil {
		b.Fatal(err)
	}
	corpus, err := source.LoadCorpus(b.Context(), source.DefaultSources())
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	words := 0
	for _, f := range corpus.Facts {
		texts = append(texts, f.Clean)
		words += len(strings.Fields(f.Clean))
	}
	if per == 0 {
		per = len(texts)
	}
	start := time.Now()
	for b.Loop() {
		for i := 0; i < len(texts); i += per {
			if _, err := c.Translate(b.Context(), texts[i:min(i+per, len(texts))], "en", "es"); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(words*b.N)/time.Since(start).Seconds(), "words/s")
}
