package redisstate

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// allowScript counts a question in the user's fixed window (KEYS[1]),
// starting the window (ARGV[1] milliseconds) at its first question, and
// returns the count and the milliseconds left in the window.
var allowScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`)

// Limiter allows each user Count questions per window of Per, counted in
// Redis so that every replica counts them together. It implements
// bot.SharedLimiter.
type Limiter struct {
	c     *Client
	count int
	per   time.Duration
}

// Limiter returns a limiter of count questions per per for each user.
func (c *Client) Limiter(count int, per time.Duration) *Limiter {
	return &Limiter{c: c, count: count, per: per}
}

// Allow counts a question of userID's and reports whether it is within
// the limit; when not, retryAfter is how long until the window ends.
func (l *Limiter) Allow(ctx context.Context, userID string) (ok bool, retryAfter time.Duration, err error) {
	ms := max(l.per.Milliseconds(), 1)
	var res []int64
	err = l.c.do(ctx, func() (err error) {
		res, err = allowScript.Run(ctx, l.c.rdb, []string{l.c.key("rate:" + userID)}, ms).Int64Slice()
		return err
	})
	if err != nil {
		return false, 0, fmt.Errorf("redis: rate limit: %w", err)
	}
	if len(res) != 2 {
		return false, 0, fmt.Errorf("redis: rate limit: unexpected reply %v", res)
	}
	if res[0] <= int64(l.count) {
		return true, 0, nil
	}
	return false, time.Duration(res[1]) * time.Millisecond, nil
}
