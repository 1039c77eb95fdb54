package bot

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Library is what the bot needs of the knowledge engine: the index serving
// now, and the two ways admins change it.
type Library interface {
	Index() knowledge.Index
	Reload(ctx context.Context) (knowledge.ReloadReport, error)
	AddSource(ctx context.Context, name string, data []byte) (knowledge.ReloadReport, error)
}

// HandlerOptions tune the handlers.
type HandlerOptions struct {
	Top        int      // facts per answer
	Threshold  float64  // confidence needed to answer
	Ephemeral  bool     // answers visible only to the asker by default
	AdminUsers []string // user ids allowed to use admin commands
	AdminRoles []string // role ids allowed to use admin commands
	// AdminGuilds, when set, are the only servers whose Manage Server
	// members are admins: the sources are shared by every server the bot
	// is in, so a server elsewhere must not be able to change them.
	AdminGuilds []string
	RateCount   int           // questions a user may ask...
	RatePer     time.Duration // ...per this long
	// MaxAttachment bounds a source uploaded with /reload, in bytes.
	MaxAttachment int64
	// SharedLimiter, when set, keeps the rate limits outside this
	// process (in Redis) so replicas share them; when it fails, this
	// process's own limiter takes over until it works again.
	SharedLimiter SharedLimiter
	// SharedStats, when set, keeps the /stats counters outside this
	// process so replicas share them; when they fail, /stats shows this
	// process's own counts until they work again.
	SharedStats SharedStats
	// Observer is told of every question and every /reload (and, by a
	// gateway transport over these handlers, of its connection); nil: nothing
	// is told.
	Observer Observer

	// ConfidentThreshold is the confidence needed to answer confidently;
	// below it an answer is tentative. 0 means the engine's default.
	ConfidentThreshold float64

	// Activity, when set, keeps the history of questions and votes: every
	// question is recorded in it off the answering path (see
	// [Handlers.Close]), and answers get 👍 and 👎 buttons whose votes
	// it keeps. Nil: nothing is kept, and answers have no vote buttons.
	Activity ActivityLog
}

// Downloader fetches an attachment; the adapter provides one.
type Downloader func(ctx context.Context, url string, limit int64) ([]byte, error)

// Handlers answer requests. They are safe for concurrent use.
type Handlers struct {
	lib      Library
	set      HandlerOptions
	stats    *Stats // this process's counts
	recorder StatsRecorder
	limiter  Limiter
	download Downloader
	obs      Observer
	activity *activityRecorder // nil without HandlerOptions.Activity
	log      *slog.Logger
}

// NewHandlers returns handlers over lib.
func NewHandlers(lib Library, set HandlerOptions, download Downloader, log *slog.Logger) *Handlers {
	set.Top = knowledge.Options{Top: set.Top}.Normalize().Top
	if set.MaxAttachment <= 0 {
		set.MaxAttachment = 1 << 20
	}
	obs := set.Observer
	if obs == nil {
		obs = nopObserver{}
	}
	stats := NewStats()
	lim, rec := newStateFor(set, stats)
	var activity *activityRecorder
	if set.Activity != nil {
		activity = newActivityRecorder(set.Activity, log)
	}
	return &Handlers{
		activity: activity,
		lib:      lib,
		set:      set,
		stats:    stats,
		recorder: rec,
		limiter:  lim,
		download: download,
		obs:      obs,
		log:      log,
	}
}

// Stats returns this process's question counters (whatever
// HandlerOptions.SharedStats count).
func (h *Handlers) Stats() *Stats { return h.stats }

// StatsSnapshot returns what /stats shows: the shared counters when
// HandlerOptions.SharedStats is set and works, else this process's.
func (h *Handlers) StatsSnapshot(ctx context.Context, n int) StatsSnapshot {
	return h.recorder.Snapshot(ctx, n)
}

// allow checks the user's rate limit, returning the refusal when over it.
func (h *Handlers) allow(ctx context.Context, userID string) error {
	if ok, retry := h.limiter.Allow(ctx, userID); !ok {
		return &rateLimited{burst: h.set.RateCount, per: h.set.RatePer, retryAfter: retry}
	}
	return nil
}

