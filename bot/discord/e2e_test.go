package discord_test

// End-to-end tests: the real bot (discordgo session, adapter, handlers,
// knowledge library on disk) against discordfake, a local fake of
// Discord's REST API and gateway, started by the harness (startBot). Each
// test starts its own fake, bot and library over a fresh copy of the
// article, so tests run in parallel; the load test runs on its own
// because it asserts Discord's 3-second acknowledgement limit.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

const adminNotes = "source: {title: Admin notes, date: 2024-03-05}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n"

// 1. Commands are registered by bulk overwrite, globally or per guild.
func TestE2ECommandsRegistered(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		guilds []string
		where  string
	}{
		{"global", nil, ""},
		{"guild", []string{"g1"}, "g1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startBot(t, withGuilds(tc.guilds...))
			if _, err := e.f.WaitRequest(waitCtx(t, e2eWait), func(r discordfake.Request) bool {
				return r.Method == "PUT" && strings.Contains(r.Route, "commands")
			}); err != nil {
				t.Fatalf("no bulk overwrite (PUT commands): %v", err)
			}
			if tc.where != "" && len(e.f.Commands("")) != 0 {
				t.Errorf("with GuildIDs set, global commands were registered too: %d", len(e.f.Commands("")))
			}
			byName := map[string]*discordgo.ApplicationCommand{}
			for _, c := range e.f.Commands(tc.where) {
				byName[c.Name] = c
			}
			for _, name := range []string{"ask", "sources", "fact", "help", "reload", "stats", "Ask agreementbot"} {
				if byName[name] == nil {
					t.Errorf("command %q not registered (have %v)", name, keys(byName))
				}
			}
			if len(byName) != 7 {
				t.Errorf("registered %d commands, want 7: %v", len(byName), keys(byName))
			}
			if m := byName["Ask agreementbot"]; m != nil && m.Type != discordgo.MessageApplicationCommand {
				t.Errorf("Ask agreementbot has type %d, want message command (3)", m.Type)
			}
			if a := byName["ask"]; a != nil {
				wantCtx := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel}
				if a.Contexts == nil || !sameSet(*a.Contexts, wantCtx) {
					t.Errorf("ask contexts = %v, want %v", deref(a.Contexts), wantCtx)
				}
				wantInst := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
				if a.IntegrationTypes == nil || !sameSet(*a.IntegrationTypes, wantInst) {
					t.Errorf("ask integration types = %v, want %v", deref(a.IntegrationTypes), wantInst)
				}
				if len(a.Options) == 0 || a.Options[0].Name != "question" || !a.Options[0].Required || !a.Options[0].Autocomplete {
					t.Errorf("ask options = %+v", a.Options)
				}
			}
			for _, name := range []string{"reload", "stats"} {
				c := byName[name]
				if c == nil {
					continue
				}
				if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != discordgo.PermissionManageGuild {
					t.Errorf("%s default_member_permissions = %v, want Manage Server (%d)", name, deref(c.DefaultMemberPermissions), discordgo.PermissionManageGuild)
				}
			}
		})
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sameSet[T comparable](got, want []T) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// 2. /ask in a guild answers with a cited fact, pinging nobody.
func TestE2EAskInGuild(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	r := e.interact(t, ask(member(), "Where did the foreign ministers meet?"))
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource && r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("response type %d, want 4 (or 5 then edit)", r.Type)
	}
	first := answerText(t, r)
	for _, want := range []string{"Washington", "\n— paragraph 1"} {
		if !strings.Contains(first, want) {
			t.Errorf("first fact lacks %q: %s", want, first)
		}
	}
	if name := r.Embeds[0].Fields[0].Name; name != articleHeading(1) {
		t.Errorf("first fact is headed %q, want its source and date: %q", name, articleHeading(1))
	}
	if r.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Errorf("answer is ephemeral by default (flags %d)", r.Flags)
	}
	checkNoMentions(t, r.Mentions)
	labels := []string{}
	for _, b := range buttons(r.Components) {
		labels = append(labels, b.Label)
	}
	if !slices.Contains(labels, "More") || !slices.Contains(labels, "Source") {
		t.Errorf("answer buttons = %v, want More and Source", labels)
	}
	if bad := e.f.FailedRequests(); len(bad) != 0 {
		t.Errorf("failed requests: %+v", bad)
	}
}

// 3. Autocomplete answers with choices within Discord's limits.
func TestE2EAutocomplete(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	check := func(t *testing.T, r reply) {
		t.Helper()
		if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
			t.Fatalf("response type %d, want 8", r.Type)
		}
		if n := len(r.Choices); n < 1 || n > 25 {
			t.Fatalf("%d choices, want 1..25", n)
		}
		for _, c := range r.Choices {
			v := fmt.Sprint(c.Value)
			if utf8.RuneCountInString(c.Name) > 100 || utf8.RuneCountInString(v) > 100 || c.Name == "" || v == "" {
				t.Errorf("choice out of limits: name %q (%d) value %q (%d)", c.Name, utf8.RuneCountInString(c.Name), v, utf8.RuneCountInString(v))
			}
		}
	}
	for _, typed := range []string{"bli", "", "migr"} {
		t.Run("ask/"+typed, func(t *testing.T) {
			check(t, e.interact(t, discordfake.NewAutocompleteInteraction(member(), "ask",
				discordfake.Focused(discordfake.StringOpt("question", typed)))))
		})
	}
	for _, typed := range []string{"", "wash"} {
		t.Run("fact/"+typed, func(t *testing.T) {
			r := e.interact(t, discordfake.NewAutocompleteInteraction(dm(), "fact",
				discordfake.Focused(discordfake.StringOpt("id", typed))))
			check(t, r)
			// The chosen id shows that fact.
			id := fmt.Sprint(r.Choices[0].Value)
			f := e.interact(t, discordfake.NewSlashInteraction(dm(), "fact", discordfake.StringOpt("id", id)))
			if len(f.Embeds) != 1 || !strings.Contains(f.Embeds[0].Title, id) || f.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("/fact %s = content %q embeds %s flags %d", id, f.Content, embedsJSON(f.Embeds), f.Flags)
			}
		})
	}
}

