package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/agreementbot/agreementbot/knowledge"
)

// Limiter decides whether a user may ask another question now; when not,
// retryAfter says how long until they may (0 when unknown). It never
// fails: an implementation over a shared store falls back on its own.
type Limiter interface {
	Allow(ctx context.Context, userID string) (ok bool, retryAfter time.Duration)
}

// StatsRecorder counts answers and reads the counters /stats shows. It
// never fails: an implementation over a shared store falls back on its
// own.
type StatsRecorder interface {
	Record(ctx context.Context, ans knowledge.Answer)
	Snapshot(ctx context.Context, n int) StatsSnapshot
}

// SharedLimiter is a rate limit kept outside this process (in Redis), so
// that every replica counts a user's questions together. Unlike a
// [Limiter] it may fail, and the handlers then fall back to their own.
type SharedLimiter interface {
	Allow(ctx context.Context, userID string) (ok bool, retryAfter time.Duration, err error)
}

// SharedStats are /stats counters kept outside this process (in Redis),
// counting the questions of every replica. Unlike a [StatsRecorder] they
// may fail, and the handlers then fall back to their own counting.
type SharedStats interface {
	// Record counts one question by how it ended (OutcomeAnswered,
	// OutcomeTentative or OutcomeAbstained); an abstained question also
	// counts under key (its folded form), shown as question.
	Record(ctx context.Context, outcome, key, question string) error
	// Snapshot returns the counters and the n most frequent unanswered
	// questions.
	Snapshot(ctx context.Context, n int) (StatsSnapshot, error)
}

// sharedRetryDelay is how long a failed shared store is left alone before
// it is tried again; meanwhile requests go to the in-process fallback at
// once instead of waiting for the store's timeout each time.
const sharedRetryDelay = time.Second

// sharedHealth tracks whether a shared store works, logging one warning
// when it stops working and one message when it works again: once per
// transition, never per request.
type sharedHealth struct {
	what string // "rate limits", "stats"
	log  *slog.Logger
	now  func() time.Time

	mu      sync.Mutex
	down    bool
	retryAt time.Time
}

// usable reports whether the store should be tried now: it is up, or it
// has been down for long enough to try again.
func (s *sharedHealth) usable() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.down || !s.now().Before(s.retryAt)
}

// result records how a use of the store went.
func (s *sharedHealth) result(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case err != nil && !s.down:
		s.down, s.retryAt = true, s.now().Add(sharedRetryDelay)
		s.log.Warn("shared state unavailable: "+s.what+" fall back to this process until it is back", "error", err)
	case err != nil:
		s.retryAt = s.now().Add(sharedRetryDelay)
	case s.down:
		s.down = false
		s.log.Warn("shared state available again: " + s.what + " are shared by the replicas again")
	}
}

// fallbackLimiter asks the shared limiter and, when it fails (or failed
// less than sharedRetryDelay ago), the local one. The local one also
// counts the questions the shared one allows, so that a fallback starts
// from this process's recent questions rather than afresh.
type fallbackLimiter struct {
	shared SharedLimiter
	local  Limiter
	health *sharedHealth
}

// Allow implements [Limiter].
func (f *fallbackLimiter) Allow(ctx context.Context, userID string) (bool, time.Duration) {
	if f.health.usable() {
		ok, retry, err := f.shared.Allow(ctx, userID)
		f.health.result(err)
		if err == nil {
			if ok {
				f.local.Allow(ctx, userID)
			}
			return ok, retry
		}
	}
	return f.local.Allow(ctx, userID)
}

// fallbackStats counts every question in this process and in the shared
// store; /stats reads the shared store, or when it fails, this process's
// counts.
type fallbackStats struct {
	shared SharedStats
	local  *Stats
	health *sharedHealth
}

// Record implements [StatsRecorder].
func (f *fallbackStats) Record(ctx context.Context, ans knowledge.Answer) {
	f.local.record(ans)
	if f.health.usable() {
		f.health.result(f.shared.Record(ctx, answerOutcome(ans), unansweredKey(ans.Question), ans.Question))
	}
}

// answerOutcome is how an answer ended, as SharedStats.Record counts it.
func answerOutcome(ans knowledge.Answer) string {
	switch {
	case ans.Tentative:
		return OutcomeTentative
	case ans.Answered:
		return OutcomeAnswered
	}
	return OutcomeAbstained
}

// Snapshot implements [StatsRecorder].
func (f *fallbackStats) Snapshot(ctx context.Context, n int) StatsSnapshot {
	if f.health.usable() {
		s, err := f.shared.Snapshot(ctx, n)
		f.health.result(err)
		if err == nil {
			return s
		}
	}
	return f.local.Snapshot(n)
}

// localStats is a [StatsRecorder] over this process's [Stats] alone.
type localStats struct{ s *Stats }

// Record implements [StatsRecorder].
func (l localStats) Record(_ context.Context, ans knowledge.Answer) { l.s.record(ans) }

// Snapshot implements [StatsRecorder].
func (l localStats) Snapshot(_ context.Context, n int) StatsSnapshot { return l.s.Snapshot(n) }

// newStateFor returns the limiter and stats recorder for set: the
// in-process ones, or the shared ones falling back to them.
func newStateFor(set HandlerOptions, local *Stats, log *slog.Logger) (Limiter, StatsRecorder) {
	var lim Limiter = newLimiter(set.RateCount, set.RatePer)
	var rec StatsRecorder = localStats{local}
	if set.SharedLimiter != nil && set.RateCount > 0 && set.RatePer > 0 {
		lim = &fallbackLimiter{shared: set.SharedLimiter, local: lim,
			health: &sharedHealth{what: "rate limits", log: log, now: time.Now}}
	}
	if set.SharedStats != nil {
		rec = &fallbackStats{shared: set.SharedStats, local: local,
			health: &sharedHealth{what: "stats", log: log, now: time.Now}}
	}
	return lim, rec
}
