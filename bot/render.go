package bot

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Discord's limits on what a message may hold. Replies are trimmed to fit,
// at a word boundary, never refused.
const (
	maxContent          = 2000
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooter           = 2048
	maxEmbedTotal       = 6000
	maxChoices          = 25
	maxChoiceName       = 100
	maxChoiceValue      = 100
	maxButtonLabel      = 80
	maxCustomID         = 100
	maxButtonsPerRow    = 5
	maxButtonRows       = 5
)

// Embed colours: answered, answered tentatively, abstained.
const (
	colorAnswer    = 0x2E86C1
	colorTentative = 0xCA6F1E
	colorAbstain   = 0xB7950B
)

// trim shortens s to at most n characters (runes), cutting at a word
// boundary when there is one in the last fifth and marking the cut with an
// ellipsis.
func trim(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n { // a string has no more runes than bytes
		return s
	}
	if n <= 1 {
		return string([]rune(s)[:max(n, 0)])
	}
	r := []rune(s)[:n-1]
	cut := len(r)
	for i := len(r) - 1; i > len(r)*4/5; i-- {
		if r[i] == ' ' || r[i] == '\n' {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " \n,;:") + "…"
}

// escape makes user text safe to echo: Markdown is shown literally and
// mentions cannot form ("@everyone" gets a zero-width space after the @).
// allowed_mentions already stops pings; this also stops the text from
// looking like one.
func escape(s string) string {
	if !utf8.ValidString(s) {
		return escapeRunes(s)
	}
	// Every character escaped is ASCII, so the text between them is
	// copied as it is; most text has none and is returned unchanged.
	i := strings.IndexAny(s, escapedChars+"@<")
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for ; i >= 0; i = strings.IndexAny(s, escapedChars+"@<") {
		b.WriteString(s[:i])
		if c := s[i]; c == '@' || c == '<' {
			b.WriteByte(c)
			b.WriteString(zeroWidthSpace)
		} else {
			b.WriteByte('\\')
			b.WriteByte(c)
		}
		s = s[i+1:]
	}
	b.WriteString(s)
	return b.String()
}

// escapeRunes is escape rune by rune, for text that is not valid UTF-8
// (each invalid byte becomes U+FFFD).
func escapeRunes(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case escapedByBackslash(r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '@' || r == '<':
			b.WriteRune(r)
			b.WriteString(zeroWidthSpace)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// zeroWidthSpace follows every "@" and "<" escape writes.
const zeroWidthSpace = "\u200b"

// unescape undoes escape: it returns the text s was made from, or false
// when escape makes no such text (a backslash before anything but the
// characters it escapes, one of those characters bare, an "@" or "<"
// without the zero-width space after it).
func unescape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\\':
			next, m := utf8.DecodeRuneInString(s[i:])
			if !escapedByBackslash(next) {
				return "", false
			}
			b.WriteRune(next)
			i += m
		case escapedByBackslash(r):
			return "", false
		case r == '@' || r == '<':
			if !strings.HasPrefix(s[i:], zeroWidthSpace) {
				return "", false
			}
			b.WriteRune(r)
			i += len(zeroWidthSpace)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), true
}

// escapedChars are the characters escape puts a backslash before.
const escapedChars = "\\*_~`|>#[]()"

// escapedByBackslash reports whether escape puts a backslash before r.
func escapedByBackslash(r rune) bool {
	return r < utf8.RuneSelf && strings.IndexByte(escapedChars, byte(r)) >= 0
}

// quote renders source text as a Markdown block quote, escaped.
func quote(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, "> "+escape(l))
		}
	}
	return strings.Join(out, "\n")
}

// citation renders a fact's citation in one line, in l: its source (see
// sourceName), where in it the fact stands (see where), and a link when
// the source has a web address.
func citation(c knowledge.Citation, l *language) string {
	return link(sourceName(c)+" · "+where(c, l), c.URL)
}

// link makes text (not yet escaped) a Markdown link to a source's web
// address, escaped; without a usable address, the escaped text alone.
func link(text, address string) string {
	text = escape(text)
	if to, ok := safeLink(address); ok {
		return "[" + text + "](" + to + ")"
	}
	return text
}

// sourceName names the source a fact comes from, for a reader: its title,
// its date unless the title already says it ("Trilateral migration
// 2024-02-28"), and its publisher: "Club rules · 2023-09-01 · Riverside
// Chess Club". The title is trimmed to keep headings short.
func sourceName(c knowledge.Citation) string {
	parts := []string{trim(c.Title, 120)}
	if c.Date != "" && !strings.Contains(c.Title, c.Date) {
		parts = append(parts, c.Date)
	}
	if c.Publisher != "" {
		parts = append(parts, c.Publisher)
	}
	return strings.Join(parts, " · ")
}

