package knowledge

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what sort of passage a fact is, so answers can present a quote or
// a tweet differently from plain reporting.
type Kind string

// The kinds of fact the parsers produce.
const (
	KindSentence Kind = "sentence" // a sentence of running text
	KindQuote    Kind = "quote"    // a paragraph that is a direct quotation, kept whole
	KindTweet    Kind = "tweet"    // an embedded social-media post, kept whole with its attribution
	KindCaption  Kind = "caption"  // a photo caption; its agency credit goes to the citation
	KindCurated  Kind = "curated"  // a fact an admin wrote in a facts file
	KindCredit   Kind = "credit"   // a source's closing credit line ("With EFE and local media")
)

// Source describes one document the facts come from.
type Source struct {
	ID        string // stable id: the file name without extension
	Title     string // human title; for plain text, the file's base name made readable
	Date      string // publication date, YYYY-MM-DD, empty when unknown
	Publisher string // who published it, when known
	URL       string // where it can be read, when known
	Credit    string // a closing credit line such as "With EFE and local media"
	Path      string // file name inside the sources directory
	Format    string // "txt", "md" or "yaml"
	SHA256    string // hex digest of the raw bytes, to tell changed sources apart
}

// Citation ties a fact to the exact place it was taken from.
type Citation struct {
	SourceID  string `json:"source_id"`
	Title     string `json:"title"`
	Date      string `json:"date,omitempty"`
	Publisher string `json:"publisher,omitempty"`
	Credit    string `json:"credit,omitempty"` // fact-level credit (photo agency, tweet author) or the source's credit line
	URL       string `json:"url,omitempty"`
	Section   string `json:"section,omitempty"` // the heading the fact sits under, if any
	Paragraph int    `json:"paragraph"`         // 1-based body paragraph number (headings are not counted)
	Sentence  int    `json:"sentence"`          // 1-based sentence number within the paragraph
	Start     int    `json:"start"`             // byte offset of the fact's first byte in the raw source
	End       int    `json:"end"`               // byte offset just past the fact's last byte
}

// Fact is one quotable unit of a source: normally a sentence, or a whole
// quote, tweet or caption.
type Fact struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Text is the original words exactly as the source has them.
	Text string `json:"text"`
	// Clean is Text with clearly broken spots repaired (words run together,
	// markup removed); it is what matching reads, never what is shown.
	Clean string `json:"-"`
	// Phrasings are alternative wordings an admin gave for a curated
	// fact, and the questions admins taught for any fact (taught.yaml);
	// they help matching and are never shown as the fact.
	Phrasings []string `json:"phrasings,omitempty"`
	Citation  Citation `json:"citation"`
}

// FactID derives a fact's id from its source and its words, so that ids stay
// the same across rebuilds while the text does not change. occurrence
// separates identical sentences within one source (0 for the first).
func FactID(sourceID, text string, occurrence int) string {
	collapsed := CollapseSpace(text)
	h := sha256.New()
	io.WriteString(h, sourceID)
	h.Write([]byte{0})
	io.WriteString(h, collapsed)
	if occurrence > 0 {
		h.Write([]byte{0, byte(occurrence), byte(occurrence >> 8)})
	}
	return "f" + hex.EncodeToString(h.Sum(nil))[:11]
}

// Document is a parsed source: its metadata, its facts in reading order and
// its paragraphs (so a reader can be shown the whole paragraph a fact came
// from).
type Document struct {
	Source     Source
	Facts      []Fact
	Paragraphs []Paragraph
}

// Paragraph is one body paragraph of a source, kept for display.
type Paragraph struct {
	Number  int    // 1-based, as in Citation.Paragraph
	Section string // heading above it, if any
	Text    string // original words
}

// Place says where in its source a fact stands, for people: "Title ·
// 2024-02-28 · Publisher · paragraph 3, sentence 2 · under “Heading”". The
// credit and the link are left to the caller, who knows how to show them.
func (c Citation) Place() string {
	parts := []string{c.Title}
	if c.Date != "" {
		parts = append(parts, c.Date)
	}
	if c.Publisher != "" {
		parts = append(parts, c.Publisher)
	}
	where := fmt.Sprintf("paragraph %d", c.Paragraph)
	if c.Sentence > 1 {
		where += fmt.Sprintf(", sentence %d", c.Sentence)
	}
	parts = append(parts, where)
	if c.Section != "" {
		parts = append(parts, "under “"+c.Section+"”")
	}
	return strings.Join(parts, " · ")
}

// OwnCredit is the credit that belongs to the fact itself (a photo's
// agency, a tweet's author, a curated fact's credit), or "" when its
// citation only repeats the source's closing credit line, which every
// fact of the source shares and so says nothing about this one.
func (f Fact) OwnCredit() string {
	switch f.Kind {
	case KindCaption, KindTweet, KindCurated:
		return f.Citation.Credit
	}
	return ""
}

// CollapseSpace replaces every run of white space in s by a single space
// and trims it at both ends: the form of a fact's words its id is derived
// from.
func CollapseSpace(s string) string {
	if isCollapsed(s) {
		return s // the common case, without allocating
	}
	return strings.Join(strings.Fields(s), " ")
}

// isCollapsed reports whether s has no leading, trailing, repeated or
// non-space white space.
func isCollapsed(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// Unicode spaces (U+0085, U+00A0, U+2000...) all start with a
			// byte of 0xC2 or more; other multi-byte runes are letters,
			// marks or symbols. Decode only here.
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			i += size - 1
			prevSpace = false
			continue
		}
		space := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		if space && (prevSpace || c != ' ') {
			return false
		}
		prevSpace = space
	}
	return !prevSpace || s == ""
}
