package bot

// Tests of the bot's Spanish: every kind of reply, rendered for a member
// whose Discord locale is Spanish, carries no English of the bot's own
// (only the facts, quoted as their sources have them).

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/agreementbot/agreementbot/knowledge"
)

const (
	spanishLocale   = "es-419"
	spanishQuestion = "¿Dónde se reunieron los cancilleres?"
	offTopicSpanish = "¿Cuál es la montaña más alta del mundo?"
)

// inSpanish sets the request's locale to Spanish.
func inSpanish(req Request) Request {
	req.Locale = spanishLocale
	return req
}

// spanishReplies renders every kind of reply the bot gives, for a member
// whose locale is Spanish, by name.
func spanishReplies(t *testing.T) map[string]Reply {
	t.Helper()
	h, lib := newTestHandlers(t, HandlerOptions{Top: 1, MaxAttachment: 100})
	out := map[string]Reply{}
	add := func(name string, req Request) Reply {
		r := h.Handle(t.Context(), inSpanish(req))
		out[name] = r
		return r
	}
	admin := Request{Kind: KindCommand, Command: cmdReload, UserID: "u", GuildID: "g", ManageServer: true}

	answered := add("answer", askRequest(spanishQuestion))
	for _, b := range allButtons(answered) {
		add("button "+b.CustomID[:strings.Index(b.CustomID, ":")], press(answered, b.CustomID))
	}
	abstained := add("abstention", askRequest(offTopicSpanish))
	add("suggestion", press(abstained, allButtons(abstained)[0].CustomID))
	add("sources", Request{Kind: KindCommand, Command: cmdSources})
	for _, f := range oneFactOfEachKind(lib.ix) {
		add("fact "+string(f.Kind), Request{Kind: KindCommand, Command: cmdFact, Options: map[string]string{optID: f.ID}})
	}
	add("help", Request{Kind: KindCommand, Command: cmdHelp})
	add("reload", admin)
	add("stats", Request{Kind: KindCommand, Command: cmdStats, UserID: "u", GuildID: "g", ManageServer: true})
	add("not an admin", Request{Kind: KindCommand, Command: cmdStats, UserID: "u", GuildID: "g"})
	upload := admin
	upload.Attachment = &Attachment{Name: "notes.md", URL: "https://files.example/notes.md", Size: 101}
	add("upload too large", upload)
	lib.reloadErr = knowledge.SourceErrors{
		{Path: "sources/a.md", Line: 2, Err: errors.New("front matter: bad date")},
		{Path: "sources/b.yaml", Line: 7, Err: errors.New("facts: empty text")},
	}.Err()
	add("reload failed", admin)
	add("unknown command", Request{Kind: KindCommand, Command: "frobnicate"})
	add("no question", Request{Kind: KindCommand, Command: cmdAsk})
	add("unknown button", Request{Kind: KindButton, CustomID: "zap:1"})
	add("question cut", Request{Kind: KindButton, CustomID: moreButtonID(3, "gone"), MessageTitle: "P: " + strings.Repeat("a", 252) + "…"})
	add("no such fact", Request{Kind: KindCommand, Command: cmdFact, Options: map[string]string{optID: "nope"}})

	for name, r := range spanishErrorReplies(t, h) {
		out[name] = r
	}
	return out
}

// spanishErrorReplies renders, in Spanish, the errors the handlers above
// do not reach from a request: the adapter's and the rarer failures.
func spanishErrorReplies(t *testing.T, h *Handlers) map[string]Reply {
	t.Helper()
	es, log := languageFor("es"), slog.New(slog.NewTextHandler(io.Discard, nil))
	req := inSpanish(Request{ID: "1"})
	out := map[string]Reply{}
	errs := map[string]error{
		"restarting":    ErrRestarting,
		"rate limited":  &rateLimited{burst: 5, per: 10 * time.Second},
		"empty":         fmt.Errorf("answer: %w", knowledge.ErrEmptyQuestion),
		"too long":      knowledge.ErrQuestionTooLong,
		"panic":         errPanicked,
		"download":      &notice{msg: msg("error.download_failed", vars{"name": "notes.md"}), cause: errors.New("403")},
		"reload, other": &reloadFailed{err: errors.New("reload: open store: disk full")},
		"option":        Malformed(msg("request.option", vars{"option": msg("command.ask.option.question.name", nil), "problem": msg("request.no_value", nil)})),
	}
	for key := range english().Messages {
		if strings.HasPrefix(key, "request.") && key != "request.option" {
			errs[key] = Malformed(msg(key, vars{"type": 5, "length": 7000, "limit": 6000}))
		}
	}
	for name, err := range errs {
		out["error "+name] = errorReply(log, req, err, es)
	}
	if _, err := h.more(t.Context(), req, "zzzz qqqq", 3); err != nil {
		out["no more facts"] = errorReply(log, req, err, es)
	}
	if _, err := h.sourceParagraphs([]string{"gone"}, es); err != nil {
		out["facts gone"] = errorReply(log, req, err, es)
	}
	out["invitation"] = Reply{Content: es.text("message.invitation")}
	many := &testLibrary{ix: manySources{h.lib.Index()}}
	out["many sources"] = NewHandlers(many, HandlerOptions{}, nil, log).sources(es)
	return out
}

