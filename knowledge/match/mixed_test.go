package match

import (
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Facts of a corpus of an English source and a Spanish one, with what the
// fake translator makes of the Spanish facts and of the questions asked.
const (
	mixedStudio  = "The Riverside studio is open on weekdays from 08:30 to 18:30."
	mixedPrinter = "The printer on the first floor is free for all members."
	mixedDogs    = "Dogs are welcome at the studio on the second floor."
	mixedShift   = "Cada socio debe hacer un turno de riego de dos horas al mes."
	mixedPerros  = "No se permite entrar con perros en el huerto de la calle Almendro."
	mixedFee     = "La cuota anual del huerto es de 25 euros por parcela."
)

var mixedSpanish = map[string]string{
	mixedShift:  "Each member must do a watering shift of two hours a month.",
	mixedPerros: "It is not allowed to go in with dogs in the garden of Almendro street.",
	mixedFee:    "The annual fee of the garden is 25 euros per plot.",
	mixedStudio: "El estudio de la ribera está abierto entre semana de 08:30 a 18:30.",
	mixedDogs:   "Los perros son bienvenidos en el estudio de la segunda planta.",
	// The questions, into Spanish.
	"can i bring my dog to work":   "puede i traer mi perro para obrar",
	"how much is the garden fee":   "cuánto es la cuota del huerto",
	"what is the annual plot fee?": "cuál es la cuota anual de parcela?",
}

// mixedIndex returns an index of an English and a Spanish source whose
// facts are translated through the fake translator, which also translates
// questions.
func mixedIndex(t *testing.T) *Index {
	t.Helper()
	c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
	for name, text := range map[string]string{
		"cowork.md": "# Coworking\n\n" + mixedStudio + "\n\n" + mixedPrinter + "\n\n" + mixedDogs + "\n",
		"huerto.md": "# El huerto\n\n" + mixedShift + "\n\n" + mixedPerros + "\n\n" + mixedFee + "\n",
	} {
		doc, err := parseForTest(name, text)
		if err != nil {
			t.Fatal(err)
		}
		c.Add(doc)
	}
	tr := &fakeTranslator{table: mixedSpanish}
	var err error
	if c.Translations, err = TranslateCorpus(t.Context(), c, tr, nil, nil); err != nil {
		t.Fatal(err)
	}
	return NewIndex(c, WithTranslator(tr, time.Second))
}

// TestMixedLanguageRanking checks that in a corpus of sources in both
// languages a fact in the question's language that matches the question
// as well or better is ranked above a fact of the other language that the
// translations match on one word alone, found by both of them (the
// same word read twice is no more evidence), and that a
// cross-lingual match covering the question still wins.
func TestMixedLanguageRanking(t *testing.T) {
	ix := mixedIndex(t)
	for _, tc := range []struct{ q, want string }{
		// "dog" alone, in either language, found three ways in Spanish.
		{"can i bring my dog to work", mixedDogs},
		// A Spanish fact that the translations match well.
		{"what is the annual plot fee?", mixedFee},
	} {
		got, ans := firstFact(t, ix, tc.q)
		if got != tc.want {
			t.Errorf("%q: first fact %q, want %q (answer %+v)", tc.q, got, tc.want, ans.Facts)
		}
	}
}

// TestForeignStopWordIsNoUnknownName checks that a stop word of the other
// language in a question ("La", "El" of a Spanish name asked about in
// English), which the Spanish source's analysis dropped, neither counts as
// a name the sources lack nor lowers the confidence: the question is
// answered as it is without it.
func TestForeignStopWordIsNoUnknownName(t *testing.T) {
	ix := mixedIndex(t)
	for _, tc := range []struct{ with, without string }{
		{"dogs at the huerto of La Calle Almendro?", "dogs at the huerto of Calle Almendro?"},
		{"how much is El Huerto fee?", "how much is Huerto fee?"},
	} {
		with, err := ix.Answer(t.Context(), tc.with, knowledge.Options{Threshold: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		without, err := ix.Answer(t.Context(), tc.without, knowledge.Options{Threshold: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		if len(with.Facts) == 0 || len(without.Facts) == 0 || with.Facts[0].ID != without.Facts[0].ID || with.Confidence != without.Confidence {
			t.Errorf("%q: confidence %v, first %v; without the stop word %v, first %v", tc.with, with.Confidence, with.Facts, without.Confidence, without.Facts)
		}
	}
}
