package evaluation

import (
	"bufio"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

//go:embed testdata/*.jsonl
var devSets embed.FS

// DevSets returns the question files carried with the project, by file
// name: the development sets (dev-questions.jsonl, dev-questions-es.jsonl,
// dev2-questions.jsonl, dev-es2-questions.jsonl), which tuning may use, and
// the held-out sets (holdout*.jsonl), which only report.
func DevSets() fs.FS { sub, _ := fs.Sub(devSets, "testdata"); return sub }

// Categories of questions the sources do not answer: off-topic ones (the
// project's question files) and unanswerable ones (SQuAD 2.0, written to
// look answerable from a paragraph that does not answer them).
const (
	OffTopic     = "offtopic"
	Unanswerable = "unanswerable"
)

// ShouldDecline reports whether questions of a category must be declined.
func ShouldDecline(category string) bool {
	return category == OffTopic || category == Unanswerable
}

// Question is one line of a question file.
type Question struct {
	ID       string   `json:"id"`
	Category string   `json:"cat"`
	Text     string   `json:"q"`
	Keys     []string `json:"keys"`
	// Source is the id of the source the question was written on, or its
	// file name, when known (SQuAD, devadmin); leave-one-out leaves that
	// source out.
	Source string `json:"source,omitempty"`
}

// SourceID is the id of the source the question was written on: its
// Source, without the extension when Source names a file
// ("en-school-newsletter.md").
func (q Question) SourceID() string {
	switch ext := path.Ext(q.Source); ext {
	case ".md", ".markdown", ".txt", ".yaml", ".yml":
		return strings.TrimSuffix(q.Source, ext)
	}
	return q.Source
}

// ReadQuestions parses a JSON Lines question file. Blank lines are skipped;
// a malformed line is an error naming its number.
func ReadQuestions(r io.Reader) ([]Question, error) {
	var out []Question
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var q Question
		if err := json.Unmarshal([]byte(text), &q); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if q.Text == "" {
			return nil, fmt.Errorf("line %d: question has no text", line)
		}
		out = append(out, q)
	}
	return out, sc.Err()
}

// Answerer is what is being measured.
type Answerer interface {
	Answer(ctx context.Context, question string, opt knowledge.Options) (knowledge.Answer, error)
}

// Outcome is how one question fared.
type Outcome struct {
	Question Question
	Answered bool
	// Tentative is set for an answer the bot gave as only the closest fact
	// (Answered is set too).
	Tentative bool
	Top1      bool
	Top3      bool
	Conf      float64
	First     string // the first fact's text, for reports
	// Ranked is whether the fact ranked first is right, whether or not the
	// bot answered with it: what the confidence must tell apart.
	Ranked bool
}

// Counts are the tallies of one group of questions.
type Counts struct {
	Answerable, Top1, Top3, FalseAbstain int
	// ToDecline counts the off-topic and unanswerable questions, Abstained
	// those of them the bot declined.
	ToDecline, Abstained int
	// Confident and Tentative count the questions of either kind answered
	// confidently and tentatively; ConfidentRight the confident answers
	// whose first fact is right, ToDeclineConfident the questions to
	// decline answered confidently.
	Confident, Tentative, ConfidentRight, ToDeclineConfident int
}

// Add tallies one outcome.
func (c *Counts) Add(o Outcome) {
	confident := o.Answered && !o.Tentative
	switch {
	case confident:
		c.Confident++
	case o.Answered:
		c.Tentative++
	}
	if ShouldDecline(o.Question.Category) {
		c.ToDecline++
		if !o.Answered {
			c.Abstained++
		}
		if confident {
			c.ToDeclineConfident++
		}
		return
	}
	c.Answerable++
	if confident && o.Top1 {
		c.ConfidentRight++
	}
	if o.Top1 {
		c.Top1++
	}
	if o.Top3 {
		c.Top3++
	}
	if !o.Answered {
		c.FalseAbstain++
	}
}

// Top1Rate is the share of answerable questions whose first fact is right.
func (c Counts) Top1Rate() float64 { return ratio(c.Top1, c.Answerable) }

// Top3Rate is the share of answerable questions with a right fact among
// the first three.
func (c Counts) Top3Rate() float64 { return ratio(c.Top3, c.Answerable) }

