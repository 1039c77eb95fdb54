package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter allows each user a burst of questions refilled over a period.
type limiter struct {
	burst int
	per   time.Duration
	every rate.Limit
	mu    sync.Mutex
	users map[string]*rate.Limiter
}

// maxLimitedUsers bounds the limiter's memory; past it, users whose bucket
// has refilled are forgotten (they would be allowed anyway).
const maxLimitedUsers = 50_000

func newLimiter(burst int, per time.Duration) *limiter {
	if burst <= 0 || per <= 0 {
		return &limiter{} // no limit
	}
	return &limiter{burst: burst, per: per, every: rate.Every(per / time.Duration(burst)), users: map[string]*rate.Limiter{}}
}

// Allow implements [Limiter]: retryAfter is how long until the user's
// next question is allowed.
func (l *limiter) Allow(_ context.Context, user string) (bool, time.Duration) {
	if l.users == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.users[user]
	if !ok {
		if len(l.users) >= maxLimitedUsers {
			// Forget users whose bucket has refilled; if that is not
			// enough, forget arbitrary ones (at worst they get a fresh
			// bucket early), so memory stays bounded.
			for id, other := range l.users {
				if other.Tokens() >= float64(l.burst) || len(l.users) >= maxLimitedUsers/2 {
					delete(l.users, id)
				}
			}
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.users[user] = lim
	}
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return false, d
	}
	return true, 0
}
