package match

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/apytest"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/apertium"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// echoTranslator "translates" at once, giving each text back as it is:
// what translating costs the matcher itself, the translator's own time
// apart.
type echoTranslator struct{}

func (echoTranslator) Translate(_ context.Context, texts []string, _, _ string) ([]string, error) {
	return texts, nil
}

// BenchmarkAnswerTranslated measures benchQuestionsES against the article
// with its facts' translations and a translator that answers at once:
// the matcher's own cost of matching a question three ways, beside
// BenchmarkAnswerSpanish.
func BenchmarkAnswerTranslated(b *testing.B) {
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		b.Fatal(err)
	}
	if c.Translations, err = TranslateCorpus(context.Background(), c, echoTranslator{}, nil, nil); err != nil {
		b.Fatal(err)
	}
	ix := NewIndex(c, WithTranslator(echoTranslator{}, time.Second))
	ix.Answer(context.Background(), benchQuestionsES[0], knowledge.Options{})
	benchmarkQuestions(b, ix, benchQuestionsES)
}

// BenchmarkAnswerThroughAPy measures benchQuestionsES against the
// article translated by a real apertium-apy, each question translated by
// it too (no cache); BenchmarkAPyQuestion measures the same translations
// alone. The difference is what answering through the translator costs
// beyond the translator's own time.
func BenchmarkAnswerThroughAPy(b *testing.B) {
	tr := apyClient(b)
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		b.Fatal(err)
	}
	if c.Translations, err = TranslateCorpus(context.Background(), c, tr, nil, nil); err != nil {
		b.Fatal(err)
	}
	benchmarkQuestions(b, NewIndex(c, WithTranslator(tr, 10*time.Second)), benchQuestionsES)
	if s := tr.Stats(); s.Failures > 0 {
		b.Fatalf("%d translations failed", s.Failures)
	}
}

// BenchmarkAPyQuestion measures translating benchQuestionsES into
// English through a real apertium-apy, one per iteration, without a
// cache.
func BenchmarkAPyQuestion(b *testing.B) {
	tr := apyClient(b)
	i := 0
	for b.Loop() {
		if _, err := tr.Translate(context.Background(), []string{benchQuestionsES[i%len(benchQuestionsES)]}, "es", "en"); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// apyClient starts a real apertium-apy (or skips) and returns a client of
// it without a cache, its pipelines started.
func apyClient(b *testing.B) *apertium.Client {
	srv := apytest.Start(b)
	tr, err := apertium.New(apertium.Options{URL: srv.URL, CacheSize: -1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	if err := tr.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	return tr
}
