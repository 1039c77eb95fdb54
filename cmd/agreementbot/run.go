package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/bot/dashboard"
	"github.com/agreementbot/agreementbot/bot/discord"
	"github.com/agreementbot/agreementbot/bot/metrics"
	"github.com/agreementbot/agreementbot/bot/redisstate"
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

func runBot(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := newFlags("run", "[--config FILE]", stderr)
	path := fs.String("config", "", "read settings from `FILE` (environment variables override it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, log, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	opts := discord.GatewayOptions{
		Token: cfg.Discord.Token.Reveal(), AppID: cfg.Discord.ApplicationID, GuildIDs: cfg.Discord.GuildIDs,
		APIURL: cfg.Discord.APIURL, GatewayURL: cfg.Discord.GatewayURL, Logger: log, Shards: sharding(cfg.Discord),
	}
	if err := opts.Check(); err != nil { // before the facts are opened, which may write the store
		return err
	}
	m := metrics.New(metrics.Options{Transport: metrics.TransportGateway, Gateway: true})
	svc, err := newService(ctx, cfg, log, m)
	if err != nil {
		return err
	}
	ran := false
	defer func() { svc.stop(ran) }()
	lib, h, p := svc.lib, svc.h, svc.peers
	if opts.Pages, err = dashboardPages(cfg, svc, log); err != nil {
		return err
	}
	b, err := discord.NewGateway(opts, h)
	if err != nil {
		return err
	}
	ln, err := statusListener(cfg)
	if err != nil {
		return err
	}
	watchReloads(ctx, lib, cfg.DatabasePoll, log, m, p)

	log.Info("starting the Discord bot")
	ran = true
	if ln == nil {
		return b.Run(ctx)
	}
	log.Info("serving metrics and health checks", "addr", ln.Addr().String(), "metrics", discord.MetricsPath,
		"health", discord.HealthPath, "ready", discord.ReadyPath, "dashboard", dashboard.Prefix)
	return runWithStatus(ctx, b, ln, m.Handler())
}

// sharding is the bot's sharding as the settings give it: the one shard
// of discord.shard_id and discord.shard_count, or with shard_count auto
// every shard Discord recommends.
func sharding(d config.Discord) discord.Sharding {
	if d.ShardCount.IsAuto() {
		return discord.Sharding{Auto: true}
	}
	return discord.Sharding{ID: d.ShardID, Count: int(d.ShardCount)}
}

// statusListener listens on http.addr, where run serves its metrics,
// health checks and dashboard, when the setting is given in the
// configuration file or the environment, or the dashboard is on; else
// run listens nowhere (nil).
func statusListener(cfg config.Config) (net.Listener, error) {
	origin := cfg.Origin("http.addr")
	if origin.IsDefault() && !cfg.Discord.ClientSecret.IsSet() {
		return nil, nil
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on http.addr (from %s), where run serves /metrics, /healthz and /readyz "+
			"(run and serve on one machine need different addresses): %w", origin, err)
	}
	return ln, nil
}

// runWithStatus runs the bot and serves its status on ln beside it, until
// ctx ends or either fails; it returns when both have stopped.
func runWithStatus(ctx context.Context, b *discord.Gateway, ln net.Listener, metricsHandler http.Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() {
		served <- b.ServeStatus(ctx, ln, metricsHandler)
		cancel() // a status server that cannot serve stops the bot too
	}()
	err := b.Run(ctx)
	cancel()
	return errors.Join(err, <-served)
}

// loadConfig loads the settings and makes the logger they ask for, which
// discordgo's own warnings (written with the standard log package) go
// through too.
func loadConfig(path string, stderr io.Writer) (config.Config, *slog.Logger, error) {
	cfg, err := config.Load(path, os.LookupEnv)
	if err != nil {
		return cfg, nil, err
	}
	log := newLogger(cfg.Log, stderr)
	slog.SetDefault(log)
	return cfg, log, nil
}

// service is what run and serve share: the facts, the handlers over them,
// the activity history, and what replicas share with each other.
type service struct {
	lib      *library.Library
	h        *bot.Handlers
	peers    *redisstate.Peers // nil without redis.url
	activity activityStore     // nil without one (see openActivity)
	log      *slog.Logger
	close    func() // records what is in flight, and releases the history and the shared state
}

// stop releases the service once run or serve returns; after serving
// (ran), it logs a last line saying the process has stopped.
func (s *service) stop(ran bool) {
	s.close()
	if ran {
		s.log.Info("stopped")
	}
}

