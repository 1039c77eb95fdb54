// Package redisstate keeps what replicas of agreementbot share in Redis:
// per-user rate limits and the /stats counters, the announcements of
// their reloads, and the activity history (questions and votes, for the
// admins' dashboard). It is the only package that imports the Redis
// client. The bot sees the shared state through its own small interfaces
// ([bot.SharedLimiter], [bot.SharedStats], [bot.ActivityLog]) and falls
// back to in-process state when Redis fails (the activity history is
// then not kept); the library tells [Peers] of its reloads
// through its load hook ([library.WithOnLoad]).
//
// On its way, a question is counted against its asker's limit
// ([Client.Limiter]) and, once answered or not, in the counters
// ([Client.Stats]). A reload on one replica is announced on a channel
// ([Peers.Loaded]); every other replica hears it ([Peers.Listen]) and
// loads the shared store file at once rather than when its store watcher
// next looks, without announcing that load in turn. A writer that serves
// nothing, such as the ingest command, announces the store it rebuilt
// the same way ([Client.AnnounceStore]).
//
// The client keeps track of whether Redis answers: it logs one warning
// when Redis stops answering and one line when it is back, and meanwhile
// fails commands at once. The reload subscription ([Client.Watch], run by
// [Peers.Listen]) checks on Redis while no question is asked and
// resubscribes at once when it is back.
//
// The keys, all under a prefix ("agreementbot:" by default):
//
//	rate:<user id>        counter of the user's questions in the current
//	                      window, expiring at the end of the window
//	stats:answered        questions answered
//	stats:abstained       questions not answered
//	stats:unanswered      sorted set: folded unanswered question → times asked
//	stats:questions       hash: folded unanswered question → its first wording
//	stats:since           when counting began (Unix milliseconds)
//	reload                the channel of reload announcements (the announcer's id)
//	activity:questions    sorted set: question (JSON: normalized text, check,
//	                      language, outcome, first fact, latency) → when asked
//	                      (Unix milliseconds)
//	activity:votes        hash: voter (bot.VoterKey) → vote (JSON: check, fact,
//	                      question, up)
//	activity:voted        sorted set: voter → when the vote was cast or changed
//	activity:key          the secret key of the voters' hashes (hex)
//
// Questions and votes older than the retention are deleted as new ones
// come in ([Activity]); user ids are kept in them only when asked to.
package redisstate