// Handle answers one request. A failure is answered by errorReply, the
// one place errors become the user's words. Handle never panics on bad
// input; callers still wrap it in Recover, in case of a bug. A question
// is reported to the Observer once answered, or refused, or failed (a
// panic counts as an error).
func (h *Handlers) Handle(ctx context.Context, req Request) Reply {
	start, outcome := time.Now(), OutcomeError // a panic leaves it so
	if entry := questionEntry(req); entry != "" {
		defer func() { h.obs.Question(entry, outcome, time.Since(start)) }()
	}
	if req.Kind == KindMessage && req.Locale == "" && strings.TrimSpace(req.Text) != "" {
		// A message has no locale: whatever the reply says, even that the
		// question cannot be asked, it says in the question's language.
		req.Locale = h.lib.Index().Language(req.Text)
	}
	r, err := h.route(ctx, req)
	outcome = questionOutcome(r, err)
	if err != nil {
		return errorReply(h.log, req, err, requestLanguage(req))
	}
	return r
}

// requestLanguage is the language of a reply to req that owes nothing to
// an answer: an interaction's locale's ("es-419" is Spanish), else
// English. A message's locale is the language its text is written in, set
// by Handle.
func requestLanguage(req Request) *language { return localeLanguage(req.Locale) }

// replyLanguage is the language of the reply to a question: an
// interaction's locale's, since Discord says what language the member
// reads; for a message, which has no locale, the language the engine
// found the question asked in.
func replyLanguage(req Request, ans knowledge.Answer) *language {
	if req.Locale != "" {
		return localeLanguage(req.Locale)
	}
	return languageFor(ans.Language)
}

// route runs the handler for the request's kind.
func (h *Handlers) route(ctx context.Context, req Request) (Reply, error) {
	switch req.Kind {
	case KindAutocomplete:
		return h.autocomplete(req), nil
	case KindMessage:
		return h.message(ctx, req)
	case KindMessageMenu:
		return h.ask(ctx, req, req.Text, h.set.Ephemeral)
	case KindButton:
		return h.button(ctx, req)
	case KindCommand:
		return h.command(ctx, req)
	}
	return Reply{}, errUnknownCommand
}

// command runs a slash command, recognised by its default (English) name,
// which Discord sends whatever the member's locale and the localized name
// it showed them (see Commands).
func (h *Handlers) command(ctx context.Context, req Request) (Reply, error) {
	l := requestLanguage(req)
	switch req.Command {
	case cmdAsk:
		q, ok := req.Options[optQuestion]
		if !ok || strings.TrimSpace(q) == "" {
			return Reply{}, refuse("error.no_question", nil)
		}
		return h.ask(ctx, req, q, h.ephemeral(req))
	case cmdSources:
		return h.sources(l), nil
	case cmdFact:
		return h.fact(req.Options[optID], l)
	case cmdHelp:
		return helpReply(l), nil
	case cmdReload:
		return h.admin(req, func() (Reply, error) { return h.reload(ctx, req, l) })
	case cmdStats:
		return h.admin(req, func() (Reply, error) { return h.statsReply(ctx, l), nil })
	}
	return Reply{}, errUnknownCommand
}

// Ephemeral reports whether the reply to req will be visible only to the
// asker. The adapter needs it before the handler runs, to defer correctly.
func (h *Handlers) Ephemeral(req Request) bool {
	switch req.Kind {
	case KindMessage:
		return false
	case KindButton:
		kind, _, _ := strings.Cut(req.CustomID, ":")
		return kind != buttonSuggestion || h.set.Ephemeral
	case KindCommand:
		switch req.Command {
		case cmdAsk:
			return h.ephemeral(req)
		case cmdReload, cmdStats, cmdFact, cmdHelp, cmdSources:
			return true
		}
	}
	return h.set.Ephemeral
}

