package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/agreementbot/agreementbot/internal/outage"
	"github.com/agreementbot/agreementbot/knowledge"
)

// ActivityLog keeps the history of the questions members ask and of their
// votes on the answers, which admins read later (the dashboard). The bot
// defines it and calls it; bot/redisstate keeps it in Redis, shared by
// replicas, and bot/activitydb in a SQLite file of its own. Like a
// [SharedStats], it may fail, and the handlers do not log its failures:
// an implementation reports its store's outages itself, once each, and
// should fail at once while its store is known to be down. It must be
// safe for concurrent use.
type ActivityLog interface {
	// Record keeps one question. The handlers call it off the path that
	// answers members (see HandlerOptions.Activity), so a slow or failing
	// store never delays or fails an answer.
	Record(ctx context.Context, q ActivityQuestion) error
	// Vote keeps a member's vote on an answer: one vote per member per
	// answer (v.Check and v.FactID), a second replacing the first, so
	// that it never counts twice. It says how the vote was taken.
	Vote(ctx context.Context, v ActivityVote) (VoteResult, error)
}

// ActivityQuestion is one question as the activity history keeps it.
type ActivityQuestion struct {
	At time.Time
	// Question is the question's normalized text (ActivityText): folded,
	// its white space collapsed.
	Question string
	// Check is ActivityCheck of the question: what a vote on its answer
	// carries to say which question it is about.
	Check string
	// Language is the language the question was asked in ("en", "es").
	Language string
	// Outcome is how it ended: OutcomeAnswered, OutcomeTentative,
	// OutcomeAbstained (declined: the sources do not answer it) or
	// OutcomeRefused (the engine could not take it: empty, too long).
	Outcome string
	// FactID is the id of the first fact of the answer; "" when none.
	FactID string
	// Latency is how long the engine took to answer.
	Latency time.Duration
	// UserID is the asker's Discord id. A store keeps it only when told
	// to (activity.keep_user_ids); it is empty in what a store reads back
	// otherwise.
	UserID string
}

// ActivityVote is one member's vote on one answer.
type ActivityVote struct {
	At time.Time
	// Check and FactID say which answer the vote is on: the question's
	// ActivityCheck and the id of the answer's first fact.
	Check  string
	FactID string
	// Question is the question's normalized text, read back from the
	// answer the button is under; "" when it could not be (a title cut
	// to fit Discord's limits), and a reader then takes it from the
	// questions kept with the same Check.
	Question string
	// Up is true for 👍, false for 👎.
	Up bool
	// UserID is the voter's Discord id. Unless told to keep user ids, a
	// store keeps only a keyed hash of it with the answer, enough to
	// count one vote per member per answer.
	UserID string
}

// VoteResult says how a vote was taken.
type VoteResult int

// How a vote was taken.
const (
	VoteCounted VoteResult = iota + 1 // the member's first vote on the answer
	VoteChanged                       // it replaced the member's other vote on the answer
	VoteKept                          // the member had voted so already: still counted once
)

// ActivityText is the normalized text under which a question is kept:
// folded, its white space collapsed (as /stats counts unanswered
// questions), at most knowledge.MaxQuestionLength bytes.
func ActivityText(question string) string {
	s := unansweredKey(question)
	if len(s) <= knowledge.MaxQuestionLength {
		return s
	}
	s = s[:knowledge.MaxQuestionLength]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// ActivityCheck is the check of a question's normalized text, which its
// answer's vote buttons carry (8 lower-case hex digits).
func ActivityCheck(question string) string { return questionCheck(ActivityText(question)) }

// VoterKey is what a store keeps a vote under, to keep one vote per member
// per answer without keeping the member's id: the HMAC-SHA256, under the
// store's own secret key, of the member's id and the answer (v.Check and
// v.FactID), in hex. Without the key, the member cannot be told from it.
func VoterKey(key []byte, v ActivityVote) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(v.UserID + "\x00" + v.Check + "\x00" + v.FactID))
	return hex.EncodeToString(m.Sum(nil))
}

