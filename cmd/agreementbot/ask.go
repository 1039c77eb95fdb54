package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/agreementbot/agreementbot/knowledge"
)

func runAsk(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("ask", "[--json] [--explain] [--top N] [--sources DIR | --db FILE] [QUESTION...]", stderr)
	var src sourceFlags
	src.register(fs)
	src.registerTranslate(fs)
	asJSON := fs.Bool("json", false, "print one JSON object per question, one per line")
	explain := fs.Bool("explain", false, "show how each fact matched and what its confidence rests on (and, when declining, the best candidate)")
	top := fs.Int("top", knowledge.DefaultTop, fmt.Sprintf("show at most `N` facts (1-%d)", knowledge.MaxTop))
	threshold := fs.Float64("threshold", knowledge.DefaultThreshold, "abstain below this `confidence` (0-1)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *top < 1 || *top > knowledge.MaxTop {
		return fmt.Errorf("--top must be between 1 and %d, not %d", knowledge.MaxTop, *top)
	}
	if *threshold <= 0 || *threshold > 1 {
		return fmt.Errorf("--threshold must be in (0, 1], not %g", *threshold)
	}
	ix, err := src.open(ctx, stderr)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	opt := knowledge.Options{Top: *top, Threshold: *threshold, Explain: *explain}
	answer := func(q string) error {
		ans, err := ix.Answer(ctx, q, opt)
		if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return err
		}
		if err == nil && *explain && !ans.Answered {
			ans.Facts = bestCandidate(ctx, ix, q)
		}
		if *asJSON {
			return writeJSONAnswer(out, q, ans, err)
		}
		writeTextAnswer(out, ans, err)
		return nil
	}
	if fs.NArg() > 0 {
		return answer(strings.Join(fs.Args(), " "))
	}
	// Batch mode: one question per line of standard input.
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if err := answer(sc.Text()); err != nil {
			return err
		}
		if !*asJSON {
			fmt.Fprintln(out)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read questions: %w", err)
	}
	return nil
}

// jsonAnswer is the --json form of an answer.
type jsonAnswer struct {
	Question    string     `json:"question"`
	Answered    bool       `json:"answered"`
	Confidence  float64    `json:"confidence"`
	Facts       []jsonFact `json:"facts"`
	Suggestions []string   `json:"suggestions"`
	Error       string     `json:"error,omitempty"`
}

type jsonFact struct {
	ID          string                 `json:"id"`
	Text        string                 `json:"text"`
	Score       float64                `json:"score"`
	Citation    knowledge.Citation     `json:"citation"`
	Explanation *knowledge.Explanation `json:"explanation,omitempty"`
}

// bestCandidate returns the fact the engine would have given for a
// question it declined, explained, for --explain.
func bestCandidate(ctx context.Context, ix knowledge.Index, q string) []knowledge.ScoredFact {
	ans, err := ix.Answer(ctx, q, knowledge.Options{Top: 1, Threshold: math.SmallestNonzeroFloat64, Explain: true})
	if err != nil {
		return nil
	}
	return ans.Facts
}

func writeJSONAnswer(w io.Writer, q string, ans knowledge.Answer, err error) error {
	ja := jsonAnswer{Question: q, Answered: ans.Answered, Confidence: ans.Confidence,
		Facts: []jsonFact{}, Suggestions: ans.Suggestions}
	if ja.Suggestions == nil {
		ja.Suggestions = []string{}
	}
	if err != nil {
		ja.Error = err.Error()
	}
	for _, f := range ans.Facts {
		ja.Facts = append(ja.Facts, jsonFact{ID: f.ID, Text: f.Text, Score: f.Score, Citation: f.Citation, Explanation: f.Explanation})
	}
	b, merr := json.Marshal(ja)
	if merr != nil {
		return merr
	}
	_, werr := fmt.Fprintf(w, "%s\n", b)
	return werr
}

func writeTextAnswer(w io.Writer, ans knowledge.Answer, err error) {
	if err != nil {
		fmt.Fprintf(w, "Sorry, I can't answer that: %v.\n", err)
		return
	}
	fmt.Fprintf(w, "Q: %s\n", ans.Question)
	if !ans.Answered {
		fmt.Fprintf(w, "I don't know: nothing in the sources answers that (confidence %.2f).\n", ans.Confidence)
		if len(ans.Suggestions) > 0 {
			fmt.Fprintf(w, "Did you mean: %s?\n", strings.Join(ans.Suggestions, " · "))
		}
		if len(ans.Facts) > 0 {
			fmt.Fprintln(w, "Best candidate, declined:")
		}
	}
	for i, f := range ans.Facts {
		fmt.Fprintf(w, "%d. %s\n", i+1, oneLine(f.Text))
		fmt.Fprintf(w, "   — %s  [%s, score %.2f]\n", citationLine(f.Fact), f.ID, f.Score)
		if f.Explanation != nil {
			writeExplanation(w, f.Explanation)
		}
	}
	if ans.Answered {
		fmt.Fprintf(w, "Confidence: %.2f\n", ans.Confidence)
	}
}

// writeExplanation prints how a fact matched: each question term with its
// weight and match, the answer-type evidence, and the confidence's
// features with their weights in the model.
func writeExplanation(w io.Writer, e *knowledge.Explanation) {
	fmt.Fprintf(w, "   ranking score %.3f\n", e.Score)
	for _, t := range e.Terms {
		fmt.Fprintf(w, "   term %-24q weight %5.2f  match %4.2f\n", t.Term, t.Weight, t.Match)
	}
	if e.Wants != "" {
		fmt.Fprintf(w, "   asks for a %s; evidence: %s\n", e.Wants, cmp.Or(strings.Join(e.Evidence, "; "), "none"))
	}
	for _, f := range e.Features {
		fmt.Fprintf(w, "   feature %-16s %7.3f × %7.3f = %7.3f\n", f.Name, f.Value, f.Weight, f.Value*f.Weight)
	}
}

// citationLine renders a fact's citation for the terminal: where it
// stands, then its own credit and the source's address.
func citationLine(f knowledge.Fact) string {
	c := f.Citation
	line := c.Place()
	if credit := f.OwnCredit(); credit != "" {
		line += " · credit: " + credit
	}
	if c.URL != "" {
		line += " · " + c.URL
	}
	return line
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
