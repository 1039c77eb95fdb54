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
	return lim.Allow()
}

// answerCache remembers recent answers under short keys, so buttons can
// carry a key rather than a question, fact ids or suggestions that may not
// fit in a 100-byte custom id.
type answerCache struct {
	// prefix differs from process to process, so a button from before a
	// restart never finds another answer under its key.
	prefix string
	ttl    time.Duration
	size   int
	seq    atomic.Uint64
	mu     sync.Mutex
	m      map[string]cachedAnswer
	ring   []string // keys in insertion order; the oldest is evicted
	next   int
}

// cachedAnswer is what the buttons under one answer need.
type cachedAnswer struct {
	question    string
	factIDs     []string
	suggestions []string
	at          time.Time
}

func newAnswerCache(size int, ttl time.Duration) *answerCache {
	return &answerCache{prefix: strconv.FormatUint(rand.Uint64()%(36*36*36*36), 36), ttl: ttl, size: size,
		m: make(map[string]cachedAnswer, size), ring: make([]string, size)}
}

func (c *answerCache) put(e cachedAnswer) string {
	key := c.prefix + "." + strconv.FormatUint(c.seq.Add(1), 36)
	e.at = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.ring[c.next]; old != "" {
		delete(c.m, old)
	}
	c.ring[c.next] = key
	c.next = (c.next + 1) % c.size
	c.m[key] = e
	return key
}

func (c *answerCache) get(key string) (cachedAnswer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) > c.ttl {
		return cachedAnswer{}, false
	}
	return e, true
}