// FalseAbstainRate is the share of answerable questions the bot declined.
func (c Counts) FalseAbstainRate() float64 { return ratio(c.FalseAbstain, c.Answerable) }

// AbstainRate is the share of off-topic or unanswerable questions the bot
// declined.
func (c Counts) AbstainRate() float64 { return ratio(c.Abstained, c.ToDecline) }

// Declined is how many questions of either kind the bot declined.
func (c Counts) Declined() int { return c.Answerable + c.ToDecline - c.Confident - c.Tentative }

// ConfidentRightRate is the share of confident answers whose first fact is
// right: a confident answer to a question to decline is wrong.
func (c Counts) ConfidentRightRate() float64 { return ratio(c.ConfidentRight, c.Confident) }

// ToDeclineConfidentRate is the share of off-topic or unanswerable
// questions the bot answered confidently.
func (c Counts) ToDeclineConfidentRate() float64 { return ratio(c.ToDeclineConfident, c.ToDecline) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report is the result of a run.
type Report struct {
	Outcomes []Outcome
	// Main covers every category except Spanish; Spanish is reported apart,
	// as the scoring rule asks.
	Main, Spanish Counts
	ByCategory    map[string]*Counts
	// ByType splits Main by the kind of question (who, when, where, ...).
	ByType map[string]*Counts
}

// Run answers every question with the thresholds of th (its Threshold
// and ConfidentThreshold; 0 for the engine's defaults) and scores the
// answers.
func Run(ctx context.Context, a Answerer, qs []Question, th knowledge.Options) (*Report, error) {
	r := &Report{ByCategory: map[string]*Counts{}, ByType: map[string]*Counts{}}
	for _, q := range qs {
		ans, err := a.Answer(ctx, q.Text, knowledge.Options{Top: 3, Threshold: th.Threshold, ConfidentThreshold: th.ConfidentThreshold})
		if err != nil {
			return nil, fmt.Errorf("question %s: %w", q.ID, err)
		}
		o := Score(q, ans)
		if o.Ranked, err = rankedFirstRight(ctx, a, q); err != nil {
			return nil, err
		}
		r.add(o)
	}
	return r, nil
}

// anyConfidence is a threshold below every confidence but zero, to see the
// fact ranked first even for a question the bot declines.
const anyConfidence = math.SmallestNonzeroFloat64

// rankedFirstRight reports whether the fact ranked first for q is right,
// however low its confidence.
func rankedFirstRight(ctx context.Context, a Answerer, q Question) (bool, error) {
	if ShouldDecline(q.Category) {
		return false, nil
	}
	ans, err := a.Answer(ctx, q.Text, knowledge.Options{Top: 1, Threshold: anyConfidence})
	if err != nil {
		return false, fmt.Errorf("question %s: %w", q.ID, err)
	}
	return len(ans.Facts) > 0 && containsKey(ans.Facts[0].Text, q.Keys), nil
}

// add tallies one outcome everywhere it counts.
func (r *Report) add(o Outcome) {
	r.Outcomes = append(r.Outcomes, o)
	q := o.Question
	if q.Category == "spanish" {
		r.Spanish.Add(o)
	} else {
		r.Main.Add(o)
		tally(r.ByType, QuestionType(q.Text)).Add(o)
	}
	tally(r.ByCategory, q.Category).Add(o)
}

// tally returns the counts of key in m, making them if need be.
func tally(m map[string]*Counts, key string) *Counts {
	c := m[key]
	if c == nil {
		c = &Counts{}
		m[key] = c
	}
	return c
}

// Score judges one answer against its question's keys.
func Score(q Question, ans knowledge.Answer) Outcome {
	o := Outcome{Question: q, Answered: ans.Answered, Tentative: ans.Tentative, Conf: ans.Confidence}
	for i, f := range ans.Facts {
		if i == 0 {
			o.First = f.Text
		}
		if i >= 3 {
			break
		}
		if containsKey(f.Text, q.Keys) {
			o.Top3 = true
			if i == 0 {
				o.Top1 = true
			}
		}
	}
	return o
}

func containsKey(text string, keys []string) bool {
	t := fold.String(text)
	return slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(t, fold.String(k)) })
}

