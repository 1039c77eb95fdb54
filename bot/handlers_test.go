package bot

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

// testLibrary serves the embedded article; reloads and uploads are
// recorded, not performed.
type testLibrary struct {
	ix        knowledge.Index
	reloads   int
	reloadErr error
	report    *knowledge.ReloadReport // what Reload reports; nil: 1 source, 28 facts
	added     []string                // names of uploaded sources
}

func (l *testLibrary) Index() knowledge.Index { return l.ix }
func (l *testLibrary) Reload(context.Context) (knowledge.ReloadReport, error) {
	l.reloads++
	if l.report != nil {
		return *l.report, l.reloadErr
	}
	return knowledge.ReloadReport{Sources: 1, Facts: 28}, l.reloadErr
}
func (l *testLibrary) AddSource(_ context.Context, name string, _ []byte) (knowledge.ReloadReport, error) {
	l.reloads++
	l.added = append(l.added, name)
	return knowledge.ReloadReport{Sources: 2, Facts: 29, Added: 1}, l.reloadErr
}

// articleLibrary serves the embedded article, indexed once for all tests.
var articleLibrary = sync.OnceValues(func() (*testLibrary, error) {
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		return nil, err
	}
	return &testLibrary{ix: match.NewIndex(c)}, nil
})

// alwaysConfident is a confident threshold every answer reaches: the
// tests of what an answer shows are not at the mercy of the fitted model's
// thresholds; those of tentative answers set their own.
const alwaysConfident = 1e-9

// newTestHandlers returns handlers over the article, every answer
// confident unless set says otherwise, and their library.
func newTestHandlers(t *testing.T, set HandlerOptions) (*Handlers, *testLibrary) {
	t.Helper()
	set.ConfidentThreshold = cmp.Or(set.ConfidentThreshold, alwaysConfident)
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		t.Fatal(err)
	}
	lib := &testLibrary{ix: match.NewIndex(c)}
	download := func(context.Context, string, int64) ([]byte, error) { return []byte("x"), nil }
	return NewHandlers(lib, set, download, slog.New(slog.NewTextHandler(io.Discard, nil))), lib
}

func askRequest(q string) Request {
	return Request{ID: "1", Kind: KindCommand, Command: cmdAsk, Options: map[string]string{optQuestion: q}, UserID: "u1", GuildID: "g1"}
}

func TestAskAnswersWithCitedEmbed(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	r := h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) == 0 {
		t.Fatalf("reply = %+v", r)
	}
	f := r.Embeds[0].Fields[0]
	for _, want := range []string{"Washington", "\n— paragraph 1"} {
		if !strings.Contains(f.Value, want) {
			t.Errorf("first fact field lacks %q: %s", want, f.Value)
		}
	}
	if f.Name != "1. Trilateral migration 2024-02-28" {
		t.Errorf("first fact is headed %q, want its source and date", f.Name)
	}
	if !hasButton(r, "More") || !hasButton(r, "Source") {
		t.Errorf("answer lacks More/Source buttons: %+v", r.Buttons)
	}
}

func TestAskAbstainsWithSuggestionButtons(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	r := h.Handle(t.Context(), askRequest("What is the tallest mountain in the world?"))
	if len(r.Embeds) != 1 || !strings.Contains(r.Embeds[0].Description, "I don't know") {
		t.Fatalf("reply = %+v", r)
	}
	buttons := allButtons(r)
	if len(buttons) == 0 || len(buttons) > 3 {
		t.Fatalf("want 1-3 suggestion buttons, got %d", len(buttons))
	}
	// Pressing a suggestion asks it.
	r2 := h.Handle(t.Context(), press(r, buttons[0].CustomID))
	if len(r2.Embeds) != 1 {
		t.Fatalf("suggestion press reply = %+v", r2)
	}
}

func TestMoreAndSourceButtons(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{Top: 1})
	r := h.Handle(t.Context(), askRequest("What did the three countries agree to create?"))
	ids := buttonIDs(r)
	r2 := h.Handle(t.Context(), press(r, ids["More"]))
	if len(r2.Embeds) != 1 || len(r2.Embeds[0].Fields) == 0 || !strings.HasPrefix(r2.Embeds[0].Fields[0].Name, "2.") || !r2.Ephemeral {
		t.Errorf("More should show fact 2 onwards, privately: %+v", r2)
	}
	r3 := h.Handle(t.Context(), press(r, ids["Source"]))
	if !r3.Ephemeral || len(r3.Embeds) != 1 || !strings.Contains(r3.Embeds[0].Fields[0].Name, "Paragraph") {
		t.Errorf("Source should show the paragraph, privately: %+v", r3)
	}
	// More reads its question from the answer it is under: without it,
	// the button is not one the bot recognises.
	r4 := h.Handle(t.Context(), Request{Kind: KindButton, CustomID: ids["More"], UserID: "u1"})
	if !r4.Ephemeral || !strings.Contains(r4.Content, "recognise that button") {
		t.Errorf("More without its answer: %+v", r4)
	}
}

