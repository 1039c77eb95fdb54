package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// String folds s. Invalid UTF-8 bytes become U+FFFD; the result is always
// valid UTF-8.
func String(s string) string {
	if isPlainASCII(s) {
		return strings.ToLower(s)
	}
	return strings.ToLower(KeepCase(s))
}

// KeepCase folds s like String but keeps upper case letters, for callers
// that need to tell an acronym ("US") from a word ("us").
func KeepCase(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var it norm.Iter
	it.InitString(norm.NFKD, strings.ToValidUTF8(s, "\uFFFD"))
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, size := utf8.DecodeRune(seg)
			seg = seg[size:]
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			b.WriteRune(punct(r))
		}
	}
	return b.String()
}

// punct maps typographic quotes, apostrophes and dashes to ASCII.
func punct(r rune) rune {
	switch r {
	case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032', '\u00B4', '`':
		return '\''
	case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033', '\u00AB', '\u00BB':
		return '"'
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-'
	}
	return r
}

// Contains reports whether the folded form of s contains the folded form of
// sub.
func Contains(s, sub string) bool {
	return strings.Contains(String(s), String(sub))
}

// Words returns s folded (see String) as its words alone, letters and
// digits, one space apart: "¿Where did they MEET?!" is "where did they
// meet". It is the one key a question is compared with the phrasings
// admins gave facts by, so that one phrasing cannot be taught twice under
// two punctuations.
func Words(s string) string {
	return strings.Join(strings.FieldsFunc(String(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}), " ")
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c == '`' {
			return false
		}
	}
	return true
}
