package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/knowledge"
)

const articlePath = "default/sources/trilateral-migration-2024-02-28.txt"

// readFile returns the contents of a test file.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// wantFact describes an expected fact: its kind, place and first words.
type wantFact struct {
	kind      knowledge.Kind
	par, sent int
	prefix    string
}

// checkFacts compares doc's facts with want.
func checkFacts(t *testing.T, doc *knowledge.Document, want []wantFact) {
	t.Helper()
	if len(doc.Facts) != len(want) {
		for _, f := range doc.Facts {
			t.Logf("%s %d.%d %q", f.Kind, f.Citation.Paragraph, f.Citation.Sentence, f.Text)
		}
		t.Fatalf("got %d facts, want %d", len(doc.Facts), len(want))
	}
	for i, w := range want {
		f := doc.Facts[i]
		if f.Kind != w.kind || f.Citation.Paragraph != w.par || f.Citation.Sentence != w.sent || !strings.HasPrefix(f.Text, w.prefix) {
			t.Errorf("fact %d: got %s %d.%d %q, want %s %d.%d %q…",
				i, f.Kind, f.Citation.Paragraph, f.Citation.Sentence, f.Text, w.kind, w.par, w.sent, w.prefix)
		}
	}
}

func TestParseTextArticle(t *testing.T) {
	raw := readFile(t, articlePath)
	doc := checkParsed(t, "sources/trilateral-migration-2024-02-28.txt", raw, ParseText)
	if doc == nil {
		t.Fatal("article did not parse")
	}
	if t.Failed() {
		t.FailNow()
	}
	for _, f := range doc.Facts { // go test -v shows every fact for review
		t.Logf("%-8s %2d.%d %q", f.Kind, f.Citation.Paragraph, f.Citation.Sentence, f.Text)
	}
	wantSource := knowledge.Source{
		ID:     "trilateral-migration-2024-02-28",
		Title:  "Trilateral migration 2024-02-28",
		Date:   "2024-02-28",
		Credit: "With EFE and local media",
		Path:   "trilateral-migration-2024-02-28.txt",
		Format: "txt",
		SHA256: doc.Source.SHA256,
	}
	if doc.Source != wantSource {
		t.Errorf("source:\n got %+v\nwant %+v", doc.Source, wantSource)
	}
	if len(doc.Source.SHA256) != 64 {
		t.Errorf("sha256 %q", doc.Source.SHA256)
	}

	const (
		s = knowledge.KindSentence
		q = knowledge.KindQuote
	)
	checkFacts(t, doc, []wantFact{
		{s, 1, 1, "The Governments of Mexico, the United States and Guatemala agreed"},
		{s, 1, 2, "The agreement took place in Washington"},
		{s, 2, 1, "The United States, Mexico and Guatemala will create"},
		{s, 3, 1, "The US Secretary of State, Antony Blinken, received"},
		{q, 4, 1, "“We are living in a historic moment"},
		{s, 5, 1, "The Secretary of State defended"},
		{s, 6, 1, "For this reason, the authorities"},
		{knowledge.KindTweet, 7, 1, "Great and unprecedented meeting in Washington."},
		{s, 9, 1, "In a joint statement It was also announced"},
		{s, 9, 2, "According to the document"},
		{s, 10, 1, "For his part, Bárcena stressed"},
		{s, 11, 1, "The Guatemalan minister recognized"},
		{s, 11, 2, "And in this sense, the United States"},
		{s, 12, 1, "In 2023, more than 2.4 million migrant apprehensions"},
		{s, 12, 2, "A third of them were Mexicans"},
		{s, 13, 1, "Two different measures on how to receive migrants"},
		{s, 14, 1, "On one side, Joe Biden's Administration"},
		{s, 15, 1, "In another measure by the Democrat"},
		{s, 15, 2, "And finally, tighten the standard of interviews"},
		{knowledge.KindCaption, 16, 1, "Migrants participate in a caravan"},
		{s, 17, 1, "The other measures, even harsher"},
		{s, 17, 2, "And Trump is no longer thinking"},
		{s, 17, 3, "Seeing that a concrete obstacle"},
		{s, 18, 1, "Regarding deportation centers"},
		{q, 19, 1, "“When you tell families that if they come we are going"},
		{s, 20, 1, "He also recalled that any family"},
		{s, 20, 2, "He already practiced the measure"},
		{s, 21, 1, "Two solutions, therefore"},
		{knowledge.KindCredit, 22, 1, "With EFE and local media"},
	})
	if len(doc.Paragraphs) != 22 {
		t.Errorf("got %d paragraphs, want 22 (21 and the credit line)", len(doc.Paragraphs))
	}

	byKind := func(k knowledge.Kind) knowledge.Fact {
		for _, f := range doc.Facts {
			if f.Kind == k {
				return f
			}
		}
		t.Fatalf("no %s fact", k)
		return knowledge.Fact{}
	}
	tweet := byKind(knowledge.KindTweet)
	if tweet.Citation.Credit != "Alicia Bárcena (@aliciabarcena)" ||
		!strings.HasSuffix(tweet.Text, "pic.twitter.com/rfukHKoMRW — Alicia Bárcena (@aliciabarcena) February 28, 2024") ||
		!strings.Contains(tweet.Text, "@SecBlinken @CRMartinezGT\n\nWe agreed") {
		t.Errorf("tweet: %q credited %q", tweet.Text, tweet.Citation.Credit)
	}
	if p := doc.Paragraphs[7]; p.Number != 8 || !strings.HasPrefix(p.Text, "We agreed to work") {
		t.Errorf("the tweet's second paragraph is %+v", p)
	}
	caption := byKind(knowledge.KindCaption)
	if caption.Citation.Credit != "AFP – STRINGER" || !strings.HasSuffix(caption.Text, "on January 8, 2024.") {
		t.Errorf("caption: %q credited %q", caption.Text, caption.Citation.Credit)
	}
	first := doc.Facts[0].Citation
	if first.Credit != "With EFE and local media" || first.Date != "2024-02-28" || first.Section != "" || first.Start != 17 {
		t.Errorf("first citation %+v", first)
	}
	sections := map[string]int{}
	for _, f := range doc.Facts {
		sections[f.Citation.Section]++
	}
	if sections["Mexico and Guatemala, key countries"] != 5 || sections["Immigration, the central block of the race to the White House"] != 14 {
		t.Errorf("facts per section: %v", sections)
	}
}

