package source

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/agreementbot/agreementbot/internal/yamlpos"
	"github.com/agreementbot/agreementbot/knowledge"
)

// errNoText is reported for a text or Markdown source that yields no facts.
var errNoText = errors.New("no text")

// Parse parses raw with the parser its extension calls for: ".txt" is
// plain text (ParseText), ".md" or ".markdown" is Markdown (ParseMarkdown),
// ".yaml" or ".yml" is a curated facts file (ParseFacts). Any other
// extension is a *SourceError.
func Parse(path string, raw []byte) (*knowledge.Document, error) {
	ext := filepath.Ext(path)
	switch strings.ToLower(ext) {
	case ".txt":
		return ParseText(path, raw)
	case ".md", ".markdown":
		return ParseMarkdown(path, raw)
	case ".yaml", ".yml":
		return ParseFacts(path, raw)
	}
	return nil, &knowledge.SourceError{Path: path, Err: fmt.Errorf("unsupported file type %q", ext)}
}

// docBuilder collects the source metadata, paragraphs and facts of one
// document while a parser walks its file.
type docBuilder struct {
	path string
	doc  knowledge.Document
	seen map[string]int // whitespace-normalized fact text → facts so far
}

// newDocBuilder checks that raw is clean UTF-8 text and starts a document for
// the file at path.
func newDocBuilder(path, format string, raw []byte) (*docBuilder, error) {
	if err := checkEncoding(path, raw); err != nil {
		return nil, err
	}
	base := filepath.Base(path)
	id := strings.TrimSuffix(base, filepath.Ext(base))
	if id == "" {
		return nil, &knowledge.SourceError{Path: path, Err: errors.New("source file name is empty")}
	}
	sum := sha256.Sum256(raw)
	return &docBuilder{
		path: path,
		doc: knowledge.Document{Source: knowledge.Source{
			ID:     id,
			Title:  readableName(id),
			Path:   base,
			Format: format,
			SHA256: hex.EncodeToString(sum[:]),
		}},
		seen: make(map[string]int),
	}, nil
}

// errorf returns a *SourceError for the builder's file at line (0: none).
func (b *docBuilder) errorf(line int, format string, args ...any) error {
	return &knowledge.SourceError{Path: b.path, Line: line, Err: fmt.Errorf(format, args...)}
}

// addParagraph records a body paragraph and returns its 1-based number.
func (b *docBuilder) addParagraph(section, text string) int {
	n := len(b.doc.Paragraphs) + 1
	b.doc.Paragraphs = append(b.doc.Paragraphs, knowledge.Paragraph{Number: n, Section: section, Text: text})
	return n
}

// addFact appends a fact with the given words and returns it. c carries
// the fact's place and any fact-level date, URL or credit; finish fills in
// the rest from the source.
func (b *docBuilder) addFact(kind knowledge.Kind, text string, c knowledge.Citation) *knowledge.Fact {
	clean := knowledge.CollapseSpace(text)
	occurrence := b.seen[clean]
	b.seen[clean]++
	b.doc.Facts = append(b.doc.Facts, knowledge.Fact{
		ID:       knowledge.FactID(b.doc.Source.ID, clean, occurrence),
		Kind:     kind,
		Text:     text,
		Clean:    clean,
		Citation: c,
	})
	return &b.doc.Facts[len(b.doc.Facts)-1]
}

// addPassage adds the facts of one body paragraph whose words are text: the
// whole paragraph as a quote when it is a direct quotation, otherwise one
// fact per sentence. span maps a byte range of text to the byte range of
// raw it came from.
func (b *docBuilder) addPassage(section string, par int, text string, span func(s, e int) (int, int)) {
	cite := func(sentence, s, e int) knowledge.Citation {
		start, end := span(s, e)
		return knowledge.Citation{Section: section, Paragraph: par, Sentence: sentence, Start: start, End: end}
	}
	if isQuotation(text) {
		s, e := trimSpace(text, 0, len(text))
		b.addFact(knowledge.KindQuote, text[s:e], cite(1, s, e))
		return
	}
	for i, sp := range sentenceSpans(text) {
		b.addFact(knowledge.KindSentence, text[sp[0]:sp[1]], cite(i+1, sp[0], sp[1]))
	}
}

