// Package evaluation measures answer quality on a set of questions with
// known answers: top-1 and top-3 hit rates, false abstentions on answerable
// questions, and abstentions on off-topic ones. The scoring rule is the
// shared one: fold both texts, then a hit is a fact containing a key phrase.
package evaluation

import (
	"bufio"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
)

//go:embed testdata/*.jsonl
var devSets embed.FS

// DevSets returns the development question files carried with the project,
// by file name: dev-questions.jsonl (English) and dev-questions-es.jsonl
// (Spanish).
func DevSets() fs.FS { sub, _ := fs.Sub(devSets, "testdata"); return sub }

// OffTopic is the category of questions the sources do not answer.
const OffTopic = "offtopic"

// Question is one line of a question file.
type Question struct {
	ID       string   `json:"id"`
	Category string   `json:"cat"`
	Text     string   `json:"q"`
	Keys     []string `json:"keys"`
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
	Top1     bool
	Top3     bool
	Conf     float64
	First    string // the first fact's text, for reports
}

// Counts are the tallies of one group of questions.
type Counts struct {
	Answerable, Top1, Top3, FalseAbstain int
	OffTopic, Abstained                  int
}

// Add tallies one outcome.
func (c *Counts) Add(o Outcome) {
	if o.Question.Category == OffTopic {
		c.OffTopic++
		if !o.Answered {
			c.Abstained++
		}
		return
	}
	c.Answerable++
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

// AbstainRate is the share of off-topic questions the bot declined.
func (c Counts) AbstainRate() float64 { return ratio(c.Abstained, c.OffTopic) }

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
}

// Run answers every question and scores the answers.
func Run(ctx context.Context, a Answerer, qs []Question) (*Report, error) {
	r := &Report{ByCategory: map[string]*Counts{}}
	for _, q := range qs {
		ans, err := a.Answer(ctx, q.Text, knowledge.Options{Top: 3})
		if err != nil {
			return nil, fmt.Errorf("question %s: %w", q.ID, err)
		}
		o := Score(q, ans)
		r.Outcomes = append(r.Outcomes, o)
		if q.Category == "spanish" {
			r.Spanish.Add(o)
		} else {
			r.Main.Add(o)
		}
		c := r.ByCategory[q.Category]
		if c == nil {
			c = &Counts{}
			r.ByCategory[q.Category] = c
		}
		c.Add(o)
	}
	return r, nil
}

// Score judges one answer against its question's keys.
func Score(q Question, ans knowledge.Answer) Outcome {
	o := Outcome{Question: q, Answered: ans.Answered, Conf: ans.Confidence}
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

// Write prints the report: the headline rates, one line per category, and
// every question that missed.
func (r *Report) Write(w io.Writer, verbose bool) {
	m := r.Main
	fmt.Fprintf(w, "answerable questions: %d (spanish apart)\n", m.Answerable)
	fmt.Fprintf(w, "  top-1 hit rate:     %5.1f%%  (%d/%d)\n", 100*m.Top1Rate(), m.Top1, m.Answerable)
	fmt.Fprintf(w, "  top-3 hit rate:     %5.1f%%  (%d/%d)\n", 100*m.Top3Rate(), m.Top3, m.Answerable)
	fmt.Fprintf(w, "  false abstentions:  %5.1f%%  (%d/%d)\n", 100*m.FalseAbstainRate(), m.FalseAbstain, m.Answerable)
	fmt.Fprintf(w, "off-topic questions: %d\n", m.OffTopic)
	fmt.Fprintf(w, "  abstained:          %5.1f%%  (%d/%d)\n", 100*m.AbstainRate(), m.Abstained, m.OffTopic)
	if s := r.Spanish; s.Answerable > 0 {
		fmt.Fprintf(w, "spanish questions: %d\n", s.Answerable)
		fmt.Fprintf(w, "  top-1 %5.1f%%  top-3 %5.1f%%  false abstentions %5.1f%%\n",
			100*s.Top1Rate(), 100*s.Top3Rate(), 100*s.FalseAbstainRate())
	}
	cats := make([]string, 0, len(r.ByCategory))
	for c := range r.ByCategory {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	fmt.Fprintln(w, "by category:")
	for _, c := range cats {
		n := r.ByCategory[c]
		if c == OffTopic {
			fmt.Fprintf(w, "  %-10s abstained %d/%d\n", c, n.Abstained, n.OffTopic)
			continue
		}
		fmt.Fprintf(w, "  %-10s top-1 %d/%d  top-3 %d/%d  abstained %d\n", c, n.Top1, n.Answerable, n.Top3, n.Answerable, n.FalseAbstain)
	}
	for _, o := range r.Outcomes {
		status := "ok"
		switch {
		case o.Question.Category == OffTopic && o.Answered:
			status = "ANSWERED OFF-TOPIC"
		case o.Question.Category != OffTopic && !o.Answered:
			status = "ABSTAINED"
		case o.Question.Category != OffTopic && !o.Top1:
			status = "MISS top-1"
		}
		if status == "ok" && !verbose {
			continue
		}
		fmt.Fprintf(w, "%s %-4s conf %.2f %-18s %q -> %.70q\n", o.Question.ID, o.Question.Category, o.Conf, status, o.Question.Text, o.First)
	}
}
