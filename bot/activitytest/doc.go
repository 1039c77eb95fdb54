// Package activitytest is the contract every activity store of
// agreementbot passes ([bot.ActivityLog] and its read side): the one
// table-driven test that bot/activitydb (SQLite) and bot/redisstate
// (Redis) run against themselves, so that both keep and sum up the same
// history. It is for tests only.
package activitytest
