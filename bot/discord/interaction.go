package discord

// The conversions between discordgo's types and the bot's, which both
// transports use: an interaction or a message becomes a bot.Request, a
// bot.Reply becomes what discordgo sends.

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
)

// maxOptionLength bounds any option's text; longer input is refused with a
// clear error rather than processed.
const maxOptionLength = 6000

// requestFromInteraction turns an interaction into a Request, the member's
// locale first, so that even its errors speak their language. It switches
// on the interaction type before touching its data: discordgo's
// ApplicationCommandData and friends panic on the wrong type. Its errors
// are messages worded for the user ("it has no user"), which bot.ErrorReply
// puts into the member's language.
func requestFromInteraction(i *discordgo.Interaction) (bot.Request, error) {
	req := bot.Request{ID: i.ID, GuildID: i.GuildID, Locale: string(i.Locale), Options: map[string]string{}}
	switch {
	case i.Member != nil && i.Member.User != nil && i.Member.User.ID != "":
		req.UserID = i.Member.User.ID
		req.ManageServer = i.Member.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0
		req.Roles = i.Member.Roles
	case i.User != nil && i.User.ID != "":
		req.UserID = i.User.ID
	default:
		return req, bot.Message("request.no_user", nil)
	}
	if i.Data == nil {
		return req, bot.Message("request.no_data", nil)
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		d, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return req, bot.Message("request.no_command_data", nil)
		}
		return commandRequest(req, i.Type, d)
	case discordgo.InteractionMessageComponent:
		d, ok := i.Data.(discordgo.MessageComponentInteractionData)
		if !ok || d.CustomID == "" {
			return req, bot.Message("request.no_button_data", nil)
		}
		req.Kind = bot.KindButton
		req.CustomID = d.CustomID
		req.MessageTitle = messageTitle(i.Message)
		return req, nil
	}
	return req, bot.Message("request.unsupported", map[string]any{"type": int(i.Type)})
}

// messageTitle is the title of the first embed of m, the message a button
// is under (where an answer's question is), or empty.
func messageTitle(m *discordgo.Message) string {
	if m == nil || len(m.Embeds) == 0 || m.Embeds[0] == nil {
		return ""
	}
	return m.Embeds[0].Title
}

// commandRequest fills req from a slash command, its autocomplete, or the
// message context menu. Discord sends the command's and options' default
// (English) names whatever the member's locale, so routing is by those.
func commandRequest(req bot.Request, typ discordgo.InteractionType, d discordgo.ApplicationCommandInteractionData) (bot.Request, error) {
	req.Command = d.Name
	req.Kind = bot.KindCommand
	if typ == discordgo.InteractionApplicationCommandAutocomplete {
		req.Kind = bot.KindAutocomplete
	}
	if d.CommandType == discordgo.MessageApplicationCommand {
		req.Kind = bot.KindMessageMenu
		if d.Resolved == nil || d.Resolved.Messages[d.TargetID] == nil {
			return req, bot.Message("request.no_target", nil)
		}
		req.Text = d.Resolved.Messages[d.TargetID].Content
		if strings.TrimSpace(req.Text) == "" {
			return req, bot.Message("request.no_text", nil)
		}
		return req, nil
	}
	for _, o := range d.Options {
		if o == nil {
			continue
		}
		v, err := optionText(o, d.Resolved)
		if err != nil {
			return req, bot.Message("request.option", map[string]any{"option": optionName(d.Name, o.Name), "problem": err})
		}
		if o.Type == discordgo.ApplicationCommandOptionAttachment {
			a := d.Resolved.Attachments[v]
			req.Attachment = &bot.Attachment{Name: a.Filename, URL: a.URL, Size: int64(a.Size)}
			continue
		}
		req.Options[o.Name] = v
		if o.Focused {
			req.Focused = o.Name
		}
	}
	return req, nil
}

// optionName is the name of a command's option as a member reads it: the
// catalogue's, so that it is shown in the member's language, or, for an
// option no catalogue names, the name Discord sent.
func optionName(command, option string) any {
	key := "command." + command + ".option." + option + ".name"
	if english, _ := bot.CatalogueText(key); english != key {
		return bot.Message(key, nil)
	}
	return option
}

// optionText renders an option's value as text and checks its size; its
// errors are messages.
func optionText(o *discordgo.ApplicationCommandInteractionDataOption, res *discordgo.ApplicationCommandInteractionDataResolved) (string, error) {
	var v string
	switch x := o.Value.(type) {
	case string:
		v = x
	case bool:
		v = strconv.FormatBool(x)
	case float64:
		v = strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return "", bot.Message("request.no_value", nil)
	default:
		v = fmt.Sprint(x)
	}
	if len(v) > maxOptionLength {
		return "", bot.Message("request.too_long", map[string]any{"length": len(v), "limit": maxOptionLength})
	}
	if o.Type == discordgo.ApplicationCommandOptionAttachment && (res == nil || res.Attachments[v] == nil) {
		return "", bot.Message("request.no_attachment", nil)
	}
	return v, nil
}

// requestFromMessage turns a message for the bot into a Request; text is
// the question, as questionFromMessage found it.
func requestFromMessage(m *discordgo.Message, text string) bot.Request {
	return bot.Request{ID: m.ID, Kind: bot.KindMessage, Text: text, UserID: m.Author.ID, GuildID: m.GuildID}
}

