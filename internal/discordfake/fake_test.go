package discordfake_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/bwmarrin/discordgo"
)

const (
	guildID   = "2000000000000000001"
	channelID = "2000000000000000002"
	dmChannel = "2000000000000000003"
	userID    = "3000000000000000001"
)

// testTimeout bounds every wait in these tests.
const testTimeout = 5 * time.Second

// newFake starts a fake with a short heartbeat and closes it at cleanup.
// guilds are sent as GUILD_CREATE after READY.
func newFake(t *testing.T, guilds ...*discordgo.Guild) *discordfake.Server {
	t.Helper()
	f := discordfake.New(discordfake.Options{Token: "test-token", HeartbeatInterval: 500 * time.Millisecond, Guilds: guilds})
	t.Cleanup(f.Close)
	return f
}

// openSession opens a discordgo session against f. setup runs before
// Open (register handlers there). The session is closed at cleanup,
// before the fake.
func openSession(t *testing.T, f *discordfake.Server, setup func(*discordgo.Session)) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot test-token")
	if err != nil {
		t.Fatal(err)
	}
	f.Configure(s)
	if os.Getenv("DGDEBUG") != "" {
		s.LogLevel = discordgo.LogInformational
	}
	if setup != nil {
		setup(s)
	}
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// ctxT returns a context bounded by testTimeout.
func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// recv waits for a value on ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestReadyAndHeartbeat(t *testing.T) {
	t.Parallel()
	f := newFake(t, &discordgo.Guild{ID: guildID, Name: "Test Guild", Channels: []*discordgo.Channel{{ID: channelID, Name: "general"}}})
	ready := make(chan *discordgo.Ready, 1)
	guilds := make(chan string, 1)
	readyGuilds := make(chan string, 1)
	s := openSession(t, f, func(s *discordgo.Session) {
		// Synchronous handlers: discordgo's State later mutates the guild
		// objects of READY, so inspect them inside the handler.
		s.SyncEvents = true
		s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			var gs []string
			for _, g := range r.Guilds {
				gs = append(gs, fmt.Sprintf("%s:%v", g.ID, g.Unavailable))
			}
			readyGuilds <- strings.Join(gs, ",")
			ready <- r
		})
		s.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) {
			guilds <- fmt.Sprintf("%s/%d", g.Name, len(g.Channels))
		})
	})
	r := recv(t, ready, "READY")
	if r.SessionID == "" || r.User == nil || r.User.ID != discordfake.DefaultBotUserID || !r.User.Bot {
		t.Errorf("READY = %+v, user %+v", r, r.User)
	}
	if got := recv(t, readyGuilds, "READY guilds"); got != guildID+":true" {
		t.Errorf("READY guilds = %s", got)
	}
	if got := recv(t, guilds, "GUILD_CREATE"); got != "Test Guild/1" {
		t.Errorf("GUILD_CREATE = %s", got)
	}
	if r.Application == nil || r.Application.ID != f.Options().ApplicationID {
		t.Errorf("READY application = %+v", r.Application)
	}
	if s.State.User == nil || s.State.User.ID != discordfake.DefaultBotUserID {
		t.Errorf("State.User = %+v", s.State.User)
	}
	if got := f.Identifies(); got != 1 {
		t.Errorf("Identifies = %d, want 1", got)
	}
	if err := f.WaitReady(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.WaitFor(ctxT(t), func() bool { return f.Heartbeats() >= 2 }); err != nil {
		t.Fatalf("heartbeats: %v", err)
	}
	if f.Connected() != 1 || f.Identifies() != 1 {
		t.Errorf("after heartbeats: connected=%d identifies=%d", f.Connected(), f.Identifies())
	}
	p := f.GatewayPayloads()
	if len(p) == 0 || p[0].Op != 2 || !bytes.Contains(p[0].Data, []byte(`"intents"`)) {
		t.Errorf("first gateway payload = %+v, want IDENTIFY", p)
	}
	me, err := s.User("@me")
	if err != nil || me.ID != discordfake.DefaultBotUserID {
		t.Errorf("User(@me) = %+v, %v", me, err)
	}
	if got := f.Requests(); len(got) < 2 || got[0].Route != "GET /gateway" {
		t.Errorf("requests = %+v", got)
	}
}

