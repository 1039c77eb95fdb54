package discord

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
)

// GatewayOptions configure the gateway transport (Gateway), and the
// registration of the commands (RegisterCommands).
type GatewayOptions struct {
	Token      string   // bot token, without the "Bot " prefix
	AppID      string   // application id; empty: the one READY reports
	GuildIDs   []string // register commands in these guilds (instant); empty: globally
	APIURL     string   // REST base; empty: Discord's
	GatewayURL string   // gateway; empty: ask the REST API
	// DeferAfter is how long a handler may run before the interaction is
	// acknowledged with a deferral; Discord allows three seconds in all.
	DeferAfter time.Duration
	// ShutdownTimeout bounds the wait for in-flight replies at shutdown.
	ShutdownTimeout time.Duration
	// HTTPClient, when set, carries REST calls (tests route it to a fake).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Shards says which gateway shards Run connects; the zero value: one.
	Shards Sharding
	// Pages are served beside the status routes (ServeStatus), by
	// http.ServeMux pattern: the dashboard under /admin/.
	Pages map[string]http.Handler
}

// Gateway connects the handlers to Discord through discordgo sessions, one
// per gateway shard it runs (see Sharding), all feeding the same
// handlers. Each event is answered through the session it came from.
type Gateway struct {
	opts GatewayOptions
	h    *bot.Handlers
	// serve is h wrapped in Recover: every path answers through it.
	serve bot.Handler
	// rest is a session that never connects to the gateway, for the REST
	// calls made before any shard is up (GET /gateway/bot).
	rest   *discordgo.Session
	log    *slog.Logger
	selfID atomic.Value // string: the bot's own user id
	base   context.Context

	// work counts the replies in flight, for Run's shutdown.
	work inflight
	// running is true from Run's start until it begins to shut down
	// (see Ready).
	running atomic.Bool

	mu     sync.Mutex
	shards []*shard // the shards Run connects, once it has planned them
}

// Check reports what in opts would stop NewGateway: no token, or sharding
// that cannot be. A command checks it before doing anything else, such as
// opening the facts.
func (opts GatewayOptions) Check() error {
	if strings.TrimSpace(opts.Token) == "" {
		return errors.New("no Discord bot token: set DISCORD_TOKEN or discord.token in the config")
	}
	_, err := opts.Shards.normalize()
	return err
}

// NewGateway prepares the gateway transport; Run connects it. The
// handlers' attachment downloads should use Gateway.Download.
func NewGateway(opts GatewayOptions, h *bot.Handlers) (*Gateway, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	opts.DeferAfter = positiveOr(opts.DeferAfter, 1500*time.Millisecond)
	opts.ShutdownTimeout = positiveOr(opts.ShutdownTimeout, 10*time.Second)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	var err error
	if opts.Shards, err = opts.Shards.normalize(); err != nil {
		return nil, err
	}
	rest, err := newSession(opts)
	if err != nil {
		return nil, err
	}
	b := &Gateway{opts: opts, h: h, serve: bot.Recover(h, opts.Logger), rest: rest, log: opts.Logger, base: context.Background()}
	b.selfID.Store("")
	return b, nil
}

// newSession returns a discordgo session for opts: authenticated with the
// bot token when there is one (without, it can still use the interaction
// webhooks, which need none), its REST calls routed to opts.APIURL and its
// gateway discovery answered with opts.GatewayURL.
func newSession(opts GatewayOptions) (*discordgo.Session, error) {
	auth := ""
	if opts.Token != "" {
		auth = "Bot " + opts.Token
	}
	s, err := discordgo.New(auth)
	if err != nil {
		return nil, fmt.Errorf("create Discord session: %w", err) // discordgo never echoes the token
	}
	if opts.HTTPClient != nil {
		s.Client = opts.HTTPClient
	}
	if opts.APIURL != "" || opts.GatewayURL != "" {
		t, err := newEndpointTransport(s.Client.Transport, opts.APIURL, opts.GatewayURL)
		if err != nil {
			return nil, err
		}
		c := *s.Client
		c.Transport = t
		s.Client = &c
	}
	s.LogLevel = discordgo.LogWarning
	return s, nil
}

