package redisstate

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/agreementbot/agreementbot/bot"
)

// DefaultRetention is how long the activity history is kept unless
// ActivityOptions say otherwise: 30 days.
const DefaultRetention = 720 * time.Hour

// readPage is how many entries a report reads per command.
const readPage = 1000

// pruneScript deletes, before ARGV[1] (Unix ms), the questions of the
// sorted set KEYS[1] and the votes of the hash KEYS[2] indexed by time in
// the sorted set KEYS[3] (a thousand votes at a time).
const pruneScript = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 1000)
if #old > 0 then
  redis.call('HDEL', KEYS[2], unpack(old))
  redis.call('ZREM', KEYS[3], unpack(old))
end
`

// recordScript prunes (see pruneScript, ARGV[1]), then adds the question
// ARGV[3] at ARGV[2] (Unix ms) to KEYS[1].
var recordScript = redis.NewScript(pruneScript + `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
`)

// voteScript prunes (see pruneScript, ARGV[1]), then keeps the vote
// ARGV[4] (JSON, "up" true or false) of voter ARGV[2] at ARGV[3] (Unix
// ms) in KEYS[2] and KEYS[3], unless the voter cast the same vote
// before: it returns 1 for a first vote, 2 for a changed one (which keeps
// the question's text "q" when the new vote has none), 3 for one kept as
// it was.
var voteScript = redis.NewScript(pruneScript + `
local vote = cjson.decode(ARGV[4])
local old = redis.call('HGET', KEYS[2], ARGV[2])
local result = 1
if old then
  local was = cjson.decode(old)
  if was.up == vote.up then
    return 3
  end
  if (vote.q == nil or vote.q == '') and was.q then
    vote.q = was.q
  end
  result = 2