// press is the press of the button with custom id under reply r, as the
// adapter makes it: with the title of the reply's embed.
func press(r Reply, customID string) Request {
	req := Request{ID: "2", Kind: KindButton, CustomID: customID, UserID: "u1", GuildID: "g1"}
	if len(r.Embeds) > 0 {
		req.MessageTitle = r.Embeds[0].Title
	}
	return req
}

// buttonIDs maps the labels of r's buttons to their custom ids.
func buttonIDs(r Reply) map[string]string {
	out := map[string]string{}
	for _, b := range allButtons(r) {
		out[b.Label] = b.CustomID
	}
	return out
}

func TestEveryoneIsEscaped(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	r := h.Handle(t.Context(), askRequest("@everyone <@&123> where did the ministers meet?"))
	title := r.Embeds[0].Title
	if strings.Contains(title, "@everyone") || strings.Contains(title, "<@&") {
		t.Errorf("title echoes a live mention: %q", title)
	}
}

func TestAdminCommandsRefuseOthers(t *testing.T) {
	h, lib := newTestHandlers(t, HandlerOptions{AdminUsers: []string{"boss"}, AdminRoles: []string{"mods"}})
	tests := []struct {
		name  string
		req   Request
		admin bool
	}{
		{"member", Request{UserID: "u1", GuildID: "g1"}, false},
		{"manage server", Request{UserID: "u2", GuildID: "g1", ManageServer: true}, true},
		{"admin role", Request{UserID: "u4", GuildID: "g1", Roles: []string{"mods"}}, true},
		{"admin user in a DM", Request{UserID: "boss"}, true},
		{"manage server in a DM", Request{UserID: "u5", ManageServer: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := lib.reloads
			req := tt.req
			req.Kind, req.Command = KindCommand, cmdReload
			r := h.Handle(t.Context(), req)
			ran := lib.reloads > before
			if ran != tt.admin {
				t.Errorf("reload ran = %v, want %v (reply %q)", ran, tt.admin, r.Content)
			}
			if !tt.admin && (!r.Ephemeral || !strings.Contains(r.Content, "only server admins")) {
				t.Errorf("refusal should be a private note: %+v", r)
			}
		})
	}
}

func TestReloadFailureShowsError(t *testing.T) {
	h, lib := newTestHandlers(t, HandlerOptions{})
	lib.reloadErr = errors.New("reload: broken.md:3: front matter: bad date")
	r := h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true})
	if !strings.Contains(r.Content, "broken.md:3") || !strings.Contains(r.Content, "previous facts") {
		t.Errorf("reply = %q", r.Content)
	}
}

func TestRateLimit(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{RateCount: 2, RatePer: time.Hour})
	for i := range 2 {
		if r := h.Handle(t.Context(), askRequest("Where did the ministers meet?")); len(r.Embeds) == 0 {
			t.Fatalf("question %d refused: %+v", i+1, r)
		}
	}
	r := h.Handle(t.Context(), askRequest("Where did the ministers meet?"))
	if !r.Ephemeral || !strings.Contains(r.Content, "faster than I can keep up") {
		t.Errorf("third question: %+v", r)
	}
	other := askRequest("Where did the ministers meet?")
	other.UserID = "u2"
	if r := h.Handle(t.Context(), other); len(r.Embeds) == 0 {
		t.Error("another user was limited too")
	}
}

func TestAutocompleteFitsDiscord(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	for _, typed := range []string{"", "bl", "migr", "zzzzqqq", strings.Repeat("x", 500)} {
		for _, cmd := range []string{cmdAsk, cmdFact} {
			opt := optQuestion
			if cmd == cmdFact {
				opt = optID
			}
			r := h.Handle(t.Context(), Request{Kind: KindAutocomplete, Command: cmd, Focused: opt, Options: map[string]string{opt: typed}})
			if len(r.Choices) > maxChoices {
				t.Errorf("%s %q: %d choices", cmd, typed, len(r.Choices))
			}
			for _, c := range r.Choices {
				if utf8.RuneCountInString(c.Name) > maxChoiceName || utf8.RuneCountInString(c.Value) > maxChoiceValue {
					t.Errorf("%s %q: choice too long: %q", cmd, typed, c.Name)
				}
			}
			if typed == "" && len(r.Choices) == 0 {
				t.Errorf("%s: no choices for an empty prefix", cmd)
			}
		}
	}
}

