package bot

import (
	"cmp"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/knowledge"
)

// articleFactIDs returns the ids of the first n facts of the article.
func articleFactIDs(t *testing.T, n int) []string {
	t.Helper()
	lib, err := articleLibrary()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range lib.ix.Facts()[:n] {
		ids = append(ids, f.ID)
	}
	return ids
}

// A More button's id holds the offset and the question's check, for
// every offset a page can start at, and parses back to them.
func TestMoreButtonID(t *testing.T) {
	for _, q := range []string{"Where did the foreign ministers meet?", "¿Dónde se reunieron los cancilleres?", strings.Repeat("why ", 250)} {
		for offset := range knowledge.MaxOffset + 1 {
			id := moreButtonID(offset, q)
			b, err := parseButtonID(id)
			if err != nil || b.kind != buttonMore || b.offset != offset || b.check != questionCheck(q) || len(id) > maxCustomID {
				t.Fatalf("moreButtonID(%d, %q) = %q, parsed %+v, %v", offset, q, id, b, err)
			}
		}
	}
	if got := moreButtonID(4, "Where did the foreign ministers meet?"); !regexp.MustCompile(`^more:4:[0-9a-f]{8}$`).MatchString(got) {
		t.Errorf("moreButtonID = %q, want more:4:<8 hex digits>", got)
	}
	if questionCheck("Where did the ministers meet?") == questionCheck("Where did the ministers meet…") {
		t.Error("a question and the same cut short share a check")
	}
}

// A Source button holds the ids of as many facts as fit in 100
// characters, in order: all of an answer of three, seven of ten.
func TestSourceButtonID(t *testing.T) {
	ten := articleFactIDs(t, 10)
	for _, tt := range []struct {
		ids  []string
		want []string
	}{
		{ten[:1], ten[:1]},
		{ten[:3], ten[:3]},
		{ten[:5], ten[:5]},
		{ten, ten[:7]},
		{[]string{"bogus", ten[0], "F" + ten[1][1:], ten[1]}, ten[:2]},
		{nil, nil},
		{[]string{"nope"}, nil},
	} {
		id, n := sourceButtonID(tt.ids)
		if n != len(tt.want) {
			t.Errorf("sourceButtonID(%q) holds %d ids, want %d", tt.ids, n, len(tt.want))
			continue
		}
		if len(id) > maxCustomID || utf8.RuneCountInString(id) > maxCustomID {
			t.Errorf("sourceButtonID(%q) = %q: %d bytes", tt.ids, id, len(id))
		}
		if n == 0 {
			continue
		}
		if want := "src:" + strings.Join(tt.want, ","); id != want {
			t.Errorf("sourceButtonID(%q) = %q, want %q", tt.ids, id, want)
		}
		if b, err := parseButtonID(id); err != nil || b.kind != buttonSource || !slices.Equal(b.factIDs, tt.want) {
			t.Errorf("parse(%q) = %+v, %v", id, b, err)
		}
	}
}

// A vote button's id holds the vote, the check of the question's
// normalized text and the first fact's id, well within Discord's limit,
// and parses back to them.
func TestVoteButtonID(t *testing.T) {
	f := articleFactIDs(t, 1)[0]
	for _, q := range []string{"Where did the foreign ministers meet?", "¿Dónde se reunieron?", strings.Repeat("why ", 250)} {
		for _, up := range []bool{true, false} {
			id := voteButtonID(up, q, f)
			b, err := parseButtonID(id)
			if err != nil || b.kind != buttonVote || b.up != up || b.check != ActivityCheck(q) || b.factID != f || len(id) > 31 {
				t.Errorf("voteButtonID(%v, %q) = %q, parsed %+v, %v", up, q, id, b, err)
			}
		}
	}
	if got := voteButtonID(false, "Where did they MEET?", f); got != "vote:down:"+questionCheck("where did they meet?")+":"+f {
		t.Errorf("voteButtonID = %q", got)
	}
}

// A suggestion is carried whole when it fits with its prefix in 100
// bytes (so in 100 characters), and gets no button otherwise.
func TestSuggestionButtonID(t *testing.T) {
	room := maxCustomID - len("sug:")
	for _, tt := range []struct {
		suggestion string
		fits       bool
	}{
		{"the meeting in Washington", true},
		{"la reunión en Washington: ¿quién asistió?", true},
		{strings.Repeat("a", room), true},
		{strings.Repeat("a", room+1), false},
		{strings.Repeat("é", room/2), true}, // two bytes each
		{strings.Repeat("é", room/2+1), false},
		{strings.Repeat("the working group and the border ", 10), false},
		{"", false},
		{"   ", false},
	} {
		id, ok := suggestionButtonID(tt.suggestion)
		if ok != tt.fits {
			t.Errorf("suggestion of %d bytes: fits = %v, want %v", len(tt.suggestion), ok, tt.fits)
		}
		if !ok {
			continue
		}
		b, err := parseButtonID(id)
		if err != nil || b.kind != buttonSuggestion || b.suggestion != tt.suggestion || len(id) > maxCustomID {
			t.Errorf("suggestionButtonID(%q) = %q, parsed %+v, %v", tt.suggestion, id, b, err)
		}
	}
}

