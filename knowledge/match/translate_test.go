package match

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// fakeTranslator translates by a table, leaving what it does not know as
// it is, and records what it was asked; with err set it fails, and with
// block set it waits for its context to end.
type fakeTranslator struct {
	table map[string]string
	err   error
	block bool

	mu    sync.Mutex
	asked []string // "from>to: text"
}

func (f *fakeTranslator) Translate(ctx context.Context, texts []string, from, to string) ([]string, error) {
	f.mu.Lock()
	for _, t := range texts {
		f.asked = append(f.asked, from+">"+to+": "+t)
	}
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if f.err != nil {
		return nil, f.err
	}
	out := make([]string, len(texts))
	for i, t := range texts {
		out[i] = t
		if tr, ok := f.table[t]; ok {
			out[i] = tr
		}
	}
	return out, nil
}

func (f *fakeTranslator) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}

// The facts of the English test source, and what the fake translator
// makes of them and of questions about them. "Zarpillos" is a Spanish word
// as far as these tests go, which the lexicon does not know: only a
// translation reaches "avocados".
const (
	factMet      = "The ministers met in Washington on Wednesday."
	factAvocados = "Farmers in the highlands grow avocados for export."
	factRain     = "Heavy rain closed the mountain roads for a week."
	topicHarvest = "The harvest"
)

var fakeSpanish = map[string]string{
	factMet:                          "Los ministros se reunieron en Washington el miércoles.",
	factAvocados:                     "Los agricultores del altiplano cultivan zarpillos para la exportación.",
	factRain:                         "Las fuertes lluvias cerraron los caminos de montaña durante una semana.",
	topicHarvest:                     "La cosecha",
	"¿Quién cultiva zarpillos?":      "Who grows avocados?",
	"¿Qué se exporta del altiplano?": "What is exported from the highlands?",
}