func (h *Handlers) ephemeral(req Request) bool {
	if v, ok := req.Options[optPrivate]; ok {
		return v == "true"
	}
	return h.set.Ephemeral
}

// ask answers a question with an embed of cited facts and buttons, in the
// language replyLanguage chooses.
func (h *Handlers) ask(ctx context.Context, req Request, question string, ephemeral bool) (Reply, error) {
	if err := h.allow(ctx, req.UserID); err != nil {
		return Reply{}, err
	}
	start := time.Now()
	ix := h.lib.Index()
	ans, more, err := h.answer(ctx, ix, question, 0)
	latency := time.Since(start)
	if err != nil {
		if outcome := questionOutcome(Reply{}, err); outcome == OutcomeRefused {
			h.recordQuestion(req, question, ans, outcome, latency)
		}
		return Reply{}, err
	}
	h.recordQuestion(req, question, ans, answerOutcome(ans), latency)
	h.recorder.Record(ctx, ans)
	h.log.Info("question", append(logAttrs(ctx), "id", req.ID, "user", req.UserID, "kind", kindName(req.Kind),
		"answered", ans.Answered, "tentative", ans.Tentative, "confidence", ans.Confidence, "facts", len(ans.Facts), "language", ans.Language,
		"latency", latency)...)
	return answerReply(ix, ans, 0, more, h.activity != nil, ephemeral, replyLanguage(req, ans)), nil
}

// answer asks ix for the page of facts after the first offset; more says
// whether a "More" button has anything to show.
func (h *Handlers) answer(ctx context.Context, ix knowledge.Index, question string, offset int) (ans knowledge.Answer, more bool, err error) {
	ans, err = ix.Answer(ctx, question, knowledge.Options{Top: h.set.Top, Threshold: h.set.Threshold,
		ConfidentThreshold: h.set.ConfidentThreshold, Offset: offset})
	if ans.Tentative && len(ans.Facts) > 1 {
		// Unsure, the bot shows only the closest fact; More shows the next.
		ans.Facts, ans.More = ans.Facts[:1], true
	}
	return ans, ans.More && offset+len(ans.Facts) <= knowledge.MaxOffset, err
}

// answerReply renders an answer from ix in l, with its buttons (see
// answerButtons), votes among them when votes is set.
func answerReply(ix knowledge.Index, ans knowledge.Answer, offset int, more, votes, ephemeral bool, l *language) Reply {
	facts := make([]knowledge.Fact, 0, len(ans.Facts))
	for _, f := range ans.Facts {
		facts = append(facts, f.Fact)
	}
	return Reply{Embeds: []Embed{answerEmbed(ans, offset, l, quoteNote(ix, facts, l))}, Ephemeral: ephemeral,
		abstained: !ans.Answered, tentative: ans.Tentative, Buttons: rows(answerButtons(ans, offset, more, votes, l))}
}

// answerButtons are the buttons under an answer, labelled in l, each
// carrying in its custom id what pressing it needs (see buttons.go): under
// facts, "Source" (for the facts whose ids fit), when there are more,
// "More", and with votes, 👍 and 👎 on the answer (its first fact, when
// of a fact's shape); under an abstention, one per suggestion that fits
// in a custom id (the others are only listed in the text).
func answerButtons(ans knowledge.Answer, offset int, more, votes bool, l *language) []Button {
	var out []Button
	if !ans.Answered {
		for _, s := range ans.Suggestions {
			if id, ok := suggestionButtonID(s); ok {
				out = append(out, button(s, id, ButtonPrimary))
			}
		}
		return out
	}
	ids := make([]string, 0, len(ans.Facts))
	for _, f := range ans.Facts {
		ids = append(ids, f.ID)
	}
	if id, n := sourceButtonID(ids); n > 0 {
		out = append(out, button(l.text("button.source"), id, ButtonSecondary))
	}
	if more {
		out = append(out, button(l.text("button.more"), moreButtonID(offset+len(ans.Facts), ans.Question), ButtonSecondary))
	}
	if votes && len(ans.Facts) > 0 && validFactID(ans.Facts[0].ID) {
		out = append(out, button(l.text("button.vote_up"), voteButtonID(true, ans.Question, ans.Facts[0].ID), ButtonSecondary),
			button(l.text("button.vote_down"), voteButtonID(false, ans.Question, ans.Facts[0].ID), ButtonSecondary))
	}
	return out
}