// 4. A direct message is answered in the DM channel.
func TestE2EDirectMessage(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	in := discordfake.NewUserMessage(dm(), "Where did the foreign ministers meet?")
	if err := e.f.DispatchMessage(in); err != nil {
		t.Fatal(err)
	}
	m, err := e.f.WaitMessage(waitCtx(t, e2eWait), func(m discordfake.SentMessage) bool {
		return m.Kind == discordfake.KindChannelMessage && m.ChannelID == e2eDMChannel
	})
	if err != nil {
		t.Fatalf("no answer to the DM: %v", err)
	}
	if len(m.Message.Embeds) != 1 || len(m.Message.Embeds[0].Fields) == 0 || !strings.Contains(m.Message.Embeds[0].Fields[0].Value, "Washington") {
		t.Errorf("DM answer = %q %s", m.Message.Content, embedsJSON(m.Message.Embeds))
	}
	checkNoMentions(t, mentionsOf(m.Body))
}

// 5. A server message mentioning the bot is answered as a reply to it.
func TestE2EMentionInGuild(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	self := e.f.BotUser()
	in := discordfake.NewUserMessage(member(), "<@"+self.ID+"> who hosted the foreign ministers?")
	in.Mentions = []*discordgo.User{self}
	if err := e.f.DispatchMessage(in); err != nil {
		t.Fatal(err)
	}
	m, err := e.f.WaitMessage(waitCtx(t, e2eWait), func(m discordfake.SentMessage) bool {
		return m.Kind == discordfake.KindChannelMessage && m.ChannelID == e2eChannel
	})
	if err != nil {
		t.Fatalf("no answer to the mention: %v", err)
	}
	ref := m.Message.MessageReference
	if ref == nil || ref.MessageID != in.ID || ref.ChannelID != e2eChannel {
		t.Errorf("message_reference = %+v, want message %s in %s", ref, in.ID, e2eChannel)
	}
	if len(m.Message.Embeds) != 1 || len(m.Message.Embeds[0].Fields) == 0 {
		t.Fatalf("mention answer = %q %s", m.Message.Content, embedsJSON(m.Message.Embeds))
	}
	if title := m.Message.Embeds[0].Title; strings.Contains(title, "<@") {
		t.Errorf("the bot's mention was echoed in the title: %q", title)
	}
	checkNoMentions(t, mentionsOf(m.Body))
}

// 6. Server messages without a mention, and bots' messages, are ignored.
func TestE2EIgnoredMessages(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	plain := discordfake.NewUserMessage(member(), "Where did the foreign ministers meet?")
	fromBot := discordfake.NewUserMessage(dm(), "Where did the foreign ministers meet?")
	fromBot.Author = &discordgo.User{ID: "4000000000000000009", Username: "otherbot", Bot: true}
	guildBot := discordfake.NewUserMessage(member(), "<@"+e.f.BotUser().ID+"> where did they meet?")
	guildBot.Author = fromBot.Author
	guildBot.Mentions = []*discordgo.User{e.f.BotUser()}
	ignored := []*discordgo.Message{plain, fromBot, guildBot}
	for _, m := range ignored {
		if err := e.f.DispatchMessage(m); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if m, err := e.f.WaitMessage(ctx, func(discordfake.SentMessage) bool { return true }); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the bot answered an ignored message: %+v (err %v)", m.Message, err)
	}

	// A DM dispatched after them is answered; by then the ignored ones
	// have long been handled, and still nothing was sent for them.
	q := discordfake.NewUserMessage(dm(), "Where did the foreign ministers meet?")
	if err := e.f.DispatchMessage(q); err != nil {
		t.Fatal(err)
	}
	if _, err := e.f.WaitMessage(waitCtx(t, e2eWait), func(m discordfake.SentMessage) bool {
		return m.ChannelID == e2eDMChannel && m.Kind == discordfake.KindChannelMessage
	}); err != nil {
		t.Fatalf("no answer to the DM after the ignored messages: %v", err)
	}
	msgs := e.f.Messages()
	if len(msgs) != 1 {
		t.Errorf("sent %d messages, want only the DM answer", len(msgs))
	}
	for _, m := range msgs {
		if ref := m.Message.MessageReference; ref != nil && slices.ContainsFunc(ignored, func(x *discordgo.Message) bool { return x.ID == ref.MessageID }) {
			t.Errorf("answered ignored message %s", ref.MessageID)
		}
	}
}

// 7. An off-topic question: "I don't know", with suggestion buttons that
// ask a question the sources answer.
func TestE2EOffTopicSuggestions(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	q := ask(member(), "What is the tallest mountain in the world?")
	r := e.interact(t, q)
	if len(r.Embeds) != 1 || !strings.Contains(r.Embeds[0].Description, "I don't know") {
		t.Fatalf("off-topic reply = %q %s", r.Content, embedsJSON(r.Embeds))
	}
	if len(r.Embeds[0].Fields) != 0 {
		t.Errorf("abstention quotes facts: %s", embedsJSON(r.Embeds))
	}
	bs := buttons(r.Components)
	if len(bs) < 1 || len(bs) > 3 {
		t.Fatalf("%d suggestion buttons, want 1..3: %+v", len(bs), bs)
	}
	msg, found := e.f.OriginalResponse(q.ID) // the message the buttons are on
	if !found {
		t.Fatal("the fake has no original response message")
	}
	press := e.interact(t, discordfake.NewButtonInteraction(member(), bs[0].CustomID, msg))
	if len(press.Embeds) != 1 || len(press.Embeds[0].Fields) == 0 {
		t.Fatalf("pressing %q (%s) got content %q embeds %s", bs[0].Label, bs[0].CustomID, press.Content, embedsJSON(press.Embeds))
	}
	if strings.Contains(press.Embeds[0].Description, "I don't know") {
		t.Errorf("suggestion %q was not answered: %s", bs[0].Label, embedsJSON(press.Embeds))
	}
	checkNoMentions(t, press.Mentions)
}

