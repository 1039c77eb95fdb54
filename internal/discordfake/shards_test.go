package discordfake_test

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// Guilds on each shard of two: a guild's shard is (id >> 22) % 2.
const (
	guildOnShard0 = "4194304000" // 1000 << 22
	guildOnShard1 = "4198498304" // 1001 << 22
)

// shardSeen records, per shard, the guild ids of the events a session
// received ("dm" for none), up to the message "end".
type shardSeen struct {
	mu   sync.Mutex
	seen map[int][]string
	ends chan int // the shards that received "end"
}

// endOfEvents is the message that ends the events a test sends a shard.
const endOfEvents = "end"

// record returns the handlers that record what the session of shard sees.
func (r *shardSeen) record(shard int) (func(*discordgo.Session, *discordgo.InteractionCreate), func(*discordgo.Session, *discordgo.MessageCreate)) {
	add := func(guild string) {
		if guild == "" {
			guild = "dm"
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		r.seen[shard] = append(r.seen[shard], guild)
	}
	return func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { add(ic.GuildID) },
		func(_ *discordgo.Session, mc *discordgo.MessageCreate) {
			if mc.Content == endOfEvents {
				r.ends <- shard
				return
			}
			add(mc.GuildID)
		}
}

// get returns a sorted copy of what shard saw.
func (r *shardSeen) get(shard int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.seen[shard])
	slices.Sort(out)
	return out
}

func TestGuildShard(t *testing.T) {
	for _, tt := range []struct {
		guild string
		count int
		want  int
	}{
		{guildOnShard0, 2, 0}, {guildOnShard1, 2, 1}, {guildOnShard1, 1, 0},
		{"4206886912", 4, 3}, // 1003 << 22
		{"", 2, 0}, {"g1", 2, 0}, {"81384788765712384", 5, 81384788765712384 >> 22 % 5},
	} {
		if got := discordfake.GuildShard(tt.guild, tt.count); got != tt.want {
			t.Errorf("GuildShard(%q, %d) = %d, want %d", tt.guild, tt.count, got, tt.want)
		}
	}
}

// Two sessions identifying as shards 0 and 1 of 2 each receive only their
// own guilds' events (interactions and messages), and only shard 0 the
// direct messages; each gets only its own guilds in READY and
// GUILD_CREATE. GET gateway/bot recommends the configured shards.
func TestShardsReceiveOnlyTheirGuilds(t *testing.T) {
	f := discordfake.New(discordfake.Options{HeartbeatInterval: 500 * time.Millisecond, Shards: 2, MaxConcurrency: 16,
		Guilds: []*discordgo.Guild{{ID: guildOnShard0, Name: "zero"}, {ID: guildOnShard1, Name: "one"}}})
	t.Cleanup(f.Close)
	seen := &shardSeen{seen: map[int][]string{}, ends: make(chan int, 2)}
	sessions := make([]*discordgo.Session, 2)
	for shard := range sessions {
		onInteraction, onMessage := seen.record(shard)
		sessions[shard] = openSession(t, f, func(s *discordgo.Session) {
			s.SyncEvents = true // handled in order: once "end" is, all before it were
			s.ShardID, s.ShardCount = shard, 2
			s.AddHandler(onInteraction)
			s.AddHandler(onMessage)
		})
	}
	gb, err := sessions[0].GatewayBot()
	if err != nil || gb.Shards != 2 || gb.SessionStartLimit.MaxConcurrency != 16 {
		t.Fatalf("GatewayBot() = %+v, %v; want 2 shards, max_concurrency 16", gb, err)
	}
	for shard, s := range sessions {
		s.State.RLock()
		if n := len(s.State.Guilds); n != 1 || s.State.Guilds[0].ID != []string{guildOnShard0, guildOnShard1}[shard] {
			t.Errorf("shard %d: READY listed guilds %v, want only its own", shard, s.State.Guilds)
		}
		s.State.RUnlock()
	}

	user := discordfake.User(userID)
	for _, guild := range []string{guildOnShard0, guildOnShard1, guildOnShard1} {
		origin := discordfake.InGuild(guild, channelID, discordfake.Member(userID, 0))
		if err := f.DispatchInteraction(discordfake.NewSlashInteraction(origin, "ask")); err != nil {
			t.Fatal(err)
		}
		if err := f.DispatchMessage(discordfake.NewUserMessage(origin, "hello")); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.DispatchMessage(discordfake.NewUserMessage(discordfake.InDM(dmChannel, user), "hi")); err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{
		0: {guildOnShard0, guildOnShard0, "dm"},
		1: {guildOnShard1, guildOnShard1, guildOnShard1, guildOnShard1},
	}
	for _, guild := range []string{guildOnShard0, guildOnShard1} {
		origin := discordfake.InGuild(guild, channelID, discordfake.Member(userID, 0))
		if err := f.DispatchMessage(discordfake.NewUserMessage(origin, endOfEvents)); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		select {
		case <-seen.ends:
		case <-ctxT(t).Done():
			t.Fatal("a shard never received the end of its events")
		}
	}
	for shard, w := range want {
		if got := seen.get(shard); !slices.Equal(got, w) {
			t.Errorf("shard %d received events of %v, want %v", shard, got, w)
		}
	}
	for _, d := range f.Deliveries() {
		if d.GuildID != "" && d.Shard != discordfake.GuildShard(d.GuildID, 2) {
			t.Errorf("delivery %+v went to the wrong shard", d)
		}
	}
	ids := f.Identified()
	if len(ids) != 2 || ids[0].Shard != 0 || ids[1].Shard != 1 || ids[0].ShardCount != 2 || ids[0].At.IsZero() {
		t.Errorf("Identified() = %+v, want shards 0 then 1 of 2", ids)
	}
	if got := f.ConnectedShards(); got[0] != 1 || got[1] != 1 {
		t.Errorf("ConnectedShards() = %v", got)
	}
}

// An event for a shard no session runs is not delivered anywhere.
func TestDispatchToAShardNobodyRuns(t *testing.T) {
	f := newFake(t)
	openSession(t, f, func(s *discordgo.Session) { s.ShardID, s.ShardCount = 1, 2 })
	origin := discordfake.InGuild(guildOnShard0, channelID, discordfake.Member(userID, 0))
	if err := f.DispatchInteraction(discordfake.NewSlashInteraction(origin, "ask")); !errors.Is(err, discordfake.ErrNoSession) {
		t.Errorf("dispatch to shard 0 with only shard 1 connected: %v, want ErrNoSession", err)
	}
	origin.GuildID = guildOnShard1
	if err := f.DispatchInteraction(discordfake.NewSlashInteraction(origin, "ask")); err != nil {
		t.Errorf("dispatch to shard 1: %v", err)
	}
}

// An IDENTIFY with a shard out of range is refused with close code 4010.
func TestInvalidShardRefused(t *testing.T) {
	f := newFake(t)
	s, err := f.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	// discordgo checks its own ShardID and ShardCount; with one shard it
	// sends Identify.Shard as it is set.
	s.Identify.Shard = &[2]int{3, 2}
	if err := s.Open(); err == nil {
		_ = s.Close()
		t.Fatal("Open with shard [3, 2] succeeded")
	}
	if f.Identifies() != 0 {
		t.Errorf("identifies %d, want 0", f.Identifies())
	}
	payloads := f.GatewayPayloads()
	if len(payloads) == 0 || payloads[len(payloads)-1].Op != 2 {
		t.Errorf("the IDENTIFY was not recorded: %+v", payloads)
	}
}
