package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/agreementbot/agreementbot/internal/evaluation"
	"github.com/agreementbot/agreementbot/knowledge/match"
)

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := newFlags("eval", "[--file FILE] [--verbose] [--leave-one-out] [--threshold X] [--sources DIR | --db FILE]", stderr)
	var src sourceFlags
	src.register(flags)
	file := flags.String("file", "", "question file in JSON Lines (default: the project's English and Spanish dev sets)")
	verbose := flags.Bool("verbose", false, "list every question, not only the misses")
	threshold := flags.Float64("threshold", 0, "abstain below this `confidence` (default: the engine's)")
	loo := flags.Bool("leave-one-out", false, "also ask each source's answerable questions without that source (they must be declined)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	ix, err := src.open(ctx, stderr)
	if err != nil {
		return err
	}
	qs, err := readQuestionFiles(*file)
	if err != nil {
		return err
	}
	rep, err := evaluation.Run(ctx, ix, qs, *threshold)
	if err != nil {
		return err
	}
	rep.Write(stdout, *verbose)
	if !*loo {
		return nil
	}
	corpus := ix.Corpus()
	c, err := evaluation.LeaveOneOut(ctx, func(exclude string) (evaluation.Answerer, error) {
		return match.NewIndex(corpus.Without(exclude)), nil
	}, qs, *threshold)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "leave-one-out: answerable questions asked without their source: %d\n", c.ToDecline)
	fmt.Fprintf(stdout, "  declined:           %5.1f%%  (%d/%d)\n", 100*c.AbstainRate(), c.Abstained, c.ToDecline)
	return nil
}

// readQuestionFiles reads the question file at path, or the project's
// English and Spanish dev sets when path is "".
func readQuestionFiles(path string) ([]evaluation.Question, error) {
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		qs, err := evaluation.ReadQuestions(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return qs, nil
	}
	var qs []evaluation.Question
	for _, name := range []string{"dev-questions.jsonl", "dev-questions-es.jsonl"} {
		more, err := readDevSet(name)
		if err != nil {
			return nil, err
		}
		qs = append(qs, more...)
	}
	return qs, nil
}

// readDevSet reads one of the dev sets the project carries.
func readDevSet(name string) ([]evaluation.Question, error) {
	f, err := evaluation.DevSets().Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	qs, err := evaluation.ReadQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return qs, nil
}
