// Package bot makes agreementbot a Discord bot. Handlers are plain
// functions from a Request to a Reply, with no Discord session in sight;
// one adapter (Bot) turns gateway events into Requests and Replies into
// discordgo calls, so the same handlers could serve an HTTP interactions
// endpoint, and tests of behaviour need no session at all.
package bot

import (
	"github.com/bwmarrin/discordgo"
)

// Kind says how a request reached the bot.
type Kind int

// The kinds of request.
const (
	KindCommand      Kind = iota + 1 // a slash command
	KindAutocomplete                 // a slash command option being typed
	KindButton                       // a button under an earlier reply
	KindMessageMenu                  // the "Ask agreementbot" message context menu
	KindMessage                      // a direct message, or a message mentioning the bot
)

// Request is one thing a user asked of the bot, stripped of transport.
type Request struct {
	ID        string // interaction or message id, for logs
	Kind      Kind
	Command   string            // slash command name
	Options   map[string]string // slash command options, as text
	Focused   string            // the option being typed (autocomplete)
	CustomID  string            // the button pressed
	Text      string            // a message's text, or the message-menu target's text
	UserID    string
	UserName  string
	GuildID   string // empty in DMs
	ChannelID string
	// Permissions are the member's permissions in the channel (guild
	// interactions only); Roles their role ids.
	Permissions int64
	Roles       []string
	// Attachment is a file attached to the command (for /reload).
	Attachment *discordgo.MessageAttachment
}

// Reply is what the bot answers with.
type Reply struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	// Ephemeral replies are seen only by the asker.
	Ephemeral bool
	// Choices answer an autocomplete request.
	Choices []*discordgo.ApplicationCommandOptionChoice
	// None means nothing is to be sent (a message the bot ignores).
	None bool
}
