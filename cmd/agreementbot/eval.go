package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/agreementbot/agreementbot/knowledge/evaluation"
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
	if path == "" {
		return readDevSets("dev-questions.jsonl", "dev-questions-es.jsonl")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readQuestions(path, f)
}

// readDevSets reads the named dev sets the project carries, in order.
func readDevSets(names ...string) ([]evaluation.Question, error) {
	var qs []evaluation.Question
	for _, name := range names {
		f, err := evaluation.DevSets().Open(name)
		if err != nil {
			return nil, err
		}
		more, err := readQuestions(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		qs = append(qs, more...)
	}
	return qs, nil
}

// readQuestions reads the questions of r, naming it in an error.
func readQuestions(name string, r io.Reader) ([]evaluation.Question, error) {
	qs, err := evaluation.ReadQuestions(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return qs, nil
}
