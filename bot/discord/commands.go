package discord

import (
	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
)

// Commands returns, in discordgo's terms, the application commands the
// adapter registers by bulk overwrite, so renamed or removed commands do
// not linger. Member commands work in servers, in DMs with the bot and in
// private channels, and for both server and user installs; admin
// commands only in servers, and only for members with Manage Server by
// default (the bot checks again on every use).
//
// Every command and option takes its name and description from the bot's
// catalogues ([bot.CatalogueText]), by the key of its command ("ask") and
// option ("question"): the English ones are the defaults, and the names
// requests carry (the handlers route by them); the others are the
// localizations. Discord shows members the names of their locale but
// sends the default names in interactions whatever the locale ("the
// interaction payload received by your client will still use default
// command, subcommand, and option names", Discord's documentation,
// Application Commands › Localization), so routing keeps working. The
// message context-menu command has localized names only: Discord allows
// it no description.
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

	question := option("ask", "question", discordgo.ApplicationCommandOptionString)
	question.Required, question.Autocomplete, question.MinLength, question.MaxLength = true, true, &minLen, 1000
	id := option("fact", "id", discordgo.ApplicationCommandOptionString)
	id.Required, id.Autocomplete = true, true
	menu, menuNames := localizations("command.menu.name")
	reload := chatCommand("reload", guildOnly, guildInstall, option("reload", "file", discordgo.ApplicationCommandOptionAttachment))
	stats := chatCommand("stats", guildOnly, guildInstall)
	reload.DefaultMemberPermissions, stats.DefaultMemberPermissions = &manageServer, &manageServer
	return []*discordgo.ApplicationCommand{
		chatCommand("ask", everywhere, installs, question, option("ask", "private", discordgo.ApplicationCommandOptionBoolean)),
		chatCommand("sources", everywhere, installs),
		chatCommand("fact", everywhere, installs, id),
		chatCommand("help", everywhere, installs),
		{Name: menu, NameLocalizations: &menuNames, Type: discordgo.MessageApplicationCommand,
			Contexts: everywhere, IntegrationTypes: installs},
		reload,
		stats,
	}
}

// chatCommand returns the slash command of the catalogues'
// "command.<command>." keys, with its options.
func chatCommand(command string, contexts *[]discordgo.InteractionContextType, installs *[]discordgo.ApplicationIntegrationType,
	opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
	key := "command." + command
	name, names := localizations(key + ".name")
	description, descriptions := localizations(key + ".description")
	return &discordgo.ApplicationCommand{
		Name: name, NameLocalizations: &names,
		Description: description, DescriptionLocalizations: &descriptions,
		Contexts: contexts, IntegrationTypes: installs, Options: opts,
	}
}

// option returns the option of type typ of the catalogues'
// "command.<command>.option.<opt>." keys.
func option(command, opt string, typ discordgo.ApplicationCommandOptionType) *discordgo.ApplicationCommandOption {
	key := "command." + command + ".option." + opt
	name, names := localizations(key + ".name")
	description, descriptions := localizations(key + ".description")
	return &discordgo.ApplicationCommandOption{
		Type: typ, Name: name, NameLocalizations: names,
		Description: description, DescriptionLocalizations: descriptions,
	}
}

// localizations returns the English text of key and its text in every
// other Discord locale the catalogues speak.
func localizations(key string) (string, map[discordgo.Locale]string) {
	english, localized := bot.CatalogueText(key)
	out := make(map[discordgo.Locale]string, len(localized))
	for loc, text := range localized {
		out[discordgo.Locale(loc)] = text
	}
	return english, out
}