// TestParseTextLineEndings checks that CRLF line endings and a byte order
// mark change offsets but not facts.
func TestParseTextLineEndings(t *testing.T) {
	raw := readFile(t, articlePath)
	want, err := ParseText(articlePath, raw)
	if err != nil {
		t.Fatal(err)
	}
	for name, variant := range map[string][]byte{
		"crlf":     bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n")),
		"bom":      append([]byte("\uFEFF"), raw...),
		"bom+crlf": append([]byte("\uFEFF"), bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))...),
	} {
		t.Run(name, func(t *testing.T) {
			got := checkParsed(t, articlePath, variant, ParseText)
			if got == nil {
				t.FailNow()
			}
			if got.Source.Date != want.Source.Date || got.Source.Credit != want.Source.Credit || len(got.Facts) != len(want.Facts) {
				t.Fatalf("got %+v with %d facts, want %+v with %d", got.Source, len(got.Facts), want.Source, len(want.Facts))
			}
			for i, f := range got.Facts {
				w := want.Facts[i]
				if f.ID != w.ID || f.Clean != w.Clean || f.Kind != w.Kind || f.Citation.Paragraph != w.Citation.Paragraph ||
					f.Citation.Sentence != w.Citation.Sentence || f.Citation.Section != w.Citation.Section || f.Citation.Credit != w.Citation.Credit {
					t.Errorf("fact %d: got %+v, want %+v", i, f, w)
				}
			}
		})
	}
}