// 8. /reload by a member without Manage Server is refused privately and
// changes nothing.
func TestE2EReloadRefusedForMember(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	before := e.lib.Index()
	writeSource(t, e.dir, "notes.yaml", adminNotes)
	r := e.interact(t, discordfake.NewSlashInteraction(member(), "reload"))
	if r.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("refusal not ephemeral (flags %d)", r.Flags)
	}
	if !strings.Contains(strings.ToLower(r.Content), "only server admins") || strings.Contains(r.Content, "Reloaded") {
		t.Errorf("refusal = %q", r.Content)
	}
	if after := e.lib.Index(); after != before || len(after.Facts()) != len(before.Facts()) {
		t.Errorf("a refused reload changed the library: %d facts before, %d after", len(before.Facts()), len(after.Facts()))
	}
	// /stats too.
	s := e.interact(t, discordfake.NewSlashInteraction(member(), "stats"))
	if s.Flags&discordgo.MessageFlagsEphemeral == 0 || len(s.Embeds) != 0 {
		t.Errorf("/stats by a member = %q %s flags %d", s.Content, embedsJSON(s.Embeds), s.Flags)
	}
}

// 9. /reload by an admin picks up a new source, which then answers.
func TestE2EReloadByAdmin(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	facts := len(e.lib.Index().Facts())
	writeSource(t, e.dir, "notes.yaml", adminNotes)
	r := e.interact(t, discordfake.NewSlashInteraction(admin(), "reload"))
	if !strings.Contains(r.Content, "Reloaded") || !strings.Contains(r.Content, "1 added") {
		t.Fatalf("reload reply = %q", r.Content)
	}
	if r.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("reload reply not ephemeral (flags %d)", r.Flags)
	}
	if got := len(e.lib.Index().Facts()); got != facts+1 {
		t.Errorf("facts after reload = %d, want %d", got, facts+1)
	}
	a := e.interact(t, ask(member(), "Where did the working group first meet?"))
	if first := answerText(t, a); !strings.Contains(first, "Mexico City") || a.Embeds[0].Fields[0].Name != "1. Curated fact · Admin notes · 2024-03-05" {
		t.Errorf("first fact = %q %s, want the Mexico City fact from Admin notes", a.Embeds[0].Fields[0].Name, first)
	}
	// /stats works for admins and counts the question.
	s := e.interact(t, discordfake.NewSlashInteraction(admin(), "stats"))
	if len(s.Embeds) != 1 || !strings.Contains(s.Embeds[0].Description, "Answered: **1**") {
		t.Errorf("/stats = %q %s", s.Content, embedsJSON(s.Embeds))
	}
}

// 10. A broken source: the admin sees the file and line, and the old facts
// keep answering.
func TestE2EReloadBrokenSource(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	before := e.lib.Index()
	writeSource(t, e.dir, "broken.md", "---\ndate: yesterday\n---\nx\n")
	r := e.interact(t, discordfake.NewSlashInteraction(admin(), "reload"))
	if r.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("error not ephemeral (flags %d)", r.Flags)
	}
	if !strings.Contains(r.Content, "Reload failed") || !strings.Contains(r.Content, "broken.md:2") {
		t.Errorf("reload error = %q, want it to name broken.md line 2", r.Content)
	}
	if e.lib.Index() != before {
		t.Error("a failed reload swapped the index")
	}
	a := e.interact(t, ask(member(), "Where did the foreign ministers meet?"))
	if first := answerText(t, a); !strings.Contains(first, "Washington") {
		t.Errorf("after a failed reload, first fact = %s", first)
	}
}

// 11. /reload with an attached source saves it and answers from it.
func TestE2EReloadAttachment(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	doc := "---\ntitle: Follow-up report\ndate: 2024-03-06\n---\n\nThe working group first met in Mexico City on 5 March 2024.\n"
	url := e.f.AddAttachment("follow-up.md", []byte(doc))
	att := &discordgo.MessageAttachment{ID: "5000000000000000001", Filename: "follow-up.md", URL: url, ProxyURL: url,
		Size: len(doc), ContentType: "text/markdown"}
	i := discordfake.NewSlashInteraction(admin(), "reload",
		&discordfake.Option{Name: "file", Type: discordgo.ApplicationCommandOptionAttachment, Value: att.ID})
	d := i.Data.(discordgo.ApplicationCommandInteractionData)
	d.Resolved = &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{att.ID: att}}
	i.Data = d
	r := e.interact(t, i)
	if !strings.Contains(r.Content, "Reloaded") || !strings.Contains(r.Content, "1 added") {
		t.Fatalf("reload reply = %q", r.Content)
	}
	saved, err := os.ReadFile(filepath.Join(e.dir, "follow-up.md"))
	if err != nil || string(saved) != doc {
		t.Errorf("saved source = %q, %v", saved, err)
	}
	a := e.interact(t, ask(member(), "Where did the working group first meet?"))
	if first := answerText(t, a); !strings.Contains(first, "Mexico City") || a.Embeds[0].Fields[0].Name != "1. Follow-up report · 2024-03-06" {
		t.Errorf("first fact = %q %s, want the Mexico City fact from the follow-up report", a.Embeds[0].Fields[0].Name, first)
	}
}