func TestCommands(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := f.NewSession() // REST only: no gateway needed
	if err != nil {
		t.Fatal(err)
	}
	app := f.Options().ApplicationID
	cmds := []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "q", Description: "question", Required: true, Autocomplete: true},
		}},
		{Name: "Quote", Type: discordgo.MessageApplicationCommand},
	}
	for _, guild := range []string{"", guildID} {
		t.Run("guild="+guild, func(t *testing.T) {
			got, err := s.ApplicationCommandBulkOverwrite(app, guild, cmds)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].ID == "" || got[0].ApplicationID != app || got[0].GuildID != guild || got[1].Type != discordgo.MessageApplicationCommand {
				t.Fatalf("overwrite returned %+v", got)
			}
			if len(got[0].Options) != 1 || !got[0].Options[0].Autocomplete {
				t.Errorf("options not stored: %+v", got[0].Options)
			}
			stored := f.Commands(guild)
			if len(stored) != 2 || stored[0].ID != got[0].ID {
				t.Errorf("Commands(%q) = %+v", guild, stored)
			}
			again, err := s.ApplicationCommandBulkOverwrite(app, guild, cmds[:1])
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 1 || again[0].ID != got[0].ID {
				t.Errorf("re-overwrite should keep ID %s: %+v", got[0].ID, again)
			}
			list, err := s.ApplicationCommands(app, guild)
			if err != nil || len(list) != 1 || list[0].Name != "ask" {
				t.Errorf("ApplicationCommands = %+v, %v", list, err)
			}
		})
	}
	if _, err := s.ApplicationCommandBulkOverwrite("999", "", cmds); !isStatus(err, http.StatusForbidden) {
		t.Errorf("wrong application: err = %v, want 403", err)
	}
}

// isStatus reports whether err is a discordgo REST error with status.
func isStatus(err error, status int) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response.StatusCode == status
}

// respond answers every interaction the way a simple bot would and reports
// what it received.
func respond(s *discordgo.Session, i *discordgo.InteractionCreate) error {
	var resp discordgo.InteractionResponse
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		var typed string
		for _, o := range i.ApplicationCommandData().Options {
			if o.Focused {
				typed = o.StringValue()
			}
		}
		resp = discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: typed + "!", Value: typed}}}}
	case discordgo.InteractionApplicationCommand:
		d := i.ApplicationCommandData()
		content := d.Name
		if d.CommandType == discordgo.MessageApplicationCommand {
			content += ":" + d.Resolved.Messages[d.TargetID].Content
		} else if len(d.Options) > 0 {
			content += ":" + d.Options[0].StringValue()
		}
		if i.Member != nil {
			content += fmt.Sprintf(" perms=%d", i.Member.Permissions)
		} else if i.User != nil {
			content += " dm=" + i.User.ID
		}
		resp = discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: content, Flags: discordgo.MessageFlagsEphemeral,
				Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{CustomID: "more", Label: "More", Style: discordgo.PrimaryButton},
				}}}}}
	case discordgo.InteractionMessageComponent:
		d := i.MessageComponentData()
		resp = discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: d.CustomID + ":" + strings.Join(d.Values, ",")}}
	case discordgo.InteractionModalSubmit:
		d := i.ModalSubmitData()
		v := d.Components[0].(*discordgo.ActionsRow).Components[0].(*discordgo.TextInput).Value
		resp = discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: d.CustomID + ":" + v}}
	}
	return s.InteractionRespond(i.Interaction, &resp)
}

func TestInteractionRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	errs := make(chan error, 16)
	openSession(t, f, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
			if err := respond(s, i); err != nil {
				errs <- err
			}
		})
	})
	guild := discordfake.InGuild(guildID, channelID, discordfake.Member(userID, discordgo.PermissionManageMessages, "role1"))
	dm := discordfake.InDM(dmChannel, discordfake.User(userID))
	botMsg := &discordgo.Message{ID: "4000000000000000001", ChannelID: channelID, Content: "pick one", Author: f.BotUser()}
	target := &discordgo.Message{ID: "4000000000000000002", ChannelID: channelID, Content: "quote me", Author: discordfake.User(userID)}

	tests := []struct {
		name        string
		interaction *discordgo.Interaction
		wantType    discordgo.InteractionResponseType
		check       func(t *testing.T, r discordgo.InteractionResponse)
	}{
		{"slash in guild", discordfake.NewSlashInteraction(guild, "ask", discordfake.StringOpt("q", "why")),
			discordgo.InteractionResponseChannelMessageWithSource, func(t *testing.T, r discordgo.InteractionResponse) {
				if want := fmt.Sprintf("ask:why perms=%d", discordgo.PermissionManageMessages); r.Data.Content != want {
					t.Errorf("content = %q, want %q", r.Data.Content, want)
				}
				if r.Data.Flags != discordgo.MessageFlagsEphemeral || len(r.Data.Components) != 1 {
					t.Errorf("flags/components = %v/%v", r.Data.Flags, r.Data.Components)
				}
				row, isRow := r.Data.Components[0].(*discordgo.ActionsRow)
				if !isRow || row.Components[0].(*discordgo.Button).CustomID != "more" {
					t.Errorf("components = %#v", r.Data.Components[0])
				}
			}},
		{"slash in DM", discordfake.NewSlashInteraction(dm, "ask", discordfake.StringOpt("q", "dm")),
			discordgo.InteractionResponseChannelMessageWithSource, func(t *testing.T, r discordgo.InteractionResponse) {
				if want := "ask:dm dm=" + userID; r.Data.Content != want {
					t.Errorf("content = %q, want %q", r.Data.Content, want)
				}
			}},
		{"autocomplete", discordfake.NewAutocompleteInteraction(guild, "ask", discordfake.Focused(discordfake.StringOpt("q", "ab"))),
			discordgo.InteractionApplicationCommandAutocompleteResult, func(t *testing.T, r discordgo.InteractionResponse) {
				if len(r.Data.Choices) != 1 || r.Data.Choices[0].Name != "ab!" || r.Data.Choices[0].Value != "ab" {
					t.Errorf("choices = %+v", r.Data.Choices)
				}
			}},
		{"button", discordfake.NewButtonInteraction(guild, "next", botMsg),
			discordgo.InteractionResponseUpdateMessage, func(t *testing.T, r discordgo.InteractionResponse) {
				if r.Data.Content != "next:" {
					t.Errorf("content = %q", r.Data.Content)
				}
			}},
		{"select", discordfake.NewSelectInteraction(dm, "sel", []string{"a", "b"}, nil),
			discordgo.InteractionResponseUpdateMessage, func(t *testing.T, r discordgo.InteractionResponse) {
				if r.Data.Content != "sel:a,b" {
					t.Errorf("content = %q", r.Data.Content)
				}
			}},
		{"message command", discordfake.NewMessageCommandInteraction(guild, "Quote", target),
			discordgo.InteractionResponseChannelMessageWithSource, func(t *testing.T, r discordgo.InteractionResponse) {
				if !strings.HasPrefix(r.Data.Content, "Quote:quote me") {
					t.Errorf("content = %q", r.Data.Content)
				}
			}},
		{"modal submit", discordfake.NewModalSubmitInteraction(guild, "form", discordfake.TextField{CustomID: "text", Value: "hello"}),
			discordgo.InteractionResponseChannelMessageWithSource, func(t *testing.T, r discordgo.InteractionResponse) {
				if r.Data.Content != "form:hello" {
					t.Errorf("content = %q", r.Data.Content)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := f.DispatchInteraction(tc.interaction); err != nil {
				t.Fatal(err)
			}
			r, err := f.WaitInteractionResponse(ctxT(t), tc.interaction.ID)
			if err != nil {
				select {
				case e := <-errs:
					t.Fatalf("bot failed to respond: %v", e)
				default:
				}
				t.Fatal(err)
			}
			if r.Type != tc.wantType {
				t.Fatalf("response type = %d, want %d", r.Type, tc.wantType)
			}
			tc.check(t, r)
		})
	}
	if orig, found := f.OriginalResponse(tests[3].interaction.ID); !found || orig.ID != botMsg.ID || orig.Content != "next:" {
		t.Errorf("button original = %+v, %v", orig, found)
	}
	if n := len(f.InteractionResponses()); n != len(tests) {
		t.Errorf("InteractionResponses = %d, want %d", n, len(tests))
	}
	if bad := f.FailedRequests(); len(bad) != 0 {
		t.Errorf("failed requests: %+v", bad)
	}
}

