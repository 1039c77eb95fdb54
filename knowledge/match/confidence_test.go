package match

import (
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// TestCalibrationConfidentThresholdIsTheDefault checks that the engine's
// default confident threshold is the one fitted with the shipped model, and
// lies above the decline threshold.
func TestCalibrationConfidentThresholdIsTheDefault(t *testing.T) {
	m := calibration()
	if m.ConfidentThreshold != knowledge.DefaultConfidentThreshold {
		t.Errorf("calibration.json confident_threshold %g, knowledge.DefaultConfidentThreshold %g: run agreementbot calibrate and update the constant",
			m.ConfidentThreshold, knowledge.DefaultConfidentThreshold)
	}
	if m.ConfidentThreshold < m.Threshold {
		t.Errorf("confident threshold %g below the decline threshold %g", m.ConfidentThreshold, m.Threshold)
	}
}

// TestAnswerTiers checks the three kinds of answer: from the confident
// threshold up an answer is confident, between the thresholds tentative
// (still answered, with its facts), below them declined.
func TestAnswerTiers(t *testing.T) {
	ix := articleIndex(t)
	const q = "Where did the foreign ministers meet?"
	first, err := ix.Answer(t.Context(), q, knowledge.Options{})
	if err != nil || !first.Answered {
		t.Fatalf("Answer(%q) = %+v, %v; want it answered", q, first, err)
	}
	c := first.Confidence
	tests := []struct {
		name                 string
		threshold, confident float64
		answered, tentative  bool
	}{
		{"confident", c / 4, c / 2, true, false},
		{"tentative", c / 2, min(1, c*1.5), true, true},
		{"declined", min(1, c*1.5), 1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := ix.Answer(t.Context(), q, knowledge.Options{Threshold: tt.threshold, ConfidentThreshold: tt.confident})
			if err != nil {
				t.Fatal(err)
			}
			if ans.Answered != tt.answered || ans.Tentative != tt.tentative {
				t.Errorf("thresholds %.3f and %.3f, confidence %.3f: answered %v, tentative %v; want %v, %v",
					tt.threshold, tt.confident, ans.Confidence, ans.Answered, ans.Tentative, tt.answered, tt.tentative)
			}
			if tt.answered != (len(ans.Facts) > 0) {
				t.Errorf("answered %v with %d facts", ans.Answered, len(ans.Facts))
			}
		})
	}
}

// TestContradictions checks that a fact naming another value of the kind
// a question asks about (a year, a weekday, a month, an ordinal, a role)
// and not the question's is told apart, in English, in Spanish and across
// the two, and that a fact naming the question's value too, or a question
// naming none, is not.
func TestContradictions(t *testing.T) {
	an := newAnalyzer(&knowledge.Vocabulary{})
	tests := []struct {
		question, fact string
		qLang, fLang   int
		want           valueKind // numValueKinds for none
	}{
		{"Who won the bake-off in 2023?", "The winner of the 2024 bake-off was Sam Whitley.", langEN, langEN, valueYear},
		{"When does the shop close on Friday?", "On Saturdays the shop closes at 17:00.", langEN, langEN, valueWeekday},
		{"Who is the vice-chair?", "Our chair this year is Priya Raman.", langEN, langEN, valueRole},
		{"Who is the treasurer?", "The secretary is Helen Marsh.", langEN, langEN, valueRole},
		{"What happens in June?", "The assembly is held in March.", langEN, langEN, valueMonth},
		{"Who came second?", "The Kowalski family won first prize.", langEN, langEN, valueOrdinal},
		{"¿Quién ganó el certamen de 2022?", "En el certamen provincial de 2024 el coro obtuvo el segundo premio.", langES, langES, valueYear},
		{"¿Abre el huerto los viernes?", "Los sábados el huerto abre de 9:00 a 13:00.", langES, langES, valueWeekday},
		{"¿Quién es el vicepresidente del coro?", "La presidenta de la asociación es Lucía Fernández.", langES, langES, valueRole},
		{"¿Qué pasa en junio?", "La asamblea se celebra en marzo.", langES, langES, valueMonth},
		{"Is there a rehearsal on Fridays?", "Los ensayos generales son los martes.", langEN, langES, valueWeekday},
		{"Who is the choir's vice president?", "La presidenta de la asociación es Lucía Fernández.", langEN, langES, valueRole},
		{"¿Quién es la tesorera?", "The treasurer, Helen Marsh, presented the accounts.", langES, langEN, numValueKinds},
		{"Who won the bake-off in 2023?", "In 2023 the bake-off was won by the Kowalski family; in 2024 by Sam.", langEN, langEN, numValueKinds},
		{"Who is the vice-chair?", "The vice-chair is Tom Okafor.", langEN, langEN, numValueKinds},
		{"Who is the chair?", "The chair, Priya Raman, and the vice-chair, Tom Okafor, spoke.", langEN, langEN, numValueKinds},
		{"When does the shop open?", "On Saturdays the shop opens at 9:00.", langEN, langEN, numValueKinds},
		{"¿Quién es el subdirector?", "El subdirector, Javier Ortega, dirige los ensayos parciales.", langES, langES, numValueKinds},
	}
	for _, tt := range tests {
		q, f := an.tokens(tt.question), an.tokens(tt.fact)
		an.setLanguage(q, tt.qLang)
		an.setLanguage(f, tt.fLang)
		got := disagreements(readValues(q, tt.qLang), readValues(f, tt.fLang))
		for k := range numValueKinds {
			if want := k == tt.want; got[k] != want {
				t.Errorf("%q against %q: disagree on kind %d = %v, want %v", tt.question, tt.fact, k, got[k], want)
			}
		}
	}
}

