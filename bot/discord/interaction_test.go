package discord

// Tests of the conversions between discordgo's types and the bot's.

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// The names of the commands and options the tests send, as Discord sends
// them whatever the member's locale: the English catalogue's.
const (
	cmdAsk      = "ask"
	cmdFact     = "fact"
	cmdReload   = "reload"
	cmdAskMenu  = "Ask agreementbot"
	optQuestion = "question"
	optPrivate  = "private"
	optID       = "id"
	optFile     = "file"
)

func TestMessages(t *testing.T) {
	tests := []struct {
		name string
		m    *discordgo.Message
		want string
		ok   bool
	}{
		{"DM", &discordgo.Message{Content: "Where?"}, "Where?", true},
		{"mention", &discordgo.Message{GuildID: "g", Content: "<@42> where did they meet?", Mentions: []*discordgo.User{{ID: "42"}}}, "where did they meet?", true},
		{"nickname mention", &discordgo.Message{GuildID: "g", Content: "hey <@!42> who?", Mentions: []*discordgo.User{{ID: "42"}}}, "hey   who?", true},
		{"no mention", &discordgo.Message{GuildID: "g", Content: "where did they meet?"}, "", false},
		{"someone else", &discordgo.Message{GuildID: "g", Content: "<@7> hi", Mentions: []*discordgo.User{{ID: "7"}}}, "", false},
	}
	for _, tt := range tests {
		got, ok := questionFromMessage(tt.m, "42")
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("%s: got %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRequestFromInteraction(t *testing.T) {
	user := &discordgo.User{ID: "u"}
	tests := []struct {
		name    string
		i       *discordgo.Interaction
		kind    bot.Kind
		wantErr bool
	}{
		{"slash", &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, User: user,
			Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: optQuestion, Type: discordgo.ApplicationCommandOptionString, Value: "hi"}}}}, bot.KindCommand, false},
		{"button", &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, User: user,
			Data: discordgo.MessageComponentInteractionData{CustomID: "ask:x"}}, bot.KindButton, false},
		{"no user", &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand,
			Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk}}, 0, true},
		{"modal", &discordgo.Interaction{Type: discordgo.InteractionModalSubmit, User: user,
			Data: discordgo.ModalSubmitInteractionData{CustomID: "m"}}, 0, true},
		{"ping", &discordgo.Interaction{Type: discordgo.InteractionPing, User: user}, 0, true},
		{"oversized option", &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, User: user,
			Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: optQuestion, Type: discordgo.ApplicationCommandOptionString, Value: strings.Repeat("a", 7000)}}}}, 0, true},
		{"message menu without target", &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, User: user,
			Data: discordgo.ApplicationCommandInteractionData{Name: cmdAskMenu, CommandType: discordgo.MessageApplicationCommand}}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := requestFromInteraction(tt.i)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && req.Kind != tt.kind {
				t.Errorf("kind = %v, want %v", req.Kind, tt.kind)
			}
		})
	}
}

func TestRequestFromInteractionPermissions(t *testing.T) {
	for _, tt := range []struct {
		name  string
		perms int64
		want  bool
	}{
		{"manage server", discordgo.PermissionManageGuild, true},
		{"administrator", discordgo.PermissionAdministrator, true},
		{"member", discordgo.PermissionViewChannel | discordgo.PermissionSendMessages, false},
	} {
		i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, GuildID: "g",
			Member: &discordgo.Member{User: &discordgo.User{ID: "u"}, Permissions: tt.perms, Roles: []string{"r1"}},
			Data:   discordgo.ApplicationCommandInteractionData{Name: cmdReload}}
		req, err := requestFromInteraction(i)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if req.ManageServer != tt.want || req.UserID != "u" || req.GuildID != "g" || !slices.Equal(req.Roles, []string{"r1"}) {
			t.Errorf("%s: request = %+v, want ManageServer %v", tt.name, req, tt.want)
		}
	}
}