// Anything but an id the bot makes is refused as an unknown button.
func TestParseButtonIDRejects(t *testing.T) {
	ten := articleFactIDs(t, 10)
	check := questionCheck("Where did the ministers meet?")
	for _, id := range []string{
		"", "more", "more:", "more:3", "more:3:", "more::" + check, "more:-1:" + check, "more:+3:" + check, "more:03:" + check,
		"more:-0:" + check, "more: 3:" + check, "more:31:" + check, "more:999999999999999999999:" + check, "more:3:" + strings.ToUpper(check),
		"more:3:" + check[:7], "more:3:" + check + "0", "more:3:" + check + ":x", "more:3:zzzzzzzz", "more:x:1", "more:nokey:3",
		"src", "src:", "src:abc", "src:" + ten[0] + ",", "src:," + ten[0], "src:" + ten[0] + ",," + ten[1], "src:" + strings.ToUpper(ten[0]),
		"src:" + ten[0][:11] + "g", "src:" + ten[0] + ten[1], "src:" + ten[0] + "," + ten[0], "src:" + strings.Join(ten[:8], ","),
		"src:" + ten[0] + ":", "src: " + ten[0],
		"sug", "sug:", "sug: \t ", "sug:" + strings.Repeat("a", 97), "sug:\xff\xfe", "sug:ok\xff",
		"zap:1", "zzz", ":", "MORE:3:" + check, " more:3:" + check, "Src:" + ten[0],
		"vote", "vote:", "vote:up", "vote:up:" + check, "vote:up:" + check + ":", "vote:up::" + ten[0], "vote:sideways:" + check + ":" + ten[0],
		"vote:UP:" + check + ":" + ten[0], "vote:up:" + strings.ToUpper(check) + ":" + ten[0], "vote:up:" + check[:7] + ":" + ten[0],
		"vote:up:" + check + ":" + ten[0] + ":", "vote:up:" + check + ":" + ten[0] + "," + ten[1], "vote:down:" + check + ":" + strings.ToUpper(ten[0]),
		"vote:up:" + check + ":" + ten[0][:11], "vote: up:" + check + ":" + ten[0], "Vote:up:" + check + ":" + ten[0],
	} {
		b, err := parseButtonID(id)
		if !errors.Is(err, errUnknownButton) {
			t.Errorf("parseButtonID(%q) = %+v, %v; want errUnknownButton", id, b, err)
		}
	}
}

// A title reads back the question it was made from, in every language,
// whatever Markdown or mentions the question holds, unless it was cut to
// fit Discord's limit: then no reading has the question's check.
func TestTitleQuestionsReadBackTheQuestion(t *testing.T) {
	questions := []string{
		"Where did the foreign ministers meet?", "¿Dónde se reunieron los cancilleres?", "@everyone <@&123> *who* met? \\o/ [x](y)",
		"Q: P: what about {question}?", "What did Miller say…", "a", strings.Repeat("x", maxEmbedTitle-3),
	}
	for _, l := range append([]*language{english()}, translations()...) {
		for _, q := range questions {
			title := answerTitle(q, l)
			got, isAnswer := titleQuestions(title)
			if !isAnswer || !slices.Contains(got, q) {
				t.Errorf("%s: title %q read back as %q (answer %v), want %q", l.Code, title, got, isAnswer, q)
			}
			if r, err := moreQuestion(title, questionCheck(q)); err != nil || r != q {
				t.Errorf("%s: moreQuestion(%q) = %q, %v", l.Code, title, r, err)
			}
		}
		for _, long := range []string{strings.Repeat("where did they meet ", 20), strings.Repeat("*", 200), strings.Repeat("@here ", 60)} {
			title := answerTitle(long, l)
			if utf8.RuneCountInString(title) > maxEmbedTitle || !strings.HasSuffix(title, "…") {
				t.Fatalf("%s: title of a long question = %q", l.Code, title)
			}
			_, err := moreQuestion(title, questionCheck(long))
			var n *notice
			if !errors.As(err, &n) || n.msg.key != "error.question_cut" {
				t.Errorf("%s: a cut title %q: %v, want error.question_cut", l.Code, title, err)
			}
		}
	}
	for _, title := range []string{"", "Where did they meet?", "Sources", "Fact fd2ac79a804e", "q: lower case"} {
		if _, err := moreQuestion(title, questionCheck(title)); !errors.Is(err, errUnknownButton) {
			t.Errorf("moreQuestion(%q) = %v, want errUnknownButton", title, err)
		}
	}
}

