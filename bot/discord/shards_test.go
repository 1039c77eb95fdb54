package discord_test

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/bot/discord"
	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// Guilds on each shard of two: Discord sends a guild's events to shard
// (guild_id >> 22) % 2.
const (
	guildOnShard0 = "4194304000" // 1000 << 22
	guildOnShard1 = "4198498304" // 1001 << 22
	shardChannel  = "5000000000000000001"
	shardQuestion = "Where did the foreign ministers meet?"
)

// inGuild is a member asking in guild.
func inGuild(guild string) discordfake.Origin {
	return discordfake.InGuild(guild, shardChannel,
		discordfake.Member(e2eUser, discordgo.PermissionViewChannel|discordgo.PermissionSendMessages))
}

// answeredOn returns the shards whose log line "question" is about the
// request with the given id, as the bot's log shows them.
func answeredOn(log, id string) []string {
	re := regexp.MustCompile(`msg=question shard=(\d+) id=` + regexp.QuoteMeta(id) + ` `)
	var out []string
	for _, m := range re.FindAllStringSubmatch(log, -1) {
		out = append(out, m[1])
	}
	return out
}

// commandRegistrations counts the bulk overwrites of the commands.
func commandRegistrations(f *discordfake.Server) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == "PUT" && strings.HasSuffix(r.Route, "/commands") {
			n++
		}
	}
	return n
}

// askOnShards asks in a guild of each shard of two, and in a direct
// message, and checks that each is answered once, by the session of the
// guild's shard (0 for the message), as the bot's log says: logOf returns
// the log of the process running a shard.
func askOnShards(t *testing.T, e *e2e, logOf func(shard int) *syncbuf.Buffer) {
	t.Helper()
	for shard, guild := range []string{guildOnShard0, guildOnShard1} {
		i := ask(inGuild(guild), shardQuestion)
		if text := answerText(t, e.interact(t, i)); !strings.Contains(text, "Washington") {
			t.Errorf("guild of shard %d: answer %q", shard, text)
		}
		if got := answeredOn(logOf(shard).String(), i.ID); !slices.Equal(got, []string{strconv.Itoa(shard)}) {
			t.Errorf("the /ask in the guild of shard %d was answered on shards %v, want only %d", shard, got, shard)
		}
		if other := logOf(1 - shard); other != logOf(shard) && strings.Contains(other.String(), i.ID) {
			t.Errorf("the process not running shard %d saw the /ask of its guild", shard)
		}
	}
	msg := e.askDM(t, shardQuestion)
	if got := answeredOn(logOf(0).String(), msg.MessageReference.MessageID); !slices.Equal(got, []string{"0"}) {
		t.Errorf("the direct message was answered on shards %v, want only 0", got)
	}
	for _, d := range e.f.Deliveries() {
		if (d.Type == "INTERACTION_CREATE" || d.Type == "MESSAGE_CREATE") && d.Shard != discordfake.GuildShard(d.GuildID, 2) {
			t.Errorf("%s of guild %q went to shard %d", d.Type, d.GuildID, d.Shard)
		}
	}
	for _, r := range e.f.FailedRequests() {
		t.Errorf("request failed (an event answered twice?): %s %s: %d %s", r.Method, r.Route, r.Status, r.Response)
	}
}

// With shard_count auto, the bot runs in one process every shard GET
// /gateway/bot recommends (2 here), one session each, identifying one
// bucket at a time; each guild's question is answered through its shard's
// session alone, direct messages through shard 0's, the commands are
// registered once, and each shard's connection is reported apart.
func TestE2EShardsAuto(t *testing.T) {
	t.Parallel()
	const identifyWait = 300 * time.Millisecond
	rec := &gatewayRecorder{}
	e := startBot(t, withFakeOptions(discordfake.Options{Shards: 2, MaxConcurrency: 1}),
		withShards(discord.Sharding{Auto: true, IdentifyWait: identifyWait}), withObserver(rec))

	ids := e.f.Identified()
	if len(ids) != 2 || ids[0].Shard != 0 || ids[1].Shard != 1 || ids[0].ShardCount != 2 || ids[1].ShardCount != 2 {
		t.Fatalf("identified %+v, want shard 0 then shard 1, of 2", ids)
	}
	if gap := ids[1].At.Sub(ids[0].At); gap < identifyWait {
		t.Errorf("shard 1 identified %s after shard 0; with max_concurrency 1, want at least %s", gap, identifyWait)
	}
	if got := rec.byShard(); !maps.Equal(got, map[int]bool{0: true, 1: true}) {
		t.Errorf("gateway reports by shard %v, want both connected", got)
	}
	if n := commandRegistrations(e.f); n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
	askOnShards(t, e, func(int) *syncbuf.Buffer { return e.log })

	if err := e.stop(e2eWait); err != nil {
		t.Fatal(err)
	}
	if got := rec.byShard(); !maps.Equal(got, map[int]bool{0: false, 1: false}) || e.bot.Ready() {
		t.Errorf("after shutdown: reports by shard %v, Ready %v; want every shard down", got, e.bot.Ready())
	}
}

