package discord_test

// The end-to-end harness: a fake Discord (discordfake), the real bot over
// it (a discordgo session per shard, the adapter, the handlers) and a
// knowledge library on disk over a fresh copy of the article, started per
// test, and the ways tests talk to it and read its replies.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/discord"
	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/internal/syncbuf"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

const (
	e2eGuild     = "2000000000000000001"
	e2eChannel   = "2000000000000000002"
	e2eDMChannel = "2000000000000000003"
	e2eUser      = "3000000000000000001"
	e2eAdmin     = "3000000000000000002"

	// e2eWait bounds every wait for the bot. Generous: -race on two
	// cores with other tests in parallel.
	e2eWait = 15 * time.Second
	// ackLimit is Discord's limit for acknowledging an interaction.
	ackLimit = 3 * time.Second

	articleFile = "trilateral-migration-2024-02-28.txt"
)

// e2e is one running fake + bot + library.
type e2e struct {
	f   *discordfake.Server
	lib *library.Library
	bot *discord.Gateway
	dir string // the library's sources directory
	log *syncbuf.Buffer

	cancel   context.CancelFunc // stops the bot
	runErr   chan error         // bot.Run's result
	stopOnce sync.Once
	stopErr  error
}

// stop shuts the bot down and waits (boundedly) for Run to return.
func (e *e2e) stop(wait time.Duration) error {
	e.stopOnce.Do(func() {
		e.cancel()
		select {
		case e.stopErr = <-e.runErr:
		case <-time.After(wait):
			e.stopErr = fmt.Errorf("bot.Run did not return within %s of shutdown", wait)
		}
	})
	return e.stopErr
}

// e2eConfig varies the bot startBot starts.
type e2eConfig struct {
	guilds     []string
	deferAfter time.Duration
	wrap       func(*library.Library) bot.Library
	observer   bot.Observer
	// fake, when set, is the fake Discord to connect to (the caller
	// closes it); else startBot starts one with fakeOpts.
	fake     *discordfake.Server
	fakeOpts discordfake.Options
	shards   discord.Sharding
	// made, when set, is given the bot and its fake before the bot runs.
	made func(*discord.Gateway, *discordfake.Server)
	// confident is bot.HandlerOptions.ConfidentThreshold; 0 makes every
	// answer confident, so that what an answer shows is not at the mercy
	// of the fitted model's thresholds.
	confident float64
}

type option func(*e2eConfig)

// withGuilds registers the commands in these guilds rather than globally.
func withGuilds(ids ...string) option { return func(c *e2eConfig) { c.guilds = ids } }

// withDeferAfter sets discord.GatewayOptions.DeferAfter.
func withDeferAfter(d time.Duration) option { return func(c *e2eConfig) { c.deferAfter = d } }

// withConfidentThreshold sets bot.HandlerOptions.ConfidentThreshold.
func withConfidentThreshold(x float64) option { return func(c *e2eConfig) { c.confident = x } }

// withObserver sets bot.HandlerOptions.Observer.
func withObserver(o bot.Observer) option { return func(c *e2eConfig) { c.observer = o } }

// withFake connects the bot to f, which the caller closes (after the
// bot: register its Cleanup first), rather than to a fake of its own.
func withFake(f *discordfake.Server) option { return func(c *e2eConfig) { c.fake = f } }

// withFakeOptions starts the bot's own fake with these options, the
// token and heartbeat set as for every test.
func withFakeOptions(o discordfake.Options) option { return func(c *e2eConfig) { c.fakeOpts = o } }

// withShards sets discord.GatewayOptions.Shards; startBot then also waits until
// every shard is connected (Ready).
func withShards(s discord.Sharding) option { return func(c *e2eConfig) { c.shards = s } }

// withBot gives made the bot and its fake before the bot runs.
func withBot(made func(*discord.Gateway, *discordfake.Server)) option {
	return func(c *e2eConfig) { c.made = made }
}

// withLibrary wraps the library the handlers see.
func withLibrary(wrap func(*library.Library) bot.Library) option {
	return func(c *e2eConfig) { c.wrap = wrap }
}

