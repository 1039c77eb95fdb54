package source

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/knowledge"
)

// textDateRe matches the metadata a plain-text source may open with:
// " date 2024-02-28 " before the first paragraph's words.
var textDateRe = regexp.MustCompile(`^[ \t]*date[ \t]+(\d[\d./-]*)(?:[ \t]+|\r?\n|\r?$)`)

// creditPrefixes start a closing credit line such as "With EFE and local media".
var creditPrefixes = []string{"With ", "By ", "Source:", "Sources:", "Reporting by", "(With"}

// tweetAttributionRe matches the attribution that ends an embedded tweet:
// "— Name (@handle) Month D, YYYY".
var tweetAttributionRe = regexp.MustCompile(`(?:—|–|--)[ \t]*([^\n—–()@]*[^\s—–()@])[ \t]*\((@\w{1,15})\)[ \t]+` +
	`((?:January|February|March|April|May|June|July|August|September|October|November|December)[ \t]+\d{1,2},[ \t]+\d{4})\s*$`)

// tweetMarkRe matches what marks a paragraph as tweet text: a @handle, a
// #hashtag or a picture link.
var tweetMarkRe = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_@./])@\w{1,15}|(?:^|\s)#[\p{L}\p{N}_]*\p{L}|pic\.twitter\.com/`)

// captionCreditRe matches the agency credit that ends a photo caption,
// "… 2024. AFP – STRINGER" or "… Photo: Reuters", after the caption's final
// punctuation.
var captionCreditRe = regexp.MustCompile(`[.!?”")]\s+(` +
	`\p{Lu}[\p{Lu}\d&.'’/-]*(?: \p{Lu}[\p{Lu}\d&.'’/-]*)*\s+[–—-]\s+\p{Lu}[\p{Lu}\d.'’-]*(?: \p{Lu}[\p{Lu}\d.'’-]*)*` +
	`|\(?(?:Photo|Image|Foto)s?:[ \t]*\p{Lu}[^\n]{0,80}?\)?)\s*$`)

// captionTail bounds how far from a paragraph's end a caption credit is
// looked for, so the unanchored regexp never scans a long paragraph.
const captionTail = 200

// findCaptionCredit returns captionCreditRe's submatch indexes in s, or nil.
func findCaptionCredit(s string) []int {
	from := 0
	if len(s) > captionTail {
		from = len(s) - captionTail
		for from < len(s) && !utf8.RuneStart(s[from]) {
			from++
		}
	}
	tail := s[from:]
	// The cheap test first: a credit has a dash between agency and author,
	// or says Photo, Image or Foto.
	if !strings.ContainsAny(tail, "–—-") &&
		!strings.Contains(tail, "Photo") && !strings.Contains(tail, "Image") && !strings.Contains(tail, "Foto") {
		return nil
	}
	m := captionCreditRe.FindStringSubmatchIndex(tail)
	for i := range m {
		if m[i] >= 0 {
			m[i] += from
		}
	}
	return m
}

// textBlock is one paragraph of a plain-text source: lines separated from
// the next paragraph by blank lines.
type textBlock struct {
	start, end int    // raw[start:end] is the paragraph without surrounding white space
	text       string // raw[start:end]
}

// ParseText parses a plain-text article. Paragraphs are separated by blank
// lines; the first line may open with " date YYYY-MM-DD " metadata. Short
// unpunctuated lines are section headings, a short final "With …" or "By …"
// line is the source's credit, and embedded tweets, photo captions and
// direct quotations are kept whole; other paragraphs are split into
// sentences. Every fact's Text is exactly raw[Start:End].
func ParseText(path string, raw []byte) (*knowledge.Document, error) {
	b, err := newDocBuilder(path, "txt", raw)
	if err != nil {
		return nil, err
	}
	from := bomLen(raw)
	if m := textDateRe.FindSubmatchIndex(raw[from:]); m != nil {
		date := string(raw[from+m[2] : from+m[3]])
		if !validDate(date) {
			return nil, b.errorf(1, "bad date %q, want YYYY-MM-DD", date)
		}
		b.doc.Source.Date = date
		from += m[3] // the rest of the line, if any, starts the first paragraph
	}
	blocks := textBlocks(raw, splitLines(raw, from, 1))
	var credit *textBlock
	if n := len(blocks); n > 0 && isCreditLine(blocks[n-1].text) {
		b.doc.Source.Credit = knowledge.CollapseSpace(blocks[n-1].text)
		credit = &blocks[n-1]
		blocks = blocks[:n-1]
	}
	tweetEnds := findTweets(blocks)
	section := ""
	for i := 0; i < len(blocks); i++ {
		blk := blocks[i]
		if last, ok := tweetEnds[i]; ok {
			b.addTweet(raw, section, blocks[i:last+1])
			i = last
			continue
		}
		if m := findCaptionCredit(blk.text); m != nil {
			par := b.addParagraph(section, blk.text)
			_, end := trimSpace(blk.text, 0, m[2])
			b.addFact(knowledge.KindCaption, blk.text[:end], knowledge.Citation{
				Section: section, Paragraph: par, Sentence: 1,
				Start: blk.start, End: blk.start + end,
				Credit: knowledge.CollapseSpace(blk.text[m[2]:m[3]]),
			})
			continue
		}
		if isHeading(blk.text) {
			section = knowledge.CollapseSpace(blk.text)
			continue
		}
		par := b.addParagraph(section, blk.text)
		b.addPassage(section, par, blk.text, func(s, e int) (int, int) {
			return blk.start + s, blk.start + e
		})
	}
	if credit != nil && len(b.doc.Facts) > 0 {
		// The credit line is also a fact: "what is the article based on?"
		// is a fair question, and this is its answer.
		par := b.addParagraph(section, credit.text)
		b.addFact(knowledge.KindCredit, credit.text, knowledge.Citation{
			Section: section, Paragraph: par, Sentence: 1, Start: credit.start, End: credit.end,
		})
	}
	return b.finish()
}

