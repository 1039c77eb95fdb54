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

// receiveWait is how long Reloads waits for a message before checking
// with a PING that the subscription is still alive.
const receiveWait = 5 * time.Second

// Backoff bounds between attempts to resubscribe while Redis is down.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// PublishReload tells every replica subscribed with [Client.Reloads]
// that replica has reloaded.
func (c *Client) PublishReload(ctx context.Context, replica string) error {
	if err := c.rdb.Publish(ctx, c.key(reloadChannel), replica).Err(); err != nil {
		return fmt.Errorf("redis: publish reload: %w", err)
	}
	return nil
}

// Reloads calls onReload with the announcing replica's id for each reload
// another replica announces, until ctx ends; messages from self (this
// replica's own id) are ignored. It subscribes again, quietly and with a
// growing pause, whenever Redis goes away, so it can be run for the
// process's life whether or not Redis is up. onReload runs on Reloads'
// goroutine and should return promptly.
func (c *Client) Reloads(ctx context.Context, self string, onReload func(from string)) {
	wait := minBackoff
	for ctx.Err() == nil {
		if c.receiveReloads(ctx, self, onReload) {
			wait = minBackoff // it was working: try again soon
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, maxBackoff)
	}
}

// receiveReloads subscribes and delivers messages until the subscription
// fails or ctx ends, and reports whether it got subscribed.
func (c *Client) receiveReloads(ctx context.Context, self string, onReload func(string)) (subscribed bool) {
	ps := c.rdb.Subscribe(ctx)
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() }) // unblocks a read in progress
	defer func() {
		stop()
		_ = ps.Close()
	}()
	if err := ps.Subscribe(ctx, c.key(reloadChannel)); err != nil {
		return false
	}
	for {
		msg, err := ps.ReceiveTimeout(ctx, receiveWait)
		var nerr interface{ Timeout() bool }
		switch {
		case err == nil:
		case errors.As(err, &nerr) && nerr.Timeout():
			if ps.Ping(ctx) != nil {
				return subscribed
			}
			continue
		default:
			return subscribed
		}
		switch m := msg.(type) {
		case *redis.Subscription:
			subscribed = true
		case *redis.Message:
			if m.Payload != self {
				onReload(m.Payload)
			}
		}
	}
}