// Two processes, one running shard 0 of 2 and the other shard 1 of 2
// (discord.shard_id and shard_count), each answer their own guilds'
// questions and never the other's; only the one running shard 0
// registers the commands and answers direct messages.
func TestE2EShardsTwoProcesses(t *testing.T) {
	t.Parallel()
	f := discordfake.New(discordfake.Options{Token: "test-token", HeartbeatInterval: 2 * time.Second})
	t.Cleanup(f.Close) // registered first: runs after both bots stopped
	zero := startBot(t, withFake(f), withShards(discord.Sharding{ID: 0, Count: 2}))
	one := startBot(t, withFake(f), withShards(discord.Sharding{ID: 1, Count: 2}))

	ids := f.Identified()
	slices.SortFunc(ids, func(a, b discordfake.Identify) int { return a.Shard - b.Shard })
	if len(ids) != 2 || ids[0].Shard != 0 || ids[1].Shard != 1 || ids[0].ShardCount != 2 || ids[1].ShardCount != 2 {
		t.Fatalf("identified %+v, want shards 0 and 1 of 2", ids)
	}
	if n := commandRegistrations(f); n != 1 {
		t.Errorf("commands registered %d times, want once (by shard 0)", n)
	}
	// Said once shard 1 is connected (startBot waited for that), so
	// perhaps not yet: wait for the line.
	if _, err := one.log.AwaitText(waitCtx(t, e2eWait), "not registering commands", 1); err != nil {
		t.Errorf("shard 1's process does not say why it registers no commands: %v\n%s", err, one.log.String())
	}
	askOnShards(t, zero, func(shard int) *syncbuf.Buffer { return []*syncbuf.Buffer{zero.log, one.log}[shard] })
	for _, line := range strings.Split(one.log.String(), "\n") {
		if strings.Contains(line, "msg=question") && !strings.Contains(line, "shard=1") {
			t.Errorf("shard 1's process answered a question of another shard: %s", line)
		}
	}
}

// readyWatch is an Observer that, at each gateway report (the only
// moments Ready can change), records whether the bot said it was ready
// while a shard was still to identify.
type readyWatch struct {
	gatewayRecorder
	n int // shards to identify

	mu          sync.Mutex
	b           *discord.Gateway
	f           *discordfake.Server
	early, seen bool // ready too early; a shard up while another was still to identify
}

// Gateway records the report and checks the bot's readiness against the
// shards identified so far.
func (w *readyWatch) Gateway(shard int, up bool) {
	w.gatewayRecorder.Gateway(shard, up)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.b == nil {
		return
	}
	ready := w.b.Ready()
	identified := len(w.f.Identified()) // read after Ready: a shard missing here was missing then
	w.early = w.early || (ready && identified < w.n)
	w.seen = w.seen || (up && identified < w.n)
}

// With max_concurrency 2 and 4 shards, shards 0 and 1 identify together,
// then, IdentifyWait later, shards 2 and 3; the bot is not ready until
// all four are connected.
func TestE2EShardsIdentifyInBuckets(t *testing.T) {
	t.Parallel()
	const identifyWait = 800 * time.Millisecond
	w := &readyWatch{n: 4}
	e := startBot(t, withFakeOptions(discordfake.Options{Shards: 4, MaxConcurrency: 2}),
		withShards(discord.Sharding{Auto: true, IdentifyWait: identifyWait}), withObserver(w),
		withBot(func(b *discord.Gateway, f *discordfake.Server) {
			w.mu.Lock()
			w.b, w.f = b, f
			w.mu.Unlock()
		}))
	ids := e.f.Identified()
	if len(ids) != 4 {
		t.Fatalf("identified %+v, want 4 shards", ids)
	}
	first := []int{ids[0].Shard, ids[1].Shard}
	slices.Sort(first)
	if !slices.Equal(first, []int{0, 1}) {
		t.Errorf("first identified shards %v, want 0 and 1 (the first bucket)", first)
	}
	if d := ids[1].At.Sub(ids[0].At).Abs(); d >= identifyWait {
		t.Errorf("shards of one bucket identified %s apart, want together", d)
	}
	if gap := ids[2].At.Sub(ids[1].At); gap < identifyWait {
		t.Errorf("the second bucket identified %s after the first, want at least %s", gap, identifyWait)
	}
	if got := w.byShard(); !maps.Equal(got, map[int]bool{0: true, 1: true, 2: true, 3: true}) {
		t.Errorf("gateway reports by shard %v, want all four connected", got)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.early {
		t.Error("the bot said it was ready before every shard had identified")
	}
	if !w.seen {
		t.Error("never saw a shard up while others were still to identify: the test proved nothing")
	}
}

// Sharding that names no shard of its count, or a shard with auto, is
// refused when the bot is made.
func TestShardingRefused(t *testing.T) {
	for _, s := range []discord.Sharding{{ID: 2, Count: 2}, {ID: -1, Count: 2}, {ID: 1}, {Auto: true, ID: 1}, {Auto: true, Count: 3}} {
		if _, err := discord.NewGateway(discord.GatewayOptions{Token: "t", Shards: s}, nil); err == nil || !strings.Contains(err.Error(), "sharding") {
			t.Errorf("New with %+v: error %v, want one about sharding", s, err)
		}
	}
	for _, s := range []discord.Sharding{{}, {ID: 1, Count: 2}, {Auto: true}} {
		if _, err := discord.NewGateway(discord.GatewayOptions{Token: "t", Shards: s}, nil); err != nil {
			t.Errorf("New with %+v: %v", s, err)
		}
	}
}
