// Package activitydb keeps agreementbot's activity history (the
// questions members ask and their votes on the answers, a
// [bot.ActivityLog]) in a SQLite file of its own, for a bot without Redis;
// with Redis, bot/redisstate keeps it, shared by the replicas. The file is
// not the fact store, which is rebuilt from the sources: it sits beside it
// (agreementbot-activity.db by default) and outlives restarts. It is the
// only package besides the fact store (knowledge/sqlite) that imports the
// SQLite driver; the command wires it into the bot.
//
// Each question is a row of its normalized text, check, language,
// outcome, first fact, latency and time; each vote a row under a keyed
// hash of the member and the answer (see [bot.VoterKey]), whose key is a
// random secret the file keeps, so that a member votes once per answer
// without their id being kept. Ids are kept beside them only when told to
// ([Options.KeepUserIDs]). Rows older than the retention are deleted, and
// deleted rows are overwritten in the file (secure_delete). The schema is
// schema.sql, embedded.
//
// A store that fails (a full disk, a damaged file) says so in the log
// once, and once when it works again; meanwhile its calls fail at once,
// for [RetryDelay] after each failure, and the bot answers on without
// recording.
package activitydb