// newService opens the facts and builds the handlers over them, reporting
// to m and recording in the activity history, with the shared state of
// redis.url when it is set: the replicas' rate limits, /stats and activity
// history, and the announcements of their reloads.
func newService(ctx context.Context, cfg config.Config, log *slog.Logger, m *metrics.Metrics) (*service, error) {
	translating, err := translation(ctx, cfg.Translate, log, m)
	if err != nil {
		return nil, err
	}
	set := handlerSettings(cfg, m)
	rc, closeShared, err := withSharedState(ctx, cfg, log, &set)
	if err != nil {
		return nil, err
	}
	opts := append([]library.Option{library.WithLogger(log)}, translating...)
	var p *redisstate.Peers
	if rc != nil {
		p = rc.Peers(log)
		opts = append(opts, library.WithOnLoad(p.Loaded))
	}
	lib, err := openLibrary(ctx, cfg, log, m, opts...)
	if err != nil {
		closeShared()
		return nil, err
	}
	act, closeActivity, err := openActivity(ctx, cfg, log, rc)
	if err != nil {
		closeShared()
		return nil, err
	}
	if act != nil {
		set.Activity = act
	}
	h := bot.NewHandlers(lib, set, discord.Download, log)
	return &service{lib: lib, h: h, peers: p, activity: act, log: log,
		close: func() { h.Close(); closeActivity(); closeShared() }}, nil
}

// openLibrary opens the facts the settings name with opts, logs what it
// found and tells obs.
func openLibrary(ctx context.Context, cfg config.Config, log *slog.Logger, obs bot.Observer, opts ...library.Option) (*library.Library, error) {
	lib, err := library.New(ctx, cfg.Sources, cfg.Database, opts...)
	if err != nil {
		return nil, err
	}
	ix := lib.Index()
	log.Info("facts loaded", "sources", len(ix.Sources()), "facts", len(ix.Facts()), "database", cfg.Database)
	obs.Loaded(len(ix.Sources()), len(ix.Facts()))
	return lib, nil
}

// handlerSettings are the handlers' settings from the configuration, with
// obs to tell of questions and reloads.
func handlerSettings(cfg config.Config, obs bot.Observer) bot.HandlerOptions {
	return bot.HandlerOptions{
		Top: cfg.Answer.Top, Threshold: cfg.Answer.Threshold, ConfidentThreshold: cfg.Answer.ConfidentThreshold, Ephemeral: cfg.Answer.Ephemeral,
		AdminUsers: cfg.Admins.UserIDs, AdminRoles: cfg.Admins.RoleIDs, AdminGuilds: cfg.Discord.GuildIDs,
		RateCount: cfg.RateLimit.Questions, RatePer: cfg.RateLimit.Per, Observer: obs,
	}
}

// watchReloads reloads the library on SIGHUP, when `agreementbot ingest`
// rebuilds its store (looked for every poll) and, with p, when another
// replica or ingest announces a reload, until ctx ends, logging each
// reload and telling obs. (The library tells p of every reload, to
// announce.)
func watchReloads(ctx context.Context, lib *library.Library, poll time.Duration, log *slog.Logger, obs bot.Observer, p *redisstate.Peers) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reloadLog{log, obs, "SIGHUP", bot.ReloadSignal}.report(lib.Reload(ctx))
			}
		}
	}()
	go lib.WatchStore(ctx, poll, reloadLog{log, obs, "store changed", bot.ReloadStore}.report)
	if p != nil {
		go p.Listen(ctx, lib, reloadLog{log, obs, "announced through redis", bot.ReloadStore}.report)
	}
}

// reloadLog reports the reloads of one trigger: how (for the log) and
// which bot.Reload... trigger (for obs).
type reloadLog struct {
	log          *slog.Logger
	obs          bot.Observer
	how, trigger string
}

// report logs a reload and tells obs of it, first, so that once the log
// line is written the metrics show it.
func (r reloadLog) report(rep knowledge.ReloadReport, err error) {
	r.obs.Reload(r.trigger, err == nil)
	if err != nil {
		r.log.Error("reload failed; the previous facts keep serving", "trigger", r.how, "error", err)
		return
	}
	r.obs.Loaded(rep.Sources, rep.Facts)
	r.log.Info("reloaded", "trigger", r.how, "sources", rep.Sources, "facts", rep.Facts,
		"added", rep.Added, "removed", rep.Removed, "changed", rep.Changed, "duration", rep.Duration)
}

// newLogger builds the slog logger the settings ask for.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.SlogLevel()}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func runConfig(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("config check", "[--config FILE]", stderr)
	path := fs.String("config", "", "the settings `FILE` to check (environment variables override it)")
	if err := parseFlagsAndArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "check" {
		fs.Usage()
		return usageError("the one config command is check")
	}
	cfg, err := config.Load(*path, os.LookupEnv)
	if err != nil {
		return err
	}
	return cfg.Write(stdout)
}
