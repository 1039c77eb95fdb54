package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/apertium"
	"github.com/agreementbot/agreementbot/knowledge/evaluation"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// Calibration settings: how hard the weights are held back, the share of
// answerable questions the decline threshold may decline, and the share of
// confident answers that must be right.
const (
	calibrationL2      = 1.0
	maxFalseAbstention = 0.025
	confidentRight     = 0.95
)

// confidencePenalties multiply the fitted probability once for each name
// (or title given to someone else) and each number a question asks about
// that no source mentions, and for each kind of value (year, weekday, role
// ...) the fact names otherwise than the question: the answer is then
// about something else, however well the rest matches.
var confidencePenalties = map[string]float64{"unknown_names": 0.3, "unknown_numbers": 0.3, "contradiction": 0.3}

// articleWeight is how much each of the article's and the admin
// documents' few dev questions counts against SQuAD's thousands: enough
// that the bot's own kind of source (a short news story, a club's rules,
// asked about in other words) is not drowned out.
const articleWeight = 3.0

// runCalibrate fits the confidence model on the development data: the
// article's dev questions, the SQuAD set and the admin documents'
// (devadmin), each answerable question also asked without its document;
// with a translator, every question both through it and without it.
// Each half (SQuAD articles 1–4, two of the four admin documents and half
// the article's questions; the rest) is measured with a model fitted on
// the other half; the model written is fitted on both.
func runCalibrate(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("calibrate", "[--squad DIR] [--devadmin DIR] [--out FILE] [--features LIST] [--examples FILE] [--translate URL]", stderr)
	squad := fs.String("squad", filepath.Join("knowledge", "evaluation", "testdata", "squad"), "the SQuAD set: `DIR` with sources/ and questions.jsonl")
	devadmin := fs.String("devadmin", filepath.Join("knowledge", "evaluation", "testdata", "devadmin"), "the admin documents' set: `DIR` with sources/, questions-en.jsonl and questions-es.jsonl")
	out := fs.String("out", "", "write the model to `FILE` (knowledge/match/calibration.json to ship it)")
	only := fs.String("features", "", "fit only the features of the comma-separated `LIST` (default: all)")
	dump := fs.String("examples", "", "write every example (question, features, right or not) to `FILE`, in JSON Lines, to study them")
	translate := registerTranslate(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	tr, err := openTranslator(ctx, *translate, log)
	if err != nil {
		return err
	}
	all, leftOut, err := calibrationExamples(ctx, *squad, *devadmin, tr, log)
	if err != nil {
		return err
	}
	if tr != nil {
		// The bot runs with a translator or without one (the default):
		// one model serves both, so it is fitted on both.
		alone, aloneLeftOut, err := calibrationExamples(ctx, *squad, *devadmin, nil, log)
		if err != nil {
			return err
		}
		all, leftOut = append(all, alone...), append(leftOut, aloneLeftOut...)
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
	bySet := map[string]evaluation.Figures{}
	var heldOut []evaluation.Scored
	for held := range 2 {
		train, test := splitFold(all, held)
		trainLO, testLO := splitFold(leftOut, held)
		c, err := fitCalibration(append(train, trainLO...))
		if err != nil {
			return err
		}
		c.Measure(test, testLO).Write(stdout, fmt.Sprintf("half %d, fitted on the other:", held+1))
		c.Measure(crossLingual(test), nil).Write(stdout, "  of which across languages:")
		for _, set := range calibrationSets {
			bySet[set] = bySet[set].Add(c.Measure(ofSet(test, set), ofSet(testLO, set)))
		}
		for _, e := range append(test, testLO...) {
			if e.Values != nil {
				heldOut = append(heldOut, evaluation.Scored{Example: e, P: c.Probability(e)})
			}
		}
	}
	for _, set := range calibrationSets {
		bySet[set].Write(stdout, "  "+set+", both halves held out:")
	}
	writeTradeOffs(stdout, heldOut)
	c, err := fitCalibration(append(all, leftOut...))
	if err != nil {
		return err
	}
	c.Measure(all, leftOut).Write(stdout, "both halves, fitted on both:")
	c.Measure(crossLingual(all), nil).Write(stdout, "  of which across languages:")
	fmt.Fprintf(stdout, "threshold %.3f, confident threshold %.3f\n", c.Threshold, c.ConfidentThreshold)
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

// writeTradeOffs prints, for confident answers right 95%, 90% and 85% of
// the time on held-out examples, the confidence they would be answered
// from, and the share of each set's matched questions answered so: the
// choice a confident threshold makes.
func writeTradeOffs(w io.Writer, heldOut []evaluation.Scored) {
	for _, share := range []float64{0.95, 0.90, 0.85} {
		t := evaluation.ConfidentFrom(heldOut, share)
		fmt.Fprintf(w, "held out, confident answers %2.0f%% right: from confidence %.3f, %d of %d answered so", 100*share, t.Threshold, t.Confident, t.Scored)
		for _, set := range calibrationSets {
			n, confident := 0, 0
			for _, s := range heldOut {
				if s.Set == set {
					n++
					if s.P >= t.Threshold {
						confident++
					}
				}
			}
			fmt.Fprintf(w, "; %s %.1f%%", set, 100*float64(confident)/float64(max(n, 1)))
		}
		fmt.Fprintln(w)
	}
}

// fitCalibration fits the model and its thresholds on examples.
func fitCalibration(examples []evaluation.Example) (evaluation.Calibration, error) {
	return evaluation.Fit(examples, calibrationL2,
		evaluation.Targets{MaxFalseAbstain: maxFalseAbstention, ConfidentRight: confidentRight}, confidencePenalties)
}

// The development sets, as calibrate names them in Example.Set and
// reports them.
const (
	setArticle  = "article"
	setSQuAD    = "squad"
	setDevAdmin = "devadmin"
)

// calibrationSets are the development sets in the order reported.
var calibrationSets = []string{setArticle, setSQuAD, setDevAdmin}

// ofSet returns the examples of one development set.
func ofSet(examples []evaluation.Example, set string) []evaluation.Example {
	var out []evaluation.Example
	for _, e := range examples {
		if e.Set == set {
			out = append(out, e)
		}
	}
	return out
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

// calibrationExamples asks the development questions: each set's against
// its sources, and each answerable one also without its document (leftOut,
// all to be declined): SQuAD's and the admin documents' against their
// other documents, the article's against the admin documents and SQuAD's,
// the admin documents' also against the article. With a translator, the
// sources are translated and questions asked across languages are
// translated too, as the bot does with one; a translator that fails is
// said in log.
func calibrationExamples(ctx context.Context, squad, devadmin string, tr *apertium.Client, log *slog.Logger) (all, leftOut []evaluation.Example, err error) {
	article, err := source.LoadCorpus(ctx, source.DefaultSources())
	if err != nil {
		return nil, nil, err
	}
	articleQs, err := readDevSets("dev-questions.jsonl", "dev-questions-es.jsonl", "dev2-questions.jsonl", "dev-es2-questions.jsonl")
	if err != nil {
		return nil, nil, err
	}
	squadCorpus, squadQs, err := readSet(ctx, squad, "questions.jsonl")
	if err != nil {
		return nil, nil, err
	}
	adminCorpus, adminQs, err := readSet(ctx, devadmin, "questions-en.jsonl", "questions-es.jsonl")
	if err != nil {
		return nil, nil, err
	}
	if tr != nil {
		for _, c := range []*knowledge.Corpus{article, squadCorpus, adminCorpus} {
			translateCorpus(ctx, c, tr, nil, nil, log)
		}
	}
	turns := turnFolds(articleQs)
	articleFold := func(q evaluation.Question) int { return turns[q.ID] }
	adminFold := documentFold(adminQs)
	b := exampleBuilder{opts: matchOptions(tr, commandTranslateWait)}
	b.ask(ctx, setArticle, match.NewIndex(article, b.opts...), articleQs, articleFold, articleWeight)
	b.ask(ctx, setSQuAD, match.NewIndex(squadCorpus, b.opts...), squadQs, squadFold, 1)
	b.ask(ctx, setDevAdmin, match.NewIndex(adminCorpus, b.opts...), adminQs, adminFold, articleWeight)
	all, b.out = b.out, nil
	b.leaveOneOut(ctx, setSQuAD, squadCorpus, squadQs, squadFold, 1)
	b.leaveOneOut(ctx, setDevAdmin, adminCorpus, adminQs, adminFold, articleWeight)
	b.ask(ctx, setArticle, match.NewIndex(adminCorpus, b.opts...), toDecline(articleQs), articleFold, articleWeight)
	b.ask(ctx, setArticle, match.NewIndex(squadCorpus, b.opts...), toDecline(articleQs), articleFold, articleWeight)
	b.ask(ctx, setDevAdmin, match.NewIndex(article, b.opts...), toDecline(adminQs), adminFold, articleWeight)
	return all, b.out, b.err
}

// readSet reads a development set: the sources in dir/sources and the
// question files named.
func readSet(ctx context.Context, dir string, files ...string) (*knowledge.Corpus, []evaluation.Question, error) {
	corpus, err := source.LoadCorpus(ctx, os.DirFS(filepath.Join(dir, "sources")))
	if err != nil {
		return nil, nil, err
	}
	var qs []evaluation.Question
	for _, name := range files {
		more, err := readQuestionFile(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		qs = append(qs, more...)
	}
	return corpus, qs, nil
}

// exampleBuilder gathers examples, keeping the first error.
type exampleBuilder struct {
	opts []match.Option // how each index is made (a translator)
	out  []evaluation.Example
	err  error
}

// ask adds the examples of questions qs of set against a, each weighing w.
func (b *exampleBuilder) ask(ctx context.Context, set string, a evaluation.Answerer, qs []evaluation.Question, fold func(evaluation.Question) int, w float64) {
	if b.err != nil || len(qs) == 0 {
		return
	}
	more, err := evaluation.Examples(ctx, a, qs, fold)
	for i := range more {
		more[i].Set, more[i].Weight = set, w
	}
	b.out, b.err = append(b.out, more...), err
}

// leaveOneOut adds the examples of each document's answerable questions
// asked without it.
func (b *exampleBuilder) leaveOneOut(ctx context.Context, set string, corpus *knowledge.Corpus, qs []evaluation.Question, fold func(evaluation.Question) int, w float64) {
	bySource := map[string][]evaluation.Question{}
	for _, q := range toDecline(qs) {
		if q.Source != "" {
			bySource[q.SourceID()] = append(bySource[q.SourceID()], q)
		}
	}
	for _, src := range slices.Sorted(maps.Keys(bySource)) { // in order: the fit is then reproducible to the bit
		b.ask(ctx, set, match.NewIndex(corpus.Without(src), b.opts...), bySource[src], fold, w)
	}
}

// toDecline returns the answerable questions of qs as questions to
// decline, for asking them where their document is not.
func toDecline(qs []evaluation.Question) []evaluation.Question {
	var out []evaluation.Question
	for _, q := range qs {
		if !evaluation.ShouldDecline(q.Category) {
			q.Category = evaluation.OffTopic
			out = append(out, q)
		}
	}
	return out
}

// turnFolds puts every other question in the second half, by id.
func turnFolds(qs []evaluation.Question) map[string]int {
	out := make(map[string]int, len(qs))
	for i, q := range qs {
		out[q.ID] = (i + 1) % 2
	}
	return out
}

// documentFold puts the questions of every other document (in name order)
// in the second half, and questions of no document by turns.
func documentFold(qs []evaluation.Question) func(evaluation.Question) int {
	var docs []string
	for _, q := range qs {
		if id := q.SourceID(); id != "" && !slices.Contains(docs, id) {
			docs = append(docs, id)
		}
	}
	slices.Sort(docs)
	turns := turnFolds(qs)
	return func(q evaluation.Question) int {
		if i := slices.Index(docs, q.SourceID()); i >= 0 {
			return i % 2
		}
		return turns[q.ID]
	}
}

// squadFold puts SQuAD articles 1–4 in the first half, 5–8 in the second.
func squadFold(q evaluation.Question) int {
	if q.Source < "05" {
		return 0
	}
	return 1
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
		"fitted_on": "agreementbot calibrate: the article's dev questions (English and Spanish), the SQuAD set and the admin documents' (" +
			strings.Join([]string{"answerable", "unanswerable", "off-topic", "leave-one-out"}, ", ") + ")",
		"intercept":           c.Model.Intercept,
		"weights":             weights,
		"threshold":           math.Round(c.Threshold*1000) / 1000,
		"confident_threshold": math.Round(c.ConfidentThreshold*1000) / 1000,
		"penalties":           c.Penalties,
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
