package source

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/knowledge"
)

// ParseMarkdown parses a Markdown article. It may open with YAML front
// matter between "---" lines giving title, date (YYYY-MM-DD), url,
// publisher and credit. ATX and setext headings set the section; block
// quotes are kept whole as quotes; each list item is a paragraph of its
// own; fenced code is skipped. Inline markup is removed from each fact's
// Text, while Start and End cover the original bytes, markup included.
// The title is the front matter's, else the first level-1 heading's, else
// the file name made readable.
func ParseMarkdown(path string, raw []byte) (*knowledge.Document, error) {
	b, err := newDocBuilder(path, "md", raw)
	if err != nil {
		return nil, err
	}
	lines := splitLines(raw, bomLen(raw), 1)
	lines, titled, err := b.frontMatter(raw, lines)
	if err != nil {
		return nil, err
	}
	p := mdParser{b: b, raw: raw, lines: lines, titled: titled}
	p.parse()
	return b.finish()
}

// frontMatter reads the YAML front matter lines may open with into the
// document's Source and returns the lines after it, and whether the front
// matter gave a title.
func (b *docBuilder) frontMatter(raw []byte, lines []textLine) ([]textLine, bool, error) {
	isFence := func(l textLine) bool {
		return string(bytes.TrimRight(raw[l.start:l.end], " \t")) == "---"
	}
	if len(lines) == 0 || !isFence(lines[0]) {
		return lines, false, nil
	}
	for k := 1; k < len(lines); k++ {
		if !isFence(lines[k]) {
			continue
		}
		const what = "front matter"
		y, top, err := b.parseYAML(raw[lines[1].start:lines[k].start], lines[0].num, what)
		if err != nil {
			return nil, false, err
		}
		src := &b.doc.Source
		src.Title = ""
		if top != nil {
			if err := y.sourceMeta(top, what, false); err != nil {
				return nil, false, err
			}
		}
		titled := src.Title != ""
		if !titled {
			src.Title = readableName(src.ID)
		}
		return lines[k+1:], titled, nil
	}
	return nil, false, b.errorf(lines[0].num, "front matter: missing closing ---")
}

// mdParser walks the body of a Markdown document block by block.
type mdParser struct {
	b       *docBuilder
	raw     []byte
	lines   []textLine
	section string // text of the latest heading
	titled  bool   // the source's title is settled
}

// mdSeg is the content of one line of a block, its markers removed.
type mdSeg struct{ start, end int }

// line returns the content of the i'th line.
func (p *mdParser) line(i int) []byte {
	return p.raw[p.lines[i].start:p.lines[i].end]
}

// seg returns the segment of line i from offset off within it.
func (p *mdParser) seg(i, off int) mdSeg {
	return mdSeg{start: p.lines[i].start + off, end: p.lines[i].end}
}

// parse adds the paragraphs and facts of the body to the document.
func (p *mdParser) parse() {
	for i := 0; i < len(p.lines); {
		line := p.line(i)
		if isBlank(line) || mdThematicBreak(line) || mdLinkDefRe.Match(line) {
			i++
			continue
		}
		if fence := mdFence(line); fence != "" {
			i = p.skipFence(i+1, fence)
			continue
		}
		if level, start, end, ok := mdHeading(line); ok {
			from := p.lines[i].start
			p.heading(level, []mdSeg{{start: from + start, end: from + end}})
			i++
			continue
		}
		if off, ok := mdQuoteMarker(line); ok {
			first, segs := i, []mdSeg{p.seg(i, off)}
			for i++; i < len(p.lines); i++ {
				if off, ok := mdQuoteMarker(p.line(i)); ok {
					segs = append(segs, p.seg(i, off))
				} else if p.continues(i, true) {
					segs = append(segs, p.seg(i, leadingSpace(p.line(i))))
				} else {
					break
				}
			}
			p.block(knowledge.KindQuote, first, segs)
			continue
		}
		off, _, ok := mdListMarker(line)
		if !ok {
			off = leadingSpace(line)
		}
		first, segs := i, []mdSeg{p.seg(i, off)}
		for i++; i < len(p.lines) && p.continues(i, !ok); i++ {
			segs = append(segs, p.seg(i, leadingSpace(p.line(i))))
		}
		if level := p.setextLevel(i); !ok && level > 0 {
			p.heading(level, segs)
			i++
			continue
		}
		p.block(knowledge.KindSentence, first, segs)
	}
}