func TestConcurrentInteractions(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	openSession(t, f, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) { _ = respond(s, i) })
	})
	origin := discordfake.InGuild(guildID, channelID, discordfake.Member(userID, 0))
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for k := range n {
		wg.Go(func() {
			i := discordfake.NewSlashInteraction(origin, "ask", discordfake.StringOpt("q", fmt.Sprint(k)))
			if err := f.DispatchInteraction(i); err != nil {
				errs <- err
				return
			}
			r, err := f.WaitInteractionResponse(ctxT(t), i.ID)
			if err != nil {
				errs <- err
				return
			}
			if want := fmt.Sprintf("ask:%d perms=0", k); r.Data.Content != want {
				errs <- fmt.Errorf("content = %q, want %q", r.Data.Content, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := len(f.Messages()); got != n {
		t.Errorf("Messages = %d, want %d", got, n)
	}
}

func TestChannelMessages(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := f.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Content: "hello",
		Embeds:  []*discordgo.MessageEmbed{{Title: "t", Description: "d"}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{CustomID: "yes", Label: "Yes", Style: discordgo.SuccessButton},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.ID == "" || m.ChannelID != channelID || m.Content != "hello" || len(m.Components) != 1 || m.Author.ID != discordfake.DefaultBotUserID {
		t.Errorf("returned message = %+v", m)
	}

	sendWithFile(t, f, s)
	if msgs := f.Messages(); len(msgs) != 2 || msgs[0].Message.Embeds[0].Title != "t" || len(msgs[0].Message.Components) != 1 {
		t.Errorf("Messages = %+v", msgs)
	}

	edited, err := s.ChannelMessageEdit(channelID, m.ID, "bye")
	if err != nil || edited.Content != "bye" || len(edited.Embeds) != 1 {
		t.Errorf("edit = %+v, %v", edited, err)
	}
	if err := s.ChannelMessageDelete(channelID, m.ID); err != nil {
		t.Error(err)
	}
	if _, found := f.Message(m.ID); found {
		t.Error("deleted message still present")
	}

	checkDMChannel(t, s)
}

// sendWithFile sends a message with a file, which the fake hosts and
// records.
func sendWithFile(t *testing.T, f *discordfake.Server, s *discordgo.Session) {
	t.Helper()
	withFile, err := s.ChannelMessageSendComplex(channelID, &discordgo.MessageSend{
		Content: "report",
		Files:   []*discordgo.File{{Name: "r.txt", ContentType: "text/plain", Reader: strings.NewReader("file body")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(withFile.Attachments) != 1 || withFile.Attachments[0].Filename != "r.txt" {
		t.Fatalf("attachments = %+v", withFile.Attachments)
	}
	if body := get(t, withFile.Attachments[0].URL); body != "file body" {
		t.Errorf("attachment content = %q", body)
	}

	sent, err := f.WaitMessage(ctxT(t), func(m discordfake.SentMessage) bool { return len(m.Files) > 0 })
	if err != nil {
		t.Fatal(err)
	}
	if sent.Kind != discordfake.KindChannelMessage || sent.Message.Content != "report" || string(sent.Files[0].Data) != "file body" {
		t.Errorf("recorded = %+v", sent)
	}
}

// checkDMChannel opens a DM channel, reads it back and posts in it.
func checkDMChannel(t *testing.T, s *discordgo.Session) {
	t.Helper()
	dm, err := s.UserChannelCreate(userID)
	if err != nil || dm.Type != discordgo.ChannelTypeDM || dm.Recipients[0].ID != userID {
		t.Fatalf("UserChannelCreate = %+v, %v", dm, err)
	}
	ch, err := s.Channel(dm.ID)
	if err != nil || ch.ID != dm.ID {
		t.Errorf("Channel = %+v, %v", ch, err)
	}
	if _, err := s.ChannelMessageSend(dm.ID, "dm hello"); err != nil {
		t.Error(err)
	}
}

// get fetches url with a plain HTTP client.
func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

func TestFollowupsAndEdits(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := f.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	origin := discordfake.InGuild(guildID, channelID, discordfake.Member(userID, 0))
	// The fake accepts callbacks for interactions it knows about; dispatching
	// without a gateway session registers the interaction and reports
	// ErrNoSession.
	i := discordfake.NewSlashInteraction(origin, "ask", discordfake.StringOpt("q", "x"))
	if err := f.DispatchInteraction(i); !errors.Is(err, discordfake.ErrNoSession) {
		t.Fatalf("DispatchInteraction without session: %v", err)
	}

	if _, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "early"}); !isStatus(err, http.StatusNotFound) {
		t.Errorf("follow-up before ack: err = %v, want 404", err)
	}
	defer5 := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	if err := s.InteractionRespond(i, defer5); err != nil {
		t.Fatal(err)
	}
	if err := s.InteractionRespond(i, defer5); !isStatus(err, http.StatusBadRequest) {
		t.Errorf("second ack: err = %v, want 400", err)
	}
	content := "answer"
	orig, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content: &content,
		Files:   []*discordgo.File{{Name: "a.csv", Reader: strings.NewReader("a,b")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if orig.Content != "answer" || orig.Flags != discordgo.MessageFlagsEphemeral || len(orig.Attachments) != 1 {
		t.Errorf("edited original = %+v", orig)
	}
	fu, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "more"})
	if err != nil {
		t.Fatal(err)
	}
	if fu.ID == orig.ID || fu.Content != "more" {
		t.Errorf("follow-up = %+v", fu)
	}
	more2 := "more, edited"
	if _, err := s.FollowupMessageEdit(i, fu.ID, &discordgo.WebhookEdit{Content: &more2}); err != nil {
		t.Error(err)
	}
	if err := s.FollowupMessageDelete(i, fu.ID); err != nil {
		t.Error(err)
	}
	if _, err := s.FollowupMessageEdit(i, "123", &discordgo.WebhookEdit{Content: &more2}); !isStatus(err, http.StatusNotFound) {
		t.Errorf("edit unknown follow-up: err = %v, want 404", err)
	}

	var kinds []discordfake.MessageKind
	for _, m := range f.Messages() {
		kinds = append(kinds, m.Kind)
	}
	want := []discordfake.MessageKind{discordfake.KindOriginalEdit, discordfake.KindFollowup, discordfake.KindFollowupEdit}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
	if fus := f.Followups(i.ID); len(fus) != 1 || fus[0].Message.Content != "more" {
		t.Errorf("Followups = %+v", fus)
	}
	if cb, found := f.InteractionResponse(i.ID); !found || cb.Response.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("InteractionResponse = %+v, %v", cb, found)
	}
}

func TestDeferredFollowupEditsLoadingMessage(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := f.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	i := discordfake.NewSlashInteraction(discordfake.InDM(dmChannel, discordfake.User(userID)), "ask")
	_ = f.DispatchInteraction(i) // no session: registers only
	if err := s.InteractionRespond(i, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatal(err)
	}
	fu, err := s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "done", Flags: discordgo.MessageFlagsEphemeral})
	if err != nil {
		t.Fatal(err)
	}
	orig, found := f.OriginalResponse(i.ID)
	if !found || orig.ID != fu.ID || orig.Content != "done" || orig.Flags != 0 {
		t.Errorf("original = %+v (follow-up %+v)", orig, fu)
	}
}

// seqRecorder collects dispatch sequence numbers seen by a session (with
// SyncEvents, in arrival order).
type seqRecorder struct {
	mu   sync.Mutex
	seqs []int64
}

func (r *seqRecorder) handle(_ *discordgo.Session, e *discordgo.Event) {
	if e.Operation == 0 {
		r.mu.Lock()
		r.seqs = append(r.seqs, e.Sequence)
		r.mu.Unlock()
	}
}

func (r *seqRecorder) check(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, s := range r.seqs {
		if s != int64(k+1) {
			t.Errorf("sequence numbers = %v, want 1..n without gaps", r.seqs)
			return
		}
	}
}

func TestReconnects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		disrupt        func(*discordfake.Server)
		wantIdentifies int
		wantResumes    int
	}{
		{"drop connection resumes", (*discordfake.Server).DropConnections, 1, 1},
		{"op 7 reconnect resumes", (*discordfake.Server).RequestReconnect, 1, 1},
		{"invalid session re-identifies", (*discordfake.Server).InvalidateSessions, 2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t)
			msgs := make(chan *discordgo.MessageCreate, 4)
			readies := make(chan *discordgo.Ready, 4)
			var seqs seqRecorder
			openSession(t, f, func(s *discordgo.Session) {
				s.SyncEvents = true // handlers in arrival order, for the sequence check
				s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m })
				s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { readies <- r })
				s.AddHandler(seqs.handle)
			})
			first := recv(t, readies, "first READY")
			origin := discordfake.InGuild(guildID, channelID, discordfake.Member(userID, 0))

			// Disrupt right after a heartbeat ACK (see WaitHeartbeat).
			if err := f.WaitHeartbeat(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			tc.disrupt(f)
			if tc.wantResumes > 0 {
				// Dispatched while the client is away: replayed on RESUME.
				if err := f.DispatchMessage(discordfake.NewUserMessage(origin, "while away")); err != nil {
					t.Fatal(err)
				}
			}
			ctx := ctxT(t)
			if err := f.WaitFor(ctx, func() bool {
				return f.Resumes() == tc.wantResumes && f.Identifies() == tc.wantIdentifies && f.Connected() == 1
			}); err != nil {
				t.Fatalf("resumes=%d identifies=%d connected=%d: %v", f.Resumes(), f.Identifies(), f.Connected(), err)
			}
			if tc.wantResumes > 0 {
				if m := recv(t, msgs, "replayed message"); m.Content != "while away" {
					t.Errorf("replayed %q", m.Content)
				}
			} else if second := recv(t, readies, "second READY"); second.SessionID == first.SessionID {
				t.Errorf("new READY reused session %s", first.SessionID)
			}
			if err := f.DispatchMessage(discordfake.NewUserMessage(origin, "after")); err != nil {
				t.Fatal(err)
			}
			if m := recv(t, msgs, "message after reconnect"); m.Content != "after" {
				t.Errorf("got %q", m.Content)
			}
			if f.Resumes() != tc.wantResumes || f.Identifies() != tc.wantIdentifies {
				t.Errorf("resumes=%d identifies=%d", f.Resumes(), f.Identifies())
			}
			if tc.wantResumes > 0 {
				seqs.check(t)
			}
		})
	}
}