// Run connects the gateway shards (see GatewayOptions.Shards), registers the
// commands when it runs shard 0, and serves until ctx ends; then it stops
// taking new work, waits for replies in flight, and closes the
// connections.
func (b *Gateway) Run(ctx context.Context) error {
	b.base = context.WithoutCancel(ctx)
	b.running.Store(true)
	defer b.running.Store(false)
	p, err := b.plan(ctx)
	if err != nil {
		return err
	}
	shards, err := b.newShards(p)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.shards = shards
	b.mu.Unlock()
	if err := b.start(ctx, p, shards); err != nil {
		return errors.Join(err, b.stop(ctx, shards))
	}
	if err := b.register(b.base, shards); err != nil { // as before: a shutdown does not cut it short
		return errors.Join(err, b.stop(ctx, shards))
	}
	<-ctx.Done()
	return b.stop(ctx, shards)
}

// stop finishes the replies in flight, then closes the shards: shards
// already connected may be answering when a later one fails.
func (b *Gateway) stop(ctx context.Context, shards []*shard) error {
	b.drain(ctx)
	return b.closeAll(shards)
}

// drain stops taking new work and waits, at most ShutdownTimeout, for
// the replies in flight.
func (b *Gateway) drain(ctx context.Context) {
	b.log.Info("shutting down: finishing replies in flight")
	b.running.Store(false)
	b.work.stop()
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.ShutdownTimeout)
	defer cancel()
	if !b.work.wait(wait) {
		b.log.Warn("shutdown timed out with replies still in flight")
	}
}

// register bulk-overwrites the application's commands, through shard 0,
// with the application id configured, or else the one the gateway
// reported. The commands are the application's, not a shard's: only the
// process running shard 0 registers them, once.
func (b *Gateway) register(ctx context.Context, shards []*shard) error {
	sh := shardZero(shards)
	if sh == nil {
		if b.opts.Shards.Auto || b.opts.Shards.ID == 0 {
			return nil // shut down before shard 0 connected
		}
		b.log.Info("not registering commands: the process running shard 0 does", "shard", b.opts.Shards.ID)
		return nil
	}
	appID, self := b.opts.AppID, ""
	sh.s.State.RLock()
	if appID == "" && sh.s.State.Application != nil {
		appID = sh.s.State.Application.ID
	}
	if u := sh.s.State.User; u != nil {
		self = u.ID
	}
	sh.s.State.RUnlock()
	if self != "" {
		b.selfID.Store(self)
	}
	if appID == "" {
		appID = b.selfID.Load().(string)
	}
	return registerCommands(ctx, sh.s, appID, b.opts.GuildIDs, sh.log)
}

// RegisterCommands registers the commands (see Commands) over REST alone,
// with the bot token and the application id of opts, as Run does once
// connected; the HTTP interactions endpoint, which has no gateway, uses
// it at start.
func RegisterCommands(ctx context.Context, opts GatewayOptions) error {
	if strings.TrimSpace(opts.Token) == "" {
		return errors.New("register commands: no Discord bot token")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s, err := newSession(opts)
	if err != nil {
		return err
	}
	return registerCommands(ctx, s, opts.AppID, opts.GuildIDs, opts.Logger)
}

// registerCommands bulk-overwrites the application's commands, per guild
// when guilds are given (changes show at once) or globally.
func registerCommands(ctx context.Context, s *discordgo.Session, appID string, guilds []string, log *slog.Logger) error {
	if appID == "" {
		return errors.New("register commands: no application id (set discord.application_id)")
	}
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	for _, g := range guilds {
		cmds, err := s.ApplicationCommandBulkOverwrite(appID, g, Commands(), discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("register commands (guild %q): %w", g, redactURL(err))
		}
		log.Info("registered commands", "guild", g, "count", len(cmds))
	}
	return nil
}

// Download fetches an attachment of at most limit bytes (see Download).
func (b *Gateway) Download(ctx context.Context, url string, limit int64) ([]byte, error) {
	return Download(ctx, url, limit)
}

// Download fetches an attachment of at most limit bytes: the Downloader
// every transport gives the handlers.
func Download(ctx context.Context, url string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", redactURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download attachment: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("download attachment: larger than %d bytes", limit)
	}
	return data, nil
}

// interactionDeadline bounds a handler: Discord accepts follow-ups to an
// interaction for 15 minutes.
const interactionDeadline = 14 * time.Minute

// onInteraction answers an interaction: autocomplete at once with choices,
// anything else through answer.
func (b *Gateway) onInteraction(sh *shard, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	defer recoverEvent(sh.log, "interaction", i.ID)
	req, err := requestFromInteraction(i)
	if !b.work.begin() {
		b.respondError(sh, i, req, bot.ErrRestarting) // logged with the user, as any refusal
		return
	}
	defer b.work.done()
	if err != nil {
		b.respondError(sh, i, req, bot.Malformed(err))
		return
	}
	ctx, cancel := context.WithTimeout(bot.WithLogAttrs(b.base, "shard", sh.id), interactionDeadline)
	defer cancel()
	if req.Kind == bot.KindAutocomplete {
		err := sh.s.InteractionRespond(i, autocompleteResponse(b.serve.Handle(ctx, req)))
		logSendError(sh.log, i.ID, "autocomplete", err)
		return
	}
	b.answer(ctx, sh, i, req)
}

