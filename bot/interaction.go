package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// maxOptionLength bounds any option's text; longer input is refused with a
// clear error rather than processed.
const maxOptionLength = 6000

// requestFromInteraction turns an interaction into a Request. It switches
// on the interaction type before touching its data: discordgo's
// ApplicationCommandData and friends panic on the wrong type.
func requestFromInteraction(i *discordgo.Interaction) (Request, error) {
	req := Request{ID: i.ID, GuildID: i.GuildID, ChannelID: i.ChannelID, Options: map[string]string{}}
	switch {
	case i.Member != nil && i.Member.User != nil:
		req.UserID, req.UserName = i.Member.User.ID, i.Member.User.Username
		req.Permissions = i.Member.Permissions
		req.Roles = i.Member.Roles
	case i.User != nil:
		req.UserID, req.UserName = i.User.ID, i.User.Username
	default:
		return req, errors.New("it has no user")
	}
	if i.Data == nil {
		return req, errors.New("it has no data")
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		d, ok := i.Data.(discordgo.ApplicationCommandInteractionData)
		if !ok {
			return req, errors.New("its command data is missing")
		}
		req.Command = d.Name
		req.Kind = KindCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			req.Kind = KindAutocomplete
		}
		if d.CommandType == discordgo.MessageApplicationCommand {
			req.Kind = KindMessageMenu
			if d.Resolved == nil || d.Resolved.Messages[d.TargetID] == nil {
				return req, errors.New("the message it targets is missing")
			}
			req.Text = d.Resolved.Messages[d.TargetID].Content
			if strings.TrimSpace(req.Text) == "" {
				return req, errors.New("the message has no text to ask about")
			}
			return req, nil
		}
		for _, o := range d.Options {
			if o == nil {
				continue
			}
			v, err := optionText(o, d.Resolved)
			if err != nil {
				return req, fmt.Errorf("option %q: %w", o.Name, err)
			}
			if o.Type == discordgo.ApplicationCommandOptionAttachment {
				req.Attachment = d.Resolved.Attachments[v]
				continue
			}
			req.Options[o.Name] = v
			if o.Focused {
				req.Focused = o.Name
			}
		}
		return req, nil
	case discordgo.InteractionMessageComponent:
		d, ok := i.Data.(discordgo.MessageComponentInteractionData)
		if !ok || d.CustomID == "" {
			return req, errors.New("its button data is missing")
		}
		req.Kind = KindButton
		req.CustomID = d.CustomID
		return req, nil
	}
	return req, fmt.Errorf("interactions of type %d are not supported", i.Type)
}

// optionText renders an option's value as text and checks its size.
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
		return "", errors.New("it has no value")
	default:
		v = fmt.Sprint(x)
	}
	if len(v) > maxOptionLength {
		return "", fmt.Errorf("it is too long (%d characters; the limit is %d)", len(v), maxOptionLength)
	}
	if o.Type == discordgo.ApplicationCommandOptionAttachment && (res == nil || res.Attachments[v] == nil) {
		return "", errors.New("the attachment is missing")
	}
	return v, nil
}