// A button's request carries the title of the first embed of the message
// it is under, where More reads its question; a message without one, or
// none at all, gives an empty title. Both transports use this conversion.
func TestRequestFromInteractionMessageTitle(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    *discordgo.Message
		want string
	}{
		{"answer", &discordgo.Message{ID: "m", Embeds: []*discordgo.MessageEmbed{{Title: "P: ¿Dónde?"}, {Title: "other"}}}, "P: ¿Dónde?"},
		{"no embed", &discordgo.Message{ID: "m", Content: "Q: text"}, ""},
		{"nil embed", &discordgo.Message{ID: "m", Embeds: []*discordgo.MessageEmbed{nil}}, ""},
		{"no message", nil, ""},
	} {
		i := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, User: &discordgo.User{ID: "u"}, Message: tt.m,
			Data: discordgo.MessageComponentInteractionData{CustomID: "more:3:0123abcd"}}
		req, err := requestFromInteraction(i)
		if err != nil || req.Kind != bot.KindButton || req.CustomID != "more:3:0123abcd" || req.MessageTitle != tt.want {
			t.Errorf("%s: request %+v, %v; want title %q", tt.name, req, err, tt.want)
		}
	}
}

func TestRequestFromInteractionAttachment(t *testing.T) {
	att := &discordgo.MessageAttachment{ID: "a1", Filename: "notes.md", URL: "https://cdn.example/notes.md", Size: 1234}
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, User: &discordgo.User{ID: "u"},
		Data: discordgo.ApplicationCommandInteractionData{Name: cmdReload,
			Options:  []*discordgo.ApplicationCommandInteractionDataOption{{Name: optFile, Type: discordgo.ApplicationCommandOptionAttachment, Value: "a1"}},
			Resolved: &discordgo.ApplicationCommandInteractionDataResolved{Attachments: map[string]*discordgo.MessageAttachment{"a1": att}}}}
	req, err := requestFromInteraction(i)
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Attachment{Name: "notes.md", URL: "https://cdn.example/notes.md", Size: 1234}
	if req.Attachment == nil || *req.Attachment != want {
		t.Errorf("attachment = %+v, want %+v", req.Attachment, want)
	}
}

// sampleReply has every part a reply can have.
func sampleReply() bot.Reply {
	return bot.Reply{Content: "@everyone " + strings.Repeat("x", 3000), Ephemeral: true,
		Embeds:  []bot.Embed{{Title: "T", Description: "D", Color: 0x2E86C1, Fields: []bot.EmbedField{{Name: "n", Value: "v"}}, Footer: "F"}},
		Buttons: [][]bot.Button{{{Label: "Source", CustomID: "src:k", Style: bot.ButtonSecondary}}, {{Label: "Go", CustomID: "sug:k:0", Style: bot.ButtonPrimary}}}}
}

// Every way a reply leaves the adapter pings nobody and keeps within
// Discord's length limit; private replies stay private.
func TestRepliesPingNobody(t *testing.T) {
	r := sampleReply()
	d, w, f := responseData(r), webhookEdit(r), privateFollowup(r)
	m := messageReply(r, &discordgo.Message{ID: "m1", ChannelID: "c1", GuildID: "g1"})
	for name, am := range map[string]*discordgo.MessageAllowedMentions{
		"response": d.AllowedMentions, "edit": w.AllowedMentions, "follow-up": f.AllowedMentions, "message": m.AllowedMentions,
	} {
		if am == nil || am.Parse == nil || len(am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 {
			t.Errorf("%s: allowed_mentions must allow nothing: %+v", name, am)
		}
	}
	for name, c := range map[string]string{"response": d.Content, "edit": *w.Content, "follow-up": f.Content, "message": m.Content} {
		if n := len([]rune(c)); n > 2000 {
			t.Errorf("%s: content of %d characters, over Discord's 2000", name, n)
		}
	}
	if d.Flags&discordgo.MessageFlagsEphemeral == 0 || f.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("ephemeral reply sent publicly: flags %d, %d", d.Flags, f.Flags)
	}
}

