package evaluation

import (
	"context"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

func TestReadQuestions(t *testing.T) {
	in := `{"id":"a","cat":"direct","q":"Where?","keys":["Washington"]}

{"id":"b","cat":"offtopic","q":"Who wrote Hamlet?","keys":[]}
`
	qs, err := ReadQuestions(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 2 || qs[0].Keys[0] != "Washington" || qs[1].Category != OffTopic {
		t.Errorf("questions = %+v", qs)
	}
	if _, err := ReadQuestions(strings.NewReader("{\"id\":\"a\",\"q\":\"x\"}\nnot json\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed line: error = %v, want one naming line 2", err)
	}
}

func TestScoreFoldsAccentsAndQuotes(t *testing.T) {
	q := Question{Keys: []string{"Carlos Ramiro Martinez", `"root causes"`}}
	ans := knowledge.Answer{Answered: true, Facts: []knowledge.ScoredFact{
		{Fact: knowledge.Fact{Text: "Something else."}},
		{Fact: knowledge.Fact{Text: "addressing the “root causes”"}},
	}}
	o := Score(q, ans)
	if o.Top1 || !o.Top3 {
		t.Errorf("outcome = %+v, want a top-3 hit only", o)
	}
	ans.Facts[0].Text = "Guatemala, Carlos Ramiro Martínez, to redouble"
	if o := Score(q, ans); !o.Top1 {
		t.Error("accent folding should make Martínez match Martinez")
	}
}

// TestDevSetTargets guards the quality targets on the development set: a
// change to the matcher that drops below them fails here, not in a README.
func TestDevSetTargets(t *testing.T) {
	rep := runQuestions(t, source.DefaultSources(), DevSets(), "dev-questions.jsonl")
	m := rep.Main
	if m.Top1Rate() < 0.90 || m.Top3Rate() < 0.97 || m.AbstainRate() < 0.95 || m.FalseAbstainRate() > 0.05 {
		var b strings.Builder
		rep.Write(&b, false)
		t.Errorf("dev set below target (top-1 ≥ 90%%, top-3 ≥ 97%%, off-topic abstention ≥ 95%%, false abstention ≤ 5%%):\n%s", b.String())
	}
}

func TestAUC(t *testing.T) {
	tests := []struct {
		pos, neg []float64
		want     float64
	}{
		{[]float64{0.9, 0.8}, []float64{0.1, 0.2}, 1},
		{[]float64{0.1, 0.2}, []float64{0.9, 0.8}, 0},
		{[]float64{0.5}, []float64{0.5}, 0.5},
		{[]float64{0.9, 0.3}, []float64{0.5, 0.1}, 0.75},
	}
	for _, tt := range tests {
		if got := auc(tt.pos, slices.Clone(tt.neg)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("auc(%v, %v) = %g, want %g", tt.pos, tt.neg, got, tt.want)
		}
	}
	if !math.IsNaN(auc(nil, []float64{1})) {
		t.Error("auc with no positives should be NaN")
	}
}

func TestQuestionType(t *testing.T) {
	for q, want := range map[string]string{
		"Who ruled the duchy of Normandy?":           "who",
		"In what year did the Normans arrive?":       "when",
		"When were the Normans in Normandy?":         "when",
		"Where is Normandy?":                         "where",
		"How many people live in Victoria?":          "how many",
		"How much did it cost?":                      "how many",
		"How did the engine work?":                   "how",
		"Which country is Normandy in?":              "what",
		"Why did they leave?":                        "why",
		"¿Cuántos migrantes fueron detenidos?":       "how many",
		"¿Quién es el canciller de Guatemala?":       "who",
		"Name the river that runs through the city.": "other",
	} {
		if got := QuestionType(q); got != want {
			t.Errorf("QuestionType(%q) = %q, want %q", q, got, want)
		}
	}
}

// fixedAnswerer answers every question it knows with one fact, and
// declines the rest.
type fixedAnswerer map[string]string

func (a fixedAnswerer) Answer(_ context.Context, q string, _ knowledge.Options) (knowledge.Answer, error) {
	text, ok := a[q]
	if !ok {
		return knowledge.Answer{Question: q, Confidence: 0.1}, nil
	}
	return knowledge.Answer{Question: q, Answered: true, Confidence: 0.9, Facts: []knowledge.ScoredFact{{Fact: knowledge.Fact{Text: text}}}}, nil
}

func TestRunCountsUnanswerableAndAUC(t *testing.T) {
	qs := []Question{
		{ID: "1", Category: "answerable", Text: "Who?", Keys: []string{"Rollo"}},
		{ID: "2", Category: "answerable", Text: "When?", Keys: []string{"911"}},
		{ID: "3", Category: Unanswerable, Text: "Where?"},
		{ID: "4", Category: Unanswerable, Text: "Why?"},
	}
	a := fixedAnswerer{"Who?": "Rollo founded it.", "When?": "In 1066.", "Why?": "Because."}
	rep, err := Run(t.Context(), a, qs, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Main
	if m.Answerable != 2 || m.Top1 != 1 || m.ToDecline != 2 || m.Abstained != 1 {
		t.Errorf("counts = %+v", m)
	}
	// The one right answer (0.9) beats the declined question (0.1) and ties
	// the answered unanswerable one (0.9): (1 + 0.5) / 2.
	if got := rep.AUC(); got != 0.75 {
		t.Errorf("AUC = %g, want 0.75", got)
	}
	if rep.ByType["who"].Top1 != 1 || rep.ByType["when"].Top1 != 0 {
		t.Errorf("by type = %+v, %+v", rep.ByType["who"], rep.ByType["when"])
	}
}

func TestLeaveOneOut(t *testing.T) {
	qs := []Question{
		{ID: "1", Category: "answerable", Text: "Who?", Source: "a"},
		{ID: "2", Category: "answerable", Text: "When?", Source: "b"},
		{ID: "3", Category: Unanswerable, Text: "Where?", Source: "b"},
	}
	var left []string
	c, err := LeaveOneOut(t.Context(), func(exclude string) (Answerer, error) {
		left = append(left, exclude)
		if exclude == "a" {
			return fixedAnswerer{"Who?": "Someone."}, nil // answers without its source: wrong
		}
		return fixedAnswerer{}, nil
	}, qs, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, ",") != "a,b" || c.ToDecline != 2 || c.Abstained != 1 {
		t.Errorf("left out %v, counts %+v; want a,b and 1 of 2 declined", left, c)
	}
}

// TestFitChoosesThreshold fits a confidence on examples where one feature
// tells right answers apart, and checks the threshold declines no more
// answerable questions than allowed, and that Measure counts as it should.
func TestFitChoosesThreshold(t *testing.T) {
	var examples []Example
	for i := range 200 {
		x := float64(i) / 200
		right := i%4 != 0 && x > 0.3
		cat := "answerable"
		if i%4 == 0 {
			cat = Unanswerable
			x /= 3
		}
		examples = append(examples, Example{Question: Question{ID: strconv.Itoa(i), Category: cat}, Names: []string{"x"}, Values: []float64{x}, Right: right})
	}
	examples = append(examples, Example{Question: Question{Category: "answerable"}}) // nothing matched
	c, err := Fit(examples, 0.1, Targets{MaxFalseAbstain: 0.1, ConfidentRight: 0.95}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := c.Measure(examples, nil)
	if f.Answerable != 151 || ratio(f.FalseAbstain, f.Answerable) > 0.1 {
		t.Errorf("false abstention %d of %d, want at most 10%%", f.FalseAbstain, f.Answerable)
	}
	if f.Declined == 0 || f.AUC < 0.9 {
		t.Errorf("declined %d of %d with AUC %.2f: the feature separates them, want most declined", f.Declined, f.ToDecline, f.AUC)
	}
	if f.Confident == 0 || ratio(f.ConfidentRight, f.Confident) < 0.95 || c.ConfidentThreshold < c.Threshold {
		t.Errorf("%d confident answers, %d right, thresholds %.3f and %.3f: want at least 95%% right, above the decline threshold",
			f.Confident, f.ConfidentRight, c.Threshold, c.ConfidentThreshold)
	}
	if f.Tentative == 0 || f.Confident+f.Tentative+f.FalseAbstain+f.Declined != len(examples) {
		t.Errorf("confident %d, tentative %d, declined %d+%d of %d: want some tentative, every example counted once",
			f.Confident, f.Tentative, f.FalseAbstain, f.Declined, len(examples))
	}
	if c.Probability(examples[len(examples)-1]) != 0 {
		t.Error("an example with nothing matched should have confidence 0")
	}
	pen := c
	pen.Penalties = map[string]float64{"x": 0.5}
	if e := examples[100]; pen.Probability(e) >= c.Probability(e) {
		t.Error("a penalty did not lower the probability")
	}
}

// TestSQuADFigures guards the engine's figures on the outside benchmark
// (testdata/squad; its ranking was not tuned on it, its confidence is
// fitted on it): a change that drops below what it reaches today fails
// here. The targets are higher; see docs/quality.md.
func TestSQuADFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("answers 2,690 questions")
	}
	squad := os.DirFS(filepath.Join("testdata", "squad"))
	sources, err := fs.Sub(squad, "sources")
	if err != nil {
		t.Fatal(err)
	}
	rep := runQuestions(t, sources, squad, "questions.jsonl")
	m := rep.Main
	if m.Top1Rate() < 0.75 || m.Top3Rate() < 0.86 || m.FalseAbstainRate() > 0.03 || rep.AUC() < 0.60 {
		t.Errorf("SQuAD below today's figures (top-1 ≥ 75%%, top-3 ≥ 86%%, false abstention ≤ 3%%, AUC ≥ 0.60): top-1 %.1f%%, top-3 %.1f%%, false abstention %.1f%%, AUC %.3f",
			100*m.Top1Rate(), 100*m.Top3Rate(), 100*m.FalseAbstainRate(), rep.AUC())
	}
}

// runQuestions answers the questions of file in questions from an index of
// the sources in sources.
func runQuestions(t *testing.T, sources, questions fs.FS, file string) *Report {
	t.Helper()
	c, err := source.LoadCorpus(t.Context(), sources)
	if err != nil {
		t.Fatal(err)
	}
	f, err := questions.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), match.NewIndex(c), qs, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// tieredAnswerer answers confidently the questions of confident,
// tentatively those of tentative, each with its fact, and declines the
// rest.
type tieredAnswerer struct{ confident, tentative map[string]string }

func (a tieredAnswerer) Answer(_ context.Context, q string, _ knowledge.Options) (knowledge.Answer, error) {
	if text, ok := a.confident[q]; ok {
		return knowledge.Answer{Question: q, Answered: true, Confidence: 0.9, Facts: []knowledge.ScoredFact{{Fact: knowledge.Fact{Text: text}}}}, nil
	}
	if text, ok := a.tentative[q]; ok {
		return knowledge.Answer{Question: q, Answered: true, Tentative: true, Confidence: 0.3, Facts: []knowledge.ScoredFact{{Fact: knowledge.Fact{Text: text}}}}, nil
	}
	return knowledge.Answer{Question: q, Confidence: 0.01}, nil
}

// TestRunSplitsConfidentTentativeDeclined checks that eval tells the
// three kinds of answer apart: a tentative answer is no abstention, a
// confident answer to a question to decline counts against the confident
// answers' accuracy, and the report prints the split.
func TestRunSplitsConfidentTentativeDeclined(t *testing.T) {
	qs := []Question{
		{ID: "1", Category: "answerable", Text: "Who?", Keys: []string{"Rollo"}},
		{ID: "2", Category: "answerable", Text: "When?", Keys: []string{"911"}},
		{ID: "3", Category: "answerable", Text: "Where?", Keys: []string{"Rouen"}},
		{ID: "4", Category: Unanswerable, Text: "Why?"},
		{ID: "5", Category: OffTopic, Text: "Capital of France?"},
		{ID: "6", Category: OffTopic, Text: "Hamlet?"},
	}
	a := tieredAnswerer{
		confident: map[string]string{"Who?": "Rollo founded it.", "Why?": "Because."},
		tentative: map[string]string{"When?": "In 911.", "Hamlet?": "A play."},
	}
	rep, err := Run(t.Context(), a, qs, knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Main
	want := Counts{Answerable: 3, Top1: 2, Top3: 2, FalseAbstain: 1, ToDecline: 3, Abstained: 1,
		Confident: 2, Tentative: 2, ConfidentRight: 1, ToDeclineConfident: 1}
	if m != want {
		t.Errorf("counts = %+v\nwant     %+v", m, want)
	}
	if m.Declined() != 2 || m.ConfidentRightRate() != 0.5 || math.Abs(m.ToDeclineConfidentRate()-1.0/3) > 1e-9 {
		t.Errorf("declined %d, confident right %g, to decline answered confidently %g; want 2, 0.5, 1/3",
			m.Declined(), m.ConfidentRightRate(), m.ToDeclineConfidentRate())
	}
	if off := rep.ByCategory[OffTopic]; off.Abstained != 1 || off.ToDecline != 2 {
		t.Errorf("off-topic = %+v, want 1 of 2 declined outright", off)
	}
	var b strings.Builder
	rep.Write(&b, false)
	for _, line := range []string{
		"answers: confident 2 (33.3%), tentative 2 (33.3%), declined 2 (33.3%) of 6",
		"confident answers right:  50.0%  (1/2)",
		"answered confidently:  33.3%  (1/3)",
		"off-topic declined:  50.0%  (1/2)",
		"TENTATIVE OFF-TOPIC",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, b.String())
		}
	}
}
