package discordfake

import (
	"encoding/json"
	"strconv"
	"time"
)

// closeInvalidShard is the close code for an IDENTIFY whose shard array
// is out of range.
const closeInvalidShard = 4010

// Identify is one IDENTIFY the fake accepted: the shard it asked for and
// when it arrived.
type Identify struct {
	// Shard and ShardCount are the IDENTIFY's shard array; 0 and 1 when
	// it had none (one shard receives everything).
	Shard, ShardCount int
	// SessionID is the gateway session the IDENTIFY created.
	SessionID string
	// At is when the fake received it.
	At time.Time
}

// Delivery is one dispatch the fake sent (or queued, for a connection
// that is down) to one gateway session.
type Delivery struct {
	// Type is the event's type, such as INTERACTION_CREATE.
	Type string
	// GuildID is the event's guild_id; empty for a direct message or an
	// event of no guild.
	GuildID string
	// Shard is the shard of the session it went to.
	Shard int
	// SessionID is the session it went to.
	SessionID string
}

// GuildShard returns the shard Discord sends a guild's events to when
// the bot runs count shards: (guild_id >> 22) % count. A guild id that
// is not a number (some tests use names) counts as shard 0, as do the
// events of no guild (direct messages).
func GuildShard(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// shardArray reads an IDENTIFY's shard array: [0, 1] when there is none;
// ok is false when it is out of range.
func shardArray(a *[2]int) (shard, count int, ok bool) {
	if a == nil {
		return 0, 1, true
	}
	shard, count = a[0], a[1]
	return shard, count, count >= 1 && shard >= 0 && shard < count
}

// eventGuild returns the guild_id of an event's data, or "".
func eventGuild(raw json.RawMessage) string {
	var ev struct {
		GuildID string `json:"guild_id"`
	}
	_ = json.Unmarshal(raw, &ev) // not an object: no guild
	return ev.GuildID
}

// wants reports whether s, as its IDENTIFY's shard, receives the events
// of guildID ("" for none): Discord sends a guild's events to its shard
// and those of no guild (direct messages) to shard 0.
func (s *gwSession) wants(guildID string) bool {
	return GuildShard(guildID, s.count) == s.shard
}

// Identified returns every IDENTIFY the fake accepted, in order, with
// its shard and when it arrived: enough to check that a bot opening
// several shards respects max_concurrency.
func (f *Server) Identified() []Identify {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Identify(nil), f.identified...)
}

// Deliveries returns every dispatch sent to a session, in order, with
// the shard it went to (READY, GUILD_CREATE and RESUMED included).
func (f *Server) Deliveries() []Delivery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Delivery(nil), f.deliveries...)
}

// ConnectedShards returns how many connected sessions each shard has.
func (f *Server) ConnectedShards() map[int]int {
	out := map[int]int{}
	for _, s := range f.allSessions() {
		s.mu.Lock()
		if s.conn != nil && !s.invalid {
			out[s.shard]++
		}
		s.mu.Unlock()
	}
	return out
}

// gatewayBot is the body of GET gateway/bot: the gateway URL, the shards
// recommended ([Options.Shards]) and the session start limit, whose
// max_concurrency is [Options.MaxConcurrency].
func (f *Server) gatewayBot() map[string]any {
	return map[string]any{
		"url":    f.wsURL,
		"shards": f.opts.Shards,
		"session_start_limit": map[string]int{
			"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": f.opts.MaxConcurrency,
		},
	}
}