// translationCorpus returns a corpus of one English source with a section
// heading, and, with tr, its translations made through tr.
func translationCorpus(t *testing.T, tr Translator) *knowledge.Corpus {
	t.Helper()
	doc, err := parseForTest("farms.md", "# Farms\n\n"+factMet+"\n\n## "+topicHarvest+"\n\n"+factAvocados+" "+factRain+"\n")
	if err != nil {
		t.Fatal(err)
	}
	c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
	c.Add(doc)
	if tr != nil {
		if c.Translations, err = TranslateCorpus(t.Context(), c, tr, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// firstFact returns the text of the first fact of the answer to q, "" when
// it abstains.
func firstFact(t *testing.T, ix *Index, q string) (string, knowledge.Answer) {
	t.Helper()
	ans, err := ix.Answer(t.Context(), q, knowledge.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Answered {
		return "", ans
	}
	return ans.Facts[0].Text, ans
}

// TestTranslatedQuestion checks that a Spanish question the lexicon
// cannot match is answered from English facts once it is translated, and
// that the explanation shows the translation it was matched through.
func TestTranslatedQuestion(t *testing.T) {
	const q = "¿Quién cultiva zarpillos?"
	c := translationCorpus(t, nil)
	if got, _ := firstFact(t, NewIndex(c), q); got == factAvocados {
		t.Fatalf("without a translator the lexicon answered %q: the test needs a question only a translation matches", q)
	}
	tr := &fakeTranslator{table: fakeSpanish}
	got, ans := firstFact(t, NewIndex(c, WithTranslator(tr, time.Second)), q)
	if got != factAvocados {
		t.Fatalf("%q: first fact %q, want %q", q, got, factAvocados)
	}
	if e := ans.Facts[0].Explanation; e.Translation != "Who grows avocados?" {
		t.Errorf("explanation's translation %q, want the translated question", e.Translation)
	}
	if ans.Language != "es" {
		t.Errorf("answer's language %q, want es: the member asked in Spanish", ans.Language)
	}
	if calls := tr.calls(); !slices.Equal(calls, []string{"es>en: " + q}) {
		t.Errorf("translator asked %q, want the question once, from es to en", calls)
	}
}

// TestTranslatedFacts checks that a Spanish question meets English facts
// through their stored Spanish translations, with no translator at
// question time, and that the fact is quoted in its source's words.
func TestTranslatedFacts(t *testing.T) {
	const q = "¿Quiénes cultivan zarpillos en el altiplano?"
	c := translationCorpus(t, &fakeTranslator{table: fakeSpanish})
	if len(c.Translations) != 4 {
		t.Fatalf("%d translations, want the 3 facts and the heading: %v", len(c.Translations), c.Translations)
	}
	without := *c
	without.Translations = nil
	if got, _ := firstFact(t, NewIndex(&without), q); got == factAvocados {
		t.Fatalf("without translations the lexicon answered %q", q)
	}
	got, ans := firstFact(t, NewIndex(c), q)
	if got != factAvocados {
		t.Fatalf("%q: first fact %q, want %q (quoted in English)", q, got, factAvocados)
	}
	if e := ans.Facts[0].Explanation; e.Translation != fakeSpanish[factAvocados] {
		t.Errorf("explanation's translation %q, want the fact's Spanish", e.Translation)
	}
}

// TestTranslatorFailing checks that a translator that fails, or does not
// answer in time, leaves the question to the lexicon: the same answer as
// without one.
func TestTranslatorFailing(t *testing.T) {
	c := translationCorpus(t, nil)
	questions := []string{"¿Quién cultiva zarpillos?", "¿Dónde se reunieron los ministros?", "¿Qué cerró los caminos?"}
	for name, tr := range map[string]*fakeTranslator{
		"failing": {err: errors.New("connection refused")},
		"slow":    {block: true},
	} {
		ix := NewIndex(c, WithTranslator(tr, 10*time.Millisecond))
		for _, q := range questions {
			want, _ := firstFact(t, NewIndex(c), q)
			if got, _ := firstFact(t, ix, q); got != want {
				t.Errorf("%s translator, %q: %q, want the lexicon's %q", name, q, got, want)
			}
		}
		if len(tr.calls()) != len(questions) {
			t.Errorf("%s translator asked %d times, want once a question", name, len(tr.calls()))
		}
	}
}

// TestTranslatorNotAsked checks that a question in the language of every
// source asks the translator nothing.
func TestTranslatorNotAsked(t *testing.T) {
	tr := &fakeTranslator{table: fakeSpanish}
	ix := NewIndex(translationCorpus(t, nil), WithTranslator(tr, time.Second))
	if got, _ := firstFact(t, ix, "Who grows avocados?"); got != factAvocados {
		t.Errorf("first fact %q, want %q", got, factAvocados)
	}
	if calls := tr.calls(); len(calls) != 0 {
		t.Errorf("translator asked %q for an English question about English facts", calls)
	}
}

// TestTranslateCorpusReuses checks that the translations known already
// are not asked for again, that progress counts the rest, and that a
// failing translator leaves what is known with an error.
func TestTranslateCorpusReuses(t *testing.T) {
	first := &fakeTranslator{table: fakeSpanish}
	c := translationCorpus(t, first)
	if n := len(first.calls()); n != 4 {
		t.Fatalf("first translation asked %d texts, want 4", n)
	}
	// One fact reworded: only it is translated again.
	doc, err := parseForTest("farms.md", "# Farms\n\n"+factMet+"\n\n## "+topicHarvest+"\n\n"+factAvocados+" Snow closed the mountain roads.\n")
	if err != nil {
		t.Fatal(err)
	}
	c2 := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
	c2.Add(doc)
	second := &fakeTranslator{table: fakeSpanish}
	var progress [][2]int
	got, err := TranslateCorpus(t.Context(), c2, second, c.Translations, func(done, total int) { progress = append(progress, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if calls := second.calls(); !slices.Equal(calls, []string{"en>es: Snow closed the mountain roads."}) {
		t.Errorf("second translation asked %q, want only the reworded fact", calls)
	}
	if !slices.Equal(progress, [][2]int{{1, 1}}) {
		t.Errorf("progress %v, want [[1 1]]", progress)
	}
	if _, ok := got.Lookup(factRain, "en", "es"); ok || len(got) != 4 {
		t.Errorf("%d translations, the removed fact's among them: %v; want the 4 of the new sources", len(got), got)
	}
	failing := &fakeTranslator{err: errors.New("down")}
	kept, err := TranslateCorpus(t.Context(), c2, failing, c.Translations, nil)
	if err == nil || len(kept) != 3 {
		t.Errorf("failing translator: %d translations, error %v; want the 3 known and an error", len(kept), err)
	}
	none, err := TranslateCorpus(t.Context(), c2, nil, c.Translations, nil)
	if err != nil || len(none) != 3 {
		t.Errorf("no translator: %d translations, error %v; want the 3 known", len(none), err)
	}
}

// TestSuggestionsInAskersLanguage checks that "did you mean" topics are
// offered in the language of the question: a Spanish question about
// English sources gets the Spanish translation of a heading, an English
// one the heading itself.
func TestSuggestionsInAskersLanguage(t *testing.T) {
	ix := NewIndex(translationCorpus(t, &fakeTranslator{table: fakeSpanish}))
	for q, want := range map[string]string{"¿Qué pasó con la cosecha de trigo?": "La cosecha", "What happened to the harvest of wheat?": topicHarvest} {
		ans, err := ix.Answer(t.Context(), q, knowledge.Options{Threshold: 0.99})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Answered || !slices.Contains(ans.Suggestions, want) {
			t.Errorf("%q: answered %v, suggestions %q; want %q among them", q, ans.Answered, ans.Suggestions, want)
		}
	}
}

// TestPreparedTranslations checks that the index of the facts'
// translations is kept in the prepared form and loaded from it, answering
// as the built index does, and analysed again when its sections are gone.
func TestPreparedTranslations(t *testing.T) {
	c := translationCorpus(t, &fakeTranslator{table: fakeSpanish})
	built, p, err := BuildPrepared(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.Sections, func(s knowledge.PreparedSection) bool { return strings.HasPrefix(s.Name, mirrorPrefix) }) {
		t.Fatal("the prepared form holds no sections of the translations")
	}
	withoutMirror := &knowledge.Prepared{Fingerprint: p.Fingerprint}
	for _, s := range p.Sections {
		if !strings.HasPrefix(s.Name, mirrorPrefix) {
			withoutMirror.Sections = append(withoutMirror.Sections, s)
		}
	}
	for name, prep := range map[string]*knowledge.Prepared{"prepared": p, "translations analysed": withoutMirror} {
		loaded, err := Load(t.Context(), c, prep)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if loaded.mirror == nil {
			t.Fatalf("%s: loaded without the translations' index", name)
		}
		for _, q := range []string{"¿Quiénes cultivan zarpillos en el altiplano?", "¿Qué cerró los caminos?", "Who met in Washington?"} {
			want, _ := firstFact(t, built, q)
			if got, _ := firstFact(t, loaded, q); got != want {
				t.Errorf("%s, %q: %q, want the built index's %q", name, q, got, want)
			}
		}
	}
}

// TestConfidenceBestOfViews checks that a translation never lowers the
// confidence in a fact the lexicon found: a fact's confidence is the best
// of the ways that ranked it, each judged on its own match.
func TestConfidenceBestOfViews(t *testing.T) {
	tr := &fakeTranslator{table: map[string]string{
		"¿Qué cerró los caminos de montaña?":     "What closed?",
		"¿Dónde se reunieron los ministros?":     "Where did they meet?",
		"¿Qué cultivan los agricultores?":        "What do farmers grow?",
		"¿Cuánto tiempo duraron las lluvias?":    "How long rain?",
		"¿Quiénes se reunieron el miércoles?":    "Who met on Wednesday?",
		"¿Qué cerraron las lluvias fuertes?":     "What closed heavy rains?",
		"¿Para qué cultivan aguacates?":          "Why grow?",
		"¿Dónde cultivan los agricultores algo?": "Where?",
	}}
	c := translationCorpus(t, &fakeTranslator{table: fakeSpanish})
	lexicon := *c
	lexicon.Translations = nil
	alone, both := NewIndex(&lexicon), NewIndex(c, WithTranslator(tr, time.Second))
	for q := range tr.table {
		a, err := alone.Answer(t.Context(), q, knowledge.Options{Threshold: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		b, err := both.Answer(t.Context(), q, knowledge.Options{Threshold: 1e-9})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Facts) > 0 && len(b.Facts) > 0 && a.Facts[0].ID == b.Facts[0].ID && b.Confidence < a.Confidence {
			t.Errorf("%q: confidence %.3f with translations, %.3f through the lexicon alone, in the same first fact", q, b.Confidence, a.Confidence)
		}
	}
}

// TestTranslationsNotTypoTargets checks that a word of a question that no
// source has is not "corrected" into a word of the facts' machine
// translations: a guess upon a guess ("preparan" made "crearán" matched
// an off-topic question about tamales to a fact about the working group).
func TestTranslationsNotTypoTargets(t *testing.T) {
	c := translationCorpus(t, &fakeTranslator{table: fakeSpanish})
	ix := NewIndex(c)
	pq := ix.mirror.parseQuery("¿Dónde hay zerpillos?") // one letter from the translations' "zarpillos"
	for _, g := range pq.groups {
		if g.label == "zerpillos" && len(g.terms) > 0 {
			t.Errorf("%q was corrected into a word of the translations: %+v", g.label, g.terms)
		}
	}
	if got, _ := firstFact(t, ix, "¿Dónde hay zerpillos?"); got == factAvocados {
		t.Errorf("a word one letter from a word of the translations answered %q", got)
	}
}

// TestTranslationsNotRealWordTypoTargets checks the same of a question's
// real word that no source has: the speller does not read it as a word of
// the facts' machine translations one edit away ("meting" stays meting
// against a Spanish source translated as holding a "meeting"), as it
// would against a source written with that word (TestRealWordTypos).
func TestTranslationsNotRealWordTypoTargets(t *testing.T) {
	const (
		reunion = "Los ministros celebraron una reunión en Washington el miércoles."
		tiempo  = "El tiempo en la capital fue templado durante la semana."
	)
	tr := &fakeTranslator{table: map[string]string{
		reunion: "The ministers held a meeting in Washington on Wednesday.",
		tiempo:  "The weather in the capital was mild during the week.",
	}}
	doc, err := parseForTest("reunion.md", reunion+"\n\n"+tiempo+"\n")
	if err != nil {
		t.Fatal(err)
	}
	c := &knowledge.Corpus{Vocabulary: &knowledge.Vocabulary{}}
	c.Add(doc)
	if c.Translations, err = TranslateCorpus(t.Context(), c, tr, nil, nil); err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(c)
	if ix.mirror == nil {
		t.Fatal("no index of the facts' translations")
	}
	pq := ix.mirror.parseQuery("where was the meting held")
	if slices.Contains(pq.words, "meeting") || !slices.Contains(pq.words, "meting") {
		t.Errorf("against the translations, the question reads as %v: want meting kept, not meeting", pq.words)
	}
}
