package match

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/internal/fold"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// TestAnswerMechanisms checks each matching mechanism on its own with
// phrasings that are not in the evaluation sets: the first fact must contain
// the expected words.
func TestAnswerMechanisms(t *testing.T) {
	ix := articleIndex(t)
	tests := []struct {
		name, question, want string
	}{
		{"accent folding", "Martinez and Barcena", "Alicia Bárcena, and Guatemala, Carlos Ramiro Martínez"},
		{"number kept whole", "285,000", "285,000 were Guatemalans"},
		{"number without separator", "285000 Guatemalans", "285,000 were Guatemalans"},
		{"decimal number", "2.4 million", "2.4 million migrant apprehensions"},
		{"stemming", "migrant apprehension record", "2.4 million migrant apprehensions"},
		{"typo transposition", "Gautemala foreign minister", "Carlos Ramiro Martínez"},
		{"typo omission", "what did Blinkn say about displacements", "more displacements of people"},
		{"typo substitution", "deportaton operation", "largest deportation operation"},
		{"typo that is a word", "where was the meting held", "Washington"},
		{"typo that is a word, of a name", "Stephan Miler deportation", "Stephen Miller"},
		{"alias", "Secretary of State counterparts", "received his counterparts"},
		{"title coreference", "who said migration must be orderly", "safe, orderly and humane"},
		{"pronoun coreference", "Did Trump practice family separation in the White House?", "He already practiced the measure"},
		{"synonym", "arrests at the southern border in 2023", "2.4 million"},
		{"question type where", "Where were migrants in a caravan?", "Arriaga"},
		{"question type who", "Who is Stephen Miller?", "Stephen Miller"},
		{"british spelling", "labour mobility", "labor mobility"},
		{"repaired run-together words", "control border traffic", "control border traffic"},
		{"us acronym", "U.S. elections", "US elections"},
		{"tweet whole", "unprecedented meeting tweet", "First time we met trilaterally"},
		{"caption", "photo of the caravan in Chiapas", "Arriaga, Chiapas"},
		{"spanish stems", "¿Colaborarán las policías?", "will collaborate"},
		{"kind words", "is there a photo?", "Arriaga"},
		{"why wants a reason", "why did they agree to work together?", "in the face of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := ix.Answer(t.Context(), tt.question, knowledge.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Answered || len(ans.Facts) == 0 {
				t.Fatalf("%q: abstained (confidence %.2f), want a fact containing %q", tt.question, ans.Confidence, tt.want)
			}
			if got := ans.Facts[0].Text; !fold.Contains(got, tt.want) {
				t.Errorf("%q: first fact %q does not contain %q", tt.question, got, tt.want)
			}
		})
	}
}

