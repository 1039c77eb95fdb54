package match

import "regexp"

// chatMarkupRe matches what chat platforms put in a message that is not
// words of the question: Discord's user, role, channel and slash-command
// mentions, custom emoji and timestamps, @everyone and @here, and links.
var chatMarkupRe = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|</[\w -]+:\d+>|<a?:\w+:\d+>|<t:-?\d+(?::[a-zA-Z])?>|@(?:everyone|here)\b|\bhttps?://\S+`)

// stripMarkup removes chat markup from a question, so that "@everyone what
// did Blinken say? <@&123>" is asked as "what did Blinken say?".
func stripMarkup(q string) string {
	if !hasMarkupByte(q) {
		return q
	}
	return chatMarkupRe.ReplaceAllString(q, " ")
}

// hasMarkupByte reports whether q has a byte that starts some markup, so
// that most questions skip the regular expression.
func hasMarkupByte(q string) bool {
	for i := 0; i < len(q); i++ {
		switch q[i] {
		case '<', '@', ':':
			return true
		}
	}
	return false
}