// activityQueueSize bounds the questions waiting to be recorded: past it,
// a store too slow to keep up loses questions rather than memory.
const activityQueueSize = 1024

// activityTimeout bounds one call to the activity store.
const activityTimeout = 5 * time.Second

// voteTimeout bounds the recording of a vote, which the member waits for;
// below the transports' deferral (1.5 s), so a vote is answered at once.
const voteTimeout = time.Second

// errActivityClosed is the error of a vote after the handlers are closed.
var errActivityClosed = errors.New("the activity history is closed")

// activityRecorder records questions in an ActivityLog from a goroutine
// of its own, through a bounded queue, so that answering never waits for
// the store. When the queue is full a question is dropped, and the log
// says so once until the store keeps up again.
type activityRecorder struct {
	store ActivityLog
	log   *slog.Logger
	full  *outage.Tracker // down: the queue overflowed

	mu     sync.RWMutex
	closed bool
	queue  chan ActivityQuestion
	done   chan struct{}
}

// newActivityRecorder starts recording into store.
func newActivityRecorder(store ActivityLog, log *slog.Logger) *activityRecorder {
	r := &activityRecorder{store: store, log: log, full: outage.New(0, time.Now),
		queue: make(chan ActivityQuestion, activityQueueSize), done: make(chan struct{})}
	go r.run()
	return r
}

// record queues q, or drops it when the queue is full or closed.
func (r *activityRecorder) record(q ActivityQuestion) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return
	}
	select {
	case r.queue <- q:
	default:
		if r.full.Failed() {
			r.log.Warn("activity history falling behind: questions are left out of it until it keeps up")
		}
	}
}

// run records the queued questions until the queue is closed and empty.
func (r *activityRecorder) run() {
	defer close(r.done)
	for q := range r.queue {
		ctx, cancel := context.WithTimeout(context.Background(), activityTimeout)
		err := r.store.Record(ctx, q) // the store reports its outages
		cancel()
		if err == nil && r.full.Recovered() {
			r.log.Info("activity history keeping up again")
		}
		r.log.Debug("activity recorded", "outcome", q.Outcome, "ok", err == nil)
	}
}

// vote records a vote, waiting at most voteTimeout.
func (r *activityRecorder) vote(ctx context.Context, v ActivityVote) (VoteResult, error) {
	r.mu.RLock()
	closed := r.closed
	r.mu.RUnlock()
	if closed {
		return 0, errActivityClosed
	}
	ctx, cancel := context.WithTimeout(ctx, voteTimeout)
	defer cancel()
	return r.store.Vote(ctx, v)
}

// close stops taking questions and returns once those queued are
// recorded.
func (r *activityRecorder) close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	<-r.done
}

// recordQuestion queues a question for the activity history, when there
// is one: its answer ans (the zero Answer for a refused one) and how
// long the engine took.
func (h *Handlers) recordQuestion(req Request, question string, ans knowledge.Answer, outcome string, latency time.Duration) {
	if h.activity == nil {
		return
	}
	if ans.Question != "" {
		question = ans.Question
	}
	q := ActivityQuestion{At: time.Now(), Question: ActivityText(question), Language: ans.Language, Outcome: outcome,
		Latency: latency, UserID: req.UserID}
	q.Check = questionCheck(q.Question)
	if q.Language == "" && strings.TrimSpace(question) != "" {
		q.Language = h.lib.Index().Language(q.Question)
	}
	if ans.Answered && len(ans.Facts) > 0 {
		q.FactID = ans.Facts[0].ID
	}
	h.activity.record(q)
}

// Close stops recording questions in the activity history
// (HandlerOptions.Activity), and returns once those in flight are
// recorded, so that the store may be closed after it. Votes are refused
// from then on; questions are answered but not recorded. Without an
// activity history it does nothing.
func (h *Handlers) Close() {
	if h.activity != nil {
		h.activity.close()
	}
}