// TestAnswerAbstains checks that questions the sources cannot answer get no
// facts but do get suggestions.
func TestAnswerAbstains(t *testing.T) {
	ix := articleIndex(t)
	for _, q := range []string{
		"What is the capital of Australia?",
		"How do I bake sourdough bread?",
		"When did Biden meet Putin?",
		"How many migrants were apprehended in 2019?",
		"What did Canada and Mexico agree about trade?",
		"!!! ??? ...",
		"🙂🙂🙂",
		"'; DROP TABLE facts; --",
		`"a" NEAR b*`,
	} {
		t.Run(q, func(t *testing.T) {
			ans, err := ix.Answer(t.Context(), q, knowledge.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered || len(ans.Facts) != 0 {
				t.Errorf("answered %q with %q (confidence %.2f)", q, ans.Facts[0].Text, ans.Confidence)
			}
			if len(ans.Suggestions) == 0 || len(ans.Suggestions) > 3 {
				t.Errorf("got %d suggestions, want 1 to 3", len(ans.Suggestions))
			}
		})
	}
}

// TestAnswerNearTopicNeverConfident checks the questions that reuse the
// article's people and places but that it does not answer: each may be
// declined or answered tentatively (the closest fact, flagged as unsure),
// never confidently. "Who is the president of Guatemala?" was declined
// outright by the model fitted before the admin documents joined the
// development data; with them the decline threshold fell (0.055 to
// 0.025) and it is now tentative (0.04).
func TestAnswerNearTopicNeverConfident(t *testing.T) {
	ix := articleIndex(t)
	for _, q := range []string{
		"Who is the president of Guatemala?",
		"When did Biden meet Putin?",
		"What did Canada and Mexico agree about trade?",
		"Who won the 2023 election in Guatemala?",
	} {
		t.Run(q, func(t *testing.T) {
			ans, err := ix.Answer(t.Context(), q, knowledge.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered && !ans.Tentative {
				t.Errorf("answered %q confidently with %q (confidence %.2f)", q, ans.Facts[0].Text, ans.Confidence)
			}
		})
	}
}

func TestAnswerBadInput(t *testing.T) {
	ix := articleIndex(t)
	tests := []struct {
		name     string
		question string
		wantErr  error
	}{
		{"empty", "", knowledge.ErrEmptyQuestion},
		{"whitespace", " \t\n ", knowledge.ErrEmptyQuestion},
		{"control characters only", "\x00\x01\x1b", knowledge.ErrEmptyQuestion},
		{"100 kB", strings.Repeat("border ", 100_000/7), knowledge.ErrQuestionTooLong},
		{"invalid UTF-8", "Where did the \xff\xfe ministers meet?", nil},
		{"control characters inside", "Where\x00 did the\x1b ministers meet?", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := ix.Answer(t.Context(), tt.question, knowledge.Options{})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && !utf8.ValidString(ans.Question) {
				t.Errorf("answer echoes invalid UTF-8: %q", ans.Question)
			}
		})
	}
}

func TestAnswerRespectsTopAndContext(t *testing.T) {
	ix := articleIndex(t)
	ans, err := ix.Answer(t.Context(), "migration", knowledge.Options{Top: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Facts) > 1 {
		t.Errorf("Top 1 gave %d facts", len(ans.Facts))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ix.Answer(ctx, "migration", knowledge.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error = %v", err)
	}
}

// TestAnswerScoresOrdered checks the facts come best first with scores in
// [0, 1] and the confidence is the first fact's score.
func TestAnswerScoresOrdered(t *testing.T) {
	ix := articleIndex(t)
	ans, err := ix.Answer(t.Context(), "What did the three countries agree?", knowledge.Options{Top: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered {
		t.Fatal("abstained")
	}
	if ans.Confidence != ans.Facts[0].Score {
		t.Errorf("confidence %v != first score %v", ans.Confidence, ans.Facts[0].Score)
	}
	for i, f := range ans.Facts {
		if f.Score < 0 || f.Score > 1 {
			t.Errorf("score %v out of range", f.Score)
		}
		if i > 0 && f.Score > ans.Facts[i-1].Score {
			t.Errorf("fact %d scores %v, above fact %d's %v", i+1, f.Score, i, ans.Facts[i-1].Score)
		}
	}
}

// FuzzAnswer throws arbitrary text at the question path: it must return an
// answer or one of the documented errors, quickly, and never panic.
func FuzzAnswer(f *testing.F) {
	ix := articleIndex(f)
	for _, s := range []string{
		"Where did the ministers meet?", "", "'; DROP TABLE facts; --", `"a" NEAR b*`,
		"\xff\xfe", "U.S.A.", "2.4.5,,6", "🇲🇽🇺🇸", "Gautemala", "¿Quién representó a Guatemala?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		start := time.Now()
		ans, err := ix.Answer(context.Background(), q, knowledge.Options{Top: 3})
		if err != nil {
			if !errors.Is(err, knowledge.ErrEmptyQuestion) && !errors.Is(err, knowledge.ErrQuestionTooLong) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("answering %q took %v", q, time.Since(start))
		}
		if ans.Answered != (len(ans.Facts) > 0) {
			t.Fatalf("answered=%v with %d facts", ans.Answered, len(ans.Facts))
		}
		if len(ans.Facts) > 3 || len(ans.Suggestions) > 3 {
			t.Fatalf("%d facts, %d suggestions", len(ans.Facts), len(ans.Suggestions))
		}
	})
}

// TestPhrasingAnswersConfidently checks that a question an admin gave as
// a phrasing of a fact (curated, or taught from the dashboard) is answered
// with that fact, confidently, however its case and punctuation differ,
// from a store's prepared index as from a fresh one; and that another
// question is not.
func TestPhrasingAnswersConfidently(t *testing.T) {
	c, err := source.LoadCorpus(t.Context(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	notes, err := source.ParseFacts("notes.yaml", []byte("source: {title: Admin notes}\nfacts:\n"+
		"  - text: The working group's first session is planned for April.\n"+
		"    phrasings: [\"When does the group start work?\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	c.Add(notes)
	ix := NewIndex(c)
	_, prepared, err := BuildPrepared(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(t.Context(), c, prepared)
	if err != nil {
		t.Fatal(err)
	}
	for name, ix := range map[string]*Index{"fresh": ix, "loaded": loaded} {
		for _, q := range []string{"When does the group start work?", "when does the group START work", "¿When does the group start work?!"} {
			ans, err := ix.Answer(t.Context(), q, knowledge.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Answered || ans.Tentative || len(ans.Facts) == 0 || !strings.Contains(ans.Facts[0].Text, "planned for April") {
				t.Errorf("%s, %q: answered %v, tentative %v, confidence %v, facts %v; want the phrased fact, confidently", name, q, ans.Answered, ans.Tentative, ans.Confidence, ans.Facts)
			}
		}
		ans, err := ix.Answer(t.Context(), "When does the group start meeting in Mexico?", knowledge.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Confidence == phrasedConfidence {
			t.Errorf("%s: another question got the phrasing's confidence", name)
		}
	}
}

// TestPhrasingOfTwoFactsIsNoSureAnswer checks that a phrasing two facts
// were given (two curated files written apart) makes neither the sure
// answer: the question is answered as any other.
func TestPhrasingOfTwoFactsIsNoSureAnswer(t *testing.T) {
	c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
	for name, text := range map[string]string{
		"a.yaml": "facts:\n  - text: Club night is on Tuesdays.\n    phrasings: [\"When is club night?\"]\n",
		"b.yaml": "facts:\n  - text: The club meets on Thursdays in summer.\n    phrasings: [\"when is club night\"]\n",
	} {
		doc, err := source.ParseFacts(name, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		c.Add(doc)
	}
	ans, err := NewIndex(c).Answer(t.Context(), "When is club night?", knowledge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ans.Confidence == phrasedConfidence {
		t.Errorf("a phrasing of two facts answered as sure: %+v", ans)
	}
}