// button answers a press of a button under an answer from what its custom
// id carries, and for More from the title of the answer it is under.
func (h *Handlers) button(ctx context.Context, req Request) (Reply, error) {
	b, err := parseButtonID(req.CustomID)
	if err != nil {
		return Reply{}, err
	}
	switch b.kind {
	case buttonSuggestion:
		return h.ask(ctx, req, b.suggestion, h.set.Ephemeral)
	case buttonSource:
		return h.sourceParagraphs(b.factIDs, requestLanguage(req))
	case buttonVote:
		return h.vote(ctx, req, b)
	}
	question, err := moreQuestion(req.MessageTitle, b.check)
	if err != nil {
		return Reply{}, err
	}
	return h.more(ctx, req, question, b.offset)
}

// moreQuestion is the question a More button is for: the one read back
// from the title of the answer it is under whose check is the button's.
// When none is, the title was cut to fit Discord's limits (or is not an
// answer's at all), and the member is asked to ask again.
func moreQuestion(title, check string) (string, error) {
	questions, isAnswer := titleQuestions(title)
	if !isAnswer {
		return "", errUnknownButton
	}
	for _, q := range questions {
		if questionCheck(q) == check {
			return q, nil
		}
	}
	return "", refuse("error.question_cut", nil)
}

// more shows the facts after the first offset of an earlier answer.
func (h *Handlers) more(ctx context.Context, req Request, question string, offset int) (Reply, error) {
	if err := h.allow(ctx, req.UserID); err != nil {
		return Reply{}, err
	}
	ix := h.lib.Index()
	ans, more, err := h.answer(ctx, ix, question, offset)
	if err != nil || !ans.Answered || len(ans.Facts) == 0 {
		return Reply{}, &notice{msg: msg("error.no_more_facts", nil), cause: err}
	}
	return answerReply(ix, ans, offset, more, false, true, replyLanguage(req, ans)), nil
}

// vote keeps a member's 👍 or 👎 on an answer and tells them, privately
// and in their language, that it is taken; the question's text is read
// back from the answer's title when it can be. When the vote cannot be
// kept, the member is told so.
func (h *Handlers) vote(ctx context.Context, req Request, b buttonData) (Reply, error) {
	if h.activity == nil {
		return Reply{}, refuse("vote.failed", nil)
	}
	v := ActivityVote{At: time.Now(), Check: b.check, FactID: b.factID, Up: b.up, UserID: req.UserID}
	if questions, ok := titleQuestions(req.MessageTitle); ok {
		for _, q := range questions {
			if ActivityCheck(q) == b.check {
				v.Question = ActivityText(q)
				break
			}
		}
	}
	res, err := h.activity.vote(ctx, v)
	if err != nil {
		h.obs.Vote(b.up, VoteResultFailed)
		return Reply{}, &notice{msg: msg("vote.failed", nil), cause: err}
	}
	l := requestLanguage(req)
	key := map[VoteResult]string{VoteCounted: "vote.counted", VoteChanged: "vote.changed", VoteKept: "vote.kept"}[res]
	if key == "" {
		h.obs.Vote(b.up, VoteResultFailed)
		return Reply{}, fmt.Errorf("vote: the activity history answered %d", res)
	}
	h.obs.Vote(b.up, map[VoteResult]string{VoteCounted: VoteResultCounted, VoteChanged: VoteResultChanged, VoteKept: VoteResultKept}[res])
	label := l.text("button.vote_down")
	if b.up {
		label = l.text("button.vote_up")
	}
	return Reply{Content: l.format(key, vars{"vote": label}), Ephemeral: true}, nil
}

