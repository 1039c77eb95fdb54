package redisstate

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/agreementbot/agreementbot/bot"
)

// abstainScript counts an abstained question (KEYS[1]) and, if it is
// already tracked or there is room, counts it under its folded form
// ARGV[1] in the sorted set KEYS[2], remembering its first wording ARGV[2]
// in the hash KEYS[3]; ARGV[3] bounds the distinct questions tracked.
var abstainScript = redis.NewScript(`
redis.call('INCR', KEYS[1])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) or redis.call('ZCARD', KEYS[2]) < tonumber(ARGV[3]) then
  redis.call('ZINCRBY', KEYS[2], 1, ARGV[1])
  redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2])
end
return 1
`)

// Stats are the /stats counters of every replica, kept in Redis. They
// implement bot.SharedStats.
type Stats struct{ c *Client }

// Stats returns the shared /stats counters.
func (c *Client) Stats() *Stats { return &Stats{c: c} }

// Record counts one question by how it ended (bot.OutcomeAnswered,
// bot.OutcomeTentative or bot.OutcomeAbstained); an abstained one is also
// counted under key, its folded form, shown as question.
func (s *Stats) Record(ctx context.Context, outcome, key, question string) error {
	c := s.c
	err := c.do(ctx, func() error {
		if err := c.rdb.SetNX(ctx, c.key("stats:since"), time.Now().UnixMilli(), 0).Err(); err != nil {
			return err
		}
		switch outcome {
		case bot.OutcomeAnswered:
			return c.rdb.Incr(ctx, c.key("stats:answered")).Err()
		case bot.OutcomeTentative:
			return c.rdb.Incr(ctx, c.key("stats:tentative")).Err()
		}
		keys := []string{c.key("stats:abstained"), c.key("stats:unanswered"), c.key("stats:questions")}
		return abstainScript.Run(ctx, c.rdb, keys, key, question, maxTrackedUnanswered).Err()
	})
	if err != nil {
		return fmt.Errorf("redis: stats: %w", err)
	}
	return nil
}

// Snapshot returns the counters and the n most frequent unanswered
// questions (ties in reverse alphabetical order of their folded form).
func (s *Stats) Snapshot(ctx context.Context, n int) (bot.StatsSnapshot, error) {
	c := s.c
	pipe := c.rdb.Pipeline()
	since := pipe.Get(ctx, c.key("stats:since"))
	answered := pipe.Get(ctx, c.key("stats:answered"))
	tentative := pipe.Get(ctx, c.key("stats:tentative"))
	abstained := pipe.Get(ctx, c.key("stats:abstained"))
	top := pipe.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: c.key("stats:unanswered"), Start: 0, Stop: int64(n) - 1, Rev: true})
	err := c.do(ctx, func() error {
		if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
			return err
		}
		return nil
	})
	if err != nil {
		return bot.StatsSnapshot{}, fmt.Errorf("redis: stats: %w", err)
	}
	out := bot.StatsSnapshot{Since: time.Now(), Answered: intOf(answered), Tentative: intOf(tentative), Abstained: intOf(abstained)}
	if ms, err := since.Int64(); err == nil {
		out.Since = time.UnixMilli(ms)
	}
	if n <= 0 || len(top.Val()) == 0 {
		return out, nil
	}
	return s.withQuestions(ctx, out, top.Val())
}

// withQuestions adds the top unanswered questions to out, in their first
// wording.
func (s *Stats) withQuestions(ctx context.Context, out bot.StatsSnapshot, top []redis.Z) (bot.StatsSnapshot, error) {
	fields := make([]string, len(top))
	for i, z := range top {
		fields[i], _ = z.Member.(string)
	}
	var wordings []any
	err := s.c.do(ctx, func() (err error) {
		wordings, err = s.c.rdb.HMGet(ctx, s.c.key("stats:questions"), fields...).Result()
		return err
	})
	if err != nil {
		return bot.StatsSnapshot{}, fmt.Errorf("redis: stats: %w", err)
	}
	for i, z := range top {
		q, ok := wordings[i].(string)
		if !ok {
			q = fields[i]
		}
		out.TopUnanswered = append(out.TopUnanswered, bot.UnansweredCount{Question: q, Count: int(z.Score)})
	}
	return out, nil
}

// intOf is a counter's value; a counter not yet set is 0.
func intOf(cmd *redis.StringCmd) int {
	v, err := strconv.Atoi(cmd.Val())
	if err != nil {
		return 0
	}
	return v
}
