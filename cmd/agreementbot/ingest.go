package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/internal/plural"
	"github.com/agreementbot/agreementbot/knowledge/library"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

func runIngest(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "--sources DIR --db FILE [--config FILE] [--translate URL]", stderr)
	sources := fs.String("sources", "", "read the sources in `DIR`")
	db := fs.String("db", "", "write the fact store to `FILE` (replaced atomically)")
	path := fs.String("config", "", "announce the new store on the redis.url of `FILE` (or AGREEMENTBOT_REDIS_URL), "+
		"so that the replicas load it at once, and translate through its translate.url unless --translate is given")
	translate := registerTranslate(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *sources == "" || *db == "" {
		fs.Usage()
		return usageError("--sources and --db are required")
	}
	cfg, err := config.Load(*path, os.LookupEnv)
	if err != nil {
		return fmt.Errorf("%w (the store was not changed)", err)
	}
	start := time.Now()
	src := sourceFlags{sources: *sources}
	corpus, err := src.corpus(ctx)
	if err != nil {
		return fmt.Errorf("%w (the store was not changed)", err)
	}
	// Before the translator is asked anything: a store path that would
	// be refused wastes no translations.
	if err := library.CheckStorePath(ctx, *db, corpus.Origin); err != nil {
		return fmt.Errorf("build store: %w (the store was not changed)", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	tr, err := openTranslator(ctx, translateURL(fs, *translate, cfg), log)
	if err != nil {
		return fmt.Errorf("%w (the store was not changed)", err)
	}
	// The translations the store holds are kept; only new words are
	// translated, and kept without a translator too.
	translateCorpus(ctx, corpus, tr, sqlite.ReadTranslations(ctx, *db), stderr, log)
	rep, err := library.BuildStore(ctx, *db, corpus)
	if err != nil {
		return fmt.Errorf("%w (the store was not changed)", err)
	}
	counts := corpus.FactCount()
	for _, s := range corpus.Sources {
		fmt.Fprintf(stdout, "source %-40s %-10s %10s\n", s.Path, s.Date, plural.Count(counts[s.ID], "fact", "facts"))
	}
	skipped, err := source.Skipped(os.DirFS(*sources))
	if err != nil {
		return err
	}
	for _, f := range skipped {
		fmt.Fprintf(stdout, "skipped %s\n", f)
	}
	for _, w := range corpus.Warnings {
		fmt.Fprintf(stdout, "warning %s\n", w)
	}
	fmt.Fprintf(stdout, "wrote %s: %s, %s, %s (%d added, %d removed), prepared index %s, in %s\n",
		rep.Path, plural.Count(rep.Sources, "source", "sources"), plural.Count(rep.Facts, "fact", "facts"),
		plural.Count(rep.Paragraphs, "paragraph", "paragraphs"), len(rep.Diff.Added), len(rep.Diff.Removed),
		byteSize(rep.PreparedBytes), time.Since(start).Round(100_000))
	if n := len(corpus.Translations); n > 0 {
		fmt.Fprintf(stdout, "kept %d machine translations of facts and topics\n", n)
	}
	announceStore(ctx, cfg.Redis.URL, stdout, stderr)
	return nil
}

// translateURL is the translation server ingest translates through:
// --translate when given on the command line, else translate.url of the
// configuration (which $AGREEMENTBOT_TRANSLATE_URL overrides), as the
// bot reading the same configuration would.
func translateURL(fs *flag.FlagSet, flagURL string, cfg config.Config) string {
	url := cfg.Translate.URL
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "translate" {
			url = flagURL
		}
	})
	return url
}

// announceStore tells the replicas sharing the Redis at url, when it is
// set, that the store was rebuilt, as a replica announces its reloads, so
// that they load it at once rather than at their store watcher's next
// look. Failing to is not an error: the watchers will find it.
func announceStore(ctx context.Context, url config.RedisURL, stdout, stderr io.Writer) {
	if !url.IsSet() {
		return
	}
	c, err := redisstate.Open(redisstate.Options{URL: url.Reveal(), Timeout: redisstate.PublishTimeout})
	if err == nil {
		defer c.Close()
		err = c.AnnounceStore(ctx, "ingest")
	}
	if err != nil {
		fmt.Fprintf(stderr, "agreementbot ingest: could not announce the new store through redis (%v); "+
			"the replicas' store watchers will load it (database_poll)\n", err)
		return
	}
	fmt.Fprintf(stdout, "announced the new store to the replicas through redis %s\n", url)
}

// byteSize writes a size in kB below a megabyte, else in MB.
func byteSize[T int | int64](n T) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