// continues reports whether line i continues the paragraph, list item or
// block quote before it rather than starting a new block. In a plain
// paragraph only a bullet or an ordered item numbered 1 starts a list.
func (p *mdParser) continues(i int, inParagraph bool) bool {
	line := p.line(i)
	if isBlank(line) || mdThematicBreak(line) || mdFence(line) != "" {
		return false
	}
	if _, _, _, ok := mdHeading(line); ok {
		return false
	}
	if _, ok := mdQuoteMarker(line); ok {
		return false
	}
	if inParagraph && p.setextLevel(i) > 0 {
		return false
	}
	_, first, ok := mdListMarker(line)
	return !ok || inParagraph && !first
}

// skipFence returns the index of the line after the fenced code block
// whose body starts at line i and that the closing fence ends.
func (p *mdParser) skipFence(i int, fence string) int {
	for ; i < len(p.lines); i++ {
		line := p.line(i)
		ind := leadingSpace(line)
		rest := string(bytes.TrimRight(line[ind:], " \t"))
		if ind <= 3 && strings.HasPrefix(rest, fence) && strings.Trim(rest, fence[:1]) == "" {
			return i + 1
		}
	}
	return i
}

// heading makes a heading the current section, or the document's title
// when it is the first level-1 heading and no title was given.
func (p *mdParser) heading(level int, segs []mdSeg) {
	text, _ := stripInline(p.raw, segs)
	text = knowledge.CollapseSpace(text)
	src := &p.b.doc.Source
	if level == 1 && !p.titled && text != "" {
		src.Title, p.titled = text, true
	}
	if level == 1 && text == src.Title {
		text = ""
	}
	p.section = text
}

// block adds a paragraph, list item or (when kind is KindQuote) block
// quote made of segs, the first of which is on line first.
func (p *mdParser) block(kind knowledge.Kind, first int, segs []mdSeg) {
	text, pos := stripInline(p.raw, segs)
	s, e := trimSpace(text, 0, len(text))
	if s == e {
		return
	}
	// A range of text maps to the raw bytes from just after the text
	// before it to just before the text after it, so that it takes in
	// the markup around it; the block's first words take in its markers.
	blockStart, blockEnd := p.lines[first].start, segs[len(segs)-1].end
	span := func(ts, te int) (int, int) {
		start, end := blockStart, blockEnd
		if ts > s {
			start = pos[ts-1] + 1
		}
		if te < len(pos) {
			end = pos[te]
		}
		return trimSpace(p.raw, start, end)
	}
	par := p.b.addParagraph(p.section, text[s:e])
	if kind == knowledge.KindQuote {
		start, end := span(s, e)
		p.b.addFact(knowledge.KindQuote, text[s:e], knowledge.Citation{
			Section: p.section, Paragraph: par, Sentence: 1, Start: start, End: end,
		})
		return
	}
	p.b.addPassage(p.section, par, text, span)
}

// Markdown block syntax.

// mdLinkDefRe matches a link reference definition, "[id]: https://…".
var mdLinkDefRe = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*\S`)

// leadingSpace returns the number of spaces and tabs line starts with.
func leadingSpace(line []byte) int {
	return len(line) - len(bytes.TrimLeft(line, " \t"))
}

// mdFence returns the opening fence of a fenced code block ("```" or
// "~~~", as long as written) when line opens one, or "".
func mdFence(line []byte) string {
	ind := leadingSpace(line)
	if ind > 3 || ind == len(line) || line[ind] != '`' && line[ind] != '~' {
		return ""
	}
	rest := line[ind:]
	n := len(rest) - len(bytes.TrimLeft(rest, string(rest[:1])))
	if n < 3 || rest[0] == '`' && bytes.IndexByte(rest[n:], '`') >= 0 {
		return ""
	}
	return string(rest[:n])
}

// mdHeading reports whether line is an ATX heading ("## Title ##") and
// returns its level and the range of its text within line.
func mdHeading(line []byte) (level, start, end int, ok bool) {
	ind := leadingSpace(line)
	if ind > 3 {
		return 0, 0, 0, false
	}
	rest := line[ind:]
	level = len(rest) - len(bytes.TrimLeft(rest, "#"))
	if level < 1 || level > 6 || level < len(rest) && rest[level] != ' ' && rest[level] != '\t' {
		return 0, 0, 0, false
	}
	start = ind + level
	text := bytes.TrimRight(line[start:], " \t")
	if closing := bytes.TrimRight(text, "#"); len(closing) == 0 || closing[len(closing)-1] == ' ' || closing[len(closing)-1] == '\t' {
		text = closing // drop the optional closing sequence of '#'s
	}
	return level, start, start + len(text), true
}

// setextLevel returns 1 or 2 when line i underlines the paragraph above
// it as a setext heading ("===" or "---"), else 0.
func (p *mdParser) setextLevel(i int) int {
	if i >= len(p.lines) {
		return 0
	}
	line := p.line(i)
	if leadingSpace(line) > 3 {
		return 0
	}
	switch s := string(bytes.TrimSpace(line)); {
	case s != "" && strings.Trim(s, "=") == "":
		return 1
	case s != "" && strings.Trim(s, "-") == "":
		return 2
	}
	return 0
}

