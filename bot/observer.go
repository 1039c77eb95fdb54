package bot

import (
	"errors"
	"strings"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Observer is told what the bot does, for monitoring: the questions it
// answers, the reloads of its sources, the facts it serves and, in
// gateway mode, its connection. The bot defines it and calls it; a
// metrics package implements it (bot/metrics), so the bot depends on
// no monitoring library. Its methods are called from many goroutines at
// once and on the paths that answer members: they must be safe for
// concurrent use and return at once.
type Observer interface {
	// Question reports one question: where it came from (an Entry...
	// constant), how it ended (an Outcome... constant) and how long the
	// handlers took over it.
	Question(entry, outcome string, latency time.Duration)
	// Reload reports one reload of the sources, by what triggered it (a
	// Reload... constant), and whether it succeeded; after a failure the
	// previous facts keep serving.
	Reload(trigger string, ok bool)
	// Loaded reports how many sources and facts are being served now: at
	// start, and after each reload that succeeded.
	Loaded(sources, facts int)
	// Gateway reports whether the gateway connection of a shard (0 when
	// the bot runs one) is up (gateway mode only). A process running
	// several shards reports each.
	Gateway(shard int, connected bool)
	// Vote reports a member's 👍 (up) or 👎 on an answer, and what the
	// activity history made of it (a Vote... constant).
	Vote(up bool, result string)
}

// What became of a vote, as Observer.Vote reports it.
const (
	VoteResultCounted = "counted" // a first vote on the answer
	VoteResultChanged = "changed" // the member changed their vote
	VoteResultKept    = "kept"    // the member's vote was already that
	VoteResultFailed  = "failed"  // the activity history could not keep it
)

// VoteResults lists every VoteResult... constant, for an Observer that
// reports every combination from the start.
func VoteResults() []string {
	return []string{VoteResultCounted, VoteResultChanged, VoteResultKept, VoteResultFailed}
}

// Where a question came from, as Observer.Question reports it. Which
// transport carried it (the gateway or the HTTP endpoint) is the same for
// every question a process answers, so it is not reported per question.
const (
	EntrySlash        = "slash"        // the /ask command
	EntryAutocomplete = "autocomplete" // /ask's question being typed: one per completion request
	EntryButton       = "button"       // a "did you mean" suggestion, or More
	EntryDM           = "dm"           // a direct message
	EntryMention      = "mention"      // a server message mentioning the bot
	EntryMenu         = "menu"         // the "Ask agreementbot" message menu
)

// How a question ended, as Observer.Question reports it.
const (
	// OutcomeAnswered: the reply quotes facts (for autocomplete: it
	// offers completions).
	OutcomeAnswered = "answered"
	// OutcomeTentative: the reply quotes the closest fact, saying the
	// bot is not sure it answers the question.
	OutcomeTentative = "tentative"
	// OutcomeAbstained: the sources do not answer it, and the reply says
	// so (for autocomplete: no completion).
	OutcomeAbstained = "abstained"
	// OutcomeRateLimited: the member asked too fast and was told to wait.
	OutcomeRateLimited = "rate_limited"
	// OutcomeRefused: the question could not be asked (empty, too long,
	// a button not recognised) and the member was told why.
	OutcomeRefused = "refused"
	// OutcomeError: an unexpected failure, or a panic; the member got an
	// apology.
	OutcomeError = "error"
)

// What triggered a reload, as Observer.Reload reports it.
const (
	ReloadCommand = "command" // an admin's /reload, with or without a file
	ReloadSignal  = "signal"  // SIGHUP
	ReloadStore   = "store"   // the store watcher: `agreementbot ingest` rebuilt the store
)

// Entries lists every Entry... constant, for an Observer that reports
// every combination from the start.
func Entries() []string {
	return []string{EntrySlash, EntryAutocomplete, EntryButton, EntryDM, EntryMention, EntryMenu}
}

// Outcomes lists every Outcome... constant, for an Observer that reports
// every combination from the start.
func Outcomes() []string {
	return []string{OutcomeAnswered, OutcomeTentative, OutcomeAbstained, OutcomeRateLimited, OutcomeRefused, OutcomeError}
}

// ReloadTriggers lists every Reload... constant, for an Observer that
// reports every combination from the start.
func ReloadTriggers() []string { return []string{ReloadCommand, ReloadSignal, ReloadStore} }

// nopObserver is the Observer used when none is given: it does nothing.
type nopObserver struct{}

func (nopObserver) Question(string, string, time.Duration) {}
func (nopObserver) Reload(string, bool)                    {}
func (nopObserver) Loaded(int, int)                        {}
func (nopObserver) Gateway(int, bool)                      {}
func (nopObserver) Vote(bool, string)                      {}

// questionEntry says where req came from if it asks a question, else "":
// /ask, its autocomplete, a suggestion or More button, the message menu,
// and a message with text. Other commands and buttons (/sources, Source,
// ...) are not questions.
func questionEntry(req Request) string {
	switch req.Kind {
	case KindCommand:
		if req.Command == cmdAsk {
			return EntrySlash
		}
	case KindAutocomplete:
		if req.Command == cmdAsk {
			return EntryAutocomplete
		}
	case KindButton:
		kind, _, _ := strings.Cut(req.CustomID, ":")
		if kind == buttonSuggestion || kind == buttonMore {
			return EntryButton
		}
	case KindMessageMenu:
		return EntryMenu
	case KindMessage:
		if strings.TrimSpace(req.Text) == "" {
			return "" // answered with an invitation to ask
		}
		if req.GuildID == "" {
			return EntryDM
		}
		return EntryMention
	}
	return ""
}

// questionOutcome says how a question ended from what the handlers
// returned, sorting errors as errorReply does.
func questionOutcome(r Reply, err error) string {
	var (
		n     *notice
		limit *rateLimited
	)
	switch {
	case err == nil && r.abstained:
		return OutcomeAbstained
	case err == nil && r.tentative:
		return OutcomeTentative
	case err == nil:
		return OutcomeAnswered
	case errors.As(err, &limit):
		return OutcomeRateLimited
	case errors.As(err, &n), errors.Is(err, knowledge.ErrEmptyQuestion), errors.Is(err, knowledge.ErrQuestionTooLong):
		return OutcomeRefused
	}
	return OutcomeError
}