// where says, in l, where in its source a fact stands: "paragraph 3,
// sentence 2 · under “Heading”".
func where(c knowledge.Citation, l *language) string {
	at := vars{"paragraph": c.Paragraph, "sentence": c.Sentence}
	out := l.format("citation.paragraph", at)
	if c.Sentence > 1 {
		out = l.format("citation.paragraph_sentence", at)
	}
	if c.Section != "" {
		out += " · " + l.format("citation.section", vars{"section": trim(c.Section, 80)})
	}
	return out
}

// safeLink returns an http(s) address fit for a Markdown link: parsed,
// re-encoded, with ")" escaped so it cannot end the link early.
func safeLink(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if raw == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > 500 {
		return "", false
	}
	return strings.NewReplacer(")", "%29", "(", "%28", " ", "%20").Replace(u.String()), true
}

// factField renders one fact as an embed field, its frame in l, for a
// reader: headed by its number and its source, then its words quoted as
// the source has them, then where in the source they stand (linked to the
// source when it has a web address) and the fact's own credit. Its id and
// score are for /fact and the Source view, not here.
func factField(n int, f knowledge.Fact, l *language) EmbedField {
	field := factBody(f, l)
	field.Name = trim(l.format("fact.heading", vars{"n": n, "source": factSource(f, l)}), maxFieldName)
	return field
}

// factSource names, in l, the kind of a fact (a quote, a tweet, a photo
// caption, a curated fact; nothing for a plain sentence) and its source:
// "Quote · Trilateral migration 2024-02-28".
func factSource(f knowledge.Fact, l *language) string {
	name := sourceName(f.Citation)
	if kind := kindKey(f.Kind); kind != "" {
		name = l.text("kind."+kind) + " · " + name
	}
	return escape(name)
}

// factBody renders a fact's words and where they stand as an embed field
// without a name: the quote, then "— paragraph 3, sentence 2", linked to
// the source when it has a web address, and the fact's own credit.
func factBody(f knowledge.Fact, l *language) EmbedField {
	cite := "— " + link(where(f.Citation, l), f.Citation.URL)
	if credit := f.OwnCredit(); credit != "" {
		cite += " · " + escape(credit)
	}
	cite = trim(cite, maxFieldValue/2) // bounded, so the quote keeps at least half
	room := maxFieldValue - utf8.RuneCountInString(cite) - 1
	return EmbedField{Value: trim(quote(f.Text), room) + "\n" + cite}
}

// kindKey is the catalogue's name for a kind of fact a reader is told
// (kind.<name>): the kind itself for quotes, tweets, captions and curated
// facts; "" for the sentences of a source's running text, which need no
// label.
func kindKey(k knowledge.Kind) string {
	switch k {
	case knowledge.KindQuote, knowledge.KindTweet, knowledge.KindCaption, knowledge.KindCurated:
		return string(k)
	}
	return ""
}

// answerEmbed renders an answer with its frame in l: the facts with
// citations, and note (see quoteNote) when they are in another language;
// for a tentative answer, in a colour of its own, a heading saying the bot
// is not sure and the closest fact; or a plain "I don't know" with the
// topics it could talk about.
func answerEmbed(ans knowledge.Answer, first int, l *language, note string) Embed {
	e := Embed{Title: answerTitle(ans.Question, l)}
	confidence := vars{"confidence": l.decimal(ans.Confidence)}
	if !ans.Answered {
		e.Color = colorAbstain
		e.Description = l.text("answer.unknown")
		if len(ans.Suggestions) > 0 {
			e.Description += " " + l.text("answer.did_you_mean") + "\n" + bulletList(ans.Suggestions)
		}
		e.Footer = l.format("answer.footer_unknown", confidence)
		return fitEmbed(e)
	}
	e.Color = colorAnswer
	for i, f := range ans.Facts {
		e.Fields = append(e.Fields, factField(first+i+1, f.Fact, l))
	}
	e.Description = note
	e.Footer = l.format("answer.footer", confidence)
	if ans.Tentative {
		e.Color = colorTentative
		e.Description = strings.TrimSpace(l.text("answer.tentative") + "\n" + note)
		e.Footer = l.format("answer.footer_tentative", confidence)
	}
	return fitEmbed(e)
}