// mdThematicBreak reports whether line is a thematic break ("---", "* * *").
func mdThematicBreak(line []byte) bool {
	if leadingSpace(line) > 3 {
		return false
	}
	s := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, string(line))
	return len(s) >= 3 && (strings.Trim(s, "-") == "" || strings.Trim(s, "*") == "" || strings.Trim(s, "_") == "")
}

// mdQuoteMarkerRe matches the '>' markers that open a block quote line.
var mdQuoteMarkerRe = regexp.MustCompile(`^(?: {0,3}>[ \t]?)+`)

// mdQuoteMarker reports whether line is a block quote line and returns the
// offset of its text after the '>' markers.
func mdQuoteMarker(line []byte) (int, bool) {
	m := mdQuoteMarkerRe.FindIndex(line)
	if m == nil {
		return 0, false
	}
	return m[1], true
}

// mdListMarkerRe matches the marker that opens a list item: "- ", "* ",
// "+ ", "1. " or "1) ".
var mdListMarkerRe = regexp.MustCompile(`^[ \t]*(?:[-*+]|(\d{1,9})[.)])(?:[ \t]+|$)`)

// mdListMarker reports whether line opens a list item and returns the
// offset of the item's text, and whether the marker is a bullet or "1."
// (which may interrupt a paragraph).
func mdListMarker(line []byte) (off int, first, ok bool) {
	m := mdListMarkerRe.FindSubmatchIndex(line)
	if m == nil {
		return 0, false, false
	}
	return m[1], m[2] < 0 || string(line[m[2]:m[3]]) == "1", true
}

// Inline markup.

// stripInline joins the segments of a block with newlines and removes the
// inline markup: emphasis, strike-through and code markers, link syntax
// (keeping the link text), images, autolink brackets, HTML tags and
// backslash escapes. It returns the text that is left and, for each of its
// bytes, the offset in raw it came from.
func stripInline(raw []byte, segs []mdSeg) (string, []int) {
	var c []byte
	var at []int
	for k, sg := range segs {
		if k > 0 { // the newline ending the previous segment's line
			prev := segs[k-1].end
			c = append(c, '\n')
			at = append(at, prev+bytes.IndexByte(raw[prev:], '\n'))
		}
		c = append(c, raw[sg.start:sg.end]...)
		for o := sg.start; o < sg.end; o++ {
			at = append(at, o)
		}
	}
	drop := inlineMarkup(c)
	text := make([]byte, 0, len(c))
	pos := make([]int, 0, len(c))
	for i := range c {
		if !drop[i] {
			text = append(text, c[i])
			pos = append(pos, at[i])
		}
	}
	return string(text), pos
}

// inlineMarkup reports, for each byte of c, whether it is inline markup.
func inlineMarkup(c []byte) []bool {
	drop := make([]bool, len(c))
	brackets := matchPairs(c, '[', ']')
	parens := matchPairs(c, '(', ')')
	var delims []delimRun
	for i := 0; i < len(c); {
		if drop[i] {
			i++
			continue
		}
		switch ch := c[i]; ch {
		case '\\':
			if i+1 < len(c) && strings.IndexByte(asciiPunct+"\n", c[i+1]) >= 0 {
				drop[i] = true
				i += 2
				continue
			}
		case '`':
			n := runLen(c, i)
			if j := findRun(c, i+n, n); j >= 0 {
				fill(drop, i, i+n)
				fill(drop, j, j+n)
				i = j + n
				continue
			}
			i += n
			continue
		case '!':
			if end, _, ok := linkAt(c, i+1, brackets, parens); ok {
				fill(drop, i, end) // an image: dropped whole
				i = end
				continue
			}
		case '[':
			if end, textEnd, ok := linkAt(c, i, brackets, parens); ok {
				drop[i] = true
				fill(drop, textEnd, end)
			}
		case '<':
			if end, autolink, ok := angleAt(c, i); ok {
				if autolink {
					drop[i], drop[end-1] = true, true
				} else {
					fill(drop, i, end)
				}
				i = end
				continue
			}
		case '*', '_', '~':
			n := runLen(c, i)
			if d, ok := newDelimRun(c, i, n); ok {
				delims = append(delims, d)
			}
			i += n
			continue
		}
		i++
	}
	matchDelimRuns(delims, drop)
	return drop
}

// asciiPunct holds the characters a backslash escapes.
const asciiPunct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// fill sets drop[from:to] to true.
func fill(drop []bool, from, to int) {
	for i := from; i < to; i++ {
		drop[i] = true
	}
}

