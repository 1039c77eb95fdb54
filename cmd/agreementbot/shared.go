package main

import (
	"context"
	"log/slog"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/config"
)

// withSharedState points set's rate limits and /stats at the Redis of
// redis.url, when it is set, and returns the client (nil without
// redis.url) and what closes the connection. A Redis that does not
// answer now is not an error: the handlers fall back to this process's
// state until it does (the client logs one warning when Redis stops
// answering, now or later, and one message when it is back; the
// client's Watch, run by redisstate.Peers.Listen, notices both).
func withSharedState(ctx context.Context, cfg config.Config, log *slog.Logger, set *bot.HandlerOptions) (c *redisstate.Client, closeFn func(), err error) {
	if !cfg.Redis.URL.IsSet() {
		return nil, func() {}, nil
	}
	c, err = redisstate.Open(redisstate.Options{URL: cfg.Redis.URL.Reveal(), Logger: log.With("redis", cfg.Redis.URL)})
	if err != nil {
		return nil, nil, err
	}
	set.SharedLimiter = c.Limiter(cfg.RateLimit.Questions, cfg.RateLimit.Per)
	set.SharedStats = c.Stats()
	if err := c.Ping(ctx); err == nil {
		log.Info("rate limits, /stats and reloads shared through redis", "redis", cfg.Redis.URL)
	}
	return c, func() { _ = c.Close() }, nil
}