// sourceParagraphs shows, in l, the whole paragraph each fact came from,
// headed by the fact's id, for /fact.
func (h *Handlers) sourceParagraphs(ids []string, l *language) (Reply, error) {
	ix := h.lib.Index()
	e := Embed{Title: l.text("paragraphs.title"), Color: colorAnswer}
	var facts []knowledge.Fact
	for _, id := range ids {
		f, ok := ix.Fact(id)
		if !ok {
			continue
		}
		facts = append(facts, f)
		text := f.Text
		if p, ok := ix.Paragraph(f); ok && f.Kind != knowledge.KindTweet {
			text = p.Text
		}
		e.Fields = append(e.Fields, EmbedField{
			Name: trim(l.format("paragraphs.field", vars{"paragraph": f.Citation.Paragraph, "title": escape(trim(f.Citation.Title, 120)),
				"id": f.ID}), maxFieldName),
			Value: trim(quote(text), maxFieldValue-80) + "\n— " + citation(f.Citation, l),
		})
	}
	if len(e.Fields) == 0 {
		return Reply{}, refuse("error.facts_gone", nil)
	}
	e.Description = quoteNote(ix, facts, l)
	return Reply{Embeds: []Embed{fitEmbed(e)}, Ephemeral: true}, nil
}

// message answers a direct message, or a server message that mentions the
// bot; the adapter has already dropped other messages and bots' messages.
// With no text there is no language to tell, so the invitation to ask is
// in English.
func (h *Handlers) message(ctx context.Context, req Request) (Reply, error) {
	q := strings.TrimSpace(req.Text)
	if q == "" {
		return Reply{Content: requestLanguage(req).text("message.invitation")}, nil
	}
	return h.ask(ctx, req, q, false)
}

func (h *Handlers) autocomplete(req Request) Reply {
	typed := req.Options[req.Focused]
	ix := h.lib.Index()
	var choices []Choice
	switch {
	case req.Command == cmdFact:
		for _, f := range ix.MatchFacts(typed, maxChoices) {
			choices = append(choices, choice(f.ID+" — "+strings.Join(strings.Fields(f.Text), " "), f.ID))
		}
	default:
		for _, s := range ix.Complete(typed, maxChoices) {
			choices = append(choices, choice(s, s))
		}
	}
	return Reply{Choices: choices, abstained: len(choices) == 0}
}

// sources lists, in l, the sources the answers come from.
func (h *Handlers) sources(l *language) Reply {
	ix := h.lib.Index()
	counts := ix.FactCounts()
	e := Embed{Title: l.text("sources.title"), Color: colorAnswer}
	sources := ix.Sources()
	if len(sources) > maxEmbedFields {
		e.Description = l.format("sources.first", vars{"sources": l.plural("count.sources", len(sources)), "shown": maxEmbedFields - 1})
		sources = sources[:maxEmbedFields-1]
	}
	for _, s := range sources {
		var parts []string
		if s.Date != "" {
			parts = append(parts, s.Date)
		}
		if s.Publisher != "" {
			parts = append(parts, escape(s.Publisher))
		}
		if s.Credit != "" {
			parts = append(parts, escape(s.Credit))
		}
		parts = append(parts, l.plural("count.facts", counts[s.ID]))
		if s.URL != "" {
			parts = append(parts, s.URL)
		}
		e.Fields = append(e.Fields, EmbedField{Name: trim(s.Title, maxFieldName), Value: strings.Join(parts, " · ")})
	}
	return Reply{Embeds: []Embed{fitEmbed(e)}, Ephemeral: true}
}

// fact shows, in l, one fact with its citation.
func (h *Handlers) fact(id string, l *language) (Reply, error) {
	ix := h.lib.Index()
	f, ok := ix.Fact(strings.TrimSpace(id))
	if !ok {
		return Reply{}, refuse("error.no_such_fact", nil)
	}
	field := factBody(f, l)
	field.Name = trim(factSource(f, l), maxFieldName)
	e := Embed{Title: l.format("fact.title", vars{"id": f.ID}), Color: colorAnswer, Fields: []EmbedField{field},
		Description: quoteNote(ix, []knowledge.Fact{f}, l)}
	return Reply{Embeds: []Embed{fitEmbed(e)}, Ephemeral: true}, nil
}