// Every catalogue's answer title has the question in it once, or it could
// not be read back.
func TestAnswerTitlesHoldTheQuestionOnce(t *testing.T) {
	for _, l := range catalogues() {
		if n := strings.Count(l.text("answer.title"), "{question}"); n != 1 {
			t.Errorf("%s: answer.title has {question} %d times", l.Code, n)
		}
	}
}

// unescape undoes escape, and refuses what escape never writes.
func TestUnescape(t *testing.T) {
	for _, s := range []string{"", "plain", "@everyone <@&1> \\ * _ ~ ` | > # [ ] ( )", "ünï 🇲🇽 \u200b"} {
		if got, ok := unescape(escape(s)); !ok || got != s {
			t.Errorf("unescape(escape(%q)) = %q, %v", s, got, ok)
		}
	}
	for _, s := range []string{"\\", "a\\b", "*", "@x", "<", "\\…"} {
		if got, ok := unescape(s); ok {
			t.Errorf("unescape(%q) = %q, want refused", s, got)
		}
	}
}

// FuzzParseButtonID: any custom id is parsed without a panic, and one
// that is accepted is a well-formed id of its kind, fits Discord's limit,
// and is written exactly as the bot writes that id.
func FuzzParseButtonID(f *testing.F) {
	check := questionCheck("Where did the ministers meet?")
	for _, s := range []string{
		"more:3:" + check, "more:0:" + check, "more:30:" + check, "more:31:" + check, "more:03:" + check, "more:x:1",
		"src:fd2ac79a804e", "src:fd2ac79a804e,f0123456789a", "src:abc", "src:,", "sug:the meeting in Washington", "sug:", "sug:a:b:c",
		"zap:1", "", ":", "more", "sug:\xff", "vote:up:" + check + ":fd2ac79a804e", "vote:down:" + check + ":fd2ac79a804e", "vote:up:x:y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		b, err := parseButtonID(id)
		if err != nil {
			if !errors.Is(err, errUnknownButton) || b.kind != "" {
				t.Fatalf("parseButtonID(%q) = %+v, %v", id, b, err)
			}
			return
		}
		if len(id) > maxCustomID || !utf8.ValidString(id) {
			t.Fatalf("accepted %q: %d bytes", id, len(id))
		}
		var again string
		switch b.kind {
		case buttonMore:
			if b.offset < 0 || b.offset > knowledge.MaxOffset {
				t.Fatalf("accepted %q: offset %d", id, b.offset)
			}
			again = buttonMore + ":" + strconv.Itoa(b.offset) + ":" + b.check
		case buttonSource:
			for _, f := range b.factIDs {
				if !validFactID(f) {
					t.Fatalf("accepted %q: fact id %q", id, f)
				}
			}
			again, _ = sourceButtonID(b.factIDs)
		case buttonSuggestion:
			again, _ = suggestionButtonID(b.suggestion)
		case buttonVote:
			if !validFactID(b.factID) || !isLowerHex(b.check, checkLength) {
				t.Fatalf("accepted %q: %+v", id, b)
			}
			vote := voteDown
			if b.up {
				vote = voteUp
			}
			again = buttonVote + ":" + vote + ":" + b.check + ":" + b.factID
		default:
			t.Fatalf("accepted %q: kind %q", id, b.kind)
		}
		if again != id {
			t.Fatalf("accepted %q, which the bot writes %q", id, again)
		}
	})
}

// twoProcesses returns handlers over one library twice, as two processes
// serving the same sources (replicas, or one before and after a restart)
// have: nothing but the library is shared.
func twoProcesses(t *testing.T, set HandlerOptions) (answering, pressed *Handlers) {
	t.Helper()
	set.ConfidentThreshold = cmp.Or(set.ConfidentThreshold, alwaysConfident)
	h, lib := newTestHandlers(t, set)
	return h, NewHandlers(lib, set, nil, h.log)
}

