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
	"sync"
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

	// mu makes "not closing, so count this reply in" one step, so that
	// Run's wait never races a late Add.
	mu       sync.Mutex
	closing  bool
	inflight sync.WaitGroup
}

// begin counts a reply in, unless the bot is shutting down.
func (b *Bot) begin() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.inflight.Add(1)
	return true
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
	s, err := discordgo.New("Bot " + opts.Token)
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
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	b := &Bot{opts: opts, h: h, serve: Recover(h, opts.Logger), s: s, log: opts.Logger, base: context.Background()}
	b.selfID.Store("")
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		b.selfID.Store(r.User.ID)
		b.log.Info("connected to Discord", "user", r.User.Username, "guilds", len(r.Guilds))
	})
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) { b.log.Info("resumed the gateway session") })
	s.AddHandler(func(_ *discordgo.Session, d *discordgo.Disconnect) {
		b.log.Warn("disconnected from the gateway; reconnecting")
	})
	s.AddHandler(b.onInteraction)
	s.AddHandler(b.onMessage)
	return b, nil
}

// Run connects to the gateway, registers the commands and serves until ctx
// ends; then it stops taking new work, waits for replies in flight, and
// closes the connection.
func (b *Bot) Run(ctx context.Context) error {
	b.base = context.WithoutCancel(ctx)
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w", err)
	}
	if u := b.s.State.User; u != nil {
		b.selfID.Store(u.ID)
	}
	if err := b.register(); err != nil {
		b.s.Close()
		return err
	}
	<-ctx.Done()
	b.log.Info("shutting down: finishing replies in flight")
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.opts.ShutdownTimeout):
		b.log.Warn("shutdown timed out with replies still in flight")
	}
	return b.s.Close()
}

// register bulk-overwrites the application's commands, per guild when
// guilds are configured (changes show at once) or globally.
func (b *Bot) register() error {
	appID := b.opts.AppID
	if appID == "" && b.s.State.Application != nil {
		appID = b.s.State.Application.ID
	}
	if appID == "" {
		appID = b.selfID.Load().(string)
	}
	if appID == "" {
		return errors.New("register commands: no application id (set discord.application_id)")
	}
	guilds := b.opts.GuildIDs
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	for _, g := range guilds {
		cmds, err := b.s.ApplicationCommandBulkOverwrite(appID, g, Commands())
		if err != nil {
			return fmt.Errorf("register commands (guild %q): %w", g, err)
		}
		b.log.Info("registered commands", "guild", g, "count", len(cmds))
	}
	return nil
}

// Download fetches an attachment of at most limit bytes.
func (b *Bot) Download(ctx context.Context, url string, limit int64) ([]byte, error) {
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
	if !b.begin() {
		b.respondError(i, Request{ID: i.ID, Locale: string(i.Locale)}, errRestarting)
		return
	}
	defer b.inflight.Done()
	req, err := requestFromInteraction(i)
	if err != nil {
		b.respondError(i, req, malformed(err))
		return
	}
	ctx, cancel := context.WithTimeout(b.base, interactionDeadline)
	defer cancel()
	if req.Kind == KindAutocomplete {
		r := b.serve.Handle(ctx, req)
		err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: discordChoices(r.Choices)},
		})
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
		err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: responseData(r),
		})
		b.logSendError(i.ID, "respond", err)
	case <-timer.C:
		flags := discordgo.MessageFlags(0)
		if ephemeral {
			flags = discordgo.MessageFlagsEphemeral
		}
		err := b.s.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: flags},
		})
		b.logSendError(i.ID, "defer", err)
		b.editDeferred(i, <-replies, ephemeral)
	}
}

// editDeferred puts the reply in place of the deferral's "thinking"
// message.
func (b *Bot) editDeferred(i *discordgo.Interaction, r Reply, ephemeral bool) {
	if r.Ephemeral && !ephemeral {
		// A private note (a refusal, a rate-limit notice) must not
		// land in the public "thinking" message: drop that message and
		// send the note privately instead.
		b.logSendError(i.ID, "delete deferred reply", b.s.InteractionResponseDelete(i))
		_, err := b.s.FollowupMessageCreate(i, true, privateFollowup(r))
		b.logSendError(i.ID, "private follow-up", err)
		return
	}
	_, err := b.s.InteractionResponseEdit(i, webhookEdit(r))
	b.logSendError(i.ID, "edit deferred reply", err)
}

// respondError answers an interaction the handlers never see (the bot is
// shutting down, or the interaction is malformed) with the words
// errorReply gives err, in the language of the member's locale.
func (b *Bot) respondError(i *discordgo.Interaction, req Request, err error) {
	r := errorReply(b.log, req, err, requestLanguage(req))
	resp := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: responseData(r),
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		// Autocomplete can only be answered with choices.
		resp = &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: discordChoices(nil)},
		}
	}
	b.logSendError(i.ID, "error reply", b.s.InteractionRespond(i, resp))
}

func (b *Bot) logSendError(id, what string, err error) {
	if err != nil {
		b.log.Warn("sending to Discord failed", "id", id, "step", what, "error", redactURL(err))
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
	if !ok || !b.begin() {
		return
	}
	defer b.inflight.Done()
	ctx, cancel := context.WithTimeout(b.base, interactionDeadline)
	defer cancel()
	r := b.serve.Handle(ctx, requestFromMessage(m, text))
	_, err := b.s.ChannelMessageSendComplex(m.ChannelID, messageReply(r, m))
	b.logSendError(m.ID, "message reply", err)
}