// 12. 200 concurrent questions while an admin reloads: every one is
// acknowledged and answered, none fails, and the reload completes. How
// fast they are acknowledged is logged, not asserted: on a shared machine
// running the whole suite a wall-clock bound fails for reasons of its own.
// BenchmarkInteractionLatency measures it, and TestE2EDeferredReply shows
// with a held reload that a slow reply is deferred within Discord's limit.
func TestE2EConcurrentAsksDuringReload(t *testing.T) {
	e := startBot(t)
	writeSource(t, e.dir, "notes.yaml", adminNotes)
	questions := []string{
		"Where did the foreign ministers meet?",
		"Who is the Guatemalan foreign minister?",
		"What did the three countries agree to create?",
		"Who hosted the foreign ministers?",
		"What is the tallest mountain in the world?",
	}
	const n = 200
	ctx := waitCtx(t, 60*time.Second)
	// The reload goes first, so the questions arrive while it runs.
	reloadI := discordfake.NewSlashInteraction(admin(), "reload")
	reloadStart := time.Now()
	if err := e.f.DispatchInteraction(reloadI); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var reload reply
	var reloadErr error
	wg.Go(func() { reload, reloadErr = e.await(ctx, reloadI, reloadStart) })
	replies := make([]reply, n)
	errs := make([]error, n)
	for k := range n {
		wg.Go(func() {
			o := discordfake.InGuild(e2eGuild, e2eChannel, discordfake.Member(fmt.Sprintf("31%017d", k), 0))
			c, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			replies[k], errs[k] = e.tryInteract(c, ask(o, questions[k%len(questions)]))
		})
	}
	wg.Wait()
	if reloadErr != nil {
		t.Fatalf("reload: %v", reloadErr)
	}
	if !strings.Contains(reload.Content, "Reloaded") {
		t.Errorf("reload reply = %q", reload.Content)
	}
	var acks []time.Duration
	deferred, beforeReload := 0, 0
	for k := range n {
		if errs[k] != nil {
			t.Errorf("ask %d: %v", k, errs[k])
			continue
		}
		r := replies[k]
		acks = append(acks, r.Ack)
		if r.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			deferred++
		}
		if r.AckedAt.Before(reload.AckedAt) {
			beforeReload++
		}
		if len(r.Embeds) != 1 {
			t.Errorf("ask %d (%q): content %q embeds %s", k, questions[k%len(questions)], r.Content, embedsJSON(r.Embeds))
		}
	}
	if len(acks) > 0 {
		slices.Sort(acks)
		t.Logf("%d asks + reload: acknowledgement p50 %s, p99 %s, max %s; %d deferred; %d answered before the reload's reply (%q)",
			len(acks), acks[len(acks)/2], acks[len(acks)*99/100], acks[len(acks)-1], deferred, beforeReload, reload.Content)
	}
	if got := len(e.lib.Index().Facts()); got == 0 {
		t.Error("no facts after the reload")
	}
	if bad := e.f.FailedRequests(); len(bad) != 0 {
		t.Errorf("%d failed requests, first %+v", len(bad), bad[0])
	}
}

// 13. After the gateway connection drops, the bot resumes and answers.
func TestE2EResumeAfterDrop(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	if err := e.f.WaitHeartbeat(waitCtx(t, e2eWait)); err != nil {
		t.Fatal(err)
	}
	e.f.DropConnections()
	if err := e.f.WaitFor(waitCtx(t, e2eWait), func() bool { return e.f.Resumes() >= 1 && e.f.Connected() == 1 }); err != nil {
		t.Fatalf("no resume: resumes=%d identifies=%d connected=%d: %v", e.f.Resumes(), e.f.Identifies(), e.f.Connected(), err)
	}
	if e.f.Identifies() != 1 {
		t.Errorf("identifies = %d, want 1 (a resume, not a new session)", e.f.Identifies())
	}
	r := e.interact(t, ask(member(), "Where did the foreign ministers meet?"))
	if first := answerText(t, r); !strings.Contains(first, "Washington") {
		t.Errorf("first fact after resume = %s", first)
	}
}

// 14. "@everyone" in a question pings nobody and is not echoed live.
func TestE2EEveryoneNotPinged(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	q := "@everyone <@&123> where did the foreign ministers meet?"
	r := e.interact(t, ask(member(), q))
	checkNoMentions(t, r.Mentions)
	if len(r.Embeds) != 1 {
		t.Fatalf("reply = %q %s", r.Content, embedsJSON(r.Embeds))
	}
	title := r.Embeds[0].Title
	if strings.Contains(title, "@everyone") || strings.Contains(title, "<@&") {
		t.Errorf("title echoes a live mention: %q", title)
	}
	if !strings.Contains(title, "everyone") {
		t.Errorf("title lost the question: %q", title)
	}
	if strings.Contains(r.Content, "@everyone") {
		t.Errorf("content echoes a live mention: %q", r.Content)
	}

	// The same through a DM, which goes through the message route.
	in := discordfake.NewUserMessage(dm(), q)
	if err := e.f.DispatchMessage(in); err != nil {
		t.Fatal(err)
	}
	m, err := e.f.WaitMessage(waitCtx(t, e2eWait), func(m discordfake.SentMessage) bool { return m.ChannelID == e2eDMChannel })
	if err != nil {
		t.Fatal(err)
	}
	checkNoMentions(t, mentionsOf(m.Body))
	if len(m.Message.Embeds) != 1 || strings.Contains(m.Message.Embeds[0].Title, "@everyone") {
		t.Errorf("DM reply = %s", embedsJSON(m.Message.Embeds))
	}
}

// 15. The "Ask agreementbot" message menu asks with the message's text.
func TestE2EMessageMenu(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	target := &discordgo.Message{ID: "4000000000000000002", ChannelID: e2eChannel, GuildID: e2eGuild,
		Content: "Who is the Guatemalan foreign minister?", Author: discordfake.User("3000000000000000005")}
	r := e.interact(t, discordfake.NewMessageCommandInteraction(member(), "Ask agreementbot", target))
	if first := answerText(t, r); !strings.Contains(first, "Carlos Ramiro Martínez") {
		t.Errorf("first fact = %s, want Carlos Ramiro Martínez", first)
	}
	checkNoMentions(t, r.Mentions)
}

