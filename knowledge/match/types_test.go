package match

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// spanTypes returns the typed spans of an English text as "words=type".
func spanTypes(t *testing.T, text string) []string {
	t.Helper()
	an := newAnalyzer(&knowledge.Vocabulary{})
	toks := an.tokens(text)
	an.setLanguage(toks, langEN)
	_, spans := an.answerTypes(toks, langEN)
	names := map[featureSet]string{hasDate: "date", hasNumber: "number", hasPerson: "person", hasPlace: "place", hasReason: "reason", hasPlace | hasPerson: "place|person"}
	var out []string
	for _, sp := range spans {
		words := make([]string, 0, sp.end-sp.start)
		for _, tk := range toks[sp.start:sp.end] {
			words = append(words, tk.lower)
		}
		out = append(out, strings.Join(words, " ")+"="+names[sp.want])
	}
	return out
}

// TestAnswerTypesFromText checks that types are read from any text's own
// form, with no vocabulary.
func TestAnswerTypesFromText(t *testing.T) {
	tests := []struct {
		text string
		want string // one of the spans found
	}{
		{"Rollo founded the duchy.", "rollo=person"},
		{"The treaty was signed by King Charles III.", "king charles iii=person"},
		{"They settled in Normandy.", "normandy=place|person"},
		{"The Rhine River floods each spring.", "rhine river=place"},
		{"The University of Paris was founded early.", "university of paris=person"},
		{"The Normans conquered England in 1066.", "1066=date"},
		{"It happened in 911.", "911=date"},
		{"Rome fell in 476 AD.", "476=date"},
		{"In the 10th century they raided.", "10th=date"},
		{"The tenth century saw raids.", "tenth century=date"},
		{"Prices rose in the 1990s.", "1990s=date"},
		{"It opened on 5 March.", "5=date"},
		{"The engine weighed 300 tons.", "300=number"},
		{"About two million people live there.", "two=number"},
		{"They left because of persecution.", "because=reason"},
		{"They fled in the face of persecution.", "in the face of=reason"},
		{"Smith said the plan would work.", "smith=person"},
	}
	for _, tt := range tests {
		got := spanTypes(t, tt.text)
		found := false
		for _, g := range got {
			found = found || g == tt.want
		}
		if !found {
			t.Errorf("%q: spans %v, want %s among them", tt.text, got, tt.want)
		}
	}
	// A common word opening a sentence is no name; a stop word never is.
	for _, text := range []string{"Many people left.", "The city grew."} {
		for _, g := range spanTypes(t, text) {
			if strings.HasSuffix(g, "=person") || strings.HasSuffix(g, "=place") {
				t.Errorf("%q: found a name %s", text, g)
			}
		}
	}
}

// TestStopWordsPerLanguage checks that a word is never dropped for being a
// stop word of another language.
func TestStopWordsPerLanguage(t *testing.T) {
	an := newAnalyzer(&knowledge.Vocabulary{})
	for _, tt := range []struct {
		word string
		lang int
		stop bool
	}{
		{"son", langEN, false}, {"son", langES, true},
		{"las", langEN, false}, {"las", langES, true},
		{"the", langEN, true}, {"the", langES, false},
	} {
		if got := an.isStop(tt.word, tt.lang); got != tt.stop {
			t.Errorf("isStop(%q, %s) = %v, want %v", tt.word, languageCodes[tt.lang], got, tt.stop)
		}
	}
	ix := articleIndex(t)
	pq := ix.parseQuery("Who is the son of the president?")
	found := false
	for _, g := range pq.groups {
		found = found || g.label == "son"
	}
	if !found {
		t.Error(`"son" was dropped from an English question`)
	}
}

// TestLanguagesLoad checks that every language has the lists the analyser
// reads, and that question phrases name known answer types.
func TestLanguagesLoad(t *testing.T) {
	for i, l := range languages() {
		code := languageCodes[i]
		for name, set := range map[string]wordSet{"stopwords": l.stop, "markers": l.markers, "months": l.months, "number-words": l.numberWords, "honorifics": l.honorifics} {
			if len(set) == 0 {
				t.Errorf("%s: %s is empty", code, name)
			}
		}
		for phrase, want := range l.questions {
			if wantFeature(want) == 0 {
				t.Errorf("%s: question phrase %q asks for unknown type %q", code, phrase, want)
			}
		}
	}
	if d := languages()[langEN].words; !d.has("posed") || d.has("xqzv") {
		t.Error("the English dictionary does not hold what it should")
	}
}

// TestRealWordsAreNotCorrected checks that a correct word the sources lack
// stays unknown rather than becoming another word.
func TestRealWordsAreNotCorrected(t *testing.T) {
	ix := articleIndex(t)
	pq := ix.parseQuery("What question was posed to Blinken?")
	for _, g := range pq.groups {
		if g.label == "posted" {
			t.Error(`"posed" was corrected into "posted"`)
		}
	}
	pq = ix.parseQuery("What did Blinkn say?") // not a word: corrected
	corrected := false
	for _, g := range pq.groups {
		corrected = corrected || g.label == "blinken"
	}
	if !corrected {
		t.Error(`"Blinkn" was not corrected`)
	}
}