// answerTitle is the title of the answer to question in l: the
// catalogue's answer.title ("Q: {question}") with the question escaped,
// trimmed to Discord's limit. titleQuestions reads it back.
func answerTitle(question string, l *language) string {
	return trim(l.format("answer.title", vars{"question": escape(question)}), maxEmbedTitle)
}

// titleQuestions reads back the question an answer's title was made from
// (by answerTitle), the one place that does: it tries the answer.title of
// every language, and returns, for each whose text around {question} the
// title has, the question between, unescaped. isAnswer says whether the
// title begins as some language's answer title does. A title trimmed to
// Discord's limit may still give a question, cut short and ending in "…"
// (or none, when the cut broke an escape): the caller tells a whole one
// by its check (see moreButtonID).
func titleQuestions(title string) (questions []string, isAnswer bool) {
	for _, l := range append([]*language{english()}, translations()...) {
		before, after, ok := strings.Cut(l.text("answer.title"), "{question}")
		if !ok || !strings.HasPrefix(title, before) {
			continue
		}
		isAnswer = true
		rest, ok := strings.CutSuffix(title[len(before):], after)
		if !ok {
			continue
		}
		if q, ok := unescape(rest); ok && q != "" && !slices.Contains(questions, q) {
			questions = append(questions, q)
		}
	}
	return questions, isAnswer
}

// sourceLanguager is an index that can say the language each source is
// written in, as a BCP 47 base tag ("en", "es"), as the engine's index
// (knowledge/match) does. knowledge.Index does not require it, so an index
// without it (a test's) has every source taken to be in English.
type sourceLanguager interface {
	SourceLanguage(sourceID string) string
}

// sourceLanguage is the language a fact's source is written in: what ix
// says, when it can, else English.
func sourceLanguage(ix knowledge.Index, f knowledge.Fact) string {
	if sl, ok := ix.(sourceLanguager); ok {
		if code := sl.SourceLanguage(f.Citation.SourceID); code != "" {
			return code
		}
	}
	return defaultLanguage
}

// quoteNote tells the member, in l, that facts are quoted in another
// language than the reply's, as their sources have them (facts are never
// translated); it is empty when every fact is in l's language.
func quoteNote(ix knowledge.Index, facts []knowledge.Fact, l *language) string {
	var names []string
	for _, f := range facts {
		code := sourceLanguage(ix, f)
		if name := l.languageName(code); code != l.Code && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return l.format("answer.quoted_in", vars{"language": strings.Join(names, ", ")})
}

func bulletList(items []string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString("• " + escape(it) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// fitEmbed trims an embed to Discord's limits: each part to its own, then
// fields from the end until the whole fits in 6,000 characters. The
// caller's fields are not changed.
func fitEmbed(e Embed) Embed {
	e.Title = trim(e.Title, maxEmbedTitle)
	e.Description = trim(e.Description, maxEmbedDescription)
	e.Fields = slices.Clone(e.Fields[:min(len(e.Fields), maxEmbedFields)])
	for i := range e.Fields {
		e.Fields[i].Name = trim(e.Fields[i].Name, maxFieldName)
		e.Fields[i].Value = trim(e.Fields[i].Value, maxFieldValue)
	}
	e.Footer = trim(e.Footer, maxFooter)
	for embedSize(e) > maxEmbedTotal && len(e.Fields) > 0 {
		e.Fields = e.Fields[:len(e.Fields)-1]
	}
	if over := embedSize(e) - maxEmbedTotal; over > 0 {
		e.Description = trim(e.Description, max(utf8.RuneCountInString(e.Description)-over, 0))
	}
	return e
}

// embedSize counts the characters Discord counts towards the 6,000 limit.
func embedSize(e Embed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// button makes a button, trimming its label to Discord's limit. Its
// custom id is one of buttons.go's, made to fit: cutting one short would
// make it mean something else.
func button(label, customID string, style ButtonStyle) Button {
	return Button{Label: trim(label, maxButtonLabel), CustomID: customID, Style: style}
}

// rows lays buttons out in rows of at most five, and at most five rows.
func rows(buttons []Button) [][]Button {
	var out [][]Button
	for len(buttons) > 0 && len(out) < maxButtonRows {
		n := min(len(buttons), maxButtonsPerRow)
		out = append(out, buttons[:n:n])
		buttons = buttons[n:]
	}
	return out
}

// choice makes an autocomplete choice within Discord's limits.
func choice(name, value string) Choice {
	return Choice{Name: trim(name, maxChoiceName), Value: trim(value, maxChoiceValue)}
}