// Every button under an answer works when pressed on another process than
// the one that answered, as it does on the same one: Source, More (and
// More again under its reply), and a suggestion, privately or publicly as
// before.
func TestButtonsWorkInAnotherProcess(t *testing.T) {
	h1, h2 := twoProcesses(t, HandlerOptions{Top: 3})
	r := h1.Handle(t.Context(), askRequest("What did the three countries agree to create?"))
	ids := buttonIDs(r)
	if ids["Source"] == "" || ids["More"] == "" {
		t.Fatalf("buttons = %v", ids)
	}
	for _, label := range []string{"Source", "More"} {
		same, other := h1.Handle(t.Context(), press(r, ids[label])), h2.Handle(t.Context(), press(r, ids[label]))
		if len(other.Embeds) != 1 || len(other.Embeds[0].Fields) == 0 || !other.Ephemeral {
			t.Fatalf("%s on another process: %+v", label, other)
		}
		if !equalReplies(same, other) {
			t.Errorf("%s: another process replies %+v, the same one %+v", label, other, same)
		}
	}
	more := h2.Handle(t.Context(), press(r, ids["More"]))
	if f := more.Embeds[0].Fields; !strings.HasPrefix(f[0].Name, "4. ") || more.Embeds[0].Title != r.Embeds[0].Title {
		t.Errorf("More: title %q, first field %q; want the question's facts from 4", more.Embeds[0].Title, f[0].Name)
	}
	// The More under the More reply, pressed on the first process again.
	if again := h1.Handle(t.Context(), press(more, buttonIDs(more)["More"])); len(again.Embeds) != 1 || !strings.HasPrefix(again.Embeds[0].Fields[0].Name, "7. ") {
		t.Errorf("More again: %+v", again)
	}
	src := h2.Handle(t.Context(), press(r, ids["Source"]))
	if f := src.Embeds[0].Fields; len(f) != 3 || !strings.HasPrefix(f[0].Name, "Paragraph ") {
		t.Errorf("Source: %+v, want the paragraphs of the three facts", src.Embeds[0])
	}

	abstained := h1.Handle(t.Context(), askRequest("What is the tallest mountain in the world?"))
	for _, b := range allButtons(abstained) {
		asked := h2.Handle(t.Context(), press(abstained, b.CustomID))
		if len(asked.Embeds) != 1 || asked.Ephemeral || !strings.HasPrefix(asked.Embeds[0].Title, "Q: "+b.Label) {
			t.Errorf("suggestion %q on another process: %+v", b.Label, asked)
		}
	}
}

// equalReplies compares what two replies show.
func equalReplies(a, b Reply) bool {
	return a.Content == b.Content && a.Ephemeral == b.Ephemeral && slices.EqualFunc(a.Embeds, b.Embeds, func(x, y Embed) bool {
		return x.Title == y.Title && x.Description == y.Description && x.Footer == y.Footer && slices.Equal(x.Fields, y.Fields)
	}) && slices.EqualFunc(a.Buttons, b.Buttons, slices.Equal)
}

// In Spanish: "Más" pressed on another process reads the question from the
// Spanish title and answers in Spanish; an answer a direct message got in
// Spanish is paged by a member whose Discord is in English, in English.
// A suggestion pressed elsewhere is answered in Spanish, publicly when the
// settings say answers are public, privately when they say private.
func TestSpanishButtonsInAnotherProcess(t *testing.T) {
	h1, h2 := twoProcesses(t, HandlerOptions{Top: 3})
	r := h1.Handle(t.Context(), inSpanish(askRequest(spanishQuestion)))
	ids := buttonIDs(r)
	more := h2.Handle(t.Context(), inSpanish(press(r, ids["Más"])))
	if len(more.Embeds) != 1 || more.Embeds[0].Title != "P: "+spanishQuestion || !strings.HasPrefix(more.Embeds[0].Fields[0].Name, "4. Trilateral migration 2024-02-28") ||
		!strings.Contains(more.Embeds[0].Fields[0].Value, "\n— párrafo ") ||
		!strings.HasPrefix(more.Embeds[0].Footer, "Confianza") || !more.Ephemeral {
		t.Errorf("Más on another process: %+v", more)
	}
	if src := h2.Handle(t.Context(), inSpanish(press(r, ids["Fuente"]))); len(src.Embeds) != 1 || !strings.HasPrefix(src.Embeds[0].Fields[0].Name, "Párrafo ") {
		t.Errorf("Fuente on another process: %+v", src)
	}

	dm := h1.Handle(t.Context(), Request{ID: "m", Kind: KindMessage, Text: spanishQuestion, UserID: "u1"})
	english := press(dm, buttonIDs(dm)["Más"])
	english.Locale = "en-US"
	if r := h2.Handle(t.Context(), english); len(r.Embeds) != 1 || r.Embeds[0].Title != "Q: "+spanishQuestion ||
		!strings.HasPrefix(r.Embeds[0].Fields[0].Name, "4. Trilateral migration 2024-02-28") || !strings.Contains(r.Embeds[0].Fields[0].Value, "\n— paragraph ") {
		t.Errorf("More of a Spanish DM, pressed in English: %+v", r)
	}

	for _, private := range []bool{false, true} {
		h1, h2 := twoProcesses(t, HandlerOptions{Ephemeral: private})
		abstained := h1.Handle(t.Context(), inSpanish(askRequest(offTopicSpanish)))
		b := allButtons(abstained)[0]
		req := inSpanish(press(abstained, b.CustomID))
		asked := h2.Handle(t.Context(), req)
		if len(asked.Embeds) != 1 || asked.Embeds[0].Title != "P: "+b.Label || asked.Ephemeral != private || h2.Ephemeral(req) != private {
			t.Errorf("suggestion %q, private %v: %+v", b.Label, private, asked)
		}
	}
}

