package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultIdentifyWait is how long a bot running several shards waits
// between starting one bucket of shards and the next: Discord lets the
// shards of one rate-limit key (shard id % max_concurrency) identify once
// every 5 seconds.
const DefaultIdentifyWait = 5 * time.Second

// Sharding says which of the gateway's shards a Gateway runs. Discord sends
// each guild's events to one shard, (guild_id >> 22) % Count, and direct
// messages to shard 0. The zero value runs one shard, 0 of 1.
type Sharding struct {
	// Auto runs, in this process, every shard GET /gateway/bot
	// recommends, starting as many at once as its max_concurrency
	// allows; ID and Count must then be 0.
	Auto bool
	// ID is the one shard this process runs, below Count.
	ID int
	// Count is how many shards the bot's guilds are split into; 0 means 1.
	Count int
	// IdentifyWait is how long to wait between buckets of shards (see
	// DefaultIdentifyWait, used when it is 0); tests shorten it.
	IdentifyWait time.Duration
}

// normalize fills in the defaults and checks the shard id against the
// count.
func (s Sharding) normalize() (Sharding, error) {
	if s.IdentifyWait <= 0 {
		s.IdentifyWait = DefaultIdentifyWait
	}
	if s.Auto {
		if s.ID != 0 || s.Count != 0 {
			return s, fmt.Errorf("sharding: auto runs every shard: no shard %d of %d", s.ID, s.Count)
		}
		return s, nil
	}
	s.Count = max(s.Count, 1)
	if s.ID < 0 || s.ID >= s.Count {
		return s, fmt.Errorf("sharding: shard %d is not one of 0 to %d", s.ID, s.Count-1)
	}
	return s, nil
}

// shardPlan is the shards one Run connects: their ids, how many shards
// the bot has in all, and how many may identify at once.
type shardPlan struct {
	ids         []int
	count       int
	concurrency int
}

// plan says which shards to run: the one configured, or with Auto every
// shard GET /gateway/bot recommends.
func (b *Gateway) plan(ctx context.Context) (shardPlan, error) {
	sh := b.opts.Shards
	if !sh.Auto {
		return shardPlan{ids: []int{sh.ID}, count: sh.Count, concurrency: 1}, nil
	}
	gb, err := b.rest.GatewayBot(discordgo.WithContext(ctx))
	if err != nil {
		return shardPlan{}, fmt.Errorf("ask Discord how many shards to run (GET /gateway/bot): %w", redactURL(err))
	}
	p := shardPlan{count: max(gb.Shards, 1), concurrency: max(gb.SessionStartLimit.MaxConcurrency, 1)}
	for id := range p.count {
		p.ids = append(p.ids, id)
	}
	b.log.Info("sharding as Discord recommends", "shards", p.count, "max_concurrency", p.concurrency)
	return p, nil
}

// buckets groups the shards to start together: those whose ids share
// id / concurrency, so that no two in a bucket share a rate-limit key
// (id % concurrency). Buckets come in order of shard id.
func (p shardPlan) buckets(shards []*shard) [][]*shard {
	var out [][]*shard
	for _, sh := range shards {
		k := sh.id / p.concurrency
		if len(out) == 0 || out[len(out)-1][0].id/p.concurrency != k {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], sh)
	}
	return out
}

// shard is one gateway connection of the bot: a discordgo session that
// identifies as shard id of count, whose events go to the Gateway's
// handlers and whose logs say which shard they are about.
type shard struct {
	id, count int
	s         *discordgo.Session
	log       *slog.Logger
	opened    bool // Open succeeded: set by open, read once its bucket is done
	connected atomic.Bool
	closing   atomic.Bool // Run is closing the session: a disconnection is no news
}