// finish completes every citation with the source's metadata and returns
// the document, or an error when the source held no facts.
func (b *docBuilder) finish() (*knowledge.Document, error) {
	if len(b.doc.Facts) == 0 {
		return nil, &knowledge.SourceError{Path: b.path, Err: errNoText}
	}
	src := &b.doc.Source
	for i := range b.doc.Facts {
		c := &b.doc.Facts[i].Citation
		c.SourceID, c.Title, c.Publisher = src.ID, src.Title, src.Publisher
		c.Date = cmp.Or(c.Date, src.Date)
		c.URL = cmp.Or(c.URL, src.URL)
		c.Credit = cmp.Or(c.Credit, src.Credit)
	}
	return &b.doc, nil
}

// checkEncoding reports the first invalid UTF-8 sequence or control
// character other than tab, carriage return and newline in raw.
func checkEncoding(path string, raw []byte) error {
	line := 1
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return &knowledge.SourceError{Path: path, Line: line, Err: fmt.Errorf("invalid UTF-8 at byte %d", i)}
		case r == '\n':
			line++
		case r == '\t' || r == '\r':
		case unicode.IsControl(r):
			return &knowledge.SourceError{Path: path, Line: line, Err: fmt.Errorf("control character %U", r)}
		}
		i += size
	}
	return nil
}

// bomLen returns the length of the UTF-8 byte order mark raw starts with,
// or 0.
func bomLen(raw []byte) int {
	if bytes.HasPrefix(raw, []byte("\uFEFF")) {
		return 3
	}
	return 0
}

// textLine is one line of a source file.
type textLine struct {
	start, end int // raw[start:end] is the line without its "\n" or "\r\n"
	num        int // 1-based line number
}

// splitLines splits raw[from:] into lines; num is the number of the line
// at from.
func splitLines(raw []byte, from, num int) []textLine {
	var lines []textLine
	for from < len(raw) {
		end := len(raw)
		next := end
		if i := bytes.IndexByte(raw[from:], '\n'); i >= 0 {
			end = from + i
			next = end + 1
		}
		content := end
		if content > from && raw[content-1] == '\r' {
			content--
		}
		lines = append(lines, textLine{start: from, end: content, num: num})
		from = next
		num++
	}
	return lines
}

// isBlank reports whether b holds nothing but white space.
func isBlank(b []byte) bool {
	return len(bytes.TrimSpace(b)) == 0
}

// trimSpace narrows the byte range [start, end) of s to exclude white space
// at either end.
func trimSpace[T string | []byte](s T, start, end int) (int, int) {
	for start < end {
		r, size := utf8.DecodeRuneInString(string(s[start:min(end, start+utf8.UTFMax)]))
		if !unicode.IsSpace(r) {
			break
		}
		start += size
	}
	for start < end {
		r, size := utf8.DecodeLastRuneInString(string(s[max(start, end-utf8.UTFMax):end]))
		if !unicode.IsSpace(r) {
			break
		}
		end -= size
	}
	return start, end
}

// nameSeparators turns the word separators of a file name into spaces.
var nameSeparators = strings.NewReplacer("-", " ", "_", " ")

// nameDateRe matches a date in a file name, kept whole by readableName.
var nameDateRe = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// readableName turns a file's base name into a title:
// "trilateral-migration-2024-02-28" becomes "Trilateral migration 2024-02-28".
func readableName(name string) string {
	var sb strings.Builder
	last := 0
	for _, m := range nameDateRe.FindAllStringIndex(name, -1) {
		sb.WriteString(nameSeparators.Replace(name[last:m[0]]))
		sb.WriteString(" " + name[m[0]:m[1]] + " ")
		last = m[1]
	}
	sb.WriteString(nameSeparators.Replace(name[last:]))
	title := knowledge.CollapseSpace(sb.String())
	if title == "" {
		return name
	}
	r, size := utf8.DecodeRuneInString(title)
	return string(unicode.ToUpper(r)) + title[size:]
}

// validDate reports whether s is a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}

// Sentence splitting.

// abbreviations end in a period that does not end a sentence.
var abbreviations = map[string]bool{
	"Mr.": true, "Mrs.": true, "Ms.": true, "Dr.": true, "St.": true, "Jr.": true, "Sr.": true,
	"Sra.": true, "Dra.": true, "Lic.": true, "Prof.": true, "Rev.": true, "Hon.": true,
	"Gen.": true, "Col.": true, "Lt.": true, "Capt.": true, "Sgt.": true, "Adm.": true, "Maj.": true,
	"Sen.": true, "Rep.": true, "Gov.": true, "Pres.": true, "Amb.": true,
	"Jan.": true, "Feb.": true, "Mar.": true, "Apr.": true, "Jun.": true, "Jul.": true,
	"Aug.": true, "Sep.": true, "Sept.": true, "Oct.": true, "Nov.": true, "Dec.": true,
	"No.": true, "Nos.": true, "Vol.": true, "Fig.": true, "Mt.": true, "Ft.": true,
	"etc.": true, "vs.": true, "cf.": true, "al.": true, "approx.": true,
}