// startBot starts a fake Discord, a library over a fresh sources
// directory holding the article, and the bot, and waits until the bot has
// registered its commands (so it is connected and knows its own id). At
// cleanup the bot is shut down first (context cancelled, Run waited for),
// then the fake is closed.
func startBot(tb testing.TB, opts ...option) *e2e {
	tb.Helper()
	var cfg e2eConfig
	for _, o := range opts {
		o(&cfg)
	}
	f := cfg.fake
	if f == nil {
		fo := cfg.fakeOpts
		fo.Token, fo.HeartbeatInterval = "test-token", 2*time.Second
		f = discordfake.New(fo)
		tb.Cleanup(f.Close) // registered first: runs last
	}

	dir := filepath.Join(tb.TempDir(), "sources")
	if err := os.Mkdir(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	article, err := os.ReadFile(filepath.Join("..", "..", "knowledge", "source", "default", "sources", articleFile))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, articleFile), article, 0o644); err != nil {
		tb.Fatal(err)
	}
	lib, err := library.New(context.Background(), dir, filepath.Join(tb.TempDir(), "facts.db"))
	if err != nil {
		tb.Fatal(err)
	}
	var served bot.Library = lib
	if cfg.wrap != nil {
		served = cfg.wrap(lib)
	}

	logs := &syncbuf.Buffer{}
	var w io.Writer = logs
	if os.Getenv("E2E_LOG") != "" {
		w = io.MultiWriter(logs, os.Stderr)
	}
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var b *discord.Gateway
	h := bot.NewHandlers(served, bot.HandlerOptions{Top: 3, Threshold: knowledge.DefaultThreshold, AdminUsers: []string{"9999999999999999999"},
		RateCount: 1000, RatePer: time.Second, Observer: cfg.observer, ConfidentThreshold: cmp.Or(cfg.confident, 1e-9)},
		func(ctx context.Context, url string, limit int64) ([]byte, error) { return b.Download(ctx, url, limit) }, logger)
	b, err = discord.NewGateway(discord.GatewayOptions{Token: "test-token", GuildIDs: cfg.guilds, APIURL: f.APIURL(), GatewayURL: f.GatewayURL(),
		HTTPClient: f.HTTPClient(), Logger: logger, DeferAfter: cfg.deferAfter, Shards: cfg.shards}, h)
	if err != nil {
		tb.Fatal(err)
	}
	if cfg.made != nil {
		cfg.made(b, f)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &e2e{f: f, lib: lib, bot: b, dir: dir, log: logs, cancel: cancel, runErr: make(chan error, 1)}
	var ran atomic.Bool
	go func() {
		err := b.Run(ctx)
		ran.Store(true)
		e.runErr <- err
	}()
	tb.Cleanup(func() {
		if err := e.stop(e2eWait); err != nil {
			tb.Errorf("bot.Run: %v", err)
		}
		if tb.Failed() {
			tb.Logf("bot log:\n%s", logs.String())
		}
	})

	registered := func() bool {
		if len(cfg.guilds) == 0 {
			return len(f.Commands("")) > 0
		}
		for _, g := range cfg.guilds {
			if len(f.Commands(g)) == 0 {
				return false
			}
		}
		return true
	}
	started := registered
	if cfg.shards != (discord.Sharding{}) {
		// Only the process running shard 0 registers the commands.
		registers := cfg.shards.Auto || cfg.shards.ID == 0
		started = func() bool { return b.Ready() && (registered() || !registers) }
	}
	if err := f.WaitFor(waitCtx(tb, e2eWait), func() bool { return started() || ran.Load() }); err != nil || !started() {
		tb.Fatalf("not started: commands not registered, or not every shard connected (bot.Run returned: %v): %v\n%s",
			ran.Load(), err, logs.String())
	}
	return e
}

// waitCtx returns a context that ends after d (or with the test).
func waitCtx(tb testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	tb.Cleanup(cancel)
	return ctx
}

// Origins used by the tests.
func member() discordfake.Origin {
	return discordfake.InGuild(e2eGuild, e2eChannel, discordfake.Member(e2eUser, discordgo.PermissionViewChannel|discordgo.PermissionSendMessages))
}

func admin() discordfake.Origin {
	return discordfake.InGuild(e2eGuild, e2eChannel, discordfake.Member(e2eAdmin, discordgo.PermissionManageGuild))
}

func dm() discordfake.Origin {
	return discordfake.InDM(e2eDMChannel, discordfake.User(e2eUser))
}

// reply is what the user ends up seeing for an interaction: the immediate
// response, or for a deferred one, the deferral's flags and the edited-in
// message.
type reply struct {
	Type       discordgo.InteractionResponseType // 4, 8, or 5 when deferred
	Flags      discordgo.MessageFlags
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Choices    []*discordgo.ApplicationCommandOptionChoice
	// Mentions is the raw allowed_mentions sent with the reply (nil if
	// none was sent).
	Mentions json.RawMessage
	// Ack is the time from just before dispatch to the accepted callback
	// (the acknowledgement Discord requires within 3 s); Total to the
	// final content.
	Ack, Total time.Duration
	AckedAt    time.Time
}