// questionFromMessage decides whether a message is for the bot: any direct
// message is; in a server only one that mentions the bot, with the mention
// removed.
func questionFromMessage(m *discordgo.Message, self string) (string, bool) {
	if m.GuildID == "" {
		return m.Content, true
	}
	if self == "" {
		return "", false
	}
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			mentioned = true
		}
	}
	if !mentioned {
		return "", false
	}
	text := strings.NewReplacer("<@"+self+">", " ", "<@!"+self+">", " ").Replace(m.Content)
	return strings.TrimSpace(text), true
}

// discordMessage is a Reply in discordgo's terms, its text within Discord's
// limit; the handlers' rendering has already fitted its embeds, buttons
// and choices.
type discordMessage struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	flags      discordgo.MessageFlags
}

// toDiscord converts a reply, fitted to Discord's limits.
func toDiscord(r bot.Reply) discordMessage {
	r = r.Fitted()
	m := discordMessage{content: r.Content}
	for _, e := range r.Embeds {
		m.embeds = append(m.embeds, discordEmbed(e))
	}
	for _, row := range r.Buttons {
		ar := discordgo.ActionsRow{}
		for _, b := range row {
			ar.Components = append(ar.Components, discordgo.Button{Label: b.Label, CustomID: b.CustomID, Style: buttonStyle(b.Style)})
		}
		m.components = append(m.components, ar)
	}
	if r.Ephemeral {
		m.flags = discordgo.MessageFlagsEphemeral
	}
	return m
}

func discordEmbed(e bot.Embed) *discordgo.MessageEmbed {
	out := &discordgo.MessageEmbed{Title: e.Title, Description: e.Description, Color: e.Color}
	for _, f := range e.Fields {
		out.Fields = append(out.Fields, &discordgo.MessageEmbedField{Name: f.Name, Value: f.Value})
	}
	if e.Footer != "" {
		out.Footer = &discordgo.MessageEmbedFooter{Text: e.Footer}
	}
	return out
}

func buttonStyle(s bot.ButtonStyle) discordgo.ButtonStyle {
	if s == bot.ButtonPrimary {
		return discordgo.PrimaryButton
	}
	return discordgo.SecondaryButton
}

// discordChoices converts autocomplete choices, never nil (Discord wants
// a list, even an empty one).
func discordChoices(cs []bot.Choice) []*discordgo.ApplicationCommandOptionChoice {
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(cs))
	for _, c := range cs {
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value})
	}
	return out
}

// noMentions is sent with every message: nobody is pinged, whatever the
// text says.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// responseData turns a reply into an interaction response.
func responseData(r bot.Reply) *discordgo.InteractionResponseData {
	m := toDiscord(r)
	return &discordgo.InteractionResponseData{Content: m.content, Embeds: m.embeds, Components: m.components,
		Flags: m.flags, AllowedMentions: noMentions()}
}

// messageResponse answers an interaction with a reply, at once: a new
// message (type 4), for commands, the message menu and buttons alike (a
// button's reply is a message of its own, not a change to the one it is
// under).
func messageResponse(r bot.Reply) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: responseData(r)}
}

// autocompleteResponse answers an autocomplete interaction with the
// reply's choices (type 8), at most Discord's 25.
func autocompleteResponse(r bot.Reply) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: discordChoices(r.Fitted().Choices)},
	}
}

// deferralResponse acknowledges an interaction whose reply is not ready
// (type 5, "thinking"), private when the reply will be: the reply is later
// edited in through the interaction's webhook (see sendDeferred).
func deferralResponse(ephemeral bool) *discordgo.InteractionResponse {
	flags := discordgo.MessageFlags(0)
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags},
	}
}

// errorResponse answers an interaction the handlers never see (the
// transport is shutting down, or the interaction is malformed) with the
// words bot.ErrorReply gives err, in the language of the member's locale; an
// autocomplete interaction, which can only be answered with choices, gets
// none.
func errorResponse(log *slog.Logger, i *discordgo.Interaction, req bot.Request, err error) *discordgo.InteractionResponse {
	r := bot.ErrorReply(log, req, err)
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return autocompleteResponse(bot.Reply{})
	}
	return messageResponse(r)
}

// webhookEdit turns a reply into the edit of a deferred response; empty
// lists are sent, so nothing of the "thinking" message remains.
func webhookEdit(r bot.Reply) *discordgo.WebhookEdit {
	m := toDiscord(r)
	if m.embeds == nil {
		m.embeds = []*discordgo.MessageEmbed{}
	}
	if m.components == nil {
		m.components = []discordgo.MessageComponent{}
	}
	return &discordgo.WebhookEdit{Content: &m.content, Embeds: &m.embeds, Components: &m.components, AllowedMentions: noMentions()}
}

// privateFollowup turns a reply into a follow-up only the asker sees.
func privateFollowup(r bot.Reply) *discordgo.WebhookParams {
	m := toDiscord(r)
	return &discordgo.WebhookParams{Content: m.content, Embeds: m.embeds, Components: m.components,
		Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()}
}

// messageReply turns a reply into a channel message answering m, which
// it references (without failing if m is gone by then).
func messageReply(r bot.Reply, m *discordgo.Message) *discordgo.MessageSend {
	c := toDiscord(r)
	send := &discordgo.MessageSend{Content: c.content, Embeds: c.embeds, Components: c.components,
		AllowedMentions: noMentions(), Reference: m.Reference()}
	if send.Reference != nil {
		f := false
		send.Reference.FailIfNotExists = &f
	}
	return send
}