// 16. Malformed interactions get a private error and the bot keeps
// working.
func TestE2EMalformedInteractions(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	noUser := discordfake.NewSlashInteraction(discordfake.Origin{GuildID: e2eGuild, ChannelID: e2eChannel}, "ask",
		discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	noUser.Member, noUser.User = nil, nil
	emptyMenu := discordfake.NewMessageCommandInteraction(member(), "Ask agreementbot",
		&discordgo.Message{ID: "4000000000000000003", ChannelID: e2eChannel, Author: discordfake.User(e2eUser)})
	tests := []struct {
		name string
		i    *discordgo.Interaction
		want string
	}{
		{"no user", noUser, "no user"},
		{"unknown command", discordfake.NewSlashInteraction(member(), "frobnicate"), "know that command"},
		{"ask without question", discordfake.NewSlashInteraction(member(), "ask"), "give a question"},
		{"unknown button", discordfake.NewButtonInteraction(member(), "zap:1", nil), "recognise that button"},
		{"menu on an empty message", emptyMenu, "no text"},
		{"modal submit", discordfake.NewModalSubmitInteraction(member(), "form", discordfake.TextField{CustomID: "x", Value: "y"}), "not supported"},
		{"question too long", ask(member(), strings.Repeat("where ", 1100)), "too long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.interact(t, tc.i)
			if r.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("error reply not ephemeral (flags %d): %q", r.Flags, r.Content)
			}
			if !strings.Contains(r.Content, tc.want) {
				t.Errorf("error reply = %q, want it to mention %q", r.Content, tc.want)
			}
			checkNoMentions(t, r.Mentions)
		})
	}
	r := e.interact(t, ask(member(), "Where did the foreign ministers meet?"))
	if first := answerText(t, r); !strings.Contains(first, "Washington") {
		t.Errorf("after malformed interactions, first fact = %s", first)
	}
	if bad := e.f.FailedRequests(); len(bad) != 0 {
		t.Errorf("failed requests: %+v", bad)
	}
}

// gatedLibrary holds every reload until the gate is opened, to make a
// reply slow deterministically.
type gatedLibrary struct {
	*library.Library
	entered chan struct{} // receives when a reload is waiting at the gate
	gate    chan struct{} // closed to let reloads through
}

func gate(l *library.Library) *gatedLibrary {
	return &gatedLibrary{Library: l, entered: make(chan struct{}, 8), gate: make(chan struct{})}
}

func (g *gatedLibrary) Reload(ctx context.Context) (knowledge.ReloadReport, error) {
	g.entered <- struct{}{}
	<-g.gate
	return g.Library.Reload(ctx)
}

func recvWithin[T any](tb testing.TB, ch <-chan T, d time.Duration, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		tb.Fatalf("timed out after %s waiting for %s", d, what)
		panic("unreachable")
	}
}

// A reply slower than DeferAfter is acknowledged with a deferral (with the
// reply's visibility) and edited in later; questions are answered while
// the reload is held.
func TestE2EDeferredReply(t *testing.T) {
	t.Parallel()
	var g *gatedLibrary
	e := startBot(t, withDeferAfter(100*time.Millisecond),
		withLibrary(func(l *library.Library) bot.Library { g = gate(l); return g }))
	writeSource(t, e.dir, "notes.yaml", adminNotes)
	i := discordfake.NewSlashInteraction(admin(), "reload")
	start := time.Now()
	if err := e.f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	recvWithin(t, g.entered, e2eWait, "the reload to start")
	resp, err := e.f.WaitInteractionResponse(waitCtx(t, e2eWait), i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ack := time.Since(start); ack > ackLimit {
		t.Errorf("deferral sent after %s", ack)
	}
	if resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("response type %d, want 5 (deferred)", resp.Type)
	}
	if resp.Data == nil || resp.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("deferral of an admin reply is not ephemeral: %+v", resp.Data)
	}

	// The reload is still held: questions are answered meanwhile.
	a := e.interact(t, ask(member(), "Where did the foreign ministers meet?"))
	if first := answerText(t, a); !strings.Contains(first, "Washington") {
		t.Errorf("first fact during the reload = %s", first)
	}
	if m, found := e.f.OriginalResponse(i.ID); found && m.Content != "" {
		t.Errorf("deferred reply edited before the reload finished: %q", m.Content)
	}

	close(g.gate)
	r, err := e.await(waitCtx(t, e2eWait), i, start)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Content, "Reloaded") || !strings.Contains(r.Content, "1 added") {
		t.Errorf("edited reply = %q", r.Content)
	}
	checkNoMentions(t, r.Mentions)
	if orig, found := e.f.OriginalResponse(i.ID); !found || orig.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("original response = %+v, want ephemeral", orig)
	}
}

// panickyLibrary panics whenever a handler asks it anything: Index (every
// question) at once, Reload after delay, so that the reply is deferred
// first.
type panickyLibrary struct {
	*library.Library
	delay time.Duration
}

func (p *panickyLibrary) Index() knowledge.Index { panic("test: the index is broken") }

func (p *panickyLibrary) Reload(context.Context) (knowledge.ReloadReport, error) {
	time.Sleep(p.delay)
	panic("test: the reload is broken")
}

