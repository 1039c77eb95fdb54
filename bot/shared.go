package bot

import (
	"context"
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
// The handlers do not log its failures: it reports its store's outages
// itself, once each, and should fail at once while its store is known
// to be down, so that falling back costs nothing.
type SharedLimiter interface {
	Allow(ctx context.Context, userID string) (ok bool, retryAfter time.Duration, err error)
}

// SharedStats are /stats counters kept outside this process (in Redis),
// counting the questions of every replica. Unlike a [StatsRecorder] they
// may fail, and the handlers then fall back to their own counting. As
// with a [SharedLimiter], the handlers do not log their failures.
type SharedStats interface {
	// Record counts one question by how it ended (OutcomeAnswered,
	// OutcomeTentative or OutcomeAbstained); an abstained question also
	// counts under key (its folded form), shown as question.
	Record(ctx context.Context, outcome, key, question string) error
	// Snapshot returns the counters and the n most frequent unanswered
	// questions.
	Snapshot(ctx context.Context, n int) (StatsSnapshot, error)
}

// fallbackLimiter asks the shared limiter and, when it fails, the local
// one. The local one also counts the questions the shared one allows, so
// that a fallback starts from this process's recent questions rather
// than afresh.
type fallbackLimiter struct {
	shared SharedLimiter
	local  Limiter
}

// Allow implements [Limiter].
func (f *fallbackLimiter) Allow(ctx context.Context, userID string) (bool, time.Duration) {
	ok, retry, err := f.shared.Allow(ctx, userID)
	if err != nil {
		return f.local.Allow(ctx, userID)
	}
	if ok {
		f.local.Allow(ctx, userID)
	}
	return ok, retry
}

// fallbackStats counts every question in this process and in the shared
// store; /stats reads the shared store, or when it fails, this process's
// counts.
type fallbackStats struct {
	shared SharedStats
	local  *Stats
}

// Record implements [StatsRecorder].
func (f *fallbackStats) Record(ctx context.Context, ans knowledge.Answer) {
	f.local.record(ans)
	_ = f.shared.Record(ctx, answerOutcome(ans), unansweredKey(ans.Question), ans.Question) // counted here anyway
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
	if s, err := f.shared.Snapshot(ctx, n); err == nil {
		return s
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
func newStateFor(set HandlerOptions, local *Stats) (Limiter, StatsRecorder) {
	var lim Limiter = newLimiter(set.RateCount, set.RatePer)
	var rec StatsRecorder = localStats{local}
	if set.SharedLimiter != nil && set.RateCount > 0 && set.RatePer > 0 {
		lim = &fallbackLimiter{shared: set.SharedLimiter, local: lim}
	}
	if set.SharedStats != nil {
		rec = &fallbackStats{shared: set.SharedStats, local: local}
	}
	return lim, rec
}