// TestCalibrationThresholdIsTheDefault checks that the engine's default
// threshold is the one fitted with the shipped model.
func TestCalibrationThresholdIsTheDefault(t *testing.T) {
	if m := calibration(); m.Threshold != knowledge.DefaultThreshold {
		t.Errorf("calibration.json threshold %g, knowledge.DefaultThreshold %g: run agreementbot calibrate and update the constant", m.Threshold, knowledge.DefaultThreshold)
	}
}

// TestExplainReproducesConfidence checks that an explanation's features and
// weights give back the confidence of the first fact.
func TestExplainReproducesConfidence(t *testing.T) {
	ix := articleIndex(t)
	ans, err := ix.Answer(t.Context(), "Where did the foreign ministers meet?", knowledge.Options{Explain: true})
	if err != nil || !ans.Answered {
		t.Fatalf("answer %+v, %v", ans, err)
	}
	e := ans.Facts[0].Explanation
	if e == nil || len(e.Terms) == 0 || len(e.Features) != numFeatures {
		t.Fatalf("explanation %+v", e)
	}
	m := calibration()
	z := m.Intercept
	var f features
	for i, feat := range e.Features {
		z += feat.Value * feat.Weight
		f[i] = feat.Value
	}
	p := 1 / (1 + math.Exp(-z))
	for i, pen := range m.pen {
		if pen > 0 && f[i] > 0 {
			p *= math.Pow(pen, f[i])
		}
	}
	if math.Abs(p-ans.Confidence) > 0.01 {
		t.Errorf("features give %.3f, confidence is %.3f", p, ans.Confidence)
	}
	plain, _ := ix.Answer(t.Context(), "Where did the foreign ministers meet?", knowledge.Options{})
	if plain.Facts[0].Explanation != nil {
		t.Error("an explanation was given unasked")
	}
}

// TestSpanishSourceStems checks that a Spanish source is found by a Spanish
// question in another form of its words, and an English source is not
// indexed by Spanish stems.
func TestSpanishSourceStems(t *testing.T) {
	docs := map[string]string{
		"es.md": "Los cancilleres de los tres países acordaron crear un grupo de trabajo sobre la migración.\n",
		"en.md": "The ministers talked about the weather in the capital for an hour.\n",
	}
	c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
	for name, text := range docs {
		doc, err := parseForTest(name, text)
		if err != nil {
			t.Fatal(err)
		}
		c.Add(doc)
	}
	ix := NewIndex(c)
	if ix.sourceLang["es"] != langES || ix.sourceLang["en"] != langEN {
		t.Fatalf("languages %v", ix.sourceLang)
	}
	ans, err := ix.Answer(t.Context(), "¿Qué acordó crear el canciller?", knowledge.Options{Threshold: 1e-9, Explain: true})
	if err != nil || len(ans.Facts) == 0 || !strings.Contains(ans.Facts[0].Text, "acordaron") {
		t.Fatalf("answer %+v, %v: want the Spanish fact first", ans, err)
	}
	found := false
	for _, term := range ans.Facts[0].Explanation.Terms {
		if term.Term == "acordo" {
			found = true
			if term.Match < 1 {
				t.Errorf("%q matched %.2f: another form of the word should match fully", term.Term, term.Match)
			}
		}
	}
	if !found {
		t.Error(`the question's "acordó" is not among the terms`)
	}
}

// parseForTest parses a Markdown source for a test.
func parseForTest(name, text string) (*knowledge.Document, error) {
	return source.ParseMarkdown(name, []byte(text))
}

// TestAnswerLanguage checks that an answer says the question's language.
func TestAnswerLanguage(t *testing.T) {
	ix := articleIndex(t)
	for q, want := range map[string]string{
		"Where did the ministers meet?":                    "en",
		"¿Dónde se reunieron los cancilleres?":             "es",
		"dónde se reunieron los cancilleres de los países": "es",
	} {
		ans, err := ix.Answer(t.Context(), q, knowledge.Options{})
		if err != nil || ans.Language != want {
			t.Errorf("%q: language %q, %v; want %q", q, ans.Language, err, want)
		}
	}
}

// TestAccentedSpanishWordsAreNotCorrected checks that a Spanish word typed
// with its accent is never taken for a typo of another word.
func TestAccentedSpanishWordsAreNotCorrected(t *testing.T) {
	ix := articleIndex(t)
	pq := ix.parseQuery("¿Quién escribió Cien años de soledad?")
	for _, g := range pq.groups {
		if g.label == "recibio" {
			t.Error(`"escribió" was corrected into "recibió"`)
		}
	}
}

// TestBuildStopsWhenCancelled checks that indexing ends when its context
// does, and builds the same index as NewIndex when it does not.
func TestBuildStopsWhenCancelled(t *testing.T) {
	c := articleIndex(t).Corpus()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if ix, err := Build(ctx, c); ix != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Build after cancel = %v, %v; want context.Canceled", ix, err)
	}
	ix, err := Build(t.Context(), c)
	if err != nil || len(ix.Facts()) != len(c.Facts) {
		t.Fatalf("Build = %v facts, %v", len(ix.Facts()), err)
	}
}