func TestFactCommand(t *testing.T) {
	h, lib := newTestHandlers(t, HandlerOptions{})
	id := lib.ix.Facts()[0].ID
	r := h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdFact, Options: map[string]string{optID: id}})
	if len(r.Embeds) != 1 || !strings.Contains(r.Embeds[0].Title, id) {
		t.Errorf("reply = %+v", r)
	}
	r = h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdFact, Options: map[string]string{optID: "nope"}})
	if !r.Ephemeral || r.Content == "" {
		t.Errorf("unknown id: %+v", r)
	}
}

func TestStatsCountsUnanswered(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	for _, q := range []string{"Who wrote Hamlet?", "who wrote hamlet?", "Where did the ministers meet?"} {
		h.Handle(t.Context(), askRequest(q))
	}
	s := h.Stats().Snapshot(5)
	if s.Answered != 1 || s.Abstained != 2 || len(s.TopUnanswered) != 1 || s.TopUnanswered[0].Count != 2 {
		t.Errorf("snapshot = %+v", s)
	}
}

func TestFitEmbedLimits(t *testing.T) {
	long := strings.Repeat("word ", 3000)
	e := Embed{Title: long, Description: long, Footer: long}
	for range 40 {
		e.Fields = append(e.Fields, EmbedField{Name: long, Value: long})
	}
	e = fitEmbed(e)
	if utf8.RuneCountInString(e.Title) > maxEmbedTitle || utf8.RuneCountInString(e.Description) > maxEmbedDescription ||
		utf8.RuneCountInString(e.Footer) > maxFooter || len(e.Fields) > maxEmbedFields || embedSize(e) > maxEmbedTotal {
		t.Errorf("embed exceeds limits: title %d, description %d, fields %d, total %d",
			utf8.RuneCountInString(e.Title), utf8.RuneCountInString(e.Description), len(e.Fields), embedSize(e))
	}
	if got := trim("alpha beta gamma delta", 12); got != "alpha beta…" {
		t.Errorf("trim at a word boundary: %q", got)
	}
}

func FuzzTrimAndEscape(f *testing.F) {
	f.Add("@everyone hello", 10)
	f.Add("ünïcödé 🇲🇽 text", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = n%5000 + 1
		if n < 0 {
			n = -n
		}
		got := trim(s, n)
		if utf8.ValidString(s) && utf8.RuneCountInString(got) > n {
			t.Fatalf("trim(%q, %d) = %q, too long", s, n, got)
		}
		if e := escape(s); strings.Contains(e, "@everyone") || strings.Contains(e, "<@") {
			t.Fatalf("escape(%q) = %q still mentions", s, e)
		}
		if back, ok := unescape(escape(s)); utf8.ValidString(s) && (!ok || back != s) {
			t.Fatalf("unescape(escape(%q)) = %q, %v", s, back, ok)
		}
	})
}

func hasButton(r Reply, label string) bool {
	for _, b := range allButtons(r) {
		if b.Label == label {
			return true
		}
	}
	return false
}

func allButtons(r Reply) []Button {
	var out []Button
	for _, row := range r.Buttons {
		out = append(out, row...)
	}
	return out
}

func TestAdminGuildsRestrictManageServer(t *testing.T) {
	h, lib := newTestHandlers(t, HandlerOptions{AdminGuilds: []string{"home"}})
	for _, tt := range []struct {
		guild string
		ran   bool
	}{{"home", true}, {"elsewhere", false}} {
		before := lib.reloads
		h.Handle(t.Context(), Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: tt.guild,
			ManageServer: true})
		if ran := lib.reloads > before; ran != tt.ran {
			t.Errorf("guild %s: reload ran = %v, want %v", tt.guild, ran, tt.ran)
		}
	}
}

