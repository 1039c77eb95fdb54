package match

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// spanTypes returns the typed spans of an English text as "words=type".
func spanTypes(t *testing.T, text string) []string {
	t.Helper()
	return spanTypesIn(t, text, langEN)
}

// spanTypesIn returns the typed spans of a text of language lang as
// "words=type".
func spanTypesIn(t *testing.T, text string, lang int) []string {
	t.Helper()
	an := newAnalyzer(&knowledge.Vocabulary{})
	toks := an.tokens(text)
	an.setLanguage(toks, lang)
	_, spans := an.answerTypes(toks, lang)
	names := map[featureSet]string{hasDate: "date", hasNumber: "number", hasPerson: "person", hasPlace: "place", hasReason: "reason", hasPlace | hasPerson: "place|person", hasOrg: "org"}
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
		{"They settled in Normandy.", "normandy=place"},
		{"They sailed to Hrolfland.", "hrolfland=place|person"},
		{"The Rhine River floods each spring.", "rhine river=place"},
		{"The University of Paris was founded early.", "university of paris=org"},
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

// TestNamesAreTyped checks that countries, cities and organisations are
// not taken for people, and people are known by their titles and given
// names, in both languages.
func TestNamesAreTyped(t *testing.T) {
	tests := []struct {
		text string
		lang int
		want []string // spans found, among others
		not  []string // spans not found
	}{
		{"The United States, Mexico and Guatemala will create a trilateral working group, after a meeting in Washington.", langEN,
			[]string{"united states=place", "mexico=place", "guatemala=place", "washington=place"}, []string{"united states mexico and guatemala=person"}},
		{"The US Secretary of State, Antony Blinken, received his counterparts from Mexico, Alicia Bárcena, and Guatemala, Carlos Ramiro Martínez.", langEN,
			[]string{"us=place", "antony blinken=person", "alicia barcena=person", "carlos ramiro martinez=person", "guatemala=place"}, nil},
		{"For this reason, the Mexican Ministry of Foreign Affairs committed to it.", langEN, []string{"mexican ministry of foreign affairs=org"}, nil},
		{"He told CNN last year.", langEN, []string{"cnn=org"}, nil},
		{"Michael Grade spoke before the Select Committee on National Heritage.", langEN,
			[]string{"michael grade=person", "select committee on national heritage=org"}, nil},
		{"Southern California is home to many business districts, San Diego among them.", langEN,
			[]string{"southern california=place", "san diego=place"}, nil},
		{"The customary law developed between the 10th and 13th centuries.", langEN, []string{"10th=date"}, []string{"10th=number"}},
		{"Most of the Premier League's rights went to ITV.", langEN, []string{"premier league=org", "itv=org"}, nil},
		{"Great crowds gathered in Washington.", langEN, []string{"washington=place"}, []string{"great=person"}},
		{"Las líneas de Victoria usan el ancho de vía de 1600 mm.", langES, []string{"1600=number"}, []string{"1600=date"}},
		{"Usaba el satélite Astra 2A en la posición orbital.", langES, nil, []string{"2a=number"}},
		{"Se proclamó duque de Apulia y Calabria al príncipe Guaimar IV de Salerno.", langES,
			[]string{"apulia=place", "calabria=place", "guaimar iv de salerno=person"}, nil},
		{"Al norte del Gran Buenos Aires y de Los Ángeles, en California del Sur.", langES,
			[]string{"gran buenos aires=place", "los angeles=place", "california del sur=place"}, nil},
		{"Jean Cauvin, otro estudiante de la Universidad de París, se convirtió.", langES,
			[]string{"jean cauvin=person", "universidad de paris=org"}, nil},
		{"Actualmente no hay ninguna indicación.", langES, nil, []string{"actualmente=person"}},
		{"Los normandos llegaron a Italia, a Francia y a Armenia.", langES, []string{"italia=place", "francia=place", "armenia=place"}, nil},
	}
	for _, tt := range tests {
		got := spanTypesIn(t, tt.text, tt.lang)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("%q: spans %v, want %s among them", tt.text, got, w)
			}
		}
		for _, n := range tt.not {
			if slices.Contains(got, n) {
				t.Errorf("%q: spans %v, want no %s", tt.text, got, n)
			}
		}
	}
}

// TestWhoEvidenceIsPeople checks that a "who" question is not answered by
// a fact that names only countries, cities and organisations: the article
// fact that says "meeting" and "Guatemala" but names no one holds no
// evidence for it, and the fact naming Guatemala's foreign minister does.
func TestWhoEvidenceIsPeople(t *testing.T) {
	ix := articleIndex(t)
	ans, err := ix.Answer(t.Context(), "Who represented Guatemala at the meeting?", knowledge.Options{Top: knowledge.MaxTop, Threshold: 1e-9, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range ans.Facts {
		switch {
		case strings.HasPrefix(f.Text, "The United States, Mexico and Guatemala will create"):
			seen++
			if len(f.Explanation.Evidence) > 0 {
				t.Errorf("%q: evidence of a person %q, want none", f.Text, f.Explanation.Evidence)
			}
		case strings.Contains(f.Text, "Carlos Ramiro Martínez"):
			seen++
			if !slices.Contains(f.Explanation.Evidence, "carlos ramiro martinez") {
				t.Errorf("%q: evidence of a person %q, want Carlos Ramiro Martínez among it", f.Text, f.Explanation.Evidence)
			}
		}
	}
	if seen != 2 {
		t.Fatalf("answer %+v: want both facts among the first %d", ans.Facts, knowledge.MaxTop)
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
