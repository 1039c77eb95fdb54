package redisstate_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/agreementbot/agreementbot/bot/activitytest"
	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/redistest"
)

// TestActivityContract runs the activity stores' contract on a real
// redis-server, each case under a prefix of its own.
func TestActivityContract(t *testing.T) {
	s := redistest.Start(t)
	var n atomic.Int64
	activitytest.Run(t, func(t *testing.T) activitytest.Harness {
		prefix := fmt.Sprintf("contract%d:", n.Add(1))
		return activitytest.Harness{
			Open: func(t *testing.T, o activitytest.Options) activitytest.Store {
				c, err := redisstate.Open(redisstate.Options{URL: s.URL, Prefix: prefix})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { c.Close() })
				return c.Activity(redisstate.ActivityOptions{Retention: o.Retention, KeepUserIDs: o.KeepUserIDs, VoteKey: o.VoteKey, Now: o.Now})
			},
			Dump: func(t *testing.T) string { return dumpRedis(t, s.URL, prefix) },
		}
	})
}

// dumpRedis returns every key under prefix with its content, as text.
func dumpRedis(t *testing.T, url, prefix string) string {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, k := range keys {
		var v any
		switch typ := rdb.Type(ctx, k).Val(); typ {
		case "string":
			v = rdb.Get(ctx, k).Val()
		case "hash":
			v = rdb.HGetAll(ctx, k).Val()
		case "zset":
			v = rdb.ZRangeWithScores(ctx, k, 0, -1).Val()
		default:
			v = "a " + typ
		}
		fmt.Fprintf(&b, "%s: %v\n", k, v)
	}
	return b.String()
}