// interact dispatches i and waits for the reply the user sees.
func (e *e2e) interact(tb testing.TB, i *discordgo.Interaction) reply {
	tb.Helper()
	r, err := e.tryInteract(waitCtx(tb, e2eWait), i)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// tryInteract is interact for use off the test goroutine.
func (e *e2e) tryInteract(ctx context.Context, i *discordgo.Interaction) (reply, error) {
	start := time.Now()
	if err := e.f.DispatchInteraction(i); err != nil {
		return reply{}, fmt.Errorf("dispatch: %w", err)
	}
	return e.await(ctx, i, start)
}

// await waits for the reply to i, dispatched at start.
func (e *e2e) await(ctx context.Context, i *discordgo.Interaction, start time.Time) (reply, error) {
	resp, err := e.f.WaitInteractionResponse(ctx, i.ID)
	if err != nil {
		return reply{}, fmt.Errorf("interaction %s (%s): no response: %w", i.ID, describe(i), err)
	}
	r := reply{Type: resp.Type, AckedAt: time.Now()}
	r.Ack = r.AckedAt.Sub(start)
	cb, _ := e.f.InteractionResponse(i.ID)
	if resp.Data != nil {
		r.Flags, r.Content, r.Embeds, r.Components, r.Choices = resp.Data.Flags, resp.Data.Content, resp.Data.Embeds, resp.Data.Components, resp.Data.Choices
	}
	var body struct {
		Data struct {
			AllowedMentions json.RawMessage `json:"allowed_mentions"`
		} `json:"data"`
	}
	if err := json.Unmarshal(cb.Body, &body); err != nil {
		return r, fmt.Errorf("interaction %s: callback body %s: %w", i.ID, cb.Body, err)
	}
	r.Mentions = body.Data.AllowedMentions
	if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		m, err := e.f.WaitMessage(ctx, func(m discordfake.SentMessage) bool {
			return m.InteractionID == i.ID && m.Kind == discordfake.KindOriginalEdit
		})
		if err != nil {
			return r, fmt.Errorf("interaction %s deferred but never edited: %w", i.ID, err)
		}
		r.Content, r.Embeds, r.Components = m.Message.Content, m.Message.Embeds, m.Message.Components
		r.Mentions = mentionsOf(m.Body)
	}
	r.Total = time.Since(start)
	return r, nil
}

func describe(i *discordgo.Interaction) string {
	if d, ok := i.Data.(discordgo.ApplicationCommandInteractionData); ok {
		return "/" + d.Name
	}
	if d, ok := i.Data.(discordgo.MessageComponentInteractionData); ok {
		return "button " + d.CustomID
	}
	return fmt.Sprintf("type %d", i.Type)
}

// mentionsOf returns the allowed_mentions of a message or webhook body.
func mentionsOf(body json.RawMessage) json.RawMessage {
	var b struct {
		AllowedMentions json.RawMessage `json:"allowed_mentions"`
	}
	_ = json.Unmarshal(body, &b)
	return b.AllowedMentions
}

// checkNoMentions asserts allowed_mentions lets nobody be pinged: present,
// with an empty parse list and no users or roles.
func checkNoMentions(tb testing.TB, raw json.RawMessage) {
	tb.Helper()
	if len(raw) == 0 {
		tb.Errorf("no allowed_mentions sent: the reply could ping")
		return
	}
	var am struct {
		Parse *[]string `json:"parse"`
		Users []string  `json:"users"`
		Roles []string  `json:"roles"`
	}
	if err := json.Unmarshal(raw, &am); err != nil {
		tb.Errorf("allowed_mentions %s: %v", raw, err)
		return
	}
	if am.Parse == nil || len(*am.Parse) != 0 || len(am.Users) != 0 || len(am.Roles) != 0 {
		tb.Errorf("allowed_mentions = %s, want parse: [] and nothing else", raw)
	}
}

// buttons lists the buttons in action rows, whatever their decoded form.
func buttons(comps []discordgo.MessageComponent) []discordgo.Button {
	var out []discordgo.Button
	for _, c := range comps {
		var inner []discordgo.MessageComponent
		switch row := c.(type) {
		case *discordgo.ActionsRow:
			inner = row.Components
		case discordgo.ActionsRow:
			inner = row.Components
		}
		for _, x := range inner {
			switch b := x.(type) {
			case *discordgo.Button:
				out = append(out, *b)
			case discordgo.Button:
				out = append(out, b)
			}
		}
	}
	return out
}

// articleHeading is the heading of the nth fact of an answer from the
// embedded article: its number, and the article's title, which holds its
// date.
func articleHeading(n int) string { return fmt.Sprintf("%d. Trilateral migration 2024-02-28", n) }

// answerText is an answer embed's first fact, failing unless the reply is
// one embed with fields.
func answerText(tb testing.TB, r reply) string {
	tb.Helper()
	if len(r.Embeds) != 1 || len(r.Embeds[0].Fields) == 0 {
		tb.Fatalf("want one answer embed with facts, got content %q embeds %s", r.Content, embedsJSON(r.Embeds))
	}
	return r.Embeds[0].Fields[0].Value
}

func embedsJSON(es []*discordgo.MessageEmbed) string {
	b, _ := json.Marshal(es)
	return string(b)
}

func ask(o discordfake.Origin, question string) *discordgo.Interaction {
	return discordfake.NewSlashInteraction(o, "ask", discordfake.StringOpt("question", question))
}

func writeSource(tb testing.TB, dir, name, text string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}