func TestParseText(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		want   []wantFact
		date   string
		credit string
	}{
		{
			name: "no metadata",
			raw:  "First sentence. Second one!\nStill second? Third.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "First sentence."}, {knowledge.KindSentence, 1, 2, "Second one!"},
				{knowledge.KindSentence, 1, 3, "Still second?"}, {knowledge.KindSentence, 1, 4, "Third."}},
		},
		{
			name: "date on its own line",
			raw:  "date 2024-01-02\n\nBody text here.\n",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "Body text here."}},
			date: "2024-01-02",
		},
		{
			name: "lowercase start is not metadata",
			raw:  "date night was fun.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "date night was fun."}},
		},
		{
			name:   "headings and credit",
			raw:    "Intro text.\n\nA Heading\n\nBody text.\n\n  \t\n\nBy Jane Doe\n",
			want:   []wantFact{{knowledge.KindSentence, 1, 1, "Intro text."}, {knowledge.KindSentence, 2, 1, "Body text."}, {knowledge.KindCredit, 3, 1, "By Jane Doe"}},
			credit: "By Jane Doe",
		},
		{
			name: "credit only at the end",
			raw:  "With these words he left\n\nThe end.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "The end."}},
		},
		{
			name: "credit with final period is text",
			raw:  "Body.\n\nWith thanks to all.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "Body."}, {knowledge.KindSentence, 2, 1, "With thanks to all."}},
		},
		{
			name: "tweet with double hyphen",
			raw:  "Before.\n\nHello #world\n\nMore text -- Some One (@someone) March 3, 2024\n\nAfter.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "Before."}, {knowledge.KindTweet, 2, 1, "Hello #world\n\nMore text -- Some"},
				{knowledge.KindSentence, 4, 1, "After."}},
		},
		{
			name: "photo credit",
			raw:  "People wait at the border. Photo: Reuters",
			want: []wantFact{{knowledge.KindCaption, 1, 1, "People wait at the border."}},
		},
		{
			name: "quote with a second quoted sentence",
			raw:  "“We will,” she said. “We must.”\n\n“Partial” quotes are not quotations. Second.",
			want: []wantFact{{knowledge.KindQuote, 1, 1, "“We will,” she said. “We must.”"},
				{knowledge.KindSentence, 2, 1, "“Partial” quotes"}, {knowledge.KindSentence, 2, 2, "Second."}},
		},
		{
			name: "quote followed by narration",
			raw:  "\"Yes,\" he said. Then he left.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "\"Yes,\" he said."}, {knowledge.KindSentence, 1, 2, "Then he left."}},
		},
		{
			name: "duplicate sentences",
			raw:  "Same words.\n\nSame   words.",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "Same words."}, {knowledge.KindSentence, 2, 1, "Same   words."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := checkParsed(t, "sources/sample.txt", []byte(tt.raw), ParseText)
			if doc == nil {
				t.FailNow()
			}
			checkFacts(t, doc, tt.want)
			if doc.Source.Date != tt.date || doc.Source.Credit != tt.credit {
				t.Errorf("date %q credit %q, want %q %q", doc.Source.Date, doc.Source.Credit, tt.date, tt.credit)
			}
		})
	}
}