// A handler that panics is answered with a polite private note, on every
// path: an interaction answered at once, a deferred one, a message. The
// panic is logged with the request's id and no token, and the bot keeps
// serving.
func TestE2EPanicsAnsweredPolitely(t *testing.T) {
	t.Parallel()
	e := startBot(t, withDeferAfter(time.Second),
		withLibrary(func(l *library.Library) bot.Library { return &panickyLibrary{Library: l, delay: 2 * time.Second} }))
	const sorry = "Sorry, something went wrong on my side. Please try again."

	q := ask(member(), "Where did the foreign ministers meet?")
	r := e.interact(t, q)
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Content != sorry || r.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("immediate reply: type %d flags %d content %q, want a private %q", r.Type, r.Flags, r.Content, sorry)
	}
	checkNoMentions(t, r.Mentions)

	reload := discordfake.NewSlashInteraction(admin(), "reload")
	r = e.interact(t, reload)
	if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || r.Content != sorry || r.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("deferred reply: type %d flags %d content %q, want a private deferral edited to %q", r.Type, r.Flags, r.Content, sorry)
	}
	checkNoMentions(t, r.Mentions)

	in := discordfake.NewUserMessage(dm(), "Where did the foreign ministers meet?")
	if err := e.f.DispatchMessage(in); err != nil {
		t.Fatal(err)
	}
	m, err := e.f.WaitMessage(waitCtx(t, e2eWait), func(m discordfake.SentMessage) bool { return m.ChannelID == e2eDMChannel })
	if err != nil {
		t.Fatalf("no reply to the message: %v", err)
	}
	if m.Message.Content != sorry || len(m.Message.Embeds) != 0 {
		t.Errorf("message reply = %q %s, want %q", m.Message.Content, embedsJSON(m.Message.Embeds), sorry)
	}
	checkNoMentions(t, mentionsOf(m.Body))

	h := e.interact(t, discordfake.NewSlashInteraction(member(), "help"))
	if len(h.Embeds) != 1 {
		t.Errorf("after the panics, /help = %q %s", h.Content, embedsJSON(h.Embeds))
	}
	logs := e.log.String()
	if n := strings.Count(logs, "panic in handler"); n != 3 {
		t.Errorf("%d panics logged, want 3", n)
	}
	for _, id := range []string{q.ID, reload.ID, in.ID} {
		if !strings.Contains(logs, "msg=\"panic in handler\" id="+id) {
			t.Errorf("no panic logged for request %s", id)
		}
	}
	for _, secret := range []string{"test-token", q.Token, reload.Token} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds a token (%q)", secret)
		}
	}
}

// Shutting down waits for replies in flight: a held reload is still
// answered after the context is cancelled, and Run returns only then.
func TestE2EShutdownFinishesReplies(t *testing.T) {
	t.Parallel()
	var g *gatedLibrary
	e := startBot(t, withDeferAfter(100*time.Millisecond),
		withLibrary(func(l *library.Library) bot.Library { g = gate(l); return g }))
	i := discordfake.NewSlashInteraction(admin(), "reload")
	if err := e.f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	recvWithin(t, g.entered, e2eWait, "the reload to start")
	if _, err := e.f.WaitInteractionResponse(waitCtx(t, e2eWait), i.ID); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- e.stop(e2eWait) }()
	// While the reply is held, the bot keeps its gateway connection (a
	// closing session would send its close frame at once) and Run waits.
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	if err := e.f.WaitFor(ctx, func() bool { return e.f.Connected() == 0 }); err == nil {
		t.Error("the bot closed its gateway connection with a reply in flight")
	}
	select {
	case err := <-stopped:
		t.Fatalf("Run returned with a reply in flight (err %v)", err)
	default:
	}
	close(g.gate)
	if err := recvWithin(t, stopped, e2eWait, "Run to return"); err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Run has returned, so the edit must already have been sent.
	var edited *discordgo.Message
	for _, m := range e.f.Messages() {
		if m.InteractionID == i.ID && m.Kind == discordfake.KindOriginalEdit {
			edited = m.Message
		}
	}
	if edited == nil || !strings.Contains(edited.Content, "Reloaded") {
		t.Errorf("reply in flight at shutdown: edit = %+v", edited)
	}
	if e.f.Connected() != 0 {
		t.Errorf("gateway still connected after Run returned")
	}
}

// The Spanish the bot speaks, as the tests expect it.
const (
	spanishQuestion = "¿Dónde se reunieron los cancilleres?"
	offTopicSpanish = "¿Cuál es la montaña más alta del mundo?"
	spanishNote     = "*Los datos se citan en inglés, textualmente, tal como aparecen en sus fuentes.*"
	spanishUnknown  = "No lo sé: nada en mis fuentes responde a eso. ¿Quisiste decir alguno de estos?\n• "
)

// spanishMember is member() with the Discord locale of Latin American
// Spanish.
func spanishMember() discordfake.Origin {
	o := member()
	o.Locale = discordgo.SpanishLATAM
	return o
}

// askDM sends a direct message and returns the bot's reply to it.
func (e *e2e) askDM(tb testing.TB, text string) *discordgo.Message {
	tb.Helper()
	in := discordfake.NewUserMessage(dm(), text)
	if err := e.f.DispatchMessage(in); err != nil {
		tb.Fatal(err)
	}
	m, err := e.f.WaitMessage(waitCtx(tb, e2eWait), func(m discordfake.SentMessage) bool {
		return m.Kind == discordfake.KindChannelMessage && m.ChannelID == e2eDMChannel &&
			m.Message.MessageReference != nil && m.Message.MessageReference.MessageID == in.ID
	})
	if err != nil {
		tb.Fatalf("no answer to the DM %q: %v", text, err)
	}
	return m.Message
}

// 17. A member whose locale is Latin American Spanish asks /ask (by its
// default name, as Discord sends it) in Spanish: the frame is Spanish,
// the fact is quoted as its English source has it, and the reply says so;
// the "Más" button answers in Spanish too.
func TestE2ESpanishAsk(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	q := ask(spanishMember(), spanishQuestion)
	r := e.interact(t, q)
	first := answerText(t, r)
	em := r.Embeds[0]
	if em.Title != "P: "+spanishQuestion || em.Description != spanishNote {
		t.Errorf("title %q, description %q; want the Spanish frame and note", em.Title, em.Description)
	}
	if em.Fields[0].Name != articleHeading(1) {
		t.Errorf("field name = %q, want %q", em.Fields[0].Name, articleHeading(1))
	}
	if !strings.HasPrefix(first, "> The agreement took place in Washington, at a meeting of foreign ministers,") ||
		!strings.HasSuffix(first, "\n— párrafo 1, oración 2") {
		t.Errorf("first fact = %s, want the English words quoted, cited in Spanish", first)
	}
	if em.Footer == nil || !strings.HasPrefix(em.Footer.Text, "Confianza 0.") || !strings.HasSuffix(em.Footer.Text, "· datos citados textualmente de las fuentes") {
		t.Errorf("footer = %+v", em.Footer)
	}
	labels := map[string]string{}
	for _, b := range buttons(r.Components) {
		labels[b.Label] = b.CustomID
	}
	if labels["Fuente"] == "" || labels["Más"] == "" || len(labels) != 2 {
		t.Fatalf("buttons = %v, want Fuente and Más", keys(labels))
	}
	checkNoMentions(t, r.Mentions)
	msg, _ := e.f.OriginalResponse(q.ID)
	more := e.interact(t, discordfake.NewButtonInteraction(spanishMember(), labels["Más"], msg))
	if len(more.Embeds) != 1 || len(more.Embeds[0].Fields) == 0 || !strings.HasPrefix(more.Embeds[0].Fields[0].Name, "4. ") ||
		more.Embeds[0].Footer == nil || !strings.HasPrefix(more.Embeds[0].Footer.Text, "Confianza") {
		t.Errorf("Más = %q %s", more.Content, embedsJSON(more.Embeds))
	}
	if bad := e.f.FailedRequests(); len(bad) != 0 {
		t.Errorf("failed requests: %+v", bad)
	}
}

