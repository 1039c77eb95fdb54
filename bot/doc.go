// Package bot makes agreementbot a Discord bot with no Discord library in
// sight: [Handlers] answer a [Request] with a [Reply], both the bot's own
// types, so that its behaviour is tested without a session. The
// transports that carry requests and replies to and from Discord are in
// package bot/discord; the adapters behind its interfaces sit beside it
// (bot/metrics implements [Observer], bot/redisstate [SharedLimiter] and
// [SharedStats]).
//
// A question flows like this. A transport turns what Discord sent (a
// slash command, its autocomplete, a button, the message menu, or a
// message for the bot) into a Request, and runs [Handlers.Handle] through
// [Recover], which turns a panic into an apology. Handle checks the
// user's rate limit (a [Limiter], falling back from a [SharedLimiter]
// when the replicas share one), asks the [Library] for the
// [knowledge.Index] serving now, and renders its [knowledge.Answer]: the
// cited facts as an [Embed], with [Button]s for the next facts (More) and
// their paragraphs (Source), or, when the sources do not answer, "did you
// mean" suggestions. The transport converts the Reply, [Reply.Fitted] to
// Discord's limits, and sends it. Admins reload the sources, or upload
// one, through the same Library.
//
// Failures become the user's words in one place, the function behind
// [ErrorReply], whatever the transport; the transports' own refusals
// ([ErrRestarting], [Malformed]) go through it too. Every fixed text the
// bot says comes from a catalogue per language, embedded: a reply speaks
// the language of the member's Discord locale, or for a message the
// language its question was written in. [CatalogueText] gives the
// transports the commands' names and descriptions in each, and [Words]
// another front end (the command line) the bot's words. The handlers
// tell an [Observer] of every question and reload, and count them for
// /stats in [Stats], or in [SharedStats] across replicas. With an
// [ActivityLog] (bot/redisstate's, or bot/activitydb's SQLite file) they
// keep the history of questions and of the members' votes on answers (👍
// and 👎), off the answering path, which an [ActivityReport] sums up for
// the admins.
package bot