func TestParseTextSections(t *testing.T) {
	doc, err := ParseText("s.txt", []byte("Lead.\n\nFirst Part\n\nOne.\n\nSecond part 2\n\nTwo. Three."))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Facts {
		got = append(got, f.Citation.Section+"|"+f.Text)
	}
	want := []string{"|Lead.", "First Part|One.", "Second part 2|Two.", "Second part 2|Three."}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSentenceSpans(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  One.  ", []string{"One."}},
		{"One. Two.", []string{"One.", "Two."}},
		{"One.Two.", []string{"One.Two."}},
		{"one. two.", []string{"one. two."}},
		{"Wait... Then more.", []string{"Wait...", "Then more."}},
		{"Really?! Yes.", []string{"Really?!", "Yes."}},
		{"He paid 2.4 million. 2024 was different.", []string{"He paid 2.4 million.", "2024 was different."}},
		{"Mr. Smith met Dr. Jones. They talked.", []string{"Mr. Smith met Dr. Jones.", "They talked."}},
		{"The U.S. Senate voted. It passed.", []string{"The U.S. Senate voted.", "It passed."}},
		{"J. R. R. Tolkien wrote it, e.g. The Hobbit.", []string{"J. R. R. Tolkien wrote it, e.g. The Hobbit."}},
		{"On Jan. 5 it began. Sen. Doe spoke.", []string{"On Jan. 5 it began.", "Sen. Doe spoke."}},
		{"people “do not migrate.” And so on.", []string{"people “do not migrate.”", "And so on."}},
		{"“Stop. Go.” He ran.", []string{"“Stop. Go.”", "He ran."}},
		{"\"Stop. Go.\" He ran.", []string{"\"Stop. Go.\"", "He ran."}},
		{"She said (quietly.) Then left.", []string{"She said (quietly.)", "Then left."}},
		{"End. “Quote” starts.", []string{"End.", "“Quote” starts."}},
		{"Unclosed “quote. Never. Ends.", []string{"Unclosed “quote. Never. Ends."}},
		{"Line one.\nLine two.", []string{"Line one.", "Line two."}},
		{"¿Qué? ¡Sí!", []string{"¿Qué?", "¡Sí!"}},
	}
	for _, tt := range tests {
		var got []string
		for _, sp := range sentenceSpans(tt.in) {
			got = append(got, tt.in[sp[0]:sp[1]])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("sentenceSpans(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestReadableName(t *testing.T) {
	for in, want := range map[string]string{
		"trilateral-migration-2024-02-28": "Trilateral migration 2024-02-28",
		"working_group--notes":            "Working group notes",
		"2024-03-01-summary":              "2024-03-01 summary",
		"élan":                            "Élan",
		"-":                               "-",
	} {
		if got := readableName(in); got != want {
			t.Errorf("readableName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseMarkdownFile(t *testing.T) {
	const path = "testdata/sources/working-group-notes.md"
	raw := readFile(t, path)
	doc := checkParsed(t, path, raw, ParseMarkdown)
	if doc == nil {
		t.FailNow()
	}
	wantSource := knowledge.Source{
		ID:        "working-group-notes",
		Title:     "Trilateral working group, first notes",
		Date:      "2024-03-05",
		Publisher: "Example Desk",
		URL:       "https://example.org/notes/working-group",
		Credit:    "With agency reports",
		Path:      "working-group-notes.md",
		Format:    "md",
		SHA256:    doc.Source.SHA256,
	}
	if doc.Source != wantSource {
		t.Errorf("source:\n got %+v\nwant %+v", doc.Source, wantSource)
	}
	checkFacts(t, doc, []wantFact{
		{knowledge.KindSentence, 1, 1, "The working group met for the first time in Mexico City on March 4."},
		{knowledge.KindSentence, 1, 2, "It was\nchaired by the Mexican Foreign Ministry and\nlasted two days."},
		{knowledge.KindSentence, 2, 1, "Exchange information on trafficking networks."},
		{knowledge.KindSentence, 3, 1, "Develop joint operational plans for the border."},
		{knowledge.KindSentence, 4, 1, "Review progress every 90 days."},
		{knowledge.KindQuote, 5, 1, "“We are building something that did not exist before,” a Guatemalan\ndelegate said after the session."},
		{knowledge.KindSentence, 6, 1, "Mr. Blinken was not present."},
		{knowledge.KindSentence, 6, 2, "Officials from the U.S. embassy attended\ninstead, according to https://example.org/embassy."},
	})
	// Each fact's bytes are the original region, markup included.
	regions := []string{
		"The working group met for the first time in **Mexico City** on March 4.",
		"It was\nchaired by the [Mexican Foreign Ministry](https://example.org/sre \"SRE\") and\nlasted *two days*.",
		"- Exchange information on _trafficking networks_.",
		"- Develop joint operational plans for the border.",
		"1. Review progress every `90` days.",
		"> “We are building something that did not exist before,” a Guatemalan\n> delegate said after the session.",
		"Mr. Blinken was not present.",
		"Officials from the U.S. embassy attended\ninstead, according to <https://example.org/embassy>.",
	}
	for i, f := range doc.Facts {
		if got := string(raw[f.Citation.Start:f.Citation.End]); i < len(regions) && got != regions[i] {
			t.Errorf("fact %d: region %q, want %q", i, got, regions[i])
		}
	}
	sections := []string{"", "", "Agreed measures", "Agreed measures", "Agreed measures", "Agreed measures", "Setext section", "Setext section"}
	for i, f := range doc.Facts {
		if i < len(sections) && f.Citation.Section != sections[i] {
			t.Errorf("fact %d: section %q, want %q", i, f.Citation.Section, sections[i])
		}
	}
}

func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		title string
		want  []wantFact
	}{
		{
			name:  "title from first H1",
			raw:   "Intro.\n\n# The Title #\n\nBody.\n\n# Another\n\nMore.",
			title: "The Title",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "Intro."}, {knowledge.KindSentence, 2, 1, "Body."}, {knowledge.KindSentence, 3, 1, "More."}},
		},
		{
			name:  "no title",
			raw:   "## Part\n\nText.",
			title: "Sample notes",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "Text."}},
		},
		{
			name:  "empty front matter and crlf",
			raw:   "\uFEFF---\r\n---\r\nOne *two*\r\nthree. Four.\r\n",
			title: "Sample notes",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "One two\nthree."}, {knowledge.KindSentence, 1, 2, "Four."}},
		},
		{
			name:  "inline markup",
			raw:   "A **b** _c_ `d*e` ~~f~~ ![img](x.png) [g](h) [i][j] <span>k</span> \\*l\\* snake_case_name 2 * 3.",
			title: "Sample notes",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "A b c d*e f  g i k *l* snake_case_name 2 * 3."}},
		},
		{
			name:  "unclosed markup stays",
			raw:   "An *unclosed emphasis and [a bracket.",
			title: "Sample notes",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "An *unclosed emphasis and [a bracket."}},
		},
		{
			name:  "lists, quotes and code",
			raw:   "* one\n  continued\n+ two\n\n10. ten\n\n> Quoted. Whole.\nlazy line\n\n~~~go\nx := 1\n~~~\nAfter code.\n\n***\n\n[ref]: https://example.org\n",
			title: "Sample notes",
			want: []wantFact{{knowledge.KindSentence, 1, 1, "one\ncontinued"}, {knowledge.KindSentence, 2, 1, "two"}, {knowledge.KindSentence, 3, 1, "ten"},
				{knowledge.KindQuote, 4, 1, "Quoted. Whole.\nlazy line"}, {knowledge.KindSentence, 5, 1, "After code."}},
		},
		{
			name:  "ordered item not numbered 1 does not interrupt",
			raw:   "In the year\n2024. It changed.",
			title: "Sample notes",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "In the year\n2024."}, {knowledge.KindSentence, 1, 2, "It changed."}},
		},
		{
			name:  "unterminated fence skips the rest",
			raw:   "Before.\n\n```\nnot text.",
			title: "Sample notes",
			want:  []wantFact{{knowledge.KindSentence, 1, 1, "Before."}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := checkParsed(t, "sources/sample-notes.md", []byte(tt.raw), ParseMarkdown)
			if doc == nil {
				t.FailNow()
			}
			checkFacts(t, doc, tt.want)
			if doc.Source.Title != tt.title {
				t.Errorf("title %q, want %q", doc.Source.Title, tt.title)
			}
		})
	}
}