// labelled maps the labels of the buttons in comps to their custom ids.
func labelled(comps []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	for _, b := range buttons(comps) {
		out[b.Label] = b.CustomID
	}
	return out
}

// 17b. The buttons under an answer work on another bot than the one that
// answered (another process, or this one restarted), as Discord delivers
// them: with the message they are under. "Más" under a Spanish /ask reads
// the question back from the Spanish title and answers in Spanish;
// "Fuente" shows the paragraphs.
func TestE2EButtonsOnAnotherBot(t *testing.T) {
	t.Parallel()
	first, second := startBot(t), startBot(t)
	q := ask(spanishMember(), spanishQuestion)
	labels := labelled(first.interact(t, q).Components)
	msg, found := first.f.OriginalResponse(q.ID)
	if !found || labels["Más"] == "" || labels["Fuente"] == "" {
		t.Fatalf("answer message found %v, buttons %v", found, keys(labels))
	}
	more := second.interact(t, discordfake.NewButtonInteraction(spanishMember(), labels["Más"], msg))
	if len(more.Embeds) != 1 || more.Embeds[0].Title != "P: "+spanishQuestion || len(more.Embeds[0].Fields) == 0 ||
		!strings.HasPrefix(more.Embeds[0].Fields[0].Name, articleHeading(4)) || !strings.Contains(more.Embeds[0].Fields[0].Value, "\n— párrafo ") ||
		more.Embeds[0].Footer == nil || !strings.HasPrefix(more.Embeds[0].Footer.Text, "Confianza") || more.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("Más on another bot: %q %s (flags %d)", more.Content, embedsJSON(more.Embeds), more.Flags)
	}
	src := second.interact(t, discordfake.NewButtonInteraction(spanishMember(), labels["Fuente"], msg))
	if len(src.Embeds) != 1 || len(src.Embeds[0].Fields) == 0 || !strings.HasPrefix(src.Embeds[0].Fields[0].Name, "Párrafo ") {
		t.Errorf("Fuente on another bot: %q %s", src.Content, embedsJSON(src.Embeds))
	}
	for _, e := range []*e2e{first, second} {
		if bad := e.f.FailedRequests(); len(bad) != 0 {
			t.Errorf("failed requests: %+v", bad)
		}
	}
}

// 17c. On another bot too: "More" under the answer to a Spanish direct
// message, pressed by a member whose Discord is in English, pages it in
// English; a suggestion asks itself.
func TestE2EDirectMessageButtonsOnAnotherBot(t *testing.T) {
	t.Parallel()
	first, second := startBot(t), startBot(t)
	dm := first.askDM(t, spanishQuestion)
	paged := second.interact(t, discordfake.NewButtonInteraction(member(), labelled(dm.Components)["Más"], dm))
	if len(paged.Embeds) != 1 || paged.Embeds[0].Title != "Q: "+spanishQuestion || len(paged.Embeds[0].Fields) == 0 ||
		!strings.HasPrefix(paged.Embeds[0].Fields[0].Name, articleHeading(4)) || !strings.Contains(paged.Embeds[0].Fields[0].Value, "\n— paragraph ") {
		t.Errorf("More of a Spanish DM, in English, on another bot: %q %s", paged.Content, embedsJSON(paged.Embeds))
	}

	off := ask(member(), "What is the tallest mountain in the world?")
	offReply := first.interact(t, off)
	offMsg, _ := first.f.OriginalResponse(off.ID)
	bs := buttons(offReply.Components)
	if len(bs) == 0 {
		t.Fatalf("no suggestions: %s", embedsJSON(offReply.Embeds))
	}
	asked := second.interact(t, discordfake.NewButtonInteraction(member(), bs[0].CustomID, offMsg))
	if len(asked.Embeds) != 1 || asked.Embeds[0].Title != "Q: "+bs[0].Label || len(asked.Embeds[0].Fields) == 0 {
		t.Errorf("suggestion %q on another bot: %q %s", bs[0].Label, asked.Content, embedsJSON(asked.Embeds))
	}
	for _, e := range []*e2e{first, second} {
		if bad := e.f.FailedRequests(); len(bad) != 0 {
			t.Errorf("failed requests: %+v", bad)
		}
	}
}

// 18. A direct message has no locale: it is answered in the language it
// was written in, Spanish or English.
func TestE2EDirectMessageLanguage(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	es := e.askDM(t, spanishQuestion)
	if len(es.Embeds) != 1 || len(es.Embeds[0].Fields) == 0 {
		t.Fatalf("Spanish DM answer = %q %s", es.Content, embedsJSON(es.Embeds))
	}
	if em := es.Embeds[0]; em.Title != "P: "+spanishQuestion || em.Description != spanishNote ||
		!strings.Contains(em.Fields[0].Value, "Washington") || !strings.Contains(em.Fields[0].Value, "párrafo 1") ||
		em.Footer == nil || !strings.HasPrefix(em.Footer.Text, "Confianza") {
		t.Errorf("Spanish DM answer = %s", embedsJSON(es.Embeds))
	}
	en := e.askDM(t, "Where did the foreign ministers meet?")
	if len(en.Embeds) != 1 || len(en.Embeds[0].Fields) == 0 {
		t.Fatalf("English DM answer = %q %s", en.Content, embedsJSON(en.Embeds))
	}
	if em := en.Embeds[0]; !strings.HasPrefix(em.Title, "Q: ") || em.Description != "" || !strings.Contains(em.Fields[0].Value, "paragraph 1") ||
		em.Footer == nil || !strings.HasPrefix(em.Footer.Text, "Confidence") {
		t.Errorf("English DM answer = %s", embedsJSON(en.Embeds))
	}
	var labels []string
	for _, b := range buttons(en.Components) {
		labels = append(labels, b.Label)
	}
	if !slices.Contains(labels, "Source") || !slices.Contains(labels, "More") {
		t.Errorf("English DM buttons = %v", labels)
	}
}

