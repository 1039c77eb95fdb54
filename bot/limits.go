package bot

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
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

func (l *limiter) allow(user string) bool {
	if l.users == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.users[user]
	if !ok {
		if len(l.users) >= maxLimitedUsers {
			for id, other := range l.users {
				if other.Tokens() >= float64(l.burst) {
					delete(l.users, id)
				}
			}
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.users[user] = lim
	}
	return lim.Allow()
}

// answerCache remembers recent questions under short keys, so a "More"
// button can carry a key rather than a question that may not fit in a
// custom id.
type answerCache struct {
	// prefix differs from process to process, so a button from before a
	// restart never finds another question under its key.
	prefix string
	ttl    time.Duration
	size   int
	seq    atomic.Uint64
	mu     sync.Mutex
	m      map[string]cached
	ring   []string
	next   int
}

type cached struct {
	question string
	at       time.Time
}

func newAnswerCache(size int, ttl time.Duration) *answerCache {
	return &answerCache{prefix: strconv.FormatUint(rand.Uint64()%(36*36*36*36), 36), ttl: ttl, size: size,
		m: make(map[string]cached, size), ring: make([]string, size)}
}

func (c *answerCache) put(question string) string {
	key := c.prefix + "." + strconv.FormatUint(c.seq.Add(1), 36)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.ring[c.next]; old != "" {
		delete(c.m, old)
	}
	c.ring[c.next] = key
	c.next = (c.next + 1) % c.size
	c.m[key] = cached{question: question, at: time.Now()}
	return key
}

func (c *answerCache) get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) > c.ttl {
		return "", false
	}
	return e.question, true
}