// runLen returns the length of the run of c[i] starting at i.
func runLen(c []byte, i int) int {
	n := 1
	for i+n < len(c) && c[i+n] == c[i] {
		n++
	}
	return n
}

// findRun returns the start of the first run of exactly n backticks at or
// after i, or -1.
func findRun(c []byte, i, n int) int {
	for i < len(c) {
		if c[i] != '`' {
			i++
			continue
		}
		m := runLen(c, i)
		if m == n {
			return i
		}
		i += m
	}
	return -1
}

// matchPairs returns, for each open bracket in c, the index of the close
// bracket that matches it, or -1; other entries are -1. Escaped brackets
// do not count.
func matchPairs(c []byte, open, close byte) []int {
	match := make([]int, len(c))
	var stack []int
	for i := 0; i < len(c); i++ {
		match[i] = -1
		switch c[i] {
		case '\\':
			if i+1 < len(c) {
				i++
				match[i] = -1
			}
		case open:
			stack = append(stack, i)
		case close:
			if n := len(stack); n > 0 {
				match[stack[n-1]] = i
				stack = stack[:n-1]
			}
		}
	}
	return match
}

// linkAt reports whether an inline link "[text](url)" or reference link
// "[text][id]" starts at c[i], and returns the offset just past it and
// the offset of the ']' that ends its text.
func linkAt(c []byte, i int, brackets, parens []int) (end, textEnd int, ok bool) {
	if i >= len(c) || c[i] != '[' || brackets[i] < 0 {
		return 0, 0, false
	}
	j := brackets[i]
	if j+1 < len(c) {
		var k int
		switch c[j+1] {
		case '(':
			k = parens[j+1]
		case '[':
			k = brackets[j+1]
		default:
			return 0, 0, false
		}
		if k >= 0 {
			return k + 1, j, true
		}
	}
	return 0, 0, false
}

// Autolinks ("<https://…>", "<a@b.org>") and HTML tags, without their brackets.
var (
	autolinkRe = regexp.MustCompile(`^(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)$`)
	htmlTagRe  = regexp.MustCompile(`^(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*--)$`)
)

// angleAt reports whether an autolink or an HTML tag starts at c[i], and
// returns the offset just past it and whether it is an autolink.
func angleAt(c []byte, i int) (end int, autolink, ok bool) {
	j := i + 1
	for j < len(c) && c[j] != '>' && c[j] != '<' && c[j] != '\n' {
		j++
	}
	if j == len(c) || c[j] != '>' {
		return 0, false, false
	}
	inner := c[i+1 : j]
	switch {
	case autolinkRe.Match(inner):
		return j + 1, true, true
	case htmlTagRe.Match(inner):
		return j + 1, false, true
	}
	return 0, false, false
}

// delimRun is a run of '*', '_' or '~' that may open or close emphasis.
type delimRun struct {
	start, n    int
	ch          byte
	open, close bool
}

// newDelimRun classifies the run of n delimiters at c[i] by what flanks it,
// as CommonMark does; ok is false when it can neither open nor close.
func newDelimRun(c []byte, i, n int) (delimRun, bool) {
	prev, next := ' ', ' ' // the start and end of the text count as space
	if i > 0 {
		prev, _ = utf8.DecodeLastRune(c[:i])
	}
	if i+n < len(c) {
		next, _ = utf8.DecodeRune(c[i+n:])
	}
	isPunct := func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }
	left := !unicode.IsSpace(next) && (!isPunct(next) || unicode.IsSpace(prev) || isPunct(prev))
	right := !unicode.IsSpace(prev) && (!isPunct(prev) || unicode.IsSpace(next) || isPunct(next))
	d := delimRun{start: i, n: n, ch: c[i], open: left, close: right}
	switch d.ch {
	case '_':
		d.open = left && (!right || isPunct(prev))
		d.close = right && (!left || isPunct(next))
	case '~':
		if n < 2 {
			return d, false
		}
	}
	return d, d.open || d.close
}

// matchDelimRuns pairs each closing run with the nearest earlier opening
// run of the same character and marks both as markup; unpaired runs are
// left as text.
func matchDelimRuns(delims []delimRun, drop []bool) {
	openers := make(map[byte][]delimRun)
	for _, d := range delims {
		if stack := openers[d.ch]; d.close && len(stack) > 0 {
			o := stack[len(stack)-1]
			openers[d.ch] = stack[:len(stack)-1]
			fill(drop, o.start, o.start+o.n)
			fill(drop, d.start, d.start+d.n)
			continue
		}
		if d.open {
			openers[d.ch] = append(openers[d.ch], d)
		}
	}
}
