package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/agreementbot/agreementbot/knowledge/library"
	"github.com/agreementbot/agreementbot/knowledge/source"
	"github.com/agreementbot/agreementbot/knowledge/sqlite"
)

func runIngest(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "--sources DIR --db FILE [--translate URL]", stderr)
	sources := fs.String("sources", "", "read the sources in `DIR`")
	db := fs.String("db", "", "write the fact store to `FILE` (replaced atomically)")
	translate := registerTranslate(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *sources == "" || *db == "" {
		fs.Usage()
		return usageError("--sources and --db are required")
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
	tr, err := openTranslator(ctx, *translate, log)
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
		fmt.Fprintf(stdout, "source %-40s %-10s %10s\n", s.Path, s.Date, count(counts[s.ID], "fact", "facts"))
	}
	skipped, err := source.Skipped(os.DirFS(*sources))
	if err != nil {
		return err
	}
	for _, f := range skipped {
		fmt.Fprintf(stdout, "skipped %s\n", f)
	}
	fmt.Fprintf(stdout, "wrote %s: %s, %s, %s (%d added, %d removed), prepared index %s, in %s\n",
		rep.Path, count(rep.Sources, "source", "sources"), count(rep.Facts, "fact", "facts"),
		count(rep.Paragraphs, "paragraph", "paragraphs"), len(rep.Diff.Added), len(rep.Diff.Removed),
		byteSize(rep.PreparedBytes), time.Since(start).Round(100_000))
	if n := len(corpus.Translations); n > 0 {
		fmt.Fprintf(stdout, "kept %d machine translations of facts and topics\n", n)
	}
	return nil
}

// byteSize writes a size in kB below a megabyte, else in MB.
func byteSize[T int | int64](n T) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// count writes n with its noun, singular for one: "1 fact", "2 facts".
func count(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
}