// oneFactOfEachKind returns the first fact of each kind in ix.
func oneFactOfEachKind(ix knowledge.Index) []knowledge.Fact {
	seen := map[knowledge.Kind]bool{}
	var out []knowledge.Fact
	for _, f := range ix.Facts() {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			out = append(out, f)
		}
	}
	return out
}

// manySources is an index with more sources than an embed has fields.
type manySources struct{ knowledge.Index }

func (m manySources) Sources() []knowledge.Source {
	var out []knowledge.Source
	for i := range maxEmbedFields + 5 {
		out = append(out, knowledge.Source{ID: fmt.Sprint("s", i), Title: fmt.Sprint("Fuente ", i)})
	}
	return out
}

// codeBlock is a Markdown code block: a failed reload's problems, in the
// library's words, with the files' own.
var codeBlock = regexp.MustCompile("(?s)```.*?```")

// shownTexts are the parts of a reply the bot wrote: everything but the
// quoted facts ("> " lines), which stay as their sources have them, and
// code blocks.
func shownTexts(r Reply) []string {
	out := []string{codeBlock.ReplaceAllString(r.Content, "")}
	for _, e := range r.Embeds {
		out = append(out, e.Title, e.Description, e.Footer)
		for _, f := range e.Fields {
			out = append(out, f.Name)
			for _, line := range strings.Split(f.Value, "\n") {
				if !strings.HasPrefix(line, "> ") {
					out = append(out, line)
				}
			}
		}
	}
	for _, b := range allButtons(r) {
		out = append(out, b.Label)
	}
	return out
}

// englishPhrases are the words of the English catalogue (each text's parts
// between placeholders, of at least four letters), and phrases the bot
// said in English before it spoke Spanish.
func englishPhrases() []string {
	out := []string{"Q: ", "I don't know", "Did you mean", "Confidence", "paragraph", "sentence", "under “", "Sorry",
		"Please", "Reloaded", "Sources", "Source", "More", "Fact ", "score", "quoted word for word", "only server admins",
		"faster than I can keep up", "Answered", "Not answered", "Most frequent", "is too large", "Reload failed"}
	for key, text := range english().Messages {
		if strings.HasPrefix(key, "command.") || (languageFor("es").text(key) == text) {
			continue
		}
		for _, part := range placeholder.Split(text, -1) {
			part = strings.TrimFunc(part, func(r rune) bool { return !unicode.IsLetter(r) })
			if letters(part) >= 4 && !strings.Contains(languageFor("es").text(key), part) { // "problem" is in "problemas"
				out = append(out, part)
			}
		}
	}
	return out
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// No reply to a Spanish-speaking member holds the bot's English, or a
// placeholder left unfilled.
func TestSpanishRepliesHaveNoEnglish(t *testing.T) {
	replies := spanishReplies(t)
	phrases := englishPhrases()
	unfilled := regexp.MustCompile(`\{[a-z_]+\}`)
	for name, r := range replies {
		for _, text := range shownTexts(r) {
			for _, p := range phrases {
				if strings.Contains(text, p) {
					t.Errorf("%s: English %q in %q", name, p, text)
				}
			}
			if p := unfilled.FindString(text); p != "" {
				t.Errorf("%s: placeholder %s left in %q", name, p, text)
			}
		}
	}
	if len(replies) < 40 {
		t.Errorf("rendered %d replies; every kind should be", len(replies))
	}
}

// The Spanish frame around the English fact: title, citation, note,
// footer and buttons in Spanish; the fact as the source has it.
func TestSpanishAnswerFrame(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{Top: 1})
	r := h.Handle(t.Context(), inSpanish(askRequest(spanishQuestion)))
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) != 1 {
		t.Fatalf("reply = %+v", r)
	}
	e := r.Embeds[0]
	f := e.Fields[0]
	checks := map[string]bool{
		"title":    e.Title == "P: "+spanishQuestion,
		"heading":  f.Name == "1. Trilateral migration 2024-02-28",
		"quote":    strings.HasPrefix(f.Value, "> The agreement took place in Washington, at a meeting of foreign ministers"),
		"citation": strings.HasSuffix(f.Value, "\n— párrafo 1, oración 2"),
		"note":     e.Description == "*Los datos se citan en inglés, textualmente, tal como aparecen en sus fuentes.*",
		"footer":   strings.HasPrefix(e.Footer, "Confianza 0.") && strings.HasSuffix(e.Footer, " · datos citados textualmente de las fuentes"),
		"buttons":  len(r.Buttons) == 1 && len(r.Buttons[0]) == 2 && r.Buttons[0][0].Label == "Fuente" && r.Buttons[0][1].Label == "Más",
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("%s wrong: %+v", what, r)
		}
	}
	// The same question from a member whose locale is English: English
	// frame, no note (the facts are in the reply's language).
	en := askRequest(spanishQuestion)
	en.Locale = "en-US"
	r = h.Handle(t.Context(), en)
	if e := r.Embeds[0]; !strings.HasPrefix(e.Title, "Q: ") || e.Description != "" || !strings.HasPrefix(e.Footer, "Confidence") {
		t.Errorf("English locale: %+v", e)
	}
}

