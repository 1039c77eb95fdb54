package redisstate

import (
	"errors"
	"log/slog"
	"time"

	"github.com/agreementbot/agreementbot/internal/outage"
)

// RetryDelay is how long a Redis found not answering is left alone by
// the commands: meanwhile they fail at once with [ErrUnavailable], so the
// bot falls back to its own state without waiting for a timeout on every
// question. Whatever finds it answering again ends the wait.
const RetryDelay = time.Second

// CheckInterval is how often [Client.Watch] checks, while all is quiet,
// that Redis still answers, and how often it tries it again while it
// does not.
const CheckInterval = time.Second

// ErrUnavailable is the error of a command not sent because Redis did not
// answer less than [RetryDelay] ago.
var ErrUnavailable = errors.New("redis: unavailable (not answering a moment ago)")

// health is whether Redis answers, as the client's commands and its
// watcher find it. It logs one warning when Redis stops answering and
// one message when it answers again: once per outage, whoever notices.
type health struct {
	log *slog.Logger
	*outage.Tracker
	// kick, full when a command found Redis answering while it was
	// counted down, tells the watcher to check at once.
	kick chan struct{}
}

// newHealth returns the health of a Redis that is presumed up.
func newHealth(log *slog.Logger, now func() time.Time) *health {
	return &health{log: log, Tracker: outage.New(RetryDelay, now), kick: make(chan struct{}, 1)}
}

// usable reports whether a command should be sent now: Redis is up, or
// has been down for RetryDelay.
func (h *health) usable() bool { return h.Usable() }

// result records how a command went: a failure counts Redis down (and
// is logged if it was up); a success while down has the watcher check
// it at once, to say it is back once it is subscribed again.
func (h *health) result(err error) {
	if err == nil {
		h.answered()
		return
	}
	h.failed(err)
}

// failed counts Redis down after err, warning if it was up.
func (h *health) failed(err error) {
	if h.Failed() {
		h.log.Warn("redis unavailable: rate limits, /stats and reload announcements use this process's own, "+
			"and questions and votes are not kept, until it is back",
			"error", err)
	}
}

// answered notes that a command got an answer.
func (h *health) answered() {
	if h.Down() {
		select {
		case h.kick <- struct{}{}:
		default:
		}
	}
}

// recovered counts Redis up again, saying so if it was down: the watcher
// calls it once subscribed, so by then everything is shared again.
func (h *health) recovered() {
	if h.Recovered() {
		h.log.Info("redis available again: rate limits, /stats, reload announcements and questions and votes are shared again")
	}
}
