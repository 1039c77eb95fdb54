package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Failures, and what users are told about them. Handlers return errors;
// errorReply, and nothing else, turns one into the words the user reads
// (as wtf's http.Error does for HTTP responses), in the language it is
// given, and Recover, and nothing else, turns a panic into one.

// notice is a refusal written for the user: what cannot be done and, where
// it helps, what to do instead, as a message errorReply puts into the
// member's language. Its cause, when there is one, is logged but never
// shown.
type notice struct {
	msg   message
	cause error
}

// Error is the notice's words in English, with its cause, for the log.
func (n *notice) Error() string {
	if n.cause != nil {
		return n.msg.Error() + " (" + n.cause.Error() + ")"
	}
	return n.msg.Error()
}

// Unwrap returns the cause.
func (n *notice) Unwrap() error { return n.cause }

// refuse returns a notice telling the user the message key with values v.
func refuse(key string, v vars) error { return &notice{msg: msg(key, v)} }

// Notices given in more than one place.
var (
	errUnknownCommand = refuse("error.unknown_command", nil)
	errUnknownButton  = refuse("error.unknown_button", nil)
)

// rateLimited refuses a question from a user asking too fast.
type rateLimited struct {
	burst      int
	per        time.Duration
	retryAfter time.Duration // 0: unknown
}

// Error says what the limit is, for the log.
func (e *rateLimited) Error() string {
	return fmt.Sprintf("rate limited: more than %d questions in %s", e.burst, e.per)
}

// reloadFailed is a reload (or upload) the library refused; the old facts
// keep serving. The admin sees its problems, with their files and lines.
type reloadFailed struct{ err error }

// Error says what the library reported.
func (e *reloadFailed) Error() string { return "reload failed: " + e.err.Error() }

// Unwrap returns what the library reported.
func (e *reloadFailed) Unwrap() error { return e.err }

// errPanicked stands for a handler that panicked; Recover has logged it.
var errPanicked = errors.New("the handler panicked")

// errorReply is the one place an error becomes what the user reads, as a
// private reply in language l: a notice says its own words; a question
// the engine refuses (empty, too long) says why; a rate limit says how
// fast one may ask; a failed reload shows the admin its problems, each
// with its file and line (the library's words, as the files are); anything
// else is an unexpected failure, logged with the request's id and answered
// with a plain apology, its details kept from the user.
func errorReply(log *slog.Logger, req Request, err error, l *language) Reply {
	var (
		n      *notice
		limit  *rateLimited
		reload *reloadFailed
	)
	text := l.text("error.apology")
	switch {
	case errors.As(err, &n):
		text = l.render(n.msg)
		log.Info("request refused", "id", req.ID, "user", req.UserID, "kind", kindName(req.Kind), "reason", err)
	case errors.As(err, &limit):
		text = l.format("error.rate_limited", vars{"questions": l.plural("count.questions", limit.burst), "period": limit.per.String()})
		log.Info("rate limited", "id", req.ID, "user", req.UserID, "retry_after", limit.retryAfter)
	case errors.As(err, &reload):
		text = reloadText(reload.err, l)
		log.Warn("reload failed", "id", req.ID, "user", req.UserID, "error", reload.err)
	case errors.Is(err, knowledge.ErrEmptyQuestion), errors.Is(err, knowledge.ErrQuestionTooLong):
		text = refusal(err, l)
		log.Info("question refused", "id", req.ID, "user", req.UserID, "error", err)
	case errors.Is(err, errPanicked):
		// Recover has logged it, with its stack.
	default:
		log.Error("request failed", "id", req.ID, "user", req.UserID, "kind", kindName(req.Kind), "error", err)
	}
	return Reply{Content: text, Ephemeral: true}
}

// refusal tells a user, in l, that the engine refused their question, and
// why.
func refusal(err error, l *language) string {
	return l.format("error.question_refused", vars{"problem": questionProblem(err)})
}

// questionProblem says why the engine refused a question, without the
// wrapping of the layers it went through.
func questionProblem(err error) message {
	if errors.Is(err, knowledge.ErrEmptyQuestion) {
		return msg("question.empty", nil)
	}
	return msg("question.too_long", vars{"max": knowledge.MaxQuestionLength})
}

// reloadText tells an admin, in l, why a reload failed: every problem the
// library found, one per line ("broken.md:3: front matter: bad date"), in
// a code block that nothing in the text can close.
func reloadText(err error, l *language) string {
	head := l.text("reload.failed")
	var list knowledge.SourceErrors
	if errors.As(err, &list) && len(list) > 1 {
		head = l.format("reload.failed_many", vars{"problems": l.plural("count.problems", len(list))})
	}
	body := trim(strings.ReplaceAll(err.Error(), "```", "'''"), maxContent-len(head)-20)
	return head + "\n```\n" + body + "\n```"
}

// Handler answers requests. *Handlers is one; Recover wraps one.
type Handler interface {
	Handle(ctx context.Context, req Request) Reply
}

// HandlerFunc makes a function a Handler.
type HandlerFunc func(ctx context.Context, req Request) Reply

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, req Request) Reply { return f(ctx, req) }

// Recover wraps next so that a panic in it is logged, with the request's
// id and the stack, and answered with the apology from errorReply (in the
// language of the request's locale, else English), rather than ending the
// process or leaving the user without an answer. Only the Request is
// logged, never the transport's data, so no interaction or webhook token
// reaches the log. Every path of the adapter (an immediate interaction
// reply, a deferred one, a message) runs its handler through it.
func Recover(next Handler, log *slog.Logger) Handler {
	return HandlerFunc(func(ctx context.Context, req Request) (r Reply) {
		defer func() {
			if p := recover(); p != nil {
				LogPanic(log, "handler", req.ID, p, "kind", kindName(req.Kind), "command", req.Command)
				r = errorReply(log, req, errPanicked, requestLanguage(req))
			}
		}()
		return next.Handle(ctx, req)
	})
}

// LogPanic logs a recovered panic with its stack, for Recover and for
// the transports' own recovery; attrs add context. Only ids are logged,
// never transport data, so no token reaches the log.
func LogPanic(log *slog.Logger, where, id string, p any, attrs ...any) {
	log.Error("panic in "+where, append([]any{"id", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack())}, attrs...)...)
}