// helpReply says, in l, what the bot does and how to ask.
func helpReply(l *language) Reply {
	return Reply{Ephemeral: true, Embeds: []Embed{{
		Title:       l.text("help.title"),
		Color:       colorAnswer,
		Description: l.text("help.description"),
	}}}
}

// isAdmin reports whether the requester may use admin commands: the Manage
// Server or Administrator permission in this server (one of AdminGuilds,
// when set), or a configured admin user or role. Checked on every use,
// whatever Discord's own command permissions say.
func (h *Handlers) isAdmin(req Request) bool {
	if slices.Contains(h.set.AdminUsers, req.UserID) {
		return true
	}
	if req.GuildID == "" {
		return false
	}
	trusted := len(h.set.AdminGuilds) == 0 || slices.Contains(h.set.AdminGuilds, req.GuildID)
	if trusted && req.ManageServer {
		return true
	}
	for _, r := range req.Roles {
		if slices.Contains(h.set.AdminRoles, r) {
			return true
		}
	}
	return false
}

func (h *Handlers) admin(req Request, run func() (Reply, error)) (Reply, error) {
	if !h.isAdmin(req) {
		return Reply{}, refuse("error.admins_only", nil)
	}
	return run()
}

// reload re-reads the sources, with the attached one added or replaced,
// and says in l what changed.
func (h *Handlers) reload(ctx context.Context, req Request, l *language) (Reply, error) {
	var rep knowledge.ReloadReport
	var err error
	if a := req.Attachment; a != nil {
		name := path.Base(a.Name)
		if a.Size > h.set.MaxAttachment {
			return Reply{}, tooLarge(name, a.Size, h.set.MaxAttachment)
		}
		var data []byte
		data, err = h.download(ctx, a.URL, h.set.MaxAttachment)
		if err != nil {
			return Reply{}, &notice{msg: msg("error.download_failed", vars{"name": escape(name)}), cause: err}
		}
		rep, err = h.AddSource(ctx, req, name, data)
	} else {
		rep, err = h.ChangeSources(ctx, req, h.lib.Reload)
	}
	if err != nil {
		return Reply{}, err
	}
	return Reply{Ephemeral: true, Content: reloadDone(rep, l)}, nil
}

// AddSource adds a source an admin uploaded (named name, holding data)
// and reloads: the path of /reload with an attachment once downloaded,
// which the dashboard's upload takes too. A file over the attachment
// limit is refused; the library checks the rest (see ChangeSources).
// req says who asked, for the log.
func (h *Handlers) AddSource(ctx context.Context, req Request, name string, data []byte) (knowledge.ReloadReport, error) {
	if n := int64(len(data)); n > h.set.MaxAttachment {
		return knowledge.ReloadReport{}, tooLarge(name, n, h.set.MaxAttachment)
	}
	return h.ChangeSources(ctx, req, func(ctx context.Context) (knowledge.ReloadReport, error) {
		return h.lib.AddSource(ctx, name, data)
	})
}

// ChangeSources runs change, a reload of the library's (Reload,
// AddSource, or a source removed), for an admin's request req, and
// reports it as /reload does: the Observer told, the reload logged. A
// failure comes back as an error ErrorText words with every problem the
// library found; the previous facts keep serving.
func (h *Handlers) ChangeSources(ctx context.Context, req Request, change func(context.Context) (knowledge.ReloadReport, error)) (knowledge.ReloadReport, error) {
	rep, err := change(ctx)
	h.obs.Reload(ReloadCommand, err == nil)
	if err != nil {
		return rep, &reloadFailed{err: err}
	}
	h.obs.Loaded(rep.Sources, rep.Facts)
	h.log.Info("reloaded", append(logAttrs(ctx), "id", req.ID, "user", req.UserID, "sources", rep.Sources,
		"facts", rep.Facts, "added", rep.Added, "removed", rep.Removed, "changed", rep.Changed,
		"duration", rep.Duration)...)
	return rep, nil
}