// AUC is the area under the ROC curve of the confidence, separating the
// answerable questions whose first-ranked fact is right (positives, whether
// or not the bot answered) from the questions to decline (negatives): the chance that a random positive gets
// a higher confidence than a random negative, ties counting half. It is
// what a threshold can achieve at best, whatever its value; 0.5 is chance.
// It is NaN when either side is empty.
func (r *Report) AUC() float64 {
	var pos, neg []float64
	for _, o := range r.Outcomes {
		switch {
		case o.Question.Category == "spanish":
		case ShouldDecline(o.Question.Category):
			neg = append(neg, o.Conf)
		case o.Ranked:
			pos = append(pos, o.Conf)
		}
	}
	return auc(pos, neg)
}

// auc computes the Mann–Whitney statistic of pos over neg.
func auc(pos, neg []float64) float64 {
	if len(pos) == 0 || len(neg) == 0 {
		return math.NaN()
	}
	slices.Sort(neg)
	var wins float64
	for _, p := range pos {
		below, _ := slices.BinarySearch(neg, p)
		ties := 0
		for j := below; j < len(neg) && neg[j] == p; j++ {
			ties++
		}
		wins += float64(below) + float64(ties)/2
	}
	return wins / float64(len(pos)*len(neg))
}

// QuestionType names the kind of a question by its question words, for
// reporting figures per kind: who, when, where, how many (or much), why,
// what (or which), how, or other. It reads English and Spanish.
func QuestionType(q string) string {
	words := strings.FieldsFunc(fold.String(q), func(r rune) bool { return !unicode.IsLetter(r) })
	for i, w := range words {
		switch w {
		case "who", "whom", "whose", "quien", "quienes":
			return "who"
		case "when", "cuando":
			return "when"
		case "where", "donde":
			return "where"
		case "why":
			return "why"
		case "how", "cuanto", "cuantos", "cuanta", "cuantas", "como":
			if w == "how" && i+1 < len(words) && (words[i+1] == "many" || words[i+1] == "much") || strings.HasPrefix(w, "cuant") {
				return "how many"
			}
			return "how"
		case "what", "which", "que", "cual", "cuales":
			if i+1 < len(words) && (words[i+1] == "year" || words[i+1] == "date" || words[i+1] == "century") {
				return "when"
			}
			return "what"
		}
	}
	return "other"
}

// LeaveOneOut asks each source's answerable questions against an index
// built without that source, and counts how many are declined: a document
// the sources do not hold must not be answered from the others. build
// returns the answerer over every source but the one named; th holds the
// thresholds, as for Run.
func LeaveOneOut(ctx context.Context, build func(exclude string) (Answerer, error), qs []Question, th knowledge.Options) (Counts, error) {
	bySource := map[string][]Question{}
	for _, q := range qs {
		if q.Source != "" && !ShouldDecline(q.Category) && q.Category != "spanish" {
			bySource[q.SourceID()] = append(bySource[q.SourceID()], q)
		}
	}
	var c Counts
	for _, src := range slices.Sorted(maps.Keys(bySource)) {
		a, err := build(src)
		if err != nil {
			return c, fmt.Errorf("leave out %s: %w", src, err)
		}
		for _, q := range bySource[src] {
			ans, err := a.Answer(ctx, q.Text, knowledge.Options{Top: 1, Threshold: th.Threshold, ConfidentThreshold: th.ConfidentThreshold})
			if err != nil {
				return c, fmt.Errorf("question %s: %w", q.ID, err)
			}
			q.Category = OffTopic // the source is gone: it must be declined
			c.Add(Outcome{Question: q, Answered: ans.Answered, Tentative: ans.Tentative, Conf: ans.Confidence})
		}
	}
	return c, nil
}

// Write prints the report: the headline rates, the AUC, one line per
// category and per question type, and every question that missed.
func (r *Report) Write(w io.Writer, verbose bool) {
	r.writeHeadline(w)
	fmt.Fprintln(w, "by category:")
	writeGroups(w, r.ByCategory)
	fmt.Fprintln(w, "by question type:")
	writeGroups(w, r.ByType)
	for _, o := range r.Outcomes {
		if status := o.status(); status != "ok" || verbose {
			fmt.Fprintf(w, "%s %-4s conf %.2f %-18s %q -> %.70q\n", o.Question.ID, o.Question.Category, o.Conf, status, o.Question.Text, o.First)
		}
	}
}