// An answer of more facts than fit (Top 10: the engine finds eight for
// this question) has a Source button for the first seven, whose ids fit,
// which shows their paragraphs on another process; every button under
// every answer fits in Discord's 100 characters and is one the bot reads.
func TestButtonsFitWithManyFacts(t *testing.T) {
	h1, h2 := twoProcesses(t, HandlerOptions{Top: 10})
	r := h1.Handle(t.Context(), askRequest("What did the three countries agree to create?"))
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) <= 7 {
		t.Fatalf("want more than seven facts: %+v", r)
	}
	src := buttonIDs(r)["Source"]
	b, err := parseButtonID(src)
	if err != nil || len(b.factIDs) != 7 || len(src) > maxCustomID {
		t.Fatalf("Source = %q (%d bytes): %+v, %v", src, len(src), b, err)
	}
	ans, err := h1.lib.Index().Answer(t.Context(), "What did the three countries agree to create?", knowledge.Options{Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range b.factIDs {
		if id != ans.Facts[i].ID {
			t.Errorf("Source's fact %d is %s, the answer's is %s", i+1, id, ans.Facts[i].ID)
		}
	}
	shown := h2.Handle(t.Context(), press(r, src))
	if len(shown.Embeds) != 1 || len(shown.Embeds[0].Fields) != 7 {
		t.Fatalf("Source of ten facts: %+v", shown)
	}
	for i, id := range b.factIDs {
		if !strings.Contains(shown.Embeds[0].Fields[i].Name, "`"+id+"`") {
			t.Errorf("Source shows fact %d as %q, want its id %s", i+1, shown.Embeds[0].Fields[i].Name, id)
		}
	}
	for _, q := range []string{"Where did the foreign ministers meet?", "Who attended the meeting?", "What is the tallest mountain in the world?",
		spanishQuestion, offTopicSpanish, "border", "migration"} {
		for _, b := range allButtons(h1.Handle(t.Context(), askRequest(q))) {
			if _, err := parseButtonID(b.CustomID); err != nil || utf8.RuneCountInString(b.CustomID) > maxCustomID {
				t.Errorf("%q: button %q has custom id %q (%d bytes): %v", q, b.Label, b.CustomID, len(b.CustomID), err)
			}
		}
	}
}

// A question too long for its answer's title to hold whole cannot be read
// back: More asks, in the member's language, for it to be asked again.
func TestMoreOfAQuestionCutShort(t *testing.T) {
	h1, h2 := twoProcesses(t, HandlerOptions{Top: 1})
	long := "What did the three countries agree to create, the working group of the United States, Mexico and Guatemala, " +
		"what did they agree to create at the meeting in Washington on migration and the border, what exactly did the " +
		"three countries agree to create at that meeting?"
	for _, tt := range []struct{ locale, want string }{{"en-US", "please ask it again"}, {spanishLocale, "vuelve a hacerla"}} {
		ask := askRequest(long)
		ask.Locale = tt.locale
		r := h1.Handle(t.Context(), ask)
		more := buttonIDs(r)[localeLanguage(tt.locale).text("button.more")]
		if more == "" || !strings.HasSuffix(r.Embeds[0].Title, "…") {
			t.Fatalf("%s: want an answer with More and a cut title: %+v", tt.locale, r)
		}
		req := press(r, more)
		req.Locale = tt.locale
		if got := h2.Handle(t.Context(), req); !got.Ephemeral || !strings.Contains(got.Content, tt.want) {
			t.Errorf("%s: More of a question cut short: %+v", tt.locale, got)
		}
	}
}