// 19. The registered commands, as Discord stores them, carry their names
// and descriptions in both Spanish locales (the message command, which
// Discord allows no description, its name).
func TestE2ECommandsLocalized(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	cmds := e.f.Commands("")
	if len(cmds) != 7 {
		t.Fatalf("%d commands registered, want 7", len(cmds))
	}
	wantNames := map[string]string{"ask": "preguntar", "sources": "fuentes", "fact": "dato", "help": "ayuda",
		"reload": "recargar", "stats": "estadísticas", "Ask agreementbot": "Preguntar a agreementbot"}
	for _, c := range cmds {
		for _, loc := range []discordgo.Locale{discordgo.SpanishES, discordgo.SpanishLATAM} {
			if c.NameLocalizations == nil || (*c.NameLocalizations)[loc] != wantNames[c.Name] {
				t.Errorf("%s: name in %s = %v, want %q", c.Name, loc, deref(c.NameLocalizations), wantNames[c.Name])
			}
			if c.Type == discordgo.MessageApplicationCommand {
				continue
			}
			if c.DescriptionLocalizations == nil || (*c.DescriptionLocalizations)[loc] == "" || (*c.DescriptionLocalizations)[loc] == c.Description {
				t.Errorf("%s: description in %s = %v", c.Name, loc, deref(c.DescriptionLocalizations))
			}
			for _, o := range c.Options {
				if o.NameLocalizations[loc] == "" || o.DescriptionLocalizations[loc] == "" || o.DescriptionLocalizations[loc] == o.Description {
					t.Errorf("%s %s in %s: name %q, description %q", c.Name, o.Name, loc, o.NameLocalizations[loc], o.DescriptionLocalizations[loc])
				}
			}
		}
	}
	if a := byCommandName(cmds, "ask"); a == nil || len(a.Options) < 2 || a.Options[0].NameLocalizations[discordgo.SpanishES] != "pregunta" ||
		(*a.DescriptionLocalizations)[discordgo.SpanishLATAM] != "Pregunta sobre el acuerdo migratorio entre EE. UU., México y Guatemala" {
		t.Errorf("ask = %+v", a)
	}
}

func byCommandName(cmds []*discordgo.ApplicationCommand, name string) *discordgo.ApplicationCommand {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// 20. An off-topic question in Spanish gets the Spanish "I don't know"
// with "did you mean" buttons, by /ask in a Spanish locale and by direct
// message; a suggestion pressed is answered in Spanish.
func TestE2EOffTopicSpanish(t *testing.T) {
	t.Parallel()
	e := startBot(t)
	q := ask(spanishMember(), offTopicSpanish)
	r := e.interact(t, q)
	direct := e.askDM(t, offTopicSpanish)
	for how, got := range map[string]struct {
		embeds     []*discordgo.MessageEmbed
		components []discordgo.MessageComponent
	}{"/ask": {r.Embeds, r.Components}, "DM": {direct.Embeds, direct.Components}} {
		if len(got.embeds) != 1 || len(got.embeds[0].Fields) != 0 || !strings.HasPrefix(got.embeds[0].Description, spanishUnknown) ||
			got.embeds[0].Title != "P: "+offTopicSpanish || got.embeds[0].Footer == nil ||
			!strings.HasSuffix(got.embeds[0].Footer.Text, ", por debajo de lo que necesito para responder.") {
			t.Errorf("%s: off-topic reply = %s", how, embedsJSON(got.embeds))
		}
		if n := len(buttons(got.components)); n < 1 || n > 3 {
			t.Errorf("%s: %d suggestion buttons, want 1..3", how, n)
		}
	}
	bs := buttons(r.Components)
	if len(bs) == 0 {
		t.Fatal("no suggestions")
	}
	msg, _ := e.f.OriginalResponse(q.ID)
	press := e.interact(t, discordfake.NewButtonInteraction(spanishMember(), bs[0].CustomID, msg))
	if len(press.Embeds) != 1 || len(press.Embeds[0].Fields) == 0 || !strings.HasPrefix(press.Embeds[0].Title, "P: ") ||
		press.Embeds[0].Footer == nil || !strings.HasPrefix(press.Embeds[0].Footer.Text, "Confianza") {
		t.Errorf("pressing %q: %q %s", bs[0].Label, press.Content, embedsJSON(press.Embeds))
	}
}

// BenchmarkInteractionLatency measures dispatch → reply for /ask through
// the fake gateway and REST API, one at a time.
func BenchmarkInteractionLatency(b *testing.B) {
	e := startBot(b)
	questions := []string{
		"Where did the foreign ministers meet?",
		"Who is the Guatemalan foreign minister?",
		"What did the three countries agree to create?",
	}
	// Warm up (connections, caches).
	e.interact(b, ask(member(), questions[0]))
	var lat []time.Duration
	k := 0
	for b.Loop() {
		r := e.interact(b, ask(member(), questions[k%len(questions)]))
		if len(r.Embeds) != 1 {
			b.Fatalf("reply %q", r.Content)
		}
		lat = append(lat, r.Total)
		k++
	}
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[min(len(lat)*99/100, len(lat)-1)].Microseconds()), "p99-µs")
}