// answer runs the handler for an interaction and sends its reply: directly
// if the handler is quick, else after acknowledging the interaction with a
// deferral in time, by editing the reply in when it is ready.
func (b *Gateway) answer(ctx context.Context, sh *shard, i *discordgo.Interaction, req bot.Request) {
	ephemeral := b.h.Ephemeral(req)
	replies := make(chan bot.Reply, 1)
	go func() { replies <- b.serve.Handle(ctx, req) }()
	timer := time.NewTimer(b.opts.DeferAfter)
	defer timer.Stop()
	select {
	case r := <-replies:
		logSendError(sh.log, i.ID, "respond", sh.s.InteractionRespond(i, messageResponse(r)))
	case <-timer.C:
		logSendError(sh.log, i.ID, "defer", sh.s.InteractionRespond(i, deferralResponse(ephemeral)))
		sendDeferred(b.base, sh.s, sh.log, i, <-replies, ephemeral)
	}
}

// sendDeferred puts the reply in place of a deferral's "thinking" message,
// through the interaction's webhook (which needs no bot token), as every
// transport does once it has deferred.
func sendDeferred(ctx context.Context, s *discordgo.Session, log *slog.Logger, i *discordgo.Interaction, r bot.Reply, ephemeral bool) {
	withCtx := discordgo.WithContext(ctx)
	if r.Ephemeral && !ephemeral {
		// A private note (a refusal, a rate-limit notice) must not
		// land in the public "thinking" message: drop that message and
		// send the note privately instead.
		logSendError(log, i.ID, "delete deferred reply", s.InteractionResponseDelete(i, withCtx))
		_, err := s.FollowupMessageCreate(i, true, privateFollowup(r), withCtx)
		logSendError(log, i.ID, "private follow-up", err)
		return
	}
	_, err := s.InteractionResponseEdit(i, webhookEdit(r), withCtx)
	logSendError(log, i.ID, "edit deferred reply", err)
}

// respondError answers an interaction the handlers never see (the bot is
// shutting down, or the interaction is malformed) with errorResponse.
func (b *Gateway) respondError(sh *shard, i *discordgo.Interaction, req bot.Request, err error) {
	logSendError(sh.log, i.ID, "error reply", sh.s.InteractionRespond(i, errorResponse(sh.log, i, req, err)))
}

// recoverEvent, deferred at the top of an event the adapter receives, keeps
// a panic in the adapter's own code (outside any handler, which
// bot.Recover covers) from ending the process: it is logged and the event
// dropped.
func recoverEvent(log *slog.Logger, what, id string) {
	if p := recover(); p != nil {
		bot.LogPanic(log, what, id, p)
	}
}

// logSendError logs a failed call to Discord, its URL (which may hold an
// interaction token) withheld.
func logSendError(log *slog.Logger, id, what string, err error) {
	if err != nil {
		log.Warn("sending to Discord failed", "id", id, "step", what, "error", redactURL(err))
	}
}

// redactURL drops the URL from a transport error: interaction and webhook
// URLs carry tokens that let anyone post as the bot for 15 minutes.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s (URL withheld): %w", ue.Op, ue.Err)
	}
	return err
}

// onMessage answers a message meant for the bot, as a reply to it.
func (b *Gateway) onMessage(sh *shard, mc *discordgo.MessageCreate) {
	m := mc.Message
	defer recoverEvent(sh.log, "message", m.ID)
	self := b.selfID.Load().(string)
	if m.Author == nil || m.Author.Bot || m.Author.ID == self {
		return
	}
	text, ok := questionFromMessage(m, self)
	if !ok || !b.work.begin() {
		return
	}
	defer b.work.done()
	ctx, cancel := context.WithTimeout(bot.WithLogAttrs(b.base, "shard", sh.id), interactionDeadline)
	defer cancel()
	r := b.serve.Handle(ctx, requestFromMessage(m, text))
	_, err := sh.s.ChannelMessageSendComplex(m.ChannelID, messageReply(r, m))
	logSendError(sh.log, m.ID, "message reply", err)
}