// A reply's embeds and buttons become discordgo's, unchanged.
func TestReplyConversion(t *testing.T) {
	d := responseData(sampleReply())
	e := d.Embeds[0]
	if e.Title != "T" || e.Description != "D" || e.Color != 0x2E86C1 || e.Footer == nil || e.Footer.Text != "F" ||
		len(e.Fields) != 1 || e.Fields[0].Name != "n" || e.Fields[0].Value != "v" {
		t.Errorf("embed = %+v", e)
	}
	if len(d.Components) != 2 {
		t.Fatalf("components = %+v", d.Components)
	}
	b := d.Components[1].(discordgo.ActionsRow).Components[0].(discordgo.Button)
	if b.Label != "Go" || b.CustomID != "sug:k:0" || b.Style != discordgo.PrimaryButton {
		t.Errorf("button = %+v", b)
	}
	m := messageReply(sampleReply(), &discordgo.Message{ID: "m1", ChannelID: "c1", GuildID: "g1"})
	if m.Reference == nil || m.Reference.MessageID != "m1" || m.Reference.FailIfNotExists == nil || *m.Reference.FailIfNotExists {
		t.Errorf("message reference = %+v", m.Reference)
	}
	if empty := webhookEdit(bot.Reply{Content: "x"}); empty.Embeds == nil || len(*empty.Embeds) != 0 || empty.Components == nil || len(*empty.Components) != 0 {
		t.Errorf("an edit must clear the deferral's embeds and components: %+v", empty)
	}
}

func TestDiscordChoices(t *testing.T) {
	if c := discordChoices(nil); c == nil || len(c) != 0 {
		t.Errorf("no choices must be an empty list, got %#v", c)
	}
	var many []bot.Choice
	for k := range 40 {
		many = append(many, bot.Choice{Name: "n" + strconv.Itoa(k), Value: "v" + strconv.Itoa(k)})
	}
	c := autocompleteResponse(bot.Reply{Choices: many}).Data.Choices
	if len(c) != 25 || c[0].Name != "n0" || c[0].Value != "v0" {
		t.Errorf("choices = %d, first %+v", len(c), c[0])
	}
}

// localizedName is Discord's rule for slash command and option names, in
// every locale: letters (lower case where the letter has a case), digits,
// "-" and "_", 1 to 32 of them.
var localizedName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

// Every command and option is registered with its name and description in
// Spanish for both of Discord's Spanish locales, within Discord's rules:
// slash names lower case without spaces, option names distinct within a
// command, descriptions of 1 to 100 characters. The message command, which
// may have no description, has localized names of up to 32 characters.
func TestCommandsLocalized(t *testing.T) {
	spanish := []discordgo.Locale{discordgo.SpanishES, discordgo.SpanishLATAM}
	for _, c := range Commands() {
		if c.NameLocalizations == nil {
			t.Errorf("%s: no name localizations", c.Name)
			continue
		}
		for _, loc := range spanish {
			name := (*c.NameLocalizations)[loc]
			if c.Type == discordgo.MessageApplicationCommand {
				if n := utf8.RuneCountInString(name); n < 1 || n > 32 || c.DescriptionLocalizations != nil {
					t.Errorf("%s in %s: name %q, description localizations %v", c.Name, loc, name, c.DescriptionLocalizations)
				}
				continue
			}
			checkSlashName(t, c.Name, loc, name)
			if c.DescriptionLocalizations == nil {
				t.Errorf("%s: no description localizations", c.Name)
			} else {
				checkDescription(t, c.Name, loc, (*c.DescriptionLocalizations)[loc])
			}
			seen := map[string]bool{}
			for _, o := range c.Options {
				seen[o.Name] = true
			}
			for _, o := range c.Options {
				where := c.Name + " " + o.Name
				n := o.NameLocalizations[loc]
				checkSlashName(t, where, loc, n)
				checkDescription(t, where, loc, o.DescriptionLocalizations[loc])
				if n != o.Name && seen[n] {
					t.Errorf("%s in %s: name %q is another option's", where, loc, n)
				}
				seen[n] = true
			}
		}
	}
}

