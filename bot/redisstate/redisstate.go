package redisstate

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultPrefix is the prefix of every key, unless Options say otherwise.
const DefaultPrefix = "agreementbot:"

// DefaultTimeout bounds each Redis command, so that a Redis that stopped
// answering delays a question by at most this long before the bot falls
// back to in-process state.
const DefaultTimeout = 250 * time.Millisecond

// maxTrackedUnanswered bounds the distinct unanswered questions kept, as
// the bot does in memory.
const maxTrackedUnanswered = 10_000

// Options configure a [Client].
type Options struct {
	// URL is redis://[:PASSWORD@]HOST:PORT[/DB] or rediss://...
	URL string
	// Prefix is put before every key; empty means [DefaultPrefix].
	Prefix string
	// Timeout bounds connecting and each command; 0 means
	// [DefaultTimeout].
	Timeout time.Duration
	// Logger is told when Redis stops answering and when it answers
	// again; nil: nobody is.
	Logger *slog.Logger
}

// Client is a connection pool to the shared Redis. It is safe for
// concurrent use. It keeps track of whether Redis answers (see
// [Client.Watch]): while it does not, its commands fail at once with
// [ErrUnavailable], for [RetryDelay] after each failure.
type Client struct {
	rdb    *redis.Client
	prefix string
	health *health
}

// Open returns a client for the Redis at opts.URL. It does not connect:
// an unreachable Redis is found (and fallen back from) on first use, so a
// replica starts even while Redis is down. An error is an invalid URL;
// it never includes the password.
func Open(opts Options) (*Client, error) {
	quietOnce.Do(func() { redis.SetLogger(quiet{}) })
	ro, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("redis.url: %s", redactedError(err, opts.URL))
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ro.DialTimeout, ro.ReadTimeout, ro.WriteTimeout = timeout, timeout, timeout
	ro.MaxRetries = -1   // no retries: a failure falls back at once
	ro.DialerRetries = 1 // nor redials
	ro.DisableIdentity = true
	prefix := opts.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{rdb: redis.NewClient(ro), prefix: prefix, health: newHealth(log, time.Now)}, nil
}

// do runs a command unless Redis did not answer a moment ago, and
// records how it went (unless it failed because ctx ended, which says
// nothing of Redis).
func (c *Client) do(ctx context.Context, run func() error) error {
	if !c.health.usable() {
		return ErrUnavailable
	}
	err := run()
	if err == nil || ctx.Err() == nil {
		c.health.result(err)
	}
	return err
}

// quietOnce silences the Redis client's own log, which would write a line
// for every failed dial (every request while Redis is down); the Client
// logs each transition between Redis working and not once instead.
var quietOnce sync.Once

// quiet is a Redis client logger that drops everything.
type quiet struct{}

// Printf drops the message.
func (quiet) Printf(context.Context, string, ...any) {}

// Ping checks that Redis answers.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.do(ctx, func() error { return c.rdb.Ping(ctx).Err() }); err != nil {
		return fmt.Errorf("redis: ping: %w", err)
	}
	return nil
}

// Close closes the connections.
func (c *Client) Close() error { return c.rdb.Close() }

// key returns the full name of a key.
func (c *Client) key(name string) string { return c.prefix + name }
