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
//
// Every command and option carries its name and description in each
// Discord locale of each catalogue but English (locale.go); the English
// catalogue holds the defaults. Discord shows members the names of their
// locale but sends the default names in interactions whatever the locale
// ("the interaction payload received by your client will still use
// default command, subcommand, and option names", Discord's
// documentation, Application Commands › Localization), so routing by
// cmdAsk and the rest keeps working. The message context-menu command has
// localized names only: Discord allows it no description.
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

	question := option(cmdAsk, optQuestion, discordgo.ApplicationCommandOptionString)
	question.Required, question.Autocomplete, question.MinLength, question.MaxLength = true, true, &minLen, 1000
	id := option(cmdFact, optID, discordgo.ApplicationCommandOptionString)
	id.Required, id.Autocomplete = true, true
	menuNames := localizations("command.menu.name")
	reload := chatCommand(cmdReload, guildOnly, guildInstall, option(cmdReload, optFile, discordgo.ApplicationCommandOptionAttachment))
	stats := chatCommand(cmdStats, guildOnly, guildInstall)
	reload.DefaultMemberPermissions, stats.DefaultMemberPermissions = &manageServer, &manageServer
	return []*discordgo.ApplicationCommand{
		chatCommand(cmdAsk, everywhere, installs, question, option(cmdAsk, optPrivate, discordgo.ApplicationCommandOptionBoolean)),
		chatCommand(cmdSources, everywhere, installs),
		chatCommand(cmdFact, everywhere, installs, id),
		chatCommand(cmdHelp, everywhere, installs),
		{Name: cmdAskMenu, NameLocalizations: &menuNames, Type: discordgo.MessageApplicationCommand,
			Contexts: everywhere, IntegrationTypes: installs},
		reload,
		stats,
	}
}

// chatCommand returns the slash command name, its description and
// localizations from the catalogues' "command.<name>." keys.
func chatCommand(name string, contexts *[]discordgo.InteractionContextType, installs *[]discordgo.ApplicationIntegrationType,
	opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
	key := "command." + name
	names, descriptions := localizations(key+".name"), localizations(key+".description")
	return &discordgo.ApplicationCommand{
		Name: name, NameLocalizations: &names,
		Description: english().text(key + ".description"), DescriptionLocalizations: &descriptions,
		Contexts: contexts, IntegrationTypes: installs, Options: opts,
	}
}

// option returns the option name of command, of type typ, its description
// and localizations from the catalogues' "command.<command>.option.<name>."
// keys.
func option(command, name string, typ discordgo.ApplicationCommandOptionType) *discordgo.ApplicationCommandOption {
	key := "command." + command + ".option." + name
	return &discordgo.ApplicationCommandOption{
		Type: typ, Name: name, NameLocalizations: localizations(key + ".name"),
		Description: english().text(key + ".description"), DescriptionLocalizations: localizations(key + ".description"),
	}
}

// localizations returns the text of key in every Discord locale of every
// catalogue but English's.
func localizations(key string) map[discordgo.Locale]string {
	out := map[discordgo.Locale]string{}
	for _, l := range translations() {
		for _, loc := range l.DiscordLocales {
			out[discordgo.Locale(loc)] = l.text(key)
		}
	}
	return out
}
