package evaluation

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/agreementbot/agreementbot/internal/logistic"
	"github.com/agreementbot/agreementbot/knowledge"
)

// Example is one question with the features of the fact ranked first for
// it, and whether that fact answers it: what the confidence is fitted on.
type Example struct {
	Question Question
	Names    []string  // feature names, in the order of Values
	Values   []float64 // nil when nothing matched at all
	Right    bool      // the question is answerable and the first fact answers it
	// Fold says which half of the development data the example belongs to,
	// so that figures can be reported on the half a model was not fitted on.
	Fold int
	// Weight is how much the example counts in the fit (0 counts as 1).
	Weight float64
	// Set names the development set the example comes from, for figures
	// per set.
	Set string
}

// Examples asks every question and records the features of the fact ranked
// first. Questions to decline are never right; neither is an answerable
// question whose first fact lacks its keys.
func Examples(ctx context.Context, a Answerer, qs []Question, fold func(Question) int) ([]Example, error) {
	var out []Example
	for _, q := range qs {
		ans, err := a.Answer(ctx, q.Text, knowledge.Options{Top: 1, Threshold: anyConfidence, Explain: true})
		if err != nil {
			return nil, fmt.Errorf("question %s: %w", q.ID, err)
		}
		e := Example{Question: q, Fold: fold(q)}
		if len(ans.Facts) == 0 || ans.Facts[0].Explanation == nil {
			out = append(out, e) // nothing matched: declined whatever the model says
			continue
		}
		for _, f := range ans.Facts[0].Explanation.Features {
			e.Names = append(e.Names, f.Name)
			e.Values = append(e.Values, f.Value)
		}
		e.Right = !ShouldDecline(q.Category) && containsKey(ans.Facts[0].Text, q.Keys)
		out = append(out, e)
	}
	return out, nil
}

// Calibration is a fitted confidence model with the thresholds chosen for
// it.
type Calibration struct {
	Model     logistic.Model
	Names     []string
	Threshold float64
	// ConfidentThreshold is the confidence from which an answer is
	// confident; between Threshold and it, tentative.
	ConfidentThreshold float64
	// Penalties multiply the probability once for each unit of the named
	// features (see knowledge/match/calibration.json).
	Penalties map[string]float64
}

// Targets are what the thresholds are chosen for.
type Targets struct {
	// MaxFalseAbstain is the largest share of the answerable questions
	// the decline threshold may decline.
	MaxFalseAbstain float64
	// ConfidentRight is the smallest share of the confident answers that
	// must be right.
	ConfidentRight float64
}

// Fit fits the confidence on examples and chooses its thresholds: the
// highest decline threshold that declines at most t.MaxFalseAbstain of the
// answerable questions among them, and the lowest confident threshold
// above it whose confident answers are right at least t.ConfidentRight of
// the time. l2 is the weights' penalty.
func Fit(examples []Example, l2 float64, t Targets, penalties map[string]float64) (Calibration, error) {
	if len(examples) == 0 {
		return Calibration{}, fmt.Errorf("calibrate: no examples")
	}
	var x [][]float64
	var y []bool
	var w []float64
	var names []string
	for _, e := range examples {
		if e.Values != nil {
			x, y, names = append(x, e.Values), append(y, e.Right), e.Names
			w = append(w, cmp.Or(e.Weight, 1))
		}
	}
	m, err := logistic.FitWeighted(x, y, w, l2)
	if err != nil {
		return Calibration{}, fmt.Errorf("calibrate: %w", err)
	}
	c := Calibration{Model: m, Names: names, Penalties: penalties}
	var answerable []weighed
	for _, e := range examples {
		if !ShouldDecline(e.Question.Category) {
			answerable = append(answerable, weighed{c.Probability(e), 1})
		}
	}
	c.Threshold = quantileThreshold(answerable, t.MaxFalseAbstain)
	c.ConfidentThreshold = max(c.Threshold, c.precisionThreshold(examples, t.ConfidentRight))
	return c, nil
}

