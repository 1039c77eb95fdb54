package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/evaluation"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// Calibration settings: how hard the weights are held back, and the share
// of answerable questions the chosen threshold may decline.
const (
	calibrationL2      = 1.0
	maxFalseAbstention = 0.025
)

// confidencePenalties multiply the fitted probability once for each name
// (or title given to someone else) and each number a question asks about
// that no source mentions: the answer is then about something else, however
// well the rest matches.
var confidencePenalties = map[string]float64{"unknown_names": 0.3, "unknown_numbers": 0.3}

// articleWeight is how much each of the article's few dev questions counts
// against SQuAD's thousands: enough that the bot's own kind of source (a
// short news story, asked about in other words) is not drowned out.
const articleWeight = 3.0

// runCalibrate fits the confidence model on the development data: the
// article's dev questions and the SQuAD set. Each half (SQuAD articles 1–4
// with half the article's questions; articles 5–8 with the other half) is
// measured with a model fitted on the other half; the model written is
// fitted on both.
func runCalibrate(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("calibrate", "[--squad DIR] [--out FILE] [--features LIST] [--examples FILE]", stderr)
	squad := fs.String("squad", filepath.Join("knowledge", "evaluation", "testdata", "squad"), "the SQuAD set: `DIR` with sources/ and questions.jsonl")
	out := fs.String("out", "", "write the model to `FILE` (knowledge/match/calibration.json to ship it)")
	only := fs.String("features", "", "fit only the features of the comma-separated `LIST` (default: all)")
	dump := fs.String("examples", "", "write every example (question, features, right or not) to `FILE`, in JSON Lines, to study them")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	all, leftOut, err := calibrationExamples(ctx, *squad)
	if err != nil {
		return err
	}
	if *only != "" {
		keep := strings.Split(*only, ",")
		all, leftOut = evaluation.SelectFeatures(all, keep), evaluation.SelectFeatures(leftOut, keep)
	}
	if *dump != "" {
		if err := writeExamples(ctx, *dump, append(all, leftOut...)); err != nil {
			return err
		}
	}
	for held := range 2 {
		train, test := splitFold(all, held)
		trainLO, testLO := splitFold(leftOut, held)
		c, err := fitCalibration(append(train, trainLO...))
		if err != nil {
			return err
		}
		c.Measure(test, testLO).Write(stdout, fmt.Sprintf("half %d, fitted on the other:", held+1))
		c.Measure(crossLingual(test), nil).Write(stdout, "  of which across languages:")
	}
	c, err := fitCalibration(append(all, leftOut...))
	if err != nil {
		return err
	}
	c.Measure(all, leftOut).Write(stdout, "both halves, fitted on both:")
	c.Measure(crossLingual(all), nil).Write(stdout, "  of which across languages:")
	fmt.Fprintf(stdout, "threshold %.3f\n", c.Threshold)
	if *out == "" {
		return nil
	}
	raw, err := modelJSON(c)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(ctx, *out, raw)
}

// crossLingualFeature marks a question matched to a fact in another
// language, whose figures calibrate prints apart.
const crossLingualFeature = "cross_lingual"

// fitCalibration fits the model and its threshold on examples.
func fitCalibration(examples []evaluation.Example) (evaluation.Calibration, error) {
	return evaluation.Fit(examples, calibrationL2, maxFalseAbstention, confidencePenalties)
}

// crossLingual returns the examples matched across languages.
func crossLingual(examples []evaluation.Example) []evaluation.Example {
	var out []evaluation.Example
	for _, e := range examples {
		if e.Feature(crossLingualFeature) == 1 {
			out = append(out, e)
		}
	}
	return out
}

// calibrationExamples asks the development questions: the article's
// against the article, SQuAD's against its articles, and SQuAD's answerable
// ones against the other articles (leftOut, all to be declined).
func calibrationExamples(ctx context.Context, squad string) (all, leftOut []evaluation.Example, err error) {
	article, err := source.LoadCorpus(ctx, source.DefaultSources())
	if err != nil {
		return nil, nil, err
	}
	qs, err := readDevSets("dev-questions.jsonl", "dev-questions-es.jsonl", "dev2-questions.jsonl", "dev-es2-questions.jsonl")
	if err != nil {
		return nil, nil, err
	}
	n := 0
	byTurn := func(evaluation.Question) int { n++; return n % 2 }
	if all, err = evaluation.Examples(ctx, match.NewIndex(article), qs, byTurn); err != nil {
		return nil, nil, err
	}
	for i := range all {
		all[i].Weight = articleWeight
	}
	corpus, err := source.LoadCorpus(ctx, os.DirFS(filepath.Join(squad, "sources")))
	if err != nil {
		return nil, nil, err
	}
	sq, err := readQuestionFile(filepath.Join(squad, "questions.jsonl"))
	if err != nil {
		return nil, nil, err
	}
	more, err := evaluation.Examples(ctx, match.NewIndex(corpus), sq, squadFold)
	if err != nil {
		return nil, nil, err
	}
	all = append(all, more...)
	leftOut, err = leftOutExamples(ctx, corpus, sq)
	return all, leftOut, err
}

// squadFold puts SQuAD articles 1–4 in the first half, 5–8 in the second.
func squadFold(q evaluation.Question) int {
	if q.Source < "05" {
		return 0
	}
	return 1
}

// leftOutExamples asks each article's answerable questions without it.
func leftOutExamples(ctx context.Context, corpus *knowledge.Corpus, qs []evaluation.Question) ([]evaluation.Example, error) {
	bySource := map[string][]evaluation.Question{}
	for _, q := range qs {
		if !evaluation.ShouldDecline(q.Category) {
			q.Category = evaluation.OffTopic
			bySource[q.Source] = append(bySource[q.Source], q)
		}
	}
	var out []evaluation.Example
	for _, src := range slices.Sorted(maps.Keys(bySource)) { // in order: the fit is then reproducible to the bit
		more, err := evaluation.Examples(ctx, match.NewIndex(corpus.Without(src)), bySource[src], squadFold)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// splitFold returns the examples outside fold held, and those in it.
func splitFold(examples []evaluation.Example, held int) (train, test []evaluation.Example) {
	for _, e := range examples {
		if e.Fold == held {
			test = append(test, e)
		} else {
			train = append(train, e)
		}
	}
	return train, test
}

// modelJSON encodes a calibration as knowledge/match/calibration.json.
func modelJSON(c evaluation.Calibration) ([]byte, error) {
	weights := map[string]float64{}
	for i, name := range c.Names {
		weights[name] = c.Model.Weights[i]
	}
	return json.MarshalIndent(map[string]any{
		"fitted_on": "agreementbot calibrate: the article's dev questions (English and Spanish) and the SQuAD set (" + strings.Join([]string{"answerable", "unanswerable", "leave-one-out"}, ", ") + ")",
		"intercept": c.Model.Intercept,
		"weights":   weights,
		"threshold": math.Round(c.Threshold*1000) / 1000,
		"penalties": c.Penalties,
	}, "", "  ")
}

// writeExamples writes examples as JSON Lines.
func writeExamples(ctx context.Context, path string, examples []evaluation.Example) error {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, e := range examples {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return atomicfile.WriteFile(ctx, path, []byte(b.String()))
}
