package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/agreementbot/agreementbot/internal/evaluation"
)

func runEval(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	flags := newFlags("eval", "[--file FILE] [--verbose] [--sources DIR | --db FILE]", stderr)
	var src sourceFlags
	src.register(flags)
	file := flags.String("file", "", "question file in JSON Lines (default: the project's English and Spanish dev sets)")
	verbose := flags.Bool("verbose", false, "list every question, not only the misses")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	ix, err := src.open(ctx)
	if err != nil {
		return err
	}
	var qs []evaluation.Question
	if *file != "" {
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		if qs, err = evaluation.ReadQuestions(f); err != nil {
			return fmt.Errorf("%s: %w", *file, err)
		}
	} else {
		for _, name := range []string{"dev-questions.jsonl", "dev-questions-es.jsonl"} {
			f, err := evaluation.DevSets().Open(name)
			if err != nil {
				return err
			}
			more, err := evaluation.ReadQuestions(f)
			f.Close()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			qs = append(qs, more...)
		}
	}
	rep, err := evaluation.Run(ctx, ix, qs)
	if err != nil {
		return err
	}
	rep.Write(stdout, *verbose)
	return nil
}