// tooLarge refuses an upload of size bytes over limit.
func tooLarge(name string, size, limit int64) error {
	return refuse("error.upload_too_large", vars{"name": escape(name), "size": size, "limit": limit})
}

// reloadDone says, in l, what a reload changed, and which files it did
// not read.
func reloadDone(rep knowledge.ReloadReport, l *language) string {
	text := l.format("reload.done", vars{"sources": l.plural("count.sources", rep.Sources),
		"facts": l.plural("count.facts", rep.Facts), "added": l.plural("count.added", rep.Added),
		"removed": l.plural("count.removed", rep.Removed), "changed": l.plural("count.changed", rep.Changed),
		"duration": rep.Duration.Round(time.Millisecond).String()})
	if len(rep.Skipped) > 0 {
		text += "\n" + skippedText(rep.Skipped, l)
	}
	if len(rep.Warnings) > 0 {
		text += "\n" + warningsText(rep.Warnings, l)
	}
	return text
}

// ErrorText is what the user who made req reads about err, in the
// language of req's locale: errorReply's words (the one place errors
// become them), logged as it logs them, for a front end other than
// Discord's (the dashboard).
func (h *Handlers) ErrorText(req Request, err error) string {
	return errorReply(h.log, req, err, requestLanguage(req)).Content
}

// maxWarningsShown bounds, in bytes, the problems a reload's reply shows
// that did not stop it; the log names them all.
const maxWarningsShown = 800

// warningsText tells an admin, in l, the problems in the sources that a
// reload served despite (a taught question whose fact is gone), each with
// its file and line, in the library's words as the files are.
func warningsText(list knowledge.SourceErrors, l *language) string {
	body := trim(strings.ReplaceAll(list.Error(), "```", "'''"), maxWarningsShown)
	return l.format("reload.warnings", vars{"problems": l.plural("count.problems", len(list))}) + "\n```\n" + body + "\n```"
}

// maxSkippedShown bounds the skipped files a reload's reply names, so that
// a folder of photos cannot push it past Discord's limit; the log names
// them all.
const maxSkippedShown = 10

// skippedText tells an admin, in l, which files of the sources directory
// a reload did not read, and why.
func skippedText(files []knowledge.SkippedFile, l *language) string {
	var b strings.Builder
	for i, f := range files[:min(len(files), maxSkippedShown)] {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.format("reload.skipped_file."+string(f.Reason), vars{"name": escape(f.Name)}))
	}
	if more := len(files) - maxSkippedShown; more > 0 {
		b.WriteString("\n" + l.format("reload.skipped_more", vars{"count": more}))
	}
	return l.format("reload.skipped", vars{"count": len(files), "files": b.String()})
}

// statsReply shows admins, in l, the questions answered and not answered.
func (h *Handlers) statsReply(ctx context.Context, l *language) Reply {
	s := h.recorder.Snapshot(ctx, 10)
	e := Embed{Title: l.format("stats.title", vars{"since": s.Since.UTC().Format("2006-01-02 15:04 UTC")}), Color: colorAnswer}
	e.Description = l.format("stats.summary", vars{"answered": s.Answered, "tentative": s.Tentative, "abstained": s.Abstained})
	if len(s.TopUnanswered) > 0 {
		var b strings.Builder
		for _, u := range s.TopUnanswered {
			fmt.Fprintf(&b, "%d× %s\n", u.Count, escape(u.Question))
		}
		e.Fields = append(e.Fields, EmbedField{Name: l.text("stats.top_unanswered"), Value: b.String()})
	}
	return Reply{Embeds: []Embed{fitEmbed(e)}, Ephemeral: true}
}

func kindName(k Kind) string {
	switch k {
	case KindCommand:
		return "command"
	case KindAutocomplete:
		return "autocomplete"
	case KindButton:
		return "button"
	case KindMessageMenu:
		return "message-menu"
	case KindMessage:
		return "message"
	}
	return "unknown"
}