end
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(vote))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return result
`)

// ActivityOptions configure an [Activity].
type ActivityOptions struct {
	// Retention is how long questions and votes are kept; 0 means
	// [DefaultRetention].
	Retention time.Duration
	// KeepUserIDs keeps the askers' and voters' Discord ids; without it
	// none is kept, a vote only under a keyed hash (see [bot.VoterKey]).
	KeepUserIDs bool
	// VoteKey is the key votes' members are hashed under, the same for
	// every replica; nil: a random key kept in Redis (and then whoever
	// reads Redis and knows the members can tell who voted).
	VoteKey []byte
	// Now is the clock the retention counts on; nil: time.Now.
	Now func() time.Time
}

// Activity is the activity history in Redis, shared by the replicas. It
// implements [bot.ActivityLog] and reads reports for the dashboard. Its
// failures are logged by the client, once per outage of Redis.
type Activity struct {
	c    *Client
	opts ActivityOptions

	mu  sync.Mutex
	key []byte // the voters' hashes' key, once read
}

// Activity returns the activity history kept in Redis.
func (c *Client) Activity(opts ActivityOptions) *Activity {
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Activity{c: c, opts: opts}
}

// keys are the history's keys: the questions, the votes, and the votes
// by time.
func (a *Activity) keys() []string {
	return []string{a.c.key("activity:questions"), a.c.key("activity:votes"), a.c.key("activity:voted")}
}

// cutoff is the time, in Unix ms, before which nothing is kept.
func (a *Activity) cutoff() int64 { return a.opts.Now().Add(-a.opts.Retention).UnixMilli() }

// voterKey returns the key of the voters' hashes: the one the replicas
// share in Redis, made by the first that needed it.
func (a *Activity) voterKey(ctx context.Context) ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.key != nil {
		return a.key, nil
	}
	if a.opts.VoteKey != nil {
		a.key = a.opts.VoteKey
		return a.key, nil
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var stored string
	err := a.c.do(ctx, func() (err error) {
		if err := a.c.rdb.SetNX(ctx, a.c.key("activity:key"), hex.EncodeToString(fresh), 0).Err(); err != nil {
			return err
		}
		stored, err = a.c.rdb.Get(ctx, a.c.key("activity:key")).Result()
		return err
	})
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(stored)
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("the voters' key in %s is damaged", a.c.key("activity:key"))
	}
	a.key = key
	return key, nil
}

// storedQuestion is a question as the history keeps it, its time being
// its score.
type storedQuestion struct {
	Nonce    string `json:"n"` // two questions alike are two entries
	Question string `json:"q"`
	Check    string `json:"c"`
	Language string `json:"l"`
	Outcome  string `json:"o"`
	FactID   string `json:"f"`
	Latency  int64  `json:"us"` // microseconds
	UserID   string `json:"u,omitempty"`
}

// storedVote is a vote as the history keeps it, its time being its score
// in the votes by time.
type storedVote struct {
	Check    string `json:"c"`
	FactID   string `json:"f"`
	Question string `json:"q"`
	Up       bool   `json:"up"`
	UserID   string `json:"u,omitempty"`
}

// userID is id as kept: "" unless ids are kept.
func (a *Activity) userID(id string) string {
	if !a.opts.KeepUserIDs {
		return ""
	}
	return id
}

// Record keeps one question (see [bot.ActivityLog]), and deletes what is
// past the retention.
func (a *Activity) Record(ctx context.Context, q bot.ActivityQuestion) error {
	nonce := make([]byte, 8)
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	member, err := json.Marshal(storedQuestion{Nonce: hex.EncodeToString(nonce), Question: q.Question, Check: q.Check,
		Language: q.Language, Outcome: q.Outcome, FactID: q.FactID, Latency: q.Latency.Microseconds(), UserID: a.userID(q.UserID)})
	if err != nil {
		return err
	}
	err = a.c.do(ctx, func() error {
		return recordScript.Run(ctx, a.c.rdb, a.keys(), a.cutoff(), q.At.UnixMilli(), member).Err()
	})
	if err != nil {
		return fmt.Errorf("redis: activity: record a question: %w", err)
	}
	return nil
}

// Vote keeps a member's vote on an answer, one per member and answer
// (see [bot.ActivityLog]); a vote the member had cast already is left as
// it was, its time included.
func (a *Activity) Vote(ctx context.Context, v bot.ActivityVote) (bot.VoteResult, error) {
	key, err := a.voterKey(ctx)
	if err != nil {
		return 0, fmt.Errorf("redis: activity: record a vote: %w", err)
	}
	value, err := json.Marshal(storedVote{Check: v.Check, FactID: v.FactID, Question: v.Question, Up: v.Up, UserID: a.userID(v.UserID)})
	if err != nil {
		return 0, err
	}
	var res int64
	err = a.c.do(ctx, func() (err error) {
		res, err = voteScript.Run(ctx, a.c.rdb, a.keys(), a.cutoff(), bot.VoterKey(key, v), v.At.UnixMilli(), value).Int64()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("redis: activity: record a vote: %w", err)
	}
	switch res {
	case 1:
		return bot.VoteCounted, nil
	case 2:
		return bot.VoteChanged, nil
	case 3:
		return bot.VoteKept, nil
	}
	return 0, fmt.Errorf("redis: activity: record a vote: unexpected answer %d", res)
}

// Report reads the questions asked and the votes cast in [since, until),
// none older than the retention, into a report.
func (a *Activity) Report(ctx context.Context, since, until time.Time) (*bot.ActivityReport, error) {
	if oldest := a.opts.Now().Add(-a.opts.Retention); since.Before(oldest) {
		since = oldest
	}
	r := bot.NewActivityReport(since, until)
	if err := a.readQuestions(ctx, r); err != nil {
		return nil, fmt.Errorf("redis: activity: read a report: %w", err)
	}
	if err := a.readVotes(ctx, r); err != nil {
		return nil, fmt.Errorf("redis: activity: read a report: %w", err)
	}
	return r, nil
}

// window returns the range of scores of r's window, a page at a time
// from offset.
func window(key string, r *bot.ActivityReport, offset int64) redis.ZRangeArgs {
	return redis.ZRangeArgs{Key: key, ByScore: true, Start: strconv.FormatInt(r.Since().UnixMilli(), 10),
		Stop: "(" + strconv.FormatInt(r.Until().UnixMilli(), 10), Offset: offset, Count: readPage}
}

// readQuestions adds the questions of r's window to r.
func (a *Activity) readQuestions(ctx context.Context, r *bot.ActivityReport) error {
	for offset := int64(0); ; offset += readPage {
		var page []redis.Z
		err := a.c.do(ctx, func() (err error) {
			page, err = a.c.rdb.ZRangeArgsWithScores(ctx, window(a.keys()[0], r, offset)).Result()
			return err
		})
		if err != nil {
			return err
		}
		for _, z := range page {
			var s storedQuestion
			if member, ok := z.Member.(string); !ok || json.Unmarshal([]byte(member), &s) != nil {
				continue // not one of ours
			}
			r.AddQuestion(bot.ActivityQuestion{At: time.UnixMilli(int64(z.Score)), Question: s.Question, Check: s.Check,
				Language: s.Language, Outcome: s.Outcome, FactID: s.FactID, Latency: time.Duration(s.Latency) * time.Microsecond,
				UserID: s.UserID})
		}
		if len(page) < readPage {
			return nil
		}
	}
}

// readVotes adds the votes of r's window to r.
func (a *Activity) readVotes(ctx context.Context, r *bot.ActivityReport) error {
	keys := a.keys()
	for offset := int64(0); ; offset += readPage {
		var (
			page   []redis.Z
			values []any
		)
		err := a.c.do(ctx, func() (err error) {
			page, err = a.c.rdb.ZRangeArgsWithScores(ctx, window(keys[2], r, offset)).Result()
			if err != nil || len(page) == 0 {
				return err
			}
			voters := make([]string, len(page))
			for i, z := range page {
				voters[i], _ = z.Member.(string)
			}
			values, err = a.c.rdb.HMGet(ctx, keys[1], voters...).Result()
			return err
		})
		if err != nil {
			return err
		}
		for i, z := range page {
			var s storedVote
			if value, ok := values[i].(string); !ok || json.Unmarshal([]byte(value), &s) != nil {
				continue // pruned meanwhile
			}
			r.AddVote(bot.ActivityVote{At: time.UnixMilli(int64(z.Score)), Check: s.Check, FactID: s.FactID, Question: s.Question,
				Up: s.Up, UserID: s.UserID})
		}
		if len(page) < readPage {
			return nil
		}
	}
}