// writeHeadline prints the main rates.
func (r *Report) writeHeadline(w io.Writer) {
	m := r.Main
	fmt.Fprintf(w, "answerable questions: %d (spanish apart)\n", m.Answerable)
	if m.Answerable > 0 {
		fmt.Fprintf(w, "  top-1 hit rate:     %5.1f%%  (%d/%d)\n", 100*m.Top1Rate(), m.Top1, m.Answerable)
		fmt.Fprintf(w, "  top-3 hit rate:     %5.1f%%  (%d/%d)\n", 100*m.Top3Rate(), m.Top3, m.Answerable)
		fmt.Fprintf(w, "  false abstentions:  %5.1f%%  (%d/%d)\n", 100*m.FalseAbstainRate(), m.FalseAbstain, m.Answerable)
	}
	fmt.Fprintf(w, "off-topic or unanswerable questions: %d\n", m.ToDecline)
	if m.ToDecline > 0 {
		fmt.Fprintf(w, "  declined:           %5.1f%%  (%d/%d)\n", 100*m.AbstainRate(), m.Abstained, m.ToDecline)
		fmt.Fprintf(w, "  answered confidently: %5.1f%%  (%d/%d)\n", 100*m.ToDeclineConfidentRate(), m.ToDeclineConfident, m.ToDecline)
	}
	if c := r.ByCategory[OffTopic]; c != nil && c.ToDecline < m.ToDecline {
		fmt.Fprintf(w, "  off-topic declined: %5.1f%%  (%d/%d)\n", 100*c.AbstainRate(), c.Abstained, c.ToDecline)
	}
	m.WriteSplit(w)
	if auc := r.AUC(); !math.IsNaN(auc) {
		fmt.Fprintf(w, "confidence ROC AUC (right first facts against questions to decline): %.3f\n", auc)
	}
	if s := r.Spanish; s.Answerable > 0 {
		fmt.Fprintf(w, "spanish questions: %d\n", s.Answerable)
		fmt.Fprintf(w, "  top-1 %5.1f%%  top-3 %5.1f%%  false abstentions %5.1f%%\n",
			100*s.Top1Rate(), 100*s.Top3Rate(), 100*s.FalseAbstainRate())
		fmt.Fprint(w, "  ")
		s.WriteSplit(w)
	}
}

// WriteSplit prints how the answers split into confident, tentative and
// declined ones, and the share of confident answers that are right.
func (c Counts) WriteSplit(w io.Writer) {
	n := c.Answerable + c.ToDecline
	fmt.Fprintf(w, "answers: confident %d (%.1f%%), tentative %d (%.1f%%), declined %d (%.1f%%) of %d\n",
		c.Confident, 100*ratio(c.Confident, n), c.Tentative, 100*ratio(c.Tentative, n), c.Declined(), 100*ratio(c.Declined(), n), n)
	fmt.Fprintf(w, "  confident answers right: %5.1f%%  (%d/%d)\n", 100*c.ConfidentRightRate(), c.ConfidentRight, c.Confident)
}

// writeGroups prints a line per group, in name order.
func writeGroups(w io.Writer, groups map[string]*Counts) {
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		n := groups[name]
		if n.Answerable > 0 {
			fmt.Fprintf(w, "  %-12s top-1 %4d/%-4d %5.1f%%  top-3 %4d/%-4d  abstained %d", name, n.Top1, n.Answerable, 100*n.Top1Rate(), n.Top3, n.Answerable, n.FalseAbstain)
		} else {
			fmt.Fprintf(w, "  %-12s", name)
		}
		if n.ToDecline > 0 {
			fmt.Fprintf(w, "  declined %d/%d (confidently answered %d)", n.Abstained, n.ToDecline, n.ToDeclineConfident)
		}
		if n.Tentative > 0 {
			fmt.Fprintf(w, "  tentative %d", n.Tentative)
		}
		fmt.Fprintln(w)
	}
}

// status says how a question fared, for the list of misses.
func (o Outcome) status() string {
	switch decline := ShouldDecline(o.Question.Category); {
	case decline && o.Tentative:
		return "TENTATIVE OFF-TOPIC"
	case decline && o.Answered:
		return "ANSWERED OFF-TOPIC"
	case decline:
		return "ok"
	case !o.Answered:
		return "ABSTAINED"
	case !o.Top1 && o.Tentative:
		return "MISS top-1, tentative"
	case !o.Top1:
		return "MISS top-1"
	}
	return "ok"
}
