package bot

import (
	"log/slog"
)

// What the transports (package bot/discord) use of the bot beyond
// Handlers: the words of their own refusals, the catalogues' texts their
// command registrations carry, and Discord's limits on a reply as a
// whole.

// ErrRestarting refuses a request that arrives while its transport shuts
// down.
var ErrRestarting = refuse("error.restarting", nil)

// Malformed is the notice for a request a transport could not make sense
// of; err says why, as a [Message].
func Malformed(err error) error {
	return refuse("error.malformed", vars{"problem": err})
}

// Message returns the catalogues' text of key, with the values v its
// placeholders name (a value may itself be a Message), as an error that
// [ErrorReply] words in the member's language: how a transport says what
// is wrong with a request ("request.no_user"). Its Error is the English.
func Message(key string, v map[string]any) error { return msg(key, v) }

// ErrorReply answers a request the handlers never see (refused with
// [ErrRestarting] or [Malformed]) as errorReply does every failure, in
// the language of req's locale.
func ErrorReply(log *slog.Logger, req Request, err error) Reply {
	return errorReply(log, req, err, requestLanguage(req))
}

// CatalogueText returns the text of key in English, the default Discord
// shows, and in every Discord locale of the other catalogues: the names
// and descriptions a transport registers the commands with
// ("command.ask.name"). A command's and an option's English names are the
// names Request carries and the handlers route by.
func CatalogueText(key string) (inEnglish string, localized map[string]string) {
	localized = map[string]string{}
	for _, l := range translations() {
		for _, loc := range l.DiscordLocales {
			localized[loc] = l.text(key)
		}
	}
	return english().text(key), localized
}

// Fitted returns r within Discord's limits on a message's text and on
// the number of autocomplete choices; the handlers' rendering has fitted
// the rest (embeds, buttons, each choice).
func (r Reply) Fitted() Reply {
	r.Content = trim(r.Content, maxContent)
	if len(r.Choices) > maxChoices {
		r.Choices = r.Choices[:maxChoices]
	}
	return r
}

// Observer returns the Observer the handlers report to (the one
// HandlerOptions give, or one that does nothing), which a transport tells of
// its connection.
func (h *Handlers) Observer() Observer { return h.obs }

// Ready reports whether the library has an index to answer from, which a
// transport's readiness check asks among its own conditions.
func (h *Handlers) Ready() bool { return h.lib.Index() != nil }
