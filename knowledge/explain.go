package knowledge

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strings"
)

// Lines are the explanation as `agreementbot ask --explain` prints it and
// the dashboard's test pane shows it, one line each, in English: the
// ranking score, each question term with its weight and match, the
// answer-type evidence, and the confidence's features with their weights
// in the model.
func (e *Explanation) Lines() []string {
	out := []string{fmt.Sprintf("ranking score %.3f", e.Score)}
	for _, t := range e.Terms {
		out = append(out, fmt.Sprintf("term %-24q weight %5.2f  match %4.2f", t.Term, t.Weight, t.Match))
	}
	if e.Wants != "" {
		out = append(out, fmt.Sprintf("asks for a %s; evidence: %s", e.Wants, cmp.Or(strings.Join(e.Evidence, "; "), "none")))
	}
	for _, f := range e.Features {
		out = append(out, fmt.Sprintf("feature %-16s %7.3f × %7.3f = %7.3f", f.Name, f.Value, f.Weight, f.Value*f.Weight))
	}
	return out
}

// BestCandidate returns the fact ix would have given for a question it
// declined, explained: what an explained abstention shows as its best
// candidate. It returns nothing when the question is refused.
func BestCandidate(ctx context.Context, ix Index, question string) []ScoredFact {
	ans, err := ix.Answer(ctx, question, Options{Top: 1, Threshold: math.SmallestNonzeroFloat64, Explain: true})
	if err != nil {
		return nil
	}
	return ans.Facts
}