func TestParseFactsFile(t *testing.T) {
	const path = "testdata/facts.yaml"
	doc := checkParsed(t, path, readFile(t, path), ParseFacts)
	if doc == nil {
		t.FailNow()
	}
	wantSource := knowledge.Source{
		ID:        "facts",
		Title:     "Admin notes",
		Date:      "2024-03-01",
		Publisher: "Server admins",
		URL:       "https://example.org/notes",
		Credit:    "Compiled by the moderators",
		Path:      "facts.yaml",
		Format:    "yaml",
		SHA256:    doc.Source.SHA256,
	}
	if doc.Source != wantSource {
		t.Errorf("source:\n got %+v\nwant %+v", doc.Source, wantSource)
	}
	const (
		meeting   = "The working group's first meeting was held in Mexico City."
		statement = "Mexico, the United States and Guatemala agreed on February 28, 2024 to create a trilateral working group on migration."
	)
	want := []knowledge.Fact{
		{
			ID: knowledge.FactID("facts", meeting, 0), Kind: knowledge.KindCurated, Text: meeting, Clean: meeting,
			Phrasings: []string{"Where did the working group first meet?", "First meeting location"},
			Citation: knowledge.Citation{SourceID: "facts", Title: "Admin notes", Date: "2024-03-05", Publisher: "Server admins",
				Credit: "Compiled by the moderators", URL: "https://example.org/notes", Section: "Follow-up", Paragraph: 1, Sentence: 1},
		},
		{
			ID:    knowledge.FactID("facts", statement, 0),
			Kind:  knowledge.KindCurated,
			Text:  statement, // folded by YAML's ">"
			Clean: statement,
			Citation: knowledge.Citation{SourceID: "facts", Title: "Admin notes", Date: "2024-03-01", Publisher: "Server admins",
				Credit: "Joint statement", URL: "https://example.org/statement", Paragraph: 2, Sentence: 1},
		},
		{
			ID: knowledge.FactID("facts", meeting, 1), Kind: knowledge.KindCurated, Text: meeting, Clean: meeting,
			Citation: knowledge.Citation{SourceID: "facts", Title: "Admin notes", Date: "2024-03-01", Publisher: "Server admins",
				Credit: "Compiled by the moderators", URL: "https://example.org/notes", Paragraph: 3, Sentence: 1},
		},
	}
	if len(doc.Facts) != len(want) {
		t.Fatalf("got %d facts, want %d", len(doc.Facts), len(want))
	}
	for i, f := range doc.Facts {
		if f.ID != want[i].ID || f.Kind != want[i].Kind || f.Text != want[i].Text || f.Clean != want[i].Clean ||
			strings.Join(f.Phrasings, "|") != strings.Join(want[i].Phrasings, "|") || f.Citation != want[i].Citation {
			t.Errorf("fact %d:\n got %+v\nwant %+v", i, f, want[i])
		}
	}
	if doc.Facts[0].ID == doc.Facts[2].ID {
		t.Error("repeated fact has the same id")
	}
	if len(doc.Paragraphs) != 3 || doc.Paragraphs[0] != (knowledge.Paragraph{Number: 1, Section: "Follow-up", Text: meeting}) {
		t.Errorf("paragraphs %+v", doc.Paragraphs)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		path string
		raw  string // used when not empty; otherwise the file at path is read
		want string
	}{
		{path: "testdata/broken/unterminated-front-matter.md", want: "testdata/broken/unterminated-front-matter.md:1: front matter: missing closing ---"},
		{path: "testdata/broken/bad-front-matter-yaml.md", want: "testdata/broken/bad-front-matter-yaml.md:3: front matter: did not find expected ',' or ']'"},
		{path: "testdata/broken/bad-front-matter-date.md", want: `testdata/broken/bad-front-matter-date.md:3: front matter: date: bad date "2024-3-5", want YYYY-MM-DD`},
		{path: "testdata/broken/bad-syntax.yaml", want: "testdata/broken/bad-syntax.yaml:4: facts file: did not find expected '-' indicator"},
		{path: "testdata/broken/unknown-key.yaml", want: `testdata/broken/unknown-key.yaml:3: fact 1: unknown key "sectoin"`},
		{path: "testdata/broken/empty-text.yaml", want: "testdata/broken/empty-text.yaml:3: fact 2: empty text"},
		{path: "testdata/broken/no-facts.yaml", want: "testdata/broken/no-facts.yaml:3: no facts"},
		{path: "testdata/broken/bad-date.yaml", want: `testdata/broken/bad-date.yaml:3: fact 1: date: bad date "March 5", want YYYY-MM-DD`},
		{path: "testdata/broken/blank.txt", want: "testdata/broken/blank.txt: no text"},
		{path: "testdata/broken/only-credit.txt", want: "testdata/broken/only-credit.txt: no text"},
		{path: "testdata/broken/bad-date.txt", want: `testdata/broken/bad-date.txt:1: bad date "2024-02-30", want YYYY-MM-DD`},
		{path: "s/nul.txt", raw: "One.\nTwo.\x00", want: "s/nul.txt:2: control character U+0000"},
		{path: "s/c1.md", raw: "One.\n\u0085", want: "s/c1.md:2: control character U+0085"},
		{path: "s/utf8.yaml", raw: "facts:\n  - text: a\n  - text: \xffb\n", want: "s/utf8.yaml:3: invalid UTF-8 at byte 29"},
		{path: "s/empty.md", raw: "---\ntitle: T\n---\n\n```\ncode\n```\n", want: "s/empty.md: no text"},
		{path: "s/list.yaml", raw: "- text: a\n", want: "s/list.yaml:1: facts file: want a mapping"},
		{path: "s/empty.yaml", raw: "# nothing\n", want: "s/empty.yaml:1: no facts"},
		{path: "s/nofacts.yaml", raw: "source: {title: T}\n", want: "s/nofacts.yaml:1: no facts: add a \"facts\" list"},
		{path: "s/notext.yaml", raw: "facts:\n  - section: S\n", want: "s/notext.yaml:2: fact 1: missing text"},
		{path: "s/top.yaml", raw: "facts: [{text: a}]\nextra: 1\n", want: `s/top.yaml:2: unknown key "extra"`},
		{path: "s/src.yaml", raw: "source:\n  titel: T\nfacts: [{text: a}]\n", want: `s/src.yaml:2: source: unknown key "titel"`},
		{path: "s/dup.yaml", raw: "facts: [{text: a, text: b}]\n", want: `s/dup.yaml:1: fact 1: duplicate key "text"`},
		{path: "s/phr.yaml", raw: "facts:\n  - text: a\n    phrasings: [[x]]\n", want: "s/phr.yaml:3: fact 1: phrasings: want a string"},
		{path: "s/fm.md", raw: "---\n- a list\n---\nText.", want: "s/fm.md:2: front matter: want a mapping"},
		{path: "s/doc.pdf", raw: "x", want: `s/doc.pdf: unsupported file type ".pdf"`},
		{path: "s/.txt", raw: "Text.", want: "s/.txt: source file name is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			raw := []byte(tt.raw)
			if tt.raw == "" {
				raw = readFile(t, tt.path)
			}
			doc, err := Parse(tt.path, raw)
			if err == nil {
				t.Fatalf("parsed %d facts, want error %q", len(doc.Facts), tt.want)
			}
			var se *knowledge.SourceError
			if !errors.As(err, &se) || err.Error() != tt.want {
				t.Errorf("got %T %q, want *SourceError %q", err, err, tt.want)
			}
		})
	}
}

func TestParseSourceDispatch(t *testing.T) {
	for path, format := range map[string]string{
		"a/notes.txt":      "txt",
		"a/NOTES.TXT":      "txt",
		"a/notes.md":       "md",
		"a/notes.markdown": "md",
		"a/notes.yaml":     "yaml",
		"a/notes.yml":      "yaml",
	} {
		raw := "Some text."
		if format == "yaml" {
			raw = "facts: [{text: Some text.}]"
		}
		doc, err := Parse(path, []byte(raw))
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if doc.Source.Format != format || doc.Source.Path != filepath.Base(path) || doc.Facts[0].Text != "Some text." {
			t.Errorf("%s: got %+v, %q", path, doc.Source, doc.Facts[0].Text)
		}
	}
}

func TestSourceError(t *testing.T) {
	inner := errors.New("boom")
	for _, tt := range []struct {
		err  *knowledge.SourceError
		want string
	}{
		{&knowledge.SourceError{Path: "sources/x.md", Line: 3, Err: inner}, "sources/x.md:3: boom"},
		{&knowledge.SourceError{Path: "sources/x.md", Err: inner}, "sources/x.md: boom"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, inner) {
			t.Errorf("%v does not unwrap to its cause", tt.err)
		}
	}
}