func TestWrongToken(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := discordgo.New("Bot wrong-token")
	if err != nil {
		t.Fatal(err)
	}
	f.Configure(s)
	if _, err := s.User("@me"); !isStatus(err, http.StatusUnauthorized) {
		t.Errorf("REST with wrong token: err = %v, want 401", err)
	}
	err = s.Open()
	if err == nil {
		_ = s.Close()
		t.Fatal("Open with wrong token succeeded")
	}
	if !strings.Contains(err.Error(), "4004") {
		t.Errorf("Open error = %v, want close 4004", err)
	}
	if f.Identifies() != 0 {
		t.Errorf("Identifies = %d", f.Identifies())
	}
	if bad := f.FailedRequests(); len(bad) != 1 || bad[0].Status != http.StatusUnauthorized {
		t.Errorf("FailedRequests = %+v", bad)
	}
}

func TestUnknownRouteAndAttachments(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	s, err := f.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Guild(guildID)
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != http.StatusNotFound || re.Message == nil || re.Message.Message != "404: Not Found" {
		t.Fatalf("unknown route: err = %v", err)
	}
	unknown := f.UnknownRequests()
	if len(unknown) != 1 || unknown[0].Method != "GET" || unknown[0].Path != "/api/v9/guilds/"+guildID {
		t.Errorf("UnknownRequests = %+v", unknown)
	}

	u := f.AddAttachment("notes.md", []byte("# hi"))
	if got := get(t, u); got != "# hi" {
		t.Errorf("attachment = %q", got)
	}
	// The same file through Discord's CDN host, via the session's client.
	cdn := "https://cdn.discordapp.com" + strings.TrimPrefix(u, f.URL())
	resp, err := s.Client.Get(cdn)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "# hi" {
		t.Errorf("CDN attachment = %q (%s)", b, resp.Status)
	}
}

func TestDispatchMessageAndReply(t *testing.T) {
	t.Parallel()
	f := newFake(t)
	openSession(t, f, func(s *discordgo.Session) {
		s.AddHandler(func(s *discordgo.Session, m *discordgo.MessageCreate) {
			if m.Author.ID == s.State.User.ID {
				return
			}
			_, _ = s.ChannelMessageSendReply(m.ChannelID, "echo: "+m.Content, m.Reference())
		})
	})
	in := discordfake.NewUserMessage(discordfake.InDM(dmChannel, discordfake.User(userID)), "ping")
	if err := f.Dispatch("TYPING_START", map[string]any{"channel_id": dmChannel, "user_id": userID, "timestamp": 0}); err != nil {
		t.Fatal(err)
	}
	if err := f.DispatchMessage(in); err != nil {
		t.Fatal(err)
	}
	got, err := f.WaitMessage(ctxT(t), func(m discordfake.SentMessage) bool { return m.ChannelID == dmChannel })
	if err != nil {
		t.Fatal(err)
	}
	if got.Message.Content != "echo: ping" || got.Message.MessageReference == nil || got.Message.MessageReference.MessageID != in.ID {
		t.Errorf("reply = %+v", got.Message)
	}
}