// newShard makes the session of shard id of count, its events handled
// by b.
func (b *Gateway) newShard(id, count int) (*shard, error) {
	s, err := newSession(b.opts)
	if err != nil {
		return nil, err
	}
	s.ShardID, s.ShardCount = id, count
	// Discord's REST limits are per token, the global one too: the
	// shards of one process keep one account of them.
	s.Ratelimiter = b.rest.Ratelimiter
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	sh := &shard{id: id, count: count, s: s, log: b.log.With("shard", id)}
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		b.selfID.Store(r.User.ID)
		b.setConnected(sh, true)
		sh.log.Info("connected to Discord", "user", r.User.Username, "guilds", len(r.Guilds), "shards", count)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
		b.setConnected(sh, true)
		sh.log.Info("resumed the gateway session")
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		b.setConnected(sh, false)
		if sh.closing.Load() {
			return // Run closed it, and may have returned: nothing to say
		}
		sh.log.Warn("disconnected from the gateway; reconnecting")
	})
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { b.onInteraction(sh, ic) })
	s.AddHandler(func(_ *discordgo.Session, mc *discordgo.MessageCreate) { b.onMessage(sh, mc) })
	return sh, nil
}

// newShards makes the sessions of the shards p plans, each reported down
// to the Observer until it connects.
func (b *Gateway) newShards(p shardPlan) ([]*shard, error) {
	shards := make([]*shard, 0, len(p.ids))
	for _, id := range p.ids {
		sh, err := b.newShard(id, p.count)
		if err != nil {
			return nil, err
		}
		b.h.Observer().Gateway(id, false) // until READY
		shards = append(shards, sh)
	}
	return shards, nil
}

// setConnected records, and tells the handlers' Observer, whether sh's
// gateway session is up.
func (b *Gateway) setConnected(sh *shard, up bool) {
	sh.connected.Store(up)
	b.h.Observer().Gateway(sh.id, up)
}

// start connects the shards bucket by bucket, those of a bucket at once,
// waiting the IdentifyWait between buckets. If ctx ends meanwhile it
// starts no more buckets and returns nil: Run then shuts down what did
// start. It returns why a shard could not connect.
func (b *Gateway) start(ctx context.Context, p shardPlan, shards []*shard) error {
	buckets := p.buckets(shards)
	for i, bucket := range buckets {
		if i > 0 && !sleep(ctx, b.opts.Shards.IdentifyWait) {
			b.log.Info("shutting down before every shard connected", "connected_buckets", i, "buckets", len(buckets))
			return nil
		}
		b.log.Debug("connecting shards", "first", bucket[0].id, "last", bucket[len(bucket)-1].id, "of", p.count)
		if err := openAll(bucket); err != nil {
			return err
		}
	}
	return nil
}

// openAll connects the shards of one bucket at once and returns why any
// could not connect.
func openAll(bucket []*shard) error {
	errs := make([]error, len(bucket))
	var wg sync.WaitGroup
	for i, sh := range bucket {
		wg.Go(func() { errs[i] = sh.open() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// open connects the shard's session (and waits for READY).
func (sh *shard) open() error {
	if err := sh.s.Open(); err != nil {
		if sh.count == 1 {
			return fmt.Errorf("connect to Discord: %w", redactURL(err))
		}
		return fmt.Errorf("connect to Discord (shard %d of %d): %w", sh.id, sh.count, redactURL(err))
	}
	sh.opened = true
	return nil
}

// closeAll closes the shards that connected, at once (discordgo takes a
// second over each), and reports them down.
func (b *Gateway) closeAll(shards []*shard) error {
	errs := make([]error, len(shards))
	var wg sync.WaitGroup
	for i, sh := range shards {
		if sh.opened {
			sh.closing.Store(true)
			wg.Go(func() { errs[i] = sh.s.Close() })
		}
	}
	wg.Wait()
	for _, sh := range shards {
		b.setConnected(sh, false)
	}
	return errors.Join(errs...)
}

// shardZero returns shard 0 if this Gateway runs it and it connected, else nil.
func shardZero(shards []*shard) *shard {
	for _, sh := range shards {
		if sh.id == 0 && sh.opened {
			return sh
		}
	}
	return nil
}

// sleep waits d, or until ctx ends; it reports whether the whole wait
// passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