// initialismRe matches a single capital initial ("J.") or dotted letters
// ("U.S.", "e.g.").
var initialismRe = regexp.MustCompile(`^(?:\p{Lu}\.|(?:\p{L}\.){2,})$`)

// isAbbreviation reports whether the word of s that ends at its last byte
// (a period) is an abbreviation rather than the end of a sentence.
func isAbbreviation(s string) bool {
	const longest = 16 // longer words are never abbreviations
	window := s[max(0, len(s)-longest):]
	start := strings.LastIndexFunc(window, unicode.IsSpace)
	if start < 0 && len(window) < len(s) {
		return false
	}
	word := strings.TrimLeft(window[start+1:], "([{“‘\"'")
	return abbreviations[word] || initialismRe.MatchString(word)
}

// startsSentence reports whether s begins like a new sentence: with a
// capital letter, a digit or an opening quote or bracket.
func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsTitle(r) || unicode.IsDigit(r) || strings.ContainsRune("“‘\"'([¿¡", r)
}

// quoteState tracks whether a scan is inside a quotation: curly quotes
// nest, a straight double quote toggles.
type quoteState struct {
	curly    int
	straight bool
}

// see updates the state for rune r.
func (q *quoteState) see(r rune) {
	switch r {
	case '“':
		q.curly++
	case '”':
		if q.curly > 0 {
			q.curly--
		}
	case '"':
		q.straight = !q.straight
	}
}

// open reports whether a quotation is open.
func (q *quoteState) open() bool { return q.curly > 0 || q.straight }

// sentenceSpans splits s into sentences and returns the [start, end) byte
// range of each, without surrounding white space. A sentence ends at . ! or
// ? (with any closing quotes or brackets after it) followed by white space
// and a capital letter, digit or opening quote; never inside a quotation,
// after a known abbreviation or initial, or inside a number.
func sentenceSpans(s string) [][2]int {
	var spans [][2]int
	var q quoteState
	start, _ := trimSpace(s, 0, len(s))
	for i := start; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		q.see(r)
		i += size
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		end := i
		abbrev := r == '.' && isAbbreviation(s[:end])
	closers:
		for end < len(s) {
			c, n := utf8.DecodeRuneInString(s[end:])
			switch {
			case c == '.' || c == '!' || c == '?' || strings.ContainsRune("”’')]»", c):
				q.see(c)
			case c == '"' && q.straight:
				q.see(c)
			default:
				break closers
			}
			end += n
		}
		i = end
		if q.open() || abbrev {
			continue
		}
		next, _ := trimSpace(s, end, len(s))
		if next == end || next == len(s) || !startsSentence(s[next:]) {
			continue
		}
		spans = append(spans, [2]int{start, end})
		start, i = next, next
	}
	if _, end := trimSpace(s, start, len(s)); start < end {
		spans = append(spans, [2]int{start, end})
	}
	return spans
}

// isQuotation reports whether paragraph text is a direct quotation kept
// whole: it opens with a quotation mark, the quoted words end like an
// utterance (“…,” or “….”) or run to the end of the paragraph, and what
// follows the quotation is one attribution sentence, possibly followed by
// further quoted sentences.
func isQuotation(text string) bool {
	text = strings.TrimSpace(text)
	open, size := utf8.DecodeRuneInString(text)
	closing := '”'
	switch open {
	case '“':
	case '"':
		closing = '"'
	default:
		return false
	}
	end := strings.IndexRune(text[size:], closing)
	if end < 0 {
		return true
	}
	quoted := strings.TrimSpace(text[size : size+end])
	last, _ := utf8.DecodeLastRuneInString(quoted)
	if !strings.ContainsRune(",.!?…—-", last) {
		return false
	}
	rest := text[size+end+utf8.RuneLen(closing):]
	for i, sp := range sentenceSpans(rest) {
		if r, _ := utf8.DecodeRuneInString(rest[sp[0]:]); i > 0 && r != '“' && r != '"' {
			return false
		}
	}
	return true
}