// textBlocks groups lines into paragraphs separated by blank lines.
func textBlocks(raw []byte, lines []textLine) []textBlock {
	var blocks []textBlock
	for i := 0; i < len(lines); {
		if isBlank(raw[lines[i].start:lines[i].end]) {
			i++
			continue
		}
		j := i + 1
		for j < len(lines) && !isBlank(raw[lines[j].start:lines[j].end]) {
			j++
		}
		start, end := trimSpace(raw, lines[i].start, lines[j-1].end)
		blocks = append(blocks, textBlock{start: start, end: end, text: string(raw[start:end])})
		i = j
	}
	return blocks
}

// findTweets finds the embedded tweets among blocks: a block ending in a
// tweet attribution, together with the blocks just before it that read
// like tweet text. It maps the index of each tweet's first block to the
// index of its last.
func findTweets(blocks []textBlock) map[int]int {
	tweets := make(map[int]int)
	first := 0 // blocks before this belong to an earlier tweet
	for j, blk := range blocks {
		// The cheap test first: the regexp is slow on long paragraphs.
		if !strings.Contains(blk.text, "(@") || !tweetAttributionRe.MatchString(blk.text) {
			continue
		}
		i := j
		for i > first && looksLikeTweet(blocks[i-1].text) && !isHeading(blocks[i-1].text) {
			i--
		}
		tweets[i] = j
		first = j + 1
	}
	return tweets
}

// addTweet adds the embedded tweet made of blocks as one fact credited to
// its author, and each of its blocks as a paragraph.
func (b *docBuilder) addTweet(raw []byte, section string, blocks []textBlock) {
	last := blocks[len(blocks)-1]
	m := tweetAttributionRe.FindStringSubmatch(last.text)
	par := 0
	for i, blk := range blocks {
		if n := b.addParagraph(section, blk.text); i == 0 {
			par = n
		}
	}
	start, end := blocks[0].start, last.end
	b.addFact(knowledge.KindTweet, string(raw[start:end]), knowledge.Citation{
		Section: section, Paragraph: par, Sentence: 1, Start: start, End: end,
		Credit: knowledge.CollapseSpace(m[1]) + " (" + m[2] + ")",
	})
}

// looksLikeTweet reports whether s reads like the text of a tweet: it has
// a @handle, a #hashtag, a picture link or emoji.
func looksLikeTweet(s string) bool {
	return tweetMarkRe.MatchString(s) || strings.ContainsFunc(s, isEmoji)
}

// isEmoji reports whether r is an emoji, pictograph or flag letter.
func isEmoji(r rune) bool {
	return r >= 0x1F000 && r <= 0x1FAFF || r >= 0x2600 && r <= 0x27BF
}

// isHeading reports whether a paragraph is a section heading: one short
// line starting with a capital or digit, without final punctuation, that
// is not tweet text.
func isHeading(s string) bool {
	if s == "" || strings.ContainsRune(s, '\n') || utf8.RuneCountInString(s) > 100 || len(strings.Fields(s)) > 12 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return (unicode.IsUpper(first) || unicode.IsDigit(first)) &&
		!strings.ContainsRune(".!?:;,”\"’'…", last) && !looksLikeTweet(s)
}

// isCreditLine reports whether a paragraph is a closing credit line such
// as "With EFE and local media": one short line with a credit prefix and
// no final period.
func isCreditLine(s string) bool {
	if strings.ContainsRune(s, '\n') || utf8.RuneCountInString(s) > 100 || strings.HasSuffix(s, ".") {
		return false
	}
	for _, p := range creditPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
