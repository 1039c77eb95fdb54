package match

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

var typeErrors = flag.Bool("typeerrors", false, "TestTypeReaderQuality: list the reader's mistakes on the development half")

// taggedSentence is one line of testdata/types-sample.jsonl.
type taggedSentence struct {
	Text   string `json:"text"`
	Lang   string `json:"lang"`
	Source string `json:"source"`
	Split  string `json:"split"`
	Spans  []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"spans"`
}

// readTypeSample reads the hand-tagged sample.
func readTypeSample(t *testing.T) []taggedSentence {
	t.Helper()
	f, err := os.Open("testdata/types-sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []taggedSentence
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s taggedSentence
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			t.Fatalf("types-sample.jsonl line %d: %v", len(out)+1, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// scoredTypes are the types the sample measures, and the reader's
// feature for each.
var scoredTypes = []struct {
	name string
	feat featureSet
}{
	{"person", hasPerson}, {"place", hasPlace}, {"org", hasOrg}, {"date", hasDate}, {"number", hasNumber},
}

// typeScore counts one type's spans in one language and half.
type typeScore struct {
	predicted, right int // spans the reader gave the type, and how many of them the sample has
	tagged, found    int // spans the sample has, and how many of them the reader found
}

// labelled is a run of tokens [start, end) with a tag of the sample.
type labelled struct {
	start, end int
	tag        string
}

// goldSpans places the sample's spans of s on its tokens.
func goldSpans(t *testing.T, an *analyzer, s taggedSentence, toks []token) []labelled {
	t.Helper()
	var out []labelled
	seen := map[string]int{}
	for _, sp := range s.Spans {
		want := an.tokens(sp.Text)
		key := strings.ToLower(sp.Text)
		n := seen[key]
		seen[key]++
		at := -1
		for i := 0; i+len(want) <= len(toks) && at < 0; i++ {
			if slices.EqualFunc(toks[i:i+len(want)], want, func(a, b token) bool { return a.lower == b.lower }) {
				if n == 0 {
					at = i
				}
				n--
			}
		}
		if at < 0 || len(want) == 0 {
			t.Fatalf("%q: span %q not found among its words", s.Text, sp.Text)
		}
		out = append(out, labelled{at, at + len(want), sp.Type})
	}
	return out
}

// overlaps reports whether [a, b) and [c, d) share a token.
func overlaps(a, b, c, d int) bool { return a < d && c < b }

// scoreSentence adds to scores what the reader makes of s, and returns its
// mistakes as text.
func scoreSentence(t *testing.T, an *analyzer, s taggedSentence, scores map[string]*typeScore) []string {
	t.Helper()
	lang := langEN
	if s.Lang == "es" {
		lang = langES
	}
	toks := an.tokens(s.Text)
	an.setLanguage(toks, lang)
	_, spans := an.answerTypes(toks, lang)
	gold := goldSpans(t, an, s, toks)
	words := func(start, end int) string {
		w := make([]string, 0, end-start)
		for _, tk := range toks[start:end] {
			w = append(w, tk.lower)
		}
		return strings.Join(w, " ")
	}
	var mistakes []string
	for _, st := range scoredTypes {
		sc := scores[s.Lang+" "+s.Split+" "+st.name]
		name := st.feat&(hasPerson|hasPlace|hasOrg) != 0
		for _, sp := range spans {
			if sp.want&st.feat == 0 {
				continue
			}
			right, neutral := false, false
			for _, g := range gold {
				if overlaps(sp.start, sp.end, g.start, g.end) {
					right = right || g.tag == st.name
					neutral = neutral || name && (g.tag == "group" || g.tag == "role")
				}
			}
			switch {
			case right:
				sc.predicted++
				sc.right++
			case !neutral:
				sc.predicted++
				mistakes = append(mistakes, fmt.Sprintf("not %s: %s", st.name, words(sp.start, sp.end)))
			}
		}
		for _, g := range gold {
			if g.tag != st.name {
				continue
			}
			sc.tagged++
			found := false
			for _, sp := range spans {
				found = found || sp.want&st.feat != 0 && overlaps(sp.start, sp.end, g.start, g.end)
			}
			if found {
				sc.found++
			} else {
				mistakes = append(mistakes, fmt.Sprintf("missed %s: %s", st.name, words(g.start, g.end)))
			}
		}
	}
	return mistakes
}

// typeFloors are the least precision and recall, in percent, that the
// reader must keep on the reported half of the sample, by language and
// type: what it reached, less a small margin.
var typeFloors = map[string][2]float64{
	"en person": {40, 85}, "en place": {85, 85}, "en org": {90, 45}, "en date": {88, 84}, "en number": {75, 95},
	"es person": {14, 95}, "es place": {80, 73}, "es org": {20, 10}, "es date": {88, 80}, "es number": {64, 84},
}

// TestTypeReaderQuality measures the answer-type reader against the
// hand-tagged sample: precision (of the spans it gives a type, the share
// the sample tags so) and recall (of the spans the sample tags, the share
// it finds), a span counting when it shares a word with one of the same
// type. It develops on the "dev" half and reports the "test" half; -v
// prints the table, -typeerrors the mistakes on the development half.
func TestTypeReaderQuality(t *testing.T) {
	an := newAnalyzer(&knowledge.Vocabulary{})
	scores := map[string]*typeScore{}
	for _, lang := range []string{"en", "es"} {
		for _, split := range []string{"dev", "test"} {
			for _, st := range scoredTypes {
				scores[lang+" "+split+" "+st.name] = &typeScore{}
			}
		}
	}
	for _, s := range readTypeSample(t) {
		mistakes := scoreSentence(t, an, s, scores)
		if *typeErrors && s.Split == "dev" && len(mistakes) > 0 {
			t.Logf("%s\n\t%s", s.Text, strings.Join(mistakes, "\n\t"))
		}
	}
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	percent := func(a, b int) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.0f%%", pct(a, b))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-4s %-5s %-7s %17s %17s\n", "lang", "half", "type", "precision", "recall")
	for _, lang := range []string{"en", "es"} {
		for _, split := range []string{"dev", "test"} {
			for _, st := range scoredTypes {
				key := lang + " " + split + " " + st.name
				sc := scores[key]
				p, r := pct(sc.right, sc.predicted), pct(sc.found, sc.tagged)
				fmt.Fprintf(&b, "%-4s %-5s %-7s %6s (%3d/%3d) %5.0f%% (%3d/%3d)\n", lang, split, st.name, percent(sc.right, sc.predicted), sc.right, sc.predicted, r, sc.found, sc.tagged)
				if floor, ok := typeFloors[lang+" "+st.name]; ok && split == "test" && (p < floor[0] || r < floor[1]) {
					t.Errorf("%s %s on the reported half: precision %.0f%%, recall %.0f%%, want at least %.0f%% and %.0f%%", lang, st.name, p, r, floor[0], floor[1])
				}
			}
		}
	}
	t.Log(b.String())
}