// YAML shared by Markdown front matter and facts files.

// yamlDoc is a YAML document read from part of a source file. It reports
// problems with the file's line numbers.
type yamlDoc struct {
	b   *docBuilder
	doc *yamlpos.Doc
}

// parseYAML parses data, a YAML document of the builder's file that starts
// after line base, and returns its top node, nil when it is empty; what
// names the document in errors.
func (b *docBuilder) parseYAML(data []byte, base int, what string) (*yamlDoc, *yaml.Node, error) {
	d, err := yamlpos.Parse(data, base)
	if err != nil {
		line, msg := base, err.Error()
		var e *yamlpos.Error
		if errors.As(err, &e) {
			line, msg = e.Line, e.Msg
		}
		return nil, nil, &knowledge.SourceError{Path: b.path, Line: line, Err: fmt.Errorf("%s: %s", what, msg)}
	}
	return &yamlDoc{b: b, doc: d}, d.Root, nil
}

// errorf returns a *knowledge.SourceError at the line of node n.
func (y *yamlDoc) errorf(n *yaml.Node, format string, args ...any) error {
	return y.b.errorf(y.doc.Line(n.Line), format, args...)
}

// yamlPair is one key and value of a YAML mapping.
type yamlPair struct {
	key   *yaml.Node
	value *yaml.Node
}

// mapping returns the pairs of mapping node n, rejecting other kinds of
// node and repeated keys.
func (y *yamlDoc) mapping(n *yaml.Node, what string) ([]yamlPair, error) {
	n = yamlpos.Resolve(n)
	if n.Kind != yaml.MappingNode {
		return nil, y.errorf(n, "%s: want a mapping", what)
	}
	pairs := make([]yamlPair, 0, len(n.Content)/2)
	seen := make(map[string]bool)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := yamlpos.Resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			return nil, y.errorf(k, "%s: keys must be strings", what)
		}
		if seen[k.Value] {
			return nil, y.errorf(k, "%s: duplicate key %q", what, k.Value)
		}
		seen[k.Value] = true
		pairs = append(pairs, yamlPair{key: k, value: n.Content[i+1]})
	}
	return pairs, nil
}

// str returns the text of a scalar node, trimmed; null is "".
func (y *yamlDoc) str(n *yaml.Node, what string) (string, error) {
	n = yamlpos.Resolve(n)
	if n.Kind != yaml.ScalarNode {
		return "", y.errorf(n, "%s: want a string", what)
	}
	if n.ShortTag() == "!!null" {
		return "", nil
	}
	return strings.TrimSpace(n.Value), nil
}

// strs returns the non-empty strings of a list node, or of a single string.
func (y *yamlDoc) strs(n *yaml.Node, what string) ([]string, error) {
	n = yamlpos.Resolve(n)
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []string
	for _, item := range items {
		s, err := y.str(item, what)
		if err != nil {
			return nil, err
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// date returns the YYYY-MM-DD date held by a scalar node; null is "".
func (y *yamlDoc) date(n *yaml.Node, what string) (string, error) {
	s, err := y.str(n, what)
	if err == nil && s != "" && !validDate(s) {
		err = y.errorf(yamlpos.Resolve(n), "%s: bad date %q, want YYYY-MM-DD", what, s)
	}
	return s, err
}

// sourceMeta reads the source metadata keys of mapping node n (title,
// date, url, publisher, credit) into the document's Source. Other keys are
// an error when strict, and ignored otherwise.
func (y *yamlDoc) sourceMeta(n *yaml.Node, what string, strict bool) error {
	pairs, err := y.mapping(n, what)
	if err != nil {
		return err
	}
	src := &y.b.doc.Source
	for _, p := range pairs {
		var dst *string
		switch key := p.key.Value; key {
		case "title":
			dst = &src.Title
		case "url":
			dst = &src.URL
		case "publisher":
			dst = &src.Publisher
		case "credit":
			dst = &src.Credit
		case "date":
			if src.Date, err = y.date(p.value, what+": date"); err != nil {
				return err
			}
			continue
		default:
			if strict {
				return y.errorf(p.key, "%s: unknown key %q", what, key)
			}
			continue
		}
		s, err := y.str(p.value, what+": "+p.key.Value)
		if err != nil {
			return err
		}
		if s != "" {
			*dst = knowledge.CollapseSpace(s)
		}
	}
	return nil
}
