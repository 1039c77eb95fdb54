package bot

import (
	"github.com/bwmarrin/discordgo"
)

// Commands returns, in discordgo's terms, the application commands the
// adapter registers by bulk overwrite, so renamed or removed commands do
// not linger (registration is adapter work; the command and option names
// it shares with Request are in request.go). Member commands work in
// servers, in DMs with the bot and in private channels, and for both
// server and user installs; admin commands only in servers, and only for
// members with Manage Server by default (the bot checks again on every
// use).
func Commands() []*discordgo.ApplicationCommand {
	everywhere := &[]discordgo.InteractionContextType{
		discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel,
	}
	installs := &[]discordgo.ApplicationIntegrationType{
		discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall,
	}
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	guildInstall := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	manageServer := int64(discordgo.PermissionManageGuild)
	minLen := 1
	return []*discordgo.ApplicationCommand{
		{
			Name: cmdAsk, Description: "Ask about the US–Mexico–Guatemala migration agreement",
			Contexts: everywhere, IntegrationTypes: installs,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optQuestion, Description: "Your question",
					Required: true, Autocomplete: true, MinLength: &minLen, MaxLength: 1000},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: optPrivate, Description: "Only you see the answer"},
			},
		},
		{Name: cmdSources, Description: "List the sources the answers come from", Contexts: everywhere, IntegrationTypes: installs},
		{
			Name: cmdFact, Description: "Show one fact with its citation",
			Contexts: everywhere, IntegrationTypes: installs,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optID, Description: "The fact's id (start typing to search)",
					Required: true, Autocomplete: true},
			},
		},
		{Name: cmdHelp, Description: "What this bot does and how to ask", Contexts: everywhere, IntegrationTypes: installs},
		{Name: cmdAskMenu, Type: discordgo.MessageApplicationCommand, Contexts: everywhere, IntegrationTypes: installs},
		{
			Name: cmdReload, Description: "Admins: re-read the sources, optionally adding or replacing one",
			Contexts: guildOnly, IntegrationTypes: guildInstall, DefaultMemberPermissions: &manageServer,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: optFile,
					Description: "A source to add or replace (.txt, .md, facts .yaml, vocabulary.yaml)"},
			},
		},
		{
			Name: cmdStats, Description: "Admins: questions answered and not answered since start",
			Contexts: guildOnly, IntegrationTypes: guildInstall, DefaultMemberPermissions: &manageServer,
		},
	}
}
