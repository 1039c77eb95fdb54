package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/agreementbot/agreementbot/internal/plural"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

func runTeach(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("teach", "--sources DIR [--db FILE] QUESTION FACTID", stderr)
	sources := fs.String("sources", "", "teach in the sources directory `DIR` (the question goes into its taught.yaml)")
	db := fs.String("db", "", "rebuild the fact store `FILE` too (replaced atomically), so that a bot serving it loads the question")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if *sources == "" {
		fs.Usage()
		return usageError("--sources is required")
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageError("want a question and the id of the fact that answers it (ask --explain and facts show the ids)")
	}
	if info, err := os.Stat(*sources); err != nil || !info.IsDir() {
		return fmt.Errorf("sources: %s is not a directory", *sources)
	}
	// The report says what the log would: nothing is logged.
	lib, err := library.New(ctx, *sources, *db, library.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	r, err := lib.Teach(ctx, fs.Arg(0), fs.Arg(1))
	if err != nil {
		return err
	}
	writeTeachResult(stdout, r, *db)
	return nil
}

// writeTeachResult says what teaching did, and how the engine answers the
// question now: by the fact taught, or, when not, which facts come first
// and why.
func writeTeachResult(w io.Writer, r library.TeachResult, db string) {
	fmt.Fprintf(w, "taught %q to %s (%s):\n  %s\n", r.Question, r.Fact.ID, r.Fact.Citation.Place(), oneLine(r.Fact.Text))
	rep := r.Report
	fmt.Fprintf(w, "reloaded: %s, %s", plural.Count(rep.Sources, "source", "sources"), plural.Count(rep.Facts, "fact", "facts"))
	if db != "" {
		fmt.Fprintf(w, ", written to %s", db)
	}
	fmt.Fprintln(w)
	for _, f := range rep.Skipped {
		fmt.Fprintf(w, "skipped %s\n", f)
	}
	for _, e := range rep.Warnings {
		fmt.Fprintf(w, "warning %s\n", e)
	}
	switch r.Status() {
	case library.TeachAnswered:
		fmt.Fprintf(w, "now answered by this fact, first, confidence %.3f\n", r.Answer.Confidence)
		return
	case library.TeachTentative:
		fmt.Fprintf(w, "now answered by this fact, first, but tentatively: confidence %.3f, below %.3f\n", r.Answer.Confidence, knowledge.DefaultConfidentThreshold)
	case library.TeachNotFirst:
		fmt.Fprintf(w, "still not first: the engine answers with %s, confidence %.3f; this fact ranks %s\n", r.Answer.Facts[0].ID, r.Answer.Confidence, rankText(r.Rank))
	case library.TeachDeclined:
		fmt.Fprintf(w, "still not answered: the engine declines, confidence %.3f; this fact ranks %s among the candidates\n", r.Answer.Confidence, rankText(r.Rank))
	}
	fmt.Fprintln(w, "why:")
	for i, f := range r.Ranked {
		if r.Rank > 0 && i >= r.Rank || r.Rank == 0 && i >= 3 {
			break
		}
		fmt.Fprintf(w, "%d. %s  %s\n", i+1, f.ID, oneLine(f.Text))
		if f.Explanation != nil {
			writeExplanation(w, f.Explanation)
		}
	}
}

// rankText says where a fact ranks: "3rd", or past the facts ranked.
func rankText(rank int) string {
	if rank == 0 {
		return fmt.Sprintf("below the first %d", knowledge.MaxTop)
	}
	suffix := "th"
	switch {
	case rank%100/10 == 1:
	case rank%10 == 1:
		suffix = "st"
	case rank%10 == 2:
		suffix = "nd"
	case rank%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprint(rank) + suffix
}
