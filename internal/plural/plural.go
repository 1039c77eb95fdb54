package plural

import "strconv"

// Count writes n with its English noun, singular for one: "1 fact",
// "2 facts". The bot's replies use their catalogues' plural forms
// instead; this is for the command line's English-only reports.
func Count(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return strconv.Itoa(n) + " " + plural
}
