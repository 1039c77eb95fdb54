package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/activitydb"
	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/config"
)

// activityStore is the activity history: what the handlers record, and
// the reports the admins' dashboard reads.
type activityStore interface {
	bot.ActivityLog
	Report(ctx context.Context, since, until time.Time) (*bot.ActivityReport, error)
}

// openActivity opens the activity history the settings ask for: in the
// Redis of rc when there is one (shared by the replicas), else in the
// SQLite file of activity.database (beside the fact store by default).
// Without either (the facts in memory, as the load test serves them) there
// is none (nil). It returns what closes it.
func openActivity(ctx context.Context, cfg config.Config, log *slog.Logger, rc *redisstate.Client) (activityStore, func(), error) {
	a := cfg.Activity
	var voteKey []byte
	if a.VoteKey.IsSet() {
		voteKey = []byte(a.VoteKey.Reveal())
	}
	if rc != nil {
		log.Info("activity history kept in redis", "retention", a.Retention, "keep_user_ids", a.KeepUserIDs)
		return rc.Activity(redisstate.ActivityOptions{Retention: a.Retention, KeepUserIDs: a.KeepUserIDs, VoteKey: voteKey}), func() {}, nil
	}
	path := cfg.ActivityDatabase()
	if path == "" {
		return nil, func() {}, nil
	}
	s, err := activitydb.Open(ctx, path, activitydb.Options{Retention: a.Retention, KeepUserIDs: a.KeepUserIDs, VoteKey: voteKey, Logger: log})
	if err != nil {
		return nil, nil, err
	}
	log.Info("activity history kept", "database", path, "retention", a.Retention, "keep_user_ids", a.KeepUserIDs)
	return s, func() { _ = s.Close() }, nil
}