func checkSlashName(t *testing.T, where string, loc discordgo.Locale, name string) {
	t.Helper()
	if !localizedName.MatchString(name) || strings.ToLower(name) != name {
		t.Errorf("%s in %s: name %q breaks Discord's naming rule", where, loc, name)
	}
}

func checkDescription(t *testing.T, where string, loc discordgo.Locale, d string) {
	t.Helper()
	if n := utf8.RuneCountInString(d); n < 1 || n > 100 {
		t.Errorf("%s in %s: description %q has %d characters, want 1 to 100", where, loc, d, n)
	}
}

// The request carries the member's locale, and the command and option by
// the default names Discord sends whatever the locale; it is answered in
// the locale's language. Even a malformed interaction's error is.
func TestRequestFromInteractionLocale(t *testing.T) {
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, User: &discordgo.User{ID: "u"}, Locale: discordgo.SpanishLATAM,
		Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: optQuestion, Type: discordgo.ApplicationCommandOptionString, Value: "¿Dónde se reunieron?"}}}}
	req, err := requestFromInteraction(i)
	if err != nil {
		t.Fatal(err)
	}
	if req.Locale != "es-419" || req.Command != cmdAsk || req.Options[optQuestion] != "¿Dónde se reunieron?" {
		t.Errorf("request = %+v", req)
	}
	i.Data = discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
		{Name: optQuestion, Type: discordgo.ApplicationCommandOptionString, Value: strings.Repeat("a", 7000)}}}
	req, err = requestFromInteraction(i)
	if err == nil {
		t.Fatal("an oversized option was accepted")
	}
	// The option is named as the member reads it, in Spanish.
	want := "Lo siento, no pude entender esa solicitud: opción \"pregunta\": es demasiado larga (7000 caracteres; el límite es 6000)."
	if got := bot.ErrorReply(slog.New(slog.DiscardHandler), req, bot.Malformed(err)).Content; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// FuzzDecodeInteraction feeds any bytes to the interaction decoding of
