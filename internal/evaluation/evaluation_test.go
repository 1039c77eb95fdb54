package evaluation

import (
	"context"
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
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	f, err := DevSets().Open("dev-questions.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs, err := ReadQuestions(f)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(t.Context(), match.NewIndex(c), qs)
	if err != nil {
		t.Fatal(err)
	}
	m := rep.Main
	if m.Top1Rate() < 0.90 || m.Top3Rate() < 0.97 || m.AbstainRate() < 0.95 || m.FalseAbstainRate() > 0.05 {
		var b strings.Builder
		rep.Write(&b, false)
		t.Errorf("dev set below target (top-1 ≥ 90%%, top-3 ≥ 97%%, off-topic abstention ≥ 95%%, false abstention ≤ 5%%):\n%s", b.String())
	}
}
