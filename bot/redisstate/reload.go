package redisstate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// reloadChannel is the channel (under the prefix) on which a replica
// announces a reload: the message is its replica id.
const reloadChannel = "reload"

// errNoPong is a subscription's PING left unanswered for a CheckInterval.
var errNoPong = errors.New("no answer to a ping")

// PublishReload tells every replica subscribed with [Client.Watch]
// that replica has reloaded.
func (c *Client) PublishReload(ctx context.Context, replica string) error {
	if err := c.do(ctx, func() error { return c.rdb.Publish(ctx, c.key(reloadChannel), replica).Err() }); err != nil {
		return fmt.Errorf("redis: publish reload: %w", err)
	}
	return nil
}

// Watch calls onReload with the announcing replica's id for each reload
// another replica announces, until ctx ends; messages from self (this
// replica's own id) are ignored. Its subscription is also how the client
// watches Redis while nothing else uses it: it pings Redis every
// CheckInterval while all is quiet. When the subscription fails it
// subscribes again at once (after a CheckInterval when it had lasted
// less than one, so that a Redis, or a proxy, that keeps dropping it is
// not hammered); when that fails too it counts Redis down
// (warning once) and tries again every CheckInterval, or at once when a
// command finds Redis answering; once subscribed again it says, once,
// that Redis is back. Run it for the process's life. onReload runs on
// Watch's goroutine and should return promptly.
func (c *Client) Watch(ctx context.Context, self string, onReload func(from string)) {
	for {
		start := time.Now()
		subscribed, err := c.receiveReloads(ctx, self, onReload)
		if ctx.Err() != nil {
			return
		}
		if subscribed && time.Since(start) >= CheckInterval {
			continue // it worked a while: try again at once
		}
		if subscribed {
			// Dropped as soon as it was made (a proxy that closes
			// subscriptions, say): wait, rather than hammer Redis.
			c.health.log.Debug("reload subscription dropped at once; subscribing again in a moment", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(CheckInterval):
			}
			continue
		}
		c.health.failed(err)
		select {
		case <-ctx.Done():
			return
		case <-c.health.kick:
		case <-time.After(CheckInterval):
		}
	}
}

// receiveReloads subscribes and delivers messages until the subscription
// fails or ctx ends, and returns whether it got subscribed and why it
// stopped.
func (c *Client) receiveReloads(ctx context.Context, self string, onReload func(string)) (subscribed bool, err error) {
	ps := c.rdb.Subscribe(ctx)
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() }) // unblocks a read in progress
	defer func() {
		stop()
		_ = ps.Close()
	}()
	if err := ps.Subscribe(ctx, c.key(reloadChannel)); err != nil {
		return false, err
	}
	pinged := false // a PING is waiting for its PONG
	for {
		msg, err := ps.ReceiveTimeout(ctx, CheckInterval)
		var nerr interface{ Timeout() bool }
		switch {
		case err == nil:
			pinged = false
		case errors.As(err, &nerr) && nerr.Timeout() && !pinged:
			if err := ps.Ping(ctx); err != nil {
				return subscribed, err
			}
			pinged = true
			continue
		case errors.As(err, &nerr) && nerr.Timeout():
			return subscribed, errNoPong
		default:
			return subscribed, err
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			subscribed = true
			c.health.log.Debug("subscribed to reload announcements", "channel", m.Channel)
			c.health.recovered()
		case *redis.Message:
			if m.Payload != self {
				onReload(m.Payload)
			}
		}
	}
}