// A message has no locale: its reply speaks the question's language.
func TestMessageRepliesInTheQuestionsLanguage(t *testing.T) {
	h, _ := newTestHandlers(t, HandlerOptions{})
	note := "*Los datos se citan en inglés, textualmente, tal como aparecen en sus fuentes.*"
	for _, tt := range []struct {
		question, title, footer, description string
	}{
		{spanishQuestion, "P: ", "Confianza", note},
		{"Where did the foreign ministers meet?", "Q: ", "Confidence", ""},
		{offTopicSpanish, "P: ", "Confianza", "No lo sé: nada en mis fuentes responde a eso. ¿Quisiste decir alguno de estos?\n• "},
		{"What is the tallest mountain in the world?", "Q: ", "Confidence", "I don't know: nothing in my sources answers that. Did you mean one of these?\n• "},
	} {
		r := h.Handle(t.Context(), Request{ID: "m", Kind: KindMessage, Text: tt.question, UserID: "u1"})
		if len(r.Embeds) != 1 {
			t.Fatalf("%q: reply %+v", tt.question, r)
		}
		e := r.Embeds[0]
		if !strings.HasPrefix(e.Title, tt.title) || !strings.HasPrefix(e.Footer, tt.footer) || !strings.HasPrefix(e.Description, tt.description) ||
			(tt.description == "") != (e.Description == "") {
			t.Errorf("%q: embed %+v, want title %q, footer %q, description %q", tt.question, e, tt.title, tt.footer, tt.description)
		}
	}
	// A Spanish message that cannot be asked is told so in Spanish.
	long := "¿Dónde se reunieron los cancilleres? " + strings.Repeat("de los migrantes ", 100)
	if r := h.Handle(t.Context(), Request{ID: "m", Kind: KindMessage, Text: long, UserID: "u2"}); !strings.Contains(r.Content, "pregunta") {
		t.Errorf("too long Spanish message: %+v, want the refusal in Spanish", r)
	}
	// Nothing to tell the language by: English.
	if r := h.Handle(t.Context(), Request{Kind: KindMessage, Text: "  "}); !strings.HasPrefix(r.Content, "Ask me anything") {
		t.Errorf("empty message: %+v", r)
	}
}

// spanishSources is an index whose sources say they are in Spanish.
type spanishSources struct{ knowledge.Index }

func (spanishSources) SourceLanguage(string) string { return "es" }

// The note compares the reply's language with each fact's source's: none
// when they agree, the source's language named in the reply's when not.
func TestQuoteNoteFollowsTheSourcesLanguage(t *testing.T) {
	h, lib := newTestHandlers(t, HandlerOptions{})
	lib.ix = spanishSources{lib.ix}
	r := h.Handle(t.Context(), inSpanish(askRequest(spanishQuestion)))
	if d := r.Embeds[0].Description; d != "" {
		t.Errorf("Spanish reply over Spanish sources has a note: %q", d)
	}
	r = h.Handle(t.Context(), askRequest("Where did the foreign ministers meet?"))
	if d := r.Embeds[0].Description; d != "*The facts are quoted in Spanish, word for word as their sources have them.*" {
		t.Errorf("English reply over Spanish sources: note %q", d)
	}
}
