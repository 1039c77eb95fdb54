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
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/internal/metrics"
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
	m := metrics.New(metrics.Options{Transport: metrics.TransportGateway, Gateway: true})
	svc, err := newService(ctx, cfg, log, m)
	if err != nil {
		return err
	}
	ran := false
	defer func() { svc.stop(ran) }()
	lib, h, p := svc.lib, svc.h, svc.peers
	b, err := bot.New(bot.Options{
		Token: cfg.Discord.Token.Reveal(), AppID: cfg.Discord.ApplicationID, GuildIDs: cfg.Discord.GuildIDs,
		APIURL: cfg.Discord.APIURL, GatewayURL: cfg.Discord.GatewayURL, Logger: log, Shards: sharding(cfg.Discord),
	}, h)
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
	log.Info("serving metrics and health checks", "addr", ln.Addr().String(), "metrics", bot.MetricsPath,
		"health", bot.HealthPath, "ready", bot.ReadyPath)
	return runWithStatus(ctx, b, ln, m.Handler())
}

// sharding is the bot's sharding as the settings give it: the one shard
// of discord.shard_id and discord.shard_count, or with shard_count auto
// every shard Discord recommends.
func sharding(d config.Discord) bot.Sharding {
	if d.ShardCount.IsAuto() {
		return bot.Sharding{Auto: true}
	}
	return bot.Sharding{ID: d.ShardID, Count: int(d.ShardCount)}
}

// statusListener listens on http.addr, where run serves its metrics and
// health checks, when the setting is given in the configuration file or
// the environment; left at its default, run listens nowhere (nil).
func statusListener(cfg config.Config) (net.Listener, error) {
	origin := cfg.Origin("http.addr")
	if origin.IsDefault() {
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
func runWithStatus(ctx context.Context, b *bot.Bot, ln net.Listener, metricsHandler http.Handler) error {
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
// and what replicas share with each other.
type service struct {
	lib   *library.Library
	h     *bot.Handlers
	peers *peers
	log   *slog.Logger
	close func() // releases the shared state
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
// to m, with the shared state of redis.url when it is set.
func newService(ctx context.Context, cfg config.Config, log *slog.Logger, m *metrics.Metrics) (*service, error) {
	lib, err := openLibrary(ctx, cfg, log, m)
	if err != nil {
		return nil, err
	}
	set := handlerSettings(cfg, m)
	rc, closeShared, err := withSharedState(ctx, cfg, log, &set)
	if err != nil {
		return nil, err
	}
	p := newPeers(rc, lib, cfg.Database, log)
	set.Observer = announcing{m, p}
	return &service{lib: lib, h: bot.NewHandlers(lib, set, bot.Download, log), peers: p, log: log, close: closeShared}, nil
}

// openLibrary opens the facts the settings name, logs what it found and
// tells obs.
func openLibrary(ctx context.Context, cfg config.Config, log *slog.Logger, obs bot.Observer) (*library.Library, error) {
	lib, err := library.New(ctx, cfg.Sources, cfg.Database, library.WithLogger(log))
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
func handlerSettings(cfg config.Config, obs bot.Observer) bot.Settings {
	return bot.Settings{
		Top: cfg.Answer.Top, Threshold: cfg.Answer.Threshold, Ephemeral: cfg.Answer.Ephemeral,
		AdminUsers: cfg.Admins.UserIDs, AdminRoles: cfg.Admins.RoleIDs, AdminGuilds: cfg.Discord.GuildIDs,
		RateCount: cfg.RateLimit.Questions, RatePer: cfg.RateLimit.Per, Observer: obs,
	}
}

// watchReloads reloads the library on SIGHUP, when `agreementbot ingest`
// rebuilds its store (looked for every poll) and when another replica or
// ingest announces a reload (through p), until ctx ends, logging each
// reload and telling obs; p is told of this replica's own reloads.
func watchReloads(ctx context.Context, lib *library.Library, poll time.Duration, log *slog.Logger, obs bot.Observer, p *peers) {
	reported := reportReload(log, announcing{obs, p})
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reported("SIGHUP", bot.ReloadSignal)(lib.Reload(ctx))
			}
		}
	}()
	go lib.WatchStore(ctx, poll, reported("store changed", bot.ReloadStore))
	go p.listen(ctx, reportReload(log, obs)("announced through redis", bot.ReloadStore))
}

// reportReload returns what reports a reload, how it was triggered (for
// the log) and by which bot.Reload... trigger (for obs). obs is told
// first, so that once the log line is written the metrics show it.
func reportReload(log *slog.Logger, obs bot.Observer) func(how, trigger string) func(knowledge.ReloadReport, error) {
	return func(how, trigger string) func(knowledge.ReloadReport, error) {
		return func(rep knowledge.ReloadReport, err error) {
			obs.Reload(trigger, err == nil)
			if err != nil {
				log.Error("reload failed; the previous facts keep serving", "trigger", how, "error", err)
				return
			}
			obs.Loaded(rep.Sources, rep.Facts)
			log.Info("reloaded", "trigger", how, "sources", rep.Sources, "facts", rep.Facts,
				"added", rep.Added, "removed", rep.Removed, "changed", rep.Changed, "duration", rep.Duration)
		}
	}
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
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "Usage: agreementbot config check [--config FILE]")
		return usageError("")
	}
	fs := newFlags("config check", "[--config FILE]", stderr)
	path := fs.String("config", "", "the settings `FILE` to check (environment variables override it)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := config.Load(*path, os.LookupEnv)
	if err != nil {
		return err
	}
	return cfg.Write(stdout)
}
