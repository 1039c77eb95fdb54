// Package discord carries the bot's [bot.Handlers] to and from Discord,
// and is the only package of the bot that imports discordgo. It has two
// transports over the same conversions: the [Gateway], discordgo sessions
// connected to Discord's gateway (one per shard it runs, see [Sharding]),
// and the [Endpoint], an http.Handler for the interactions Discord POSTs
// to the application's Interactions Endpoint URL.
//
// A question flows like this. An interaction arrives, as a gateway event
// or as a POST whose Ed25519 signature the Endpoint checks before it
// reads anything else, and becomes a [bot.Request], its type checked
// before its data is read; a message for the bot (over the gateway only)
// becomes one too. The request runs through the handlers wrapped in
// [bot.Recover]. When the reply is not ready within the transport's
// DeferAfter, the interaction is acknowledged with a deferral, in time for
// Discord's three seconds, and the reply is edited in through the
// interaction's webhook once it is. The [bot.Reply] goes out in
// discordgo's types, mentioning nobody. A request the handlers never see
// (malformed, or arriving while the transport shuts down) is answered with
// [bot.ErrorReply]'s words, in the member's language. At shutdown both
// transports stop taking requests and finish the replies in flight.
//
// The [Commands] are registered with the names and descriptions of the
// bot's catalogues: by the Gateway once shard 0 has connected, and for the
// Endpoint, which has no gateway, by [RegisterCommands]. Both serve health checks and, when
// given one, a metrics handler: the Endpoint beside its interactions, the
// Gateway on a server of its own ([Gateway.ServeStatus]).
package discord