// precisionThreshold is the lowest threshold whose answers among examples
// are right at least share of the time, counting every question whose
// confidence reaches it; 1 when none is.
func (c Calibration) precisionThreshold(examples []Example, share float64) float64 {
	var all []Scored
	for _, e := range examples {
		if e.Values != nil {
			all = append(all, Scored{e, c.Probability(e)})
		}
	}
	return ConfidentFrom(all, share).Threshold
}

// Scored is an example with a confidence in it, from a model fitted or
// not on it.
type Scored struct {
	Example
	P float64
}

// TradeOff is what a confident threshold gives on scored examples: how
// many of them it answers confidently, and how many of those rightly.
type TradeOff struct {
	Threshold                float64
	Confident, Right, Scored int
}

// ConfidentFrom returns the lowest threshold from which the answers among
// scored are right at least share of the time, with what it gives; its
// threshold is 1 when none is.
func ConfidentFrom(scored []Scored, share float64) TradeOff {
	all := slices.Clone(scored)
	slices.SortFunc(all, func(a, b Scored) int { return cmp.Compare(b.P, a.P) })
	best := TradeOff{Threshold: 1, Scored: len(all)}
	right := 0
	for i, s := range all {
		if s.Right {
			right++
		}
		// Only where the next confidence is lower can a threshold fall.
		if (i+1 == len(all) || all[i+1].P < s.P) && float64(right) >= share*float64(i+1) {
			best.Threshold, best.Confident, best.Right = s.P, i+1, right
		}
	}
	return best
}

// weighed is a confidence with the weight of its example.
type weighed struct{ p, w float64 }

// quantileThreshold is the highest threshold that declines at most share
// of the answerable questions whose confidences are given, each counting
// by its weight; 0 when there are none.
func quantileThreshold(answerable []weighed, share float64) float64 {
	slices.SortFunc(answerable, func(a, b weighed) int { return cmp.Compare(a.p, b.p) })
	total := 0.0
	for _, a := range answerable {
		total += a.w
	}
	if len(answerable) == 0 {
		return 0
	}
	// A threshold at a confidence declines every question below it.
	best, below := answerable[0].p, 0.0
	for i, a := range answerable {
		if i > 0 && answerable[i-1].p < a.p {
			if below > share*total {
				break
			}
			best = a.p
		}
		below += a.w
	}
	return best
}

// Feature returns the value of the named feature of e, 0 when e lacks it.
func (e Example) Feature(name string) float64 {
	if i := slices.Index(e.Names, name); i >= 0 {
		return e.Values[i]
	}
	return 0
}

// Probability is the model's confidence in the first fact of e; 0 when
// nothing matched at all.
func (c Calibration) Probability(e Example) float64 {
	if e.Values == nil {
		return 0
	}
	p := c.Model.Probability(e.Values)
	for i, name := range e.Names {
		if pen, ok := c.Penalties[name]; ok && e.Values[i] > 0 {
			p *= math.Pow(pen, e.Values[i])
		}
	}
	return p
}

// Figures are the quality figures of a calibration on a set of examples.
type Figures struct {
	AUC                      float64
	Answerable, FalseAbstain int
	ToDecline, Declined      int
	LeftOut, LeftOutDeclined int // leave-one-out questions, and how many declined
	// Confident counts the confident answers of every question, and
	// ConfidentRight those right; ToDeclineConfident the questions to
	// decline (leave-one-out ones too) answered confidently, Tentative the
	// questions answered tentatively.
	Confident, ConfidentRight, ToDeclineConfident, Tentative int
	// OffTopic counts the off-topic questions, OffTopicDeclined those
	// declined outright.
	OffTopic, OffTopicDeclined int
}

