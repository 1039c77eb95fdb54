package bot

// The buttons under an answer carry in their custom ids everything that
// pressing them needs, so that any process can handle the press: another
// `serve` behind the same load balancer, `serve` for an answer `run` gave,
// or the same bot after a restart. Nothing is kept between an answer and
// a press. A custom id holds at most 100 characters (maxCustomID; they are
// counted here in bytes, which is stricter), and is untrusted input: it
// is parsed strictly, and anything but an id the bot makes is refused
// with errUnknownButton.
//
//	more:<offset>:<check>   the next page of facts: its offset (decimal,
//	                        0..knowledge.MaxOffset) and the question's
//	                        check (8 lower-case hex digits, questionCheck);
//	                        the question itself is read back from the
//	                        title of the answer the button is under
//	                        (Request.MessageTitle, titleQuestions)
//	src:<id>[,<id>...]      the facts shown, by id (validFactID), as many
//	                        as fit, in the answer's order
//	sug:<suggestion>        a "did you mean" suggestion, as the engine
//	                        offered it
//	vote:<up|down>:<check>:<id>
//	                        a member's 👍 or 👎 on an answer: the
//	                        check of the question's normalized text
//	                        (ActivityCheck, 8 lower-case hex digits)
//	                        and the id of the answer's first fact; the
//	                        question's text is read back from the title
//	                        of the answer, when it can be

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/knowledge"
)

// The kinds of button, the first field of their custom ids.
const (
	buttonMore       = "more"
	buttonSource     = "src"
	buttonSuggestion = "sug"
	buttonVote       = "vote"
)

// The two votes a vote button casts, its second field.
const (
	voteUp   = "up"
	voteDown = "down"
)

// factIDSeparator separates the fact ids of a Source button.
const factIDSeparator = ","

// checkLength is the length of a question's check, in hex digits.
const checkLength = 8

// buttonData is a parsed custom id: its kind and the fields of that kind.
type buttonData struct {
	kind       string
	offset     int      // more: the first fact of the page
	check      string   // more: questionCheck of the question; vote: its ActivityCheck
	factIDs    []string // src
	suggestion string   // sug
	up         bool     // vote: 👍 (else 👎)
	factID     string   // vote: the answer's first fact
}

// moreButtonID is the custom id of a More button showing the facts of
// question after the first offset. offset must be within
// 0..knowledge.MaxOffset (Handlers.answer sees to it); the id is then at
// most 16 bytes.
func moreButtonID(offset int, question string) string {
	return buttonMore + ":" + strconv.Itoa(offset) + ":" + questionCheck(question)
}

// sourceButtonID is the custom id of a Source button for the facts ids,
// and how many of them it holds: the first ones, in order, whose ids fit
// (seven at most; ids not of a fact's shape are left out). With none, n
// is 0 and there is no button to make.
func sourceButtonID(ids []string) (id string, n int) {
	var b strings.Builder
	b.WriteString(buttonSource + ":")
	for _, f := range ids {
		sep := factIDSeparator
		if n == 0 {
			sep = ""
		}
		if !validFactID(f) || b.Len()+len(sep)+len(f) > maxCustomID {
			continue
		}
		b.WriteString(sep + f)
		n++
	}
	return b.String(), n
}

// suggestionButtonID is the custom id of a button asking suggestion, or
// false when the suggestion does not fit in one (or is blank), and so gets
// no button.
func suggestionButtonID(suggestion string) (string, bool) {
	id := buttonSuggestion + ":" + suggestion
	b, err := parseButtonID(id)
	return id, err == nil && b.suggestion == suggestion
}

// voteButtonID is the custom id of a vote (up, else down) on the answer
// to question whose first fact is factID (of a fact's shape): at most 31
// bytes.
func voteButtonID(up bool, question, factID string) string {
	vote := voteDown
	if up {
		vote = voteUp
	}
	return buttonVote + ":" + vote + ":" + ActivityCheck(question) + ":" + factID
}

// questionCheck is a short digest of a question (its 32-bit FNV-1a hash,
// in hex), carried by a More button so that the question read back from
// its answer's title can be told whole from one cut short to fit
// Discord's limits.
func questionCheck(question string) string {
	h := fnv.New32a()
	h.Write([]byte(question))
	return fmt.Sprintf("%0*x", checkLength, h.Sum32())
}

// parseButtonID reads a custom id, strictly: the kind, then exactly the
// fields of that kind in their shapes. Anything else, a custom id over
// Discord's limit or not UTF-8 included, is errUnknownButton.
func parseButtonID(id string) (buttonData, error) {
	kind, rest, found := strings.Cut(id, ":")
	if !found || len(id) > maxCustomID || !utf8.ValidString(id) {
		return buttonData{}, errUnknownButton
	}
	var (
		b  buttonData
		ok bool
	)
	switch kind {
	case buttonMore:
		b, ok = parseMore(rest)
	case buttonSource:
		b, ok = parseSource(rest)
	case buttonSuggestion:
		b, ok = buttonData{suggestion: rest}, strings.TrimSpace(rest) != ""
	case buttonVote:
		b, ok = parseVote(rest)
	}
	if !ok {
		return buttonData{}, errUnknownButton
	}
	b.kind = kind
	return b, nil
}

// parseMore reads a More button's fields: "<offset>:<check>".
func parseMore(fields string) (buttonData, bool) {
	offset, check, found := strings.Cut(fields, ":")
	n, err := strconv.Atoi(offset)
	// The canonical form only: no sign, no leading zero.
	if !found || err != nil || strconv.Itoa(n) != offset || n < 0 || n > knowledge.MaxOffset || !isLowerHex(check, checkLength) {
		return buttonData{}, false
	}
	return buttonData{offset: n, check: check}, true
}

// parseVote reads a vote button's fields: "<up|down>:<check>:<fact id>".
func parseVote(fields string) (buttonData, bool) {
	parts := strings.Split(fields, ":")
	if len(parts) != 3 || (parts[0] != voteUp && parts[0] != voteDown) || !isLowerHex(parts[1], checkLength) || !validFactID(parts[2]) {
		return buttonData{}, false
	}
	return buttonData{up: parts[0] == voteUp, check: parts[1], factID: parts[2]}, true
}

// parseSource reads a Source button's fields: fact ids, each of a fact's
// shape, none twice.
func parseSource(fields string) (buttonData, bool) {
	ids := strings.Split(fields, factIDSeparator)
	for i, id := range ids {
		if !validFactID(id) || slices.Contains(ids[:i], id) {
			return buttonData{}, false
		}
	}
	return buttonData{factIDs: ids}, true
}

// validFactID reports whether id has the shape of a fact's id, as
// knowledge.FactID makes them: "f" and 11 lower-case hex digits
// ("fd2ac79a804e").
func validFactID(id string) bool {
	return len(id) == 12 && id[0] == 'f' && isLowerHex(id[1:], 11)
}

// isLowerHex reports whether s is n lower-case hex digits.
func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
