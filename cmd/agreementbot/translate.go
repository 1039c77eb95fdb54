package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/agreementbot/agreementbot/bot/metrics"
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/apertium"
	"github.com/agreementbot/agreementbot/knowledge/library"
	"github.com/agreementbot/agreementbot/knowledge/match"
)

// translateEnv names the translation server for every command:
// translate.url in the configuration of run and serve, and the default of
// --translate for the others.
const translateEnv = "AGREEMENTBOT_TRANSLATE_URL"

// warmTimeout bounds the start of APy's two pipelines, which takes a
// second or so each.
const warmTimeout = 15 * time.Second

// commandTranslateWait is how long a question asked on the command line
// (ask, eval, calibrate) waits for its translation: longer than the bot's
// translate.timeout, so that a measurement on a busy machine does not
// depend on how busy it was.
const commandTranslateWait = 5 * time.Second

// registerTranslate registers --translate, the translation server of a
// command that answers or ingests, which defaults to
// $AGREEMENTBOT_TRANSLATE_URL.
func registerTranslate(fs *flag.FlagSet) *string {
	return fs.String("translate", os.Getenv(translateEnv),
		"translate questions and sources through the Apertium server (apertium-apy) at `URL` (default $"+translateEnv+"; empty: the lexicon alone)")
}

// openTranslator returns a client of the translation server at url with
// its pipelines started, or nil when url is "". A server that does not
// answer yet is no error: the client logs it, and questions are matched
// through the lexicon alone until it answers.
func openTranslator(ctx context.Context, url string, log *slog.Logger) (*apertium.Client, error) {
	if url == "" {
		return nil, nil
	}
	if err := config.CheckTranslateURL(url); err != nil {
		return nil, fmt.Errorf("translation server: %w", err)
	}
	c, err := apertium.New(apertium.Options{URL: url, Log: log})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, warmTimeout)
	defer cancel()
	if c.Warm(ctx) == nil {
		log.Info("questions and sources translated through the translation server", "server", url)
	}
	return c, nil
}

// translateCorpus gives c the translations of its facts and topics,
// reusing known, through tr, and tells progress to w when it is not nil
// (at most once a second). A translator that fails leaves c with what it
// translated, saying so in log.
func translateCorpus(ctx context.Context, c *knowledge.Corpus, tr *apertium.Client, known knowledge.Translations, w io.Writer, log *slog.Logger) {
	var progress func(done, total int)
	if w != nil {
		last := time.Now()
		progress = func(done, total int) {
			if done == total || time.Since(last) >= time.Second {
				fmt.Fprintf(w, "translated %d of %d facts and topics\n", done, total)
				last = time.Now()
			}
		}
	}
	var mt match.Translator
	if tr != nil {
		mt = tr
	}
	t, err := match.TranslateCorpus(ctx, c, mt, known, progress)
	if err != nil {
		log.Warn("the sources were not all translated: questions in the other language meet the rest through the lexicon alone",
			"translated", len(t), "error", err)
	}
	c.Translations = t
}

// matchOptions are the options of an index answering through tr (none
// without one).
func matchOptions(tr *apertium.Client, wait time.Duration) []match.Option {
	if tr == nil {
		return nil
	}
	return []match.Option{match.WithTranslator(tr, wait)}
}

// translation returns the library's options for the translation server
// of the settings (none without translate.url), its counts kept in m.
func translation(ctx context.Context, t config.Translate, log *slog.Logger, m *metrics.Metrics) ([]library.Option, error) {
	tr, err := openTranslator(ctx, t.URL, log)
	if tr == nil || err != nil {
		return nil, err
	}
	m.CountTranslations(func() metrics.TranslationCounts {
		s := tr.Stats()
		return metrics.TranslationCounts{Translated: s.Translated, CacheHits: s.CacheHits, Failures: s.Failures}
	})
	return []library.Option{library.WithTranslator(tr, t.Timeout)}, nil
}
