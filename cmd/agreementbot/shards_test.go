package main

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// Guilds on each shard of two: (guild_id >> 22) % 2.
const (
	guildOnShard0 = "4194304000" // 1000 << 22
	guildOnShard1 = "4198498304" // 1001 << 22
)

// runningBot is `agreementbot run` started in the background.
type runningBot struct {
	logs    syncbuf.Buffer
	cancel  context.CancelFunc
	done    chan int      // the exit code, once run returns
	exited  chan struct{} // closed once run returns
	stopped sync.Once
}

// startRun starts `agreementbot run` with the environment as set.
func startRun(t *testing.T) *runningBot {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	r := &runningBot{cancel: cancel, done: make(chan int, 1), exited: make(chan struct{})}
	go func() {
		r.done <- run(ctx, []string{"run"}, strings.NewReader(""), &r.logs, &r.logs)
		close(r.exited)
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// await waits until run's log satisfies cond, and returns it.
func (r *runningBot) await(t *testing.T, what string, cond func(logs string) bool) string {
	t.Helper()
	logs, ok := awaitLog(&r.logs, r.exited, cond)
	if !ok {
		t.Fatalf("run never logged %s:\n%s", what, logs)
	}
	return logs
}

// statusBase waits until run says where it serves its status, and
// returns the base URL.
func (r *runningBot) statusBase(t *testing.T) string {
	t.Helper()
	addr := regexp.MustCompile(`msg="serving metrics and health checks" addr=(\S+)`)
	logs := r.await(t, "where it serves its status", addr.MatchString)
	return "http://" + addr.FindStringSubmatch(logs)[1]
}

// stop cancels run and checks, once, that it exits cleanly.
func (r *runningBot) stop(t *testing.T) {
	t.Helper()
	r.stopped.Do(func() {
		r.cancel()
		select {
		case code := <-r.done:
			if code != 0 {
				t.Errorf("run exited %d:\n%s", code, r.logs.String())
			}
			checkStoppedLast(t, "run", r.logs.String())
		case <-time.After(20 * time.Second):
			t.Error("run did not shut down")
		}
	})
}

// askIn asks /ask in guild and waits for the answer.
func askIn(t *testing.T, f *discordfake.Server, r *runningBot, guild string) string {
	t.Helper()
	i := discordfake.NewSlashInteraction(discordfake.InGuild(guild, "5000000000000000001", discordfake.Member("6000000000000000001", 0)),
		"ask", discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	if err := f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	wait, stop := context.WithTimeout(t.Context(), 20*time.Second)
	defer stop()
	resp, err := f.WaitInteractionResponse(wait, i.ID)
	if err != nil {
		t.Fatalf("no answer in guild %s: %v\n%s", guild, err, r.logs.String())
	}
	if resp.Data == nil || len(resp.Data.Embeds) == 0 || !strings.Contains(resp.Data.Embeds[0].Fields[0].Value, "Washington") {
		t.Errorf("answer in guild %s = %+v", guild, resp.Data)
	}
	return i.ID
}

// commandRegistrations counts the bulk overwrites of the commands.
func commandRegistrations(f *discordfake.Server) int {
	n := 0
	for _, r := range f.Requests() {
		if r.Method == http.MethodPut && strings.HasSuffix(r.Route, "/commands") {
			n++
		}
	}
	return n
}

// With AGREEMENTBOT_SHARD_COUNT=auto, run runs every shard the fake
// recommends (2) in one process: /readyz is ready once both are
// connected, the gateway gauge has a series per shard, the commands are
// registered once, and each guild's question is answered on its shard.
func TestRunShardsAuto(t *testing.T) {
	f := fakeDiscordEnvWith(t, discordfake.Options{Token: "shard-token", Shards: 2, MaxConcurrency: 2})
	t.Setenv("AGREEMENTBOT_SHARD_COUNT", "auto")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "127.0.0.1:0")
	r := startRun(t)

	base := r.statusBase(t)
	r.await(t, "both shards connected and the commands registered", func(logs string) bool {
		return strings.Count(logs, "connected to Discord") >= 2 && strings.Contains(logs, "registered commands")
	})
	if status, _ := get(t, base+"/readyz"); status != http.StatusOK {
		t.Errorf("GET /readyz with both shards connected: %d", status)
	}
	if got := f.ConnectedShards(); got[0] != 1 || got[1] != 1 {
		t.Errorf("ready with connected shards %v, want 0 and 1", got)
	}
	for _, shard := range []string{"0", "1"} {
		if v := metric(t, base, "agreementbot_gateway_connected", "shard", shard); v != 1 {
			t.Errorf(`agreementbot_gateway_connected{shard=%q} = %v, want 1`, shard, v)
		}
	}
	if n := commandRegistrations(f); n != 1 {
		t.Errorf("commands registered %d times, want once", n)
	}
	for shard, guild := range []string{guildOnShard0, guildOnShard1} {
		id := askIn(t, f, r, guild)
		line := regexp.MustCompile(`msg=question shard=(\d) id=` + id + ` `).FindStringSubmatch(r.logs.String())
		if line == nil || line[1] != strconv.Itoa(shard) {
			t.Errorf("the question in the guild of shard %d was logged as %v", shard, line)
		}
	}
	if !strings.Contains(r.logs.String(), "sharding as Discord recommends") {
		t.Errorf("run does not say how many shards it runs:\n%s", r.logs.String())
	}
}

// With AGREEMENTBOT_SHARD_ID=1 and AGREEMENTBOT_SHARD_COUNT=2, run
// identifies as shard 1 of 2, answers its guilds' questions, and leaves
// registering the commands to the process running shard 0.
func TestRunOneShardOfTwo(t *testing.T) {
	f := fakeDiscordEnvWith(t, discordfake.Options{Token: "shard-token"})
	t.Setenv("AGREEMENTBOT_SHARD_ID", "1")
	t.Setenv("AGREEMENTBOT_SHARD_COUNT", "2")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "") // unset: the default
	r := startRun(t)

	r.await(t, "that it leaves the commands to shard 0", func(logs string) bool {
		return strings.Contains(logs, "not registering commands")
	})
	ids := f.Identified()
	if len(ids) != 1 || ids[0].Shard != 1 || ids[0].ShardCount != 2 {
		t.Errorf("identified %+v, want shard 1 of 2", ids)
	}
	askIn(t, f, r, guildOnShard1)
	if n := commandRegistrations(f); n != 0 {
		t.Errorf("shard 1 registered the commands %d times", n)
	}
	r.stop(t)
	if !strings.Contains(r.logs.String(), "shard=1") || strings.Contains(r.logs.String(), "shard=0") {
		t.Errorf("logs do not all say shard 1:\n%s", r.logs.String())
	}
}

// A shard id without a shard count stops run at start, naming the
// variable.
func TestRunShardIDWithoutCount(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "some-token")
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	t.Setenv("AGREEMENTBOT_SHARD_ID", "1")
	code, _, errOut := runCLI(t, "", "run")
	if code == 0 || !strings.Contains(errOut, "AGREEMENTBOT_SHARD_ID: given without discord.shard_count") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