// both transports: the HTTP endpoint's (decodeInteraction) and the
// gateway's (discordgo decoding an INTERACTION_CREATE event), each
// followed by requestFromInteraction. Neither may panic; they must agree
// on what they read; and a request made from an interaction must be
// complete: its id, a user, a kind the handlers know, a button's custom
// id, a menu's text, options within their bound.
func FuzzDecodeInteraction(f *testing.F) {
	seeds := []string{
		`{"type":1}`, `{"type":2}`, `{"type":0}`, `{"type":-1}`, `null`, `{}`, `[]`, `"x"`, ``,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"ask","options":[{"name":"question","type":3,"value":"Where?"}]}}`,
		`{"id":"1","type":2,"member":{"user":{"id":"3"},"permissions":"32","roles":["9"]},"data":{"name":"reload"}}`,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"reload","options":[{"name":"file","type":11,"value":"7"}],"resolved":{"attachments":{"7":{"id":"7","filename":"a.md","url":"u","size":3}}}}}`,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"reload","options":[{"name":"file","type":11,"value":"8"}],"resolved":{"attachments":{}}}}`,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"Ask agreementbot","type":3,"target_id":"9","resolved":{"messages":{"9":{"id":"9","content":"Who met?"}}}}}`,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"Ask agreementbot","type":3,"target_id":"9","resolved":{"messages":{"9":null}}}}`,
		`{"id":"1","type":4,"user":{"id":"3"},"data":{"name":"ask","options":[{"name":"question","type":3,"value":"wh","focused":true},null]}}`,
		`{"id":"1","type":3,"user":{"id":"3"},"data":{"custom_id":"more:3:abc","component_type":2},"message":{"id":"8","embeds":[null]}}`,
		`{"id":"1","type":3,"user":{"id":"3"},"data":{"custom_id":"","component_type":2}}`,
		`{"id":"1","type":3,"user":{"id":"3"},"data":{"custom_id":"x","component_type":3,"values":["a"]}}`,
		`{"id":"1","type":5,"user":{"id":"3"},"data":{"custom_id":"form","components":[{"type":1,"components":[{"type":4,"custom_id":"x","value":"y"}]}]}}`,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"ask","options":[{"name":"question","type":3,"value":` + `"` + strings.Repeat("x", maxOptionLength+1) + `"}]}}`,
		`{"tYpe":2,"user":{},"dAtA":{}}`, // a user without an id was once taken for a user
		`{"id":"1","type":2,"member":{"user":{"id":""}},"user":{"id":"3"},"data":{"name":"ask"}}`,
		`{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"ask","options":[{"name":"n","type":10,"value":1e308},{"name":"b","type":5,"value":true},{"name":"o","type":3,"value":{"a":[1]}}]}}`,
	}
	for _, i := range []*discordgo.Interaction{
		discordfake.NewSlashInteraction(httpMember(), cmdAsk, discordfake.StringOpt(optQuestion, "Where did the ministers meet?")),
		discordfake.NewAutocompleteInteraction(httpMember(), cmdFact, discordfake.Focused(discordfake.StringOpt(optID, "Wash"))),
		discordfake.NewButtonInteraction(httpMember(), "src:fd2ac79a804e", nil),
		discordfake.NewModalSubmitInteraction(httpMember(), "form", discordfake.TextField{CustomID: "x", Value: "y"}),
	} {
		fill(i)
		b, err := json.Marshal(i)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		i, err := decodeInteraction(body)
		gateway := &discordgo.InteractionCreate{}
		gwErr := json.Unmarshal(body, gateway)
		if err != nil {
			if i != nil {
				t.Fatalf("decodeInteraction failed (%v) but returned an interaction", err)
			}
			return
		}
		if i.Type == 0 {
			t.Fatal("decodeInteraction accepted an interaction without a type")
		}
		req, reqErr := requestFromInteraction(i)
		if gwErr != nil || gateway.Interaction == nil {
			t.Fatalf("the endpoint decodes %q but the gateway does not: %v", body, gwErr)
		}
		gwReq, gwReqErr := requestFromInteraction(gateway.Interaction)
		if !reflect.DeepEqual(req, gwReq) || (reqErr == nil) != (gwReqErr == nil) {
			t.Fatalf("the transports disagree on %q:\nhttp    %+v, %v\ngateway %+v, %v", body, req, reqErr, gwReq, gwReqErr)
		}
		if reqErr != nil {
			return
		}
		checkRequest(t, i, req)
	})
}

// checkRequest fails the test unless req, made from i, is complete.
func checkRequest(t *testing.T, i *discordgo.Interaction, req bot.Request) {
	t.Helper()
	switch {
	case req.ID != i.ID:
		t.Fatalf("request id %q, interaction id %q", req.ID, i.ID)
	case req.UserID == "":
		t.Fatalf("a request without a user: %+v", req)
	case req.Kind == bot.KindButton && req.CustomID == "":
		t.Fatalf("a button without a custom id: %+v", req)
	case req.Kind == bot.KindMessageMenu && strings.TrimSpace(req.Text) == "":
		t.Fatalf("a message menu without text: %+v", req)
	case req.Kind != bot.KindCommand && req.Kind != bot.KindAutocomplete && req.Kind != bot.KindButton && req.Kind != bot.KindMessageMenu:
		t.Fatalf("a request of kind %d from interaction type %d", req.Kind, i.Type)
	}
	for name, v := range req.Options {
		if len(v) > maxOptionLength {
			t.Fatalf("option %q is %d bytes, over %d", name, len(v), maxOptionLength)
		}
	}
	if _, ok := req.Options[req.Focused]; req.Focused != "" && !ok {
		t.Fatalf("focused option %q is not among the options %v", req.Focused, req.Options)
	}
}