// TestContradictionLowersConfidence checks that the confidence counts a
// contradiction: the same question about another year than the fact's, in
// a corpus that names both years, is answered with less confidence than
// about the fact's own year, and its explanation says why.
func TestContradictionLowersConfidence(t *testing.T) {
	ix := NewIndex(factsCorpus(
		"The winner of the 2024 bake-off was Sam Whitley, with a lemon drizzle cake.",
		"The 2023 summer fair raised two thousand pounds for the library.",
	))
	same := explainFirst(t, ix, "Who won the 2024 bake-off?")
	other := explainFirst(t, ix, "Who won the 2023 bake-off?")
	if feature(same, "contradiction") != 0 || feature(other, "contradiction") != 1 {
		t.Errorf("contradiction feature: %g for the fact's year, %g for another; want 0 and 1",
			feature(same, "contradiction"), feature(other, "contradiction"))
	}
	if other.Score >= same.Score/2 {
		t.Errorf("confidence %.3f about another year, %.3f about the fact's: want the first far lower", other.Score, same.Score)
	}
}

// TestOtherPlace checks that a fact about another place than the one a
// question names (a place the sources know) counts as a contradiction of
// its own, and the fact about the question's place does not.
func TestOtherPlace(t *testing.T) {
	ix := NewIndex(factsCorpus(
		"Members with a Resident plan get a fixed desk at Canal Street.",
		"Dogs are welcome at the Riverside studio, which opens at 8:30.",
	))
	asked := explainFirst(t, ix, "Are dogs welcome at the Riverside studio?")
	other := explainFirst(t, ix, "Are dogs welcome at Canal Street?")
	if feature(asked, "contradiction_place") != 0 || feature(other, "contradiction_place") != 1 {
		t.Errorf("contradiction_place: %g for the fact's place, %g for another; want 0 and 1",
			feature(asked, "contradiction_place"), feature(other, "contradiction_place"))
	}
}

// TestTypeNear checks that a span of the type asked for right by the
// words matched counts as nearer than one clauses away.
func TestTypeNear(t *testing.T) {
	ix := NewIndex(factsCorpus(
		"The harvest party was held on 12 October in the garden.",
		"The harvest party was long and cheerful, with music, food and games for the children of the neighbourhood, and the next assembly is on 5 May.",
	))
	near := explainFact(t, ix, "When was the harvest party held?", "12 October")
	far := explainFact(t, ix, "When was the harvest party held?", "5 May")
	if n, f := feature(near, "type_near"), feature(far, "type_near"); !(n > f) || n < 0.5 {
		t.Errorf("type_near %g for a date beside the words matched, %g for one far away: want the first higher, at least 0.5", n, f)
	}
}

// TestGeneralRarity checks the rarity of words in general use: common
// words low, words no list has (names) 1, in English and Spanish.
func TestGeneralRarity(t *testing.T) {
	low := []struct {
		word string
		lang int
	}{{"the", langEN}, {"house", langEN}, {"water", langEN}, {"casa", langES}, {"agua", langES}, {"de", langES}}
	for _, w := range low {
		if r := generalRarity(w.word, w.lang); r > 0.3 {
			t.Errorf("rarity of %q = %.2f, want a common word's (at most 0.3)", w.word, r)
		}
	}
	for _, w := range []string{"kowalski", "valdeluna", "loommembers"} {
		for _, lang := range []int{langEN, langES} {
			if r := generalRarity(w, lang); r != 1 {
				t.Errorf("rarity of %q = %.2f, want 1", w, r)
			}
		}
	}
	if a, b := generalRarity("house", langEN), generalRarity("courgette", langEN); !(a < b) {
		t.Errorf("rarity of house %.2f, of courgette %.2f: want house commoner", a, b)
	}
}

// factsCorpus is a corpus of one source whose facts are texts, one
// paragraph each.
func factsCorpus(texts ...string) *knowledge.Corpus {
	c := &knowledge.Corpus{Sources: []knowledge.Source{{ID: "notes", Title: "Notes"}}}
	for i, text := range texts {
		c.Facts = append(c.Facts, knowledge.Fact{
			ID: knowledge.FactID("notes", text, 0), Text: text, Clean: text,
			Citation: knowledge.Citation{SourceID: "notes", Title: "Notes", Paragraph: i + 1, Sentence: 1},
		})
	}
	return c
}

// explainFirst returns the first fact for q, explained, whatever its
// confidence.
func explainFirst(t *testing.T, ix *Index, q string) knowledge.ScoredFact {
	t.Helper()
	ans, err := ix.Answer(t.Context(), q, knowledge.Options{Top: 1, Threshold: 1e-9, Explain: true})
	if err != nil || len(ans.Facts) == 0 {
		t.Fatalf("Answer(%q) = %+v, %v; want a fact", q, ans, err)
	}
	return ans.Facts[0]
}

// explainFact returns the fact for q that contains text, explained.
func explainFact(t *testing.T, ix *Index, q, text string) knowledge.ScoredFact {
	t.Helper()
	ans, err := ix.Answer(t.Context(), q, knowledge.Options{Top: knowledge.MaxTop, Threshold: 1e-9, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ans.Facts {
		if strings.Contains(f.Text, text) {
			return f
		}
	}
	t.Fatalf("Answer(%q): no fact with %q among %+v", q, text, ans.Facts)
	return knowledge.ScoredFact{}
}

// feature returns the value of the named feature of f's explanation.
func feature(f knowledge.ScoredFact, name string) float64 {
	for _, x := range f.Explanation.Features {
		if x.Name == name {
			return x.Value
		}
	}
	return -1
}
