package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Options configure the Discord side of the bot.
type Options struct {
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
}

// Bot connects the handlers to Discord through a discordgo session.
type Bot struct {
	opts Options
	h    *Handlers
	// serve is h wrapped in Recover: every path answers through it.
	serve  Handler
	s      *discordgo.Session
	log    *slog.Logger
	selfID atomic.Value // string: the bot's own user id
	base   context.Context

	// work counts the replies in flight, for Run's shutdown.
	work inflight
	// running is true from Run's start until it begins to shut down;
	// connected while the gateway session is up (see Ready).
	running   atomic.Bool
	connected atomic.Bool
}

// New prepares a bot; Run connects it. The handlers' attachment downloads
// should use Bot.Download.
func New(opts Options, h *Handlers) (*Bot, error) {
	if strings.TrimSpace(opts.Token) == "" {
		return nil, errors.New("no Discord bot token: set DISCORD_TOKEN or discord.token in the config")
	}
	if opts.DeferAfter <= 0 {
		opts.DeferAfter = 1500 * time.Millisecond
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 10 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s, err := newSession(opts)
	if err != nil {
		return nil, err
	}
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	b := &Bot{opts: opts, h: h, serve: Recover(h, opts.Logger), s: s, log: opts.Logger, base: context.Background()}
	b.selfID.Store("")
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		b.selfID.Store(r.User.ID)
		b.setConnected(true)
		b.log.Info("connected to Discord", "user", r.User.Username, "guilds", len(r.Guilds))
	})
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) {
		b.setConnected(true)
		b.log.Info("resumed the gateway session")
	})
	s.AddHandler(func(_ *discordgo.Session, d *discordgo.Disconnect) {
		b.setConnected(false)
		b.log.Warn("disconnected from the gateway; reconnecting")
	})
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	return b, nil
}

// newSession returns a discordgo session for opts: authenticated with the
// bot token when there is one (without, it can still use the interaction
// webhooks, which need none), its REST calls routed to opts.APIURL and its
// gateway discovery answered with opts.GatewayURL.
func newSession(opts Options) (*discordgo.Session, error) {
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

// setConnected records, and tells the handlers' Observer, whether the
// gateway session is up.
func (b *Bot) setConnected(up bool) {
	b.connected.Store(up)
	b.h.obs.Gateway(up)
}

// Run connects to the gateway, registers the commands and serves until ctx
// ends; then it stops taking new work, waits for replies in flight, and
// closes the connection.
func (b *Bot) Run(ctx context.Context) error {
	b.base = context.WithoutCancel(ctx)
	b.h.obs.Gateway(false) // until READY
	b.running.Store(true)
	defer b.running.Store(false)
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w", err)
	}
	if u := b.s.State.User; u != nil {
		b.selfID.Store(u.ID)
	}
	if err := b.register(b.base); err != nil { // as before: a shutdown does not cut it short
		b.s.Close()
		return err
	}
	<-ctx.Done()
	b.log.Info("shutting down: finishing replies in flight")
	b.running.Store(false)
	b.work.stop()
	wait, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.ShutdownTimeout)
	defer cancel()
	if !b.work.wait(wait) {
		b.log.Warn("shutdown timed out with replies still in flight")
	}
	err := b.s.Close()
	b.setConnected(false)
	return err
}

// register bulk-overwrites the application's commands with the
// application id configured, or else the one the gateway reported.
func (b *Bot) register(ctx context.Context) error {
	appID := b.opts.AppID
	if appID == "" && b.s.State.Application != nil {
		appID = b.s.State.Application.ID
	}
	if appID == "" {
		appID = b.selfID.Load().(string)
	}
	return registerCommands(ctx, b.s, appID, b.opts.GuildIDs, b.log)
}

// RegisterCommands registers the commands (see Commands) over REST alone,
// with the bot token and the application id of opts, as Run does once
// connected; the HTTP interactions endpoint, which has no gateway, uses
// it at start.
func RegisterCommands(ctx context.Context, opts Options) error {
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
func (b *Bot) Download(ctx context.Context, url string, limit int64) ([]byte, error) {
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
func (b *Bot) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	defer recoverEvent(b.log, "interaction", i.ID)
	if !b.work.begin() {
		b.respondError(i, Request{ID: i.ID, Locale: string(i.Locale)}, errRestarting)
		return
	}
	defer b.work.done()
	req, err := requestFromInteraction(i)
	if err != nil {
		b.respondError(i, req, malformed(err))
		return
	}
	ctx, cancel := context.WithTimeout(b.base, interactionDeadline)
	defer cancel()
	if req.Kind == KindAutocomplete {
		err := b.s.InteractionRespond(i, autocompleteResponse(b.serve.Handle(ctx, req)))
		b.logSendError(i.ID, "autocomplete", err)
		return
	}
	b.answer(ctx, i, req)
}

// answer runs the handler for an interaction and sends its reply: directly
// if the handler is quick, else after acknowledging the interaction with a
// deferral in time, by editing the reply in when it is ready.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction, req Request) {
	ephemeral := b.h.Ephemeral(req)
	replies := make(chan Reply, 1)
	go func() { replies <- b.serve.Handle(ctx, req) }()
	timer := time.NewTimer(b.opts.DeferAfter)
	defer timer.Stop()
	select {
	case r := <-replies:
		b.logSendError(i.ID, "respond", b.s.InteractionRespond(i, messageResponse(r)))
	case <-timer.C:
		b.logSendError(i.ID, "defer", b.s.InteractionRespond(i, deferralResponse(ephemeral)))
		sendDeferred(b.base, b.s, b.log, i, <-replies, ephemeral)
	}
}

// sendDeferred puts the reply in place of a deferral's "thinking" message,
// through the interaction's webhook (which needs no bot token), as every
// transport does once it has deferred.
func sendDeferred(ctx context.Context, s *discordgo.Session, log *slog.Logger, i *discordgo.Interaction, r Reply, ephemeral bool) {
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
func (b *Bot) respondError(i *discordgo.Interaction, req Request, err error) {
	b.logSendError(i.ID, "error reply", b.s.InteractionRespond(i, errorResponse(b.log, i, req, err)))
}

func (b *Bot) logSendError(id, what string, err error) { logSendError(b.log, id, what, err) }

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
func (b *Bot) onMessage(_ *discordgo.Session, mc *discordgo.MessageCreate) {
	m := mc.Message
	defer recoverEvent(b.log, "message", m.ID)
	self := b.selfID.Load().(string)
	if m.Author == nil || m.Author.Bot || m.Author.ID == self {
		return
	}
	text, ok := questionFromMessage(m, self)
	if !ok || !b.work.begin() {
		return
	}
	defer b.work.done()
	ctx, cancel := context.WithTimeout(b.base, interactionDeadline)
	defer cancel()
	r := b.serve.Handle(ctx, requestFromMessage(m, text))
	_, err := b.s.ChannelMessageSendComplex(m.ChannelID, messageReply(r, m))
	b.logSendError(m.ID, "message reply", err)
}
