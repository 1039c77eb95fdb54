package match

import (
	"slices"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

// TestSpanishVerbForms checks that a Spanish verb whose stem changes is
// looked up in the lexicon under its infinitive (irregular-verbs.txt lists
// the forms, vowel changes too), and that a form which is also a word of
// its own keeps its own meaning.
func TestSpanishVerbForms(t *testing.T) {
	tests := []struct {
		word, english string
	}{
		{"dijo", "say"},        // irregular: decir
		{"ve", "see"},          // irregular: ver
		{"huyen", "flee"},      // irregular: huir
		{"pidió", "ask"},       // e → i, preterite: pedir
		{"quieren", "want"},    // e → ie: querer
		{"vuelven", "return"},  // o → ue: volver
		{"acordaron", "agree"}, // regular: no change needed
		{"hecho", "fact"},      // a noun too, not only "done"
		{"puesto", "post"},     // a noun too, not only "put"
		{"impuesto", "tax"},    // a noun too, not only "imposed"
	}
	ix := articleIndex(t)
	for _, tt := range tests {
		p := &queryParser{ix: ix}
		key := p.esKey(ix.an.tokens(tt.word)[0])
		if got := languages()[langES].lexicon[key]; !slices.Contains(got, stemWord(tt.english)) {
			t.Errorf("%q: key %q translates to %v, want %q among them", tt.word, key, got, tt.english)
		}
	}
}

// TestSpanishTranslationReachesConcepts checks that a Spanish word reaches
// the vocabulary concept its English translation belongs to, as the English
// word does: the fact that says it in other words matches.
func TestSpanishTranslationReachesConcepts(t *testing.T) {
	c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{
		Synonyms: [][]string{{"apprehension", "apprehensions", "detained"}},
	}}
	doc, err := parseForTest("en.md", "More than two million apprehensions were recorded at the border.\n\nThe weather in the capital was mild.\n")
	if err != nil {
		t.Fatal(err)
	}
	c.Add(doc)
	ix := NewIndex(c)
	ans, err := ix.Answer(t.Context(), "¿Cuántos fueron detenidos?", knowledge.Options{Threshold: 1e-9, Explain: true})
	if err != nil || len(ans.Facts) == 0 || !strings.Contains(ans.Facts[0].Text, "apprehensions") {
		t.Fatalf("answer %+v, %v: want the fact about apprehensions", ans, err)
	}
	for _, term := range ans.Facts[0].Explanation.Terms {
		if term.Term == "detenidos" && term.Match == 0 {
			t.Error(`"detenidos" did not reach "apprehensions" through detain's concept`)
		}
	}
}

// TestSpanishPluralsShareTheSingularsStem checks that a Spanish noun and
// its plural in -es have one key, though the stemmer takes the singular's
// -er, -ar or -ir for a verb ending: a question about "el canciller"
// finds "los cancilleres".
func TestSpanishPluralsShareTheSingularsStem(t *testing.T) {
	for _, tc := range []struct{ singular, plural string }{
		{"canciller", "cancilleres"},
		{"lugar", "lugares"},
		{"ciudad", "ciudades"},
		{"militar", "militares"},
		{"alquiler", "alquileres"},
	} {
		s, p := spanishKey(token{lower: tc.singular, key: tc.singular}), spanishKey(token{lower: tc.plural, key: tc.plural})
		if s != p {
			t.Errorf("%s → %q, %s → %q: want one key", tc.singular, s, tc.plural, p)
		}
	}
}
