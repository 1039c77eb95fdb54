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

// Calibration is a fitted confidence model with the threshold chosen for
// it.
type Calibration struct {
	Model     logistic.Model
	Names     []string
	Threshold float64
	// Penalties multiply the probability once for each unit of the named
	// features (see knowledge/match/calibration.json).
	Penalties map[string]float64
}

// Fit fits the confidence on examples and chooses the highest threshold
// that declines at most maxFalseAbstain of the answerable questions among
// them. l2 is the weights' penalty.
func Fit(examples []Example, l2, maxFalseAbstain float64, penalties map[string]float64) (Calibration, error) {
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
	var answerable []float64
	for _, e := range examples {
		if !ShouldDecline(e.Question.Category) {
			answerable = append(answerable, c.Probability(e))
		}
	}
	c.Threshold = quantileThreshold(answerable, maxFalseAbstain)
	return c, nil
}

// quantileThreshold is the highest threshold that declines at most share
// of the answerable questions whose confidences are given; 0 when there
// are none.
func quantileThreshold(answerable []float64, share float64) float64 {
	slices.Sort(answerable)
	// Declining below the k-th lowest confidence declines k questions.
	if k := int(share * float64(len(answerable))); k < len(answerable) {
		return answerable[k]
	}
	return 0
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
}

// Measure computes the figures of c on examples; leftOut are examples of
// questions asked without their source, all to be declined.
func (c Calibration) Measure(examples, leftOut []Example) Figures {
	var f Figures
	var pos, neg []float64
	for _, e := range examples {
		p := c.Probability(e)
		declined := p < c.Threshold
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
		if c.Probability(e) < c.Threshold {
			f.LeftOutDeclined++
		}
	}
	return f
}

// Write prints the figures on one line.
func (f Figures) Write(w io.Writer, label string) {
	fmt.Fprintf(w, "%-34s AUC %.3f  false abstention %5.1f%% of %d  declined %5.1f%% of %d  leave-one-out declined %5.1f%% of %d\n",
		label, f.AUC, 100*ratio(f.FalseAbstain, f.Answerable), f.Answerable, 100*ratio(f.Declined, f.ToDecline), f.ToDecline,
		100*ratio(f.LeftOutDeclined, f.LeftOut), f.LeftOut)
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
