package discordfake

import (
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultAppPermissions are the app_permissions given to guild
// interactions built by this package when [Origin.AppPermissions] is 0:
// view channel, send messages (also in threads), embed links, attach
// files, read message history, add reactions and use external emojis.
const DefaultAppPermissions int64 = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionAttachFiles |
	discordgo.PermissionReadMessageHistory |
	discordgo.PermissionAddReactions |
	discordgo.PermissionUseExternalEmojis

// User returns a user with the given ID and the username "user-<id>".
func User(userID string) *discordgo.User {
	return &discordgo.User{ID: userID, Username: "user-" + userID, GlobalName: "User " + userID, Discriminator: "0"}
}

// Member returns a guild member for [User](userID) with the given
// permission bits (as resolved for the interaction's channel) and role IDs.
func Member(userID string, perms int64, roles ...string) *discordgo.Member {
	if roles == nil {
		roles = []string{}
	}
	return &discordgo.Member{
		User:        User(userID),
		Roles:       roles,
		Permissions: perms,
		JoinedAt:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
	}
}

// Origin says where and by whom an interaction or message is sent.
type Origin struct {
	// GuildID is the guild; empty means a DM with the bot.
	GuildID string
	// ChannelID is the channel.
	ChannelID string
	// Member is the invoking member (guild only).
	Member *discordgo.Member
	// User is the invoking user (DM only; for guilds Member.User is used).
	User *discordgo.User
	// AppPermissions are the bot's permissions in the channel; 0 means
	// [DefaultAppPermissions] in guilds (and is left 0 in DMs).
	AppPermissions int64
	// Locale is the invoking user's locale; empty means "en-US".
	Locale discordgo.Locale
}

// InGuild returns an Origin for member m in channelID of guildID.
func InGuild(guildID, channelID string, m *discordgo.Member) Origin {
	return Origin{GuildID: guildID, ChannelID: channelID, Member: m}
}

// InDM returns an Origin for user u in the DM channel channelID.
func InDM(channelID string, u *discordgo.User) Origin {
	return Origin{ChannelID: channelID, User: u}
}

// author returns the invoking user.
func (o Origin) author() *discordgo.User {
	if o.Member != nil && o.Member.User != nil {
		return o.Member.User
	}
	return o.User
}

// interaction builds the common part of an interaction from o.
func (o Origin) interaction(t discordgo.InteractionType, data discordgo.InteractionData) *discordgo.Interaction {
	locale := o.Locale
	if locale == "" {
		locale = discordgo.EnglishUS
	}
	i := &discordgo.Interaction{
		Type:      t,
		Data:      data,
		ChannelID: o.ChannelID,
		Locale:    locale,
		Version:   1,
	}
	if o.GuildID != "" {
		i.GuildID = o.GuildID
		i.Member = o.Member
		if i.Member == nil && o.User != nil {
			i.Member = &discordgo.Member{User: o.User, Roles: []string{}}
		}
		gl := discordgo.EnglishUS
		i.GuildLocale = &gl
		i.Context = discordgo.InteractionContextGuild
		i.AppPermissions = o.AppPermissions
		if i.AppPermissions == 0 {
			i.AppPermissions = DefaultAppPermissions
		}
		i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: o.GuildID}
	} else {
		i.User = o.author()
		i.Context = discordgo.InteractionContextBotDM
		i.AppPermissions = o.AppPermissions
		if i.User != nil {
			i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: i.User.ID}
		}
	}
	return i
}

// Option is a slash command option value as received by the bot.
type Option = discordgo.ApplicationCommandInteractionDataOption

// StringOpt returns a string option.
func StringOpt(name, value string) *Option {
	return &Option{Name: name, Type: discordgo.ApplicationCommandOptionString, Value: value}
}

// Focused marks o as the option being typed in an autocomplete
// interaction and returns it.
func Focused(o *Option) *Option {
	o.Focused = true
	return o
}

// NewSlashInteraction returns a chat-input command interaction (type 2,
// command type 1) for command name with the given options.
func NewSlashInteraction(o Origin, name string, opts ...*Option) *discordgo.Interaction {
	return o.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		Name:        name,
		CommandType: discordgo.ChatApplicationCommand,
		Options:     opts,
	})
}

// NewAutocompleteInteraction returns an autocomplete interaction (type 4)
// for command name; mark the option being typed with [Focused].
func NewAutocompleteInteraction(o Origin, name string, opts ...*Option) *discordgo.Interaction {
	return o.interaction(discordgo.InteractionApplicationCommandAutocomplete, discordgo.ApplicationCommandInteractionData{
		Name:        name,
		CommandType: discordgo.ChatApplicationCommand,
		Options:     opts,
	})
}

// NewMessageCommandInteraction returns a message context-menu command
// interaction (type 2, command type 3) targeting target, which is placed
// in the resolved messages.
func NewMessageCommandInteraction(o Origin, name string, target *discordgo.Message) *discordgo.Interaction {
	return o.interaction(discordgo.InteractionApplicationCommand, discordgo.ApplicationCommandInteractionData{
		Name:        name,
		CommandType: discordgo.MessageApplicationCommand,
		TargetID:    target.ID,
		Resolved: &discordgo.ApplicationCommandInteractionDataResolved{
			Messages: map[string]*discordgo.Message{target.ID: target},
		},
	})
}

// NewButtonInteraction returns a button click (type 3, component type 2)
// with customID on msg (which may be nil).
func NewButtonInteraction(o Origin, customID string, msg *discordgo.Message) *discordgo.Interaction {
	i := o.interaction(discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{
		CustomID:      customID,
		ComponentType: discordgo.ButtonComponent,
	})
	i.Message = msg
	return i
}

// NewSelectInteraction returns a string select menu choice (type 3,
// component type 3) with customID and the selected values on msg (which
// may be nil).
func NewSelectInteraction(o Origin, customID string, values []string, msg *discordgo.Message) *discordgo.Interaction {
	i := o.interaction(discordgo.InteractionMessageComponent, discordgo.MessageComponentInteractionData{
		CustomID:      customID,
		ComponentType: discordgo.SelectMenuComponent,
		Values:        values,
	})
	i.Message = msg
	return i
}

// TextField is one text input value of a submitted modal.
type TextField struct {
	// CustomID is the text input's custom ID.
	CustomID string
	// Value is what the user typed.
	Value string
}

// NewModalSubmitInteraction returns a modal submission (type 5) for the
// modal customID, one action row per field.
func NewModalSubmitInteraction(o Origin, customID string, fields ...TextField) *discordgo.Interaction {
	rows := make([]discordgo.MessageComponent, 0, len(fields))
	for _, fl := range fields {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: fl.CustomID, Value: fl.Value},
		}})
	}
	return o.interaction(discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{
		CustomID:   customID,
		Components: rows,
	})
}

// NewUserMessage returns a message from the origin's user with the given
// content, for [Server.DispatchMessage].
func NewUserMessage(o Origin, content string) *discordgo.Message {
	m := &discordgo.Message{
		ChannelID: o.ChannelID,
		GuildID:   o.GuildID,
		Content:   content,
		Author:    o.author(),
		Type:      discordgo.MessageTypeDefault,
		Embeds:    []*discordgo.MessageEmbed{},
	}
	if o.GuildID != "" && o.Member != nil {
		mem := *o.Member
		mem.User = nil
		m.Member = &mem
	}
	return m
}
