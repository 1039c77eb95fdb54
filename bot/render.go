package bot

import (
	"fmt"
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

// Embed colours: answered, abstained.
const (
	colorAnswer  = 0x2E86C1
	colorAbstain = 0xB7950B
)

// trim shortens s to at most n characters (runes), cutting at a word
// boundary when there is one in the last fifth and marking the cut with an
// ellipsis.
func trim(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
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
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '>', '#', '[', ']', '(', ')':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteString("@\u200b")
		case '<':
			b.WriteString("<\u200b")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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

// citation renders a fact's citation in one line: source, date, place,
// and a link when the source has a web address.
func citation(c knowledge.Citation) string {
	c.Title, c.Section = trim(c.Title, 120), trim(c.Section, 80)
	line := escape(c.Place())
	if link, ok := safeLink(c.URL); ok {
		line = "[" + line + "](" + link + ")"
	}
	return line
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

// factField renders one fact as an embed field: its words quoted, then its
// citation.
func factField(n int, f knowledge.ScoredFact) EmbedField {
	cite := "— " + citation(f.Citation)
	if credit := f.OwnCredit(); credit != "" {
		cite += " · " + escape(credit)
	}
	body := quote(f.Text)
	cite = trim(cite, maxFieldValue/2) // bounded, so the quote keeps at least half
	room := maxFieldValue - utf8.RuneCountInString(cite) - 1
	return EmbedField{
		Name:  trim(fmt.Sprintf("%d. %s fact `%s` · score %.2f", n, kindLabel(f.Kind), f.ID, f.Score), maxFieldName),
		Value: trim(body, room) + "\n" + cite,
	}
}

func kindLabel(k knowledge.Kind) string {
	switch k {
	case knowledge.KindQuote:
		return "Quote,"
	case knowledge.KindTweet:
		return "Tweet,"
	case knowledge.KindCaption:
		return "Photo caption,"
	case knowledge.KindCurated:
		return "Curated"
	}
	return "From the article,"
}

// answerEmbed renders an answer: the facts with citations, or a plain "I
// don't know" with the topics it could talk about.
func answerEmbed(ans knowledge.Answer, first int) Embed {
	e := Embed{Title: trim("Q: "+escape(ans.Question), maxEmbedTitle)}
	if !ans.Answered {
		e.Color = colorAbstain
		e.Description = "I don't know: nothing in my sources answers that."
		if len(ans.Suggestions) > 0 {
			e.Description += " Did you mean one of these?\n" + bulletList(ans.Suggestions)
		}
		e.Footer = fmt.Sprintf("Confidence %.2f, below what I need to answer.", ans.Confidence)
		return fitEmbed(e)
	}
	e.Color = colorAnswer
	for i, f := range ans.Facts {
		e.Fields = append(e.Fields, factField(first+i+1, f))
	}
	e.Footer = fmt.Sprintf("Confidence %.2f · facts quoted word for word from the sources", ans.Confidence)
	return fitEmbed(e)
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

// button makes a button, trimming its label and id to Discord's limits.
func button(label, customID string, style ButtonStyle) Button {
	return Button{Label: trim(label, maxButtonLabel), CustomID: truncateBytes(customID, maxCustomID), Style: style}
}

// truncateBytes cuts s to at most n bytes at a rune boundary (custom ids
// are limited in bytes, not characters).
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
