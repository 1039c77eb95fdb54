package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/agreementbot/agreementbot/knowledge/library"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

func runIngest(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "--sources DIR --db FILE", stderr)
	sources := fs.String("sources", "", "read the sources in `DIR`")
	db := fs.String("db", "", "write the fact store to `FILE` (replaced atomically)")
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
