package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/evaluation"
	"github.com/agreementbot/agreementbot/knowledge/match"
)

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := newFlags("eval", "[--file FILE] [--verbose] [--leave-one-out] [--threshold X] [--confident X] [--sources DIR | --db FILE] [--translate URL]", stderr)
	var src sourceFlags
	src.register(flags)
	src.registerTranslate(flags)
	file := flags.String("file", "", "question file in JSON Lines (default: the project's English and Spanish dev sets, each reported apart)")
	verbose := flags.Bool("verbose", false, "list every question, not only the misses")
	threshold := flags.Float64("threshold", 0, "decline below this `confidence` (default: the engine's)")
	confident := flags.Float64("confident", 0, "answer confidently from this `confidence`, tentatively below it (default: the engine's)")
	loo := flags.Bool("leave-one-out", false, "also ask each source's answerable questions without that source (they must be declined)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	ix, err := src.open(ctx, stderr)
	if err != nil {
		return err
	}
	sets, err := questionSets(*file)
	if err != nil {
		return err
	}
	th := knowledge.Options{Threshold: *threshold, ConfidentThreshold: *confident}
	var qs []evaluation.Question
	for i, set := range sets {
		if len(sets) > 1 {
			fmt.Fprintf(stdout, "%s%s:\n", strings.Repeat("\n", min(i, 1)), set.name)
		}
		rep, err := evaluation.Run(ctx, ix, set.questions, th)
		if err != nil {
			return err
		}
		rep.Write(stdout, *verbose)
		qs = append(qs, set.questions...)
	}
	if !*loo {
		return nil
	}
	corpus := ix.Corpus()
	c, err := evaluation.LeaveOneOut(ctx, func(exclude string) (evaluation.Answerer, error) {
		return match.NewIndex(corpus.Without(exclude), src.opts...), nil
	}, qs, th)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "leave-one-out: answerable questions asked without their source: %d\n", c.ToDecline)
	fmt.Fprintf(stdout, "  declined:           %5.1f%%  (%d/%d)\n", 100*c.AbstainRate(), c.Abstained, c.ToDecline)
	fmt.Fprintf(stdout, "  answered confidently: %5.1f%%  (%d/%d)\n", 100*c.ToDeclineConfidentRate(), c.ToDeclineConfident, c.ToDecline)
	return nil
}

// devSets are the question files eval reads by default: the article's
// English and Spanish dev sets.
var devSets = []string{"dev-questions.jsonl", "dev-questions-es.jsonl"}

// questionSet is the questions of one file, named by it.
type questionSet struct {
	name      string
	questions []evaluation.Question
}

// questionSets reads the question file at path, or, when path is "", each
// of the dev sets, reported apart so that each set's figures are its own.
func questionSets(path string) ([]questionSet, error) {
	if path != "" {
		qs, err := readQuestionFile(path)
		return []questionSet{{path, qs}}, err
	}
	var sets []questionSet
	for _, name := range devSets {
		qs, err := readDevSets(name)
		if err != nil {
			return nil, err
		}
		sets = append(sets, questionSet{name, qs})
	}
	return sets, nil
}

// readQuestionFile reads the question file at path.
func readQuestionFile(path string) ([]evaluation.Question, error) {
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