func TestButtonsRejectForgedIDs(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	r := h.Handle(t.Context(), askRequest("What did the three countries agree to create?"))
	ids := buttonIDs(r)
	_, check, _ := strings.Cut(strings.TrimPrefix(ids["More"], "more:"), ":")
	for _, id := range []string{"more:-1:" + check, "more:999999999999:" + check, "more:31:" + check, "more:3:nope", "more:3",
		ids["Source"] + ",", ids["Source"] + ",fzzzzzzzzzzz", "src:", "sug:", "sug:" + strings.Repeat("x", 97), "zzz", "more", ":"} {
		r := h.Handle(t.Context(), press(r, id))
		if !r.Ephemeral || !strings.Contains(r.Content, "recognise that button") {
			t.Errorf("%q: want a private error, got %+v", id, r)
		}
	}
	// A More whose check is not its answer's question's.
	other := "more:3:" + questionCheck("Who wrote Hamlet?")
	if r := h.Handle(t.Context(), press(r, other)); !r.Ephemeral || !strings.Contains(r.Content, "ask it again") {
		t.Errorf("%q: want the question asked again, got %+v", other, r)
	}
}

// The handlers take the bot's own Request and give its own Reply: no
// Discord type is involved (this file imports no Discord library), so any
// transport can use them.
func TestHandlersWithPlainTypes(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{Top: 2})
	r := h.Handle(t.Context(), Request{ID: "1", Kind: KindCommand, Command: cmdAsk, UserID: "u1",
		Options: map[string]string{optQuestion: "What did the three countries agree to create?", optPrivate: "true"}})
	if !r.Ephemeral || r.Content != "" || len(r.Embeds) != 1 || len(r.Choices) != 0 {
		t.Fatalf("reply = %+v", r)
	}
	e := r.Embeds[0]
	if !strings.HasPrefix(e.Title, "Q: What did") || e.Color != colorAnswer || !strings.Contains(e.Footer, "Confidence") || len(e.Fields) != 2 {
		t.Errorf("embed = %+v", e)
	}
	if !strings.HasPrefix(e.Fields[0].Name, "1. ") || !strings.HasPrefix(e.Fields[0].Value, "> ") || !strings.Contains(e.Fields[0].Value, "— ") {
		t.Errorf("first field = %+v, want a numbered, quoted, cited fact", e.Fields[0])
	}
	if len(r.Buttons) != 1 || len(r.Buttons[0]) != 2 {
		t.Fatalf("buttons = %+v, want one row: Source, More", r.Buttons)
	}
	for i, want := range []string{"Source", "More"} {
		if b := r.Buttons[0][i]; b.Label != want || b.Style != ButtonSecondary || b.CustomID == "" {
			t.Errorf("button %d = %+v, want %s", i, b, want)
		}
	}
	c := h.Handle(t.Context(), Request{Kind: KindAutocomplete, Command: cmdAsk, Focused: optQuestion, Options: map[string]string{optQuestion: "migr"}})
	if len(c.Choices) == 0 || c.Choices[0].Name == "" || c.Choices[0].Value == "" {
		t.Errorf("choices = %+v", c.Choices)
	}
}

// An upload arrives as the bot's own Attachment.
func TestReloadWithPlainAttachment(t *testing.T) {
	h, lib := newTestHandlers(t, HandlerOptions{MaxAttachment: 100})
	admin := Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true}
	admin.Attachment = &Attachment{Name: "dir/notes.md", URL: "https://files.example/notes.md", Size: 101}
	if r := h.Handle(t.Context(), admin); !r.Ephemeral || !strings.Contains(r.Content, "too large") || len(lib.added) != 0 {
		t.Errorf("oversized upload: %+v, added %v", r, lib.added)
	}
	admin.Attachment.Size = 10
	if r := h.Handle(t.Context(), admin); !strings.Contains(r.Content, "Reloaded") || len(lib.added) != 1 || lib.added[0] != "notes.md" {
		t.Errorf("upload: %+v, added %v", r, lib.added)
	}
}

// escape, which copies the text between the characters it escapes, says
// the same as escaping rune by rune, and turns invalid UTF-8 into U+FFFD
// as that does.
func TestEscapeMatchesRuneByRune(t *testing.T) {
	for _, s := range []string{
		"", "plain words", "(AFP)", "@everyone <@123> #general", "a\\b*c_d~e`f|g>h#i[j]k(l)m", "ñandú — “quoted” (2024)",
		"@", "<", "**bold** and __under__", "emoji 🙂 @here", "bad \xff byte (x)", "\xc3(",
	} {
		if got, want := escape(s), escapeRunes(s); got != want {
			t.Errorf("escape(%q) = %q, rune by rune %q", s, got, want)
		}
	}
}