// Measure computes the figures of c on examples; leftOut are examples of
// questions asked without their source, all to be declined.
func (c Calibration) Measure(examples, leftOut []Example) Figures {
	var f Figures
	var pos, neg []float64
	for _, e := range examples {
		p := c.Probability(e)
		declined := p < c.Threshold
		f.tier(e, p, c.ConfidentThreshold, declined)
		if e.Question.Category == OffTopic {
			f.OffTopic++
			if declined {
				f.OffTopicDeclined++
			}
		}
		switch {
		case ShouldDecline(e.Question.Category):
			f.ToDecline++
			neg = append(neg, p)
			if declined {
				f.Declined++
			}
		default:
			f.Answerable++
			if declined {
				f.FalseAbstain++
			}
			if e.Right {
				pos = append(pos, p)
			}
		}
	}
	f.AUC = auc(pos, neg)
	for _, e := range leftOut {
		f.LeftOut++
		p := c.Probability(e)
		f.tier(e, p, c.ConfidentThreshold, p < c.Threshold)
		if p < c.Threshold {
			f.LeftOutDeclined++
		}
	}
	return f
}

// tier counts how example e, of confidence p, was answered: confidently
// (and rightly or not), tentatively, or not at all.
func (f *Figures) tier(e Example, p, confident float64, declined bool) {
	switch {
	case declined:
	case p < confident:
		f.Tentative++
	default:
		f.Confident++
		if e.Right {
			f.ConfidentRight++
		}
		if ShouldDecline(e.Question.Category) {
			f.ToDeclineConfident++
		}
	}
}

// Add returns the figures of f and g together; the AUC is their mean, as
// AUCs do not add.
func (f Figures) Add(g Figures) Figures {
	out := Figures{
		Answerable: f.Answerable + g.Answerable, FalseAbstain: f.FalseAbstain + g.FalseAbstain,
		ToDecline: f.ToDecline + g.ToDecline, Declined: f.Declined + g.Declined,
		LeftOut: f.LeftOut + g.LeftOut, LeftOutDeclined: f.LeftOutDeclined + g.LeftOutDeclined,
		Confident: f.Confident + g.Confident, ConfidentRight: f.ConfidentRight + g.ConfidentRight,
		ToDeclineConfident: f.ToDeclineConfident + g.ToDeclineConfident, Tentative: f.Tentative + g.Tentative,
		OffTopic: f.OffTopic + g.OffTopic, OffTopicDeclined: f.OffTopicDeclined + g.OffTopicDeclined,
	}
	switch {
	case f.Answerable+f.ToDecline+f.LeftOut == 0:
		out.AUC = g.AUC
	case g.Answerable+g.ToDecline+g.LeftOut == 0:
		out.AUC = f.AUC
	default:
		out.AUC = (f.AUC + g.AUC) / 2
	}
	return out
}

// Write prints the figures on two lines: what the decline threshold does,
// then the confident answers.
func (f Figures) Write(w io.Writer, label string) {
	fmt.Fprintf(w, "%-34s AUC %.3f  false abstention %5.1f%% of %d  declined %5.1f%% of %d  leave-one-out declined %5.1f%% of %d  off-topic declined %5.1f%% of %d\n",
		label, f.AUC, 100*ratio(f.FalseAbstain, f.Answerable), f.Answerable, 100*ratio(f.Declined, f.ToDecline), f.ToDecline,
		100*ratio(f.LeftOutDeclined, f.LeftOut), f.LeftOut, 100*ratio(f.OffTopicDeclined, f.OffTopic), f.OffTopic)
	fmt.Fprintf(w, "%-34s confident %d, right %5.1f%%  tentative %d  to decline answered confidently %5.1f%% of %d\n",
		"", f.Confident, 100*ratio(f.ConfidentRight, f.Confident), f.Tentative,
		100*ratio(f.ToDeclineConfident, f.ToDecline+f.LeftOut), f.ToDecline+f.LeftOut)
}

// SelectFeatures returns the examples with only the named features kept, to
// fit a model on fewer.
func SelectFeatures(examples []Example, keep []string) []Example {
	out := make([]Example, len(examples))
	for i, e := range examples {
		out[i] = e
		if e.Values == nil {
			continue
		}
		out[i].Names, out[i].Values = nil, nil
		for j, name := range e.Names {
			if slices.Contains(keep, name) {
				out[i].Names = append(out[i].Names, name)
				out[i].Values = append(out[i].Values, e.Values[j])
			}
		}
	}
	return out
}
