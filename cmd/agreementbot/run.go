package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// storePollInterval is how often the bot checks whether `agreementbot
// ingest` has rebuilt its store.
const storePollInterval = 5 * time.Second

func runBot(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := newFlags("run", "[--config FILE]", stderr)
	path := fs.String("config", "", "read settings from `FILE` (environment variables override it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path, os.LookupEnv)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, stderr)
	// discordgo writes its own warnings with the standard log package;
	// SetDefault routes those through the same handler.
	slog.SetDefault(log)

	lib, err := openLibrary(ctx, cfg, log)
	if err != nil {
		return err
	}
	h := bot.NewHandlers(lib, handlerSettings(cfg), bot.Download, log)
	b, err := bot.New(bot.Options{
		Token: cfg.Discord.Token.Reveal(), AppID: cfg.Discord.ApplicationID, GuildIDs: cfg.Discord.GuildIDs,
		APIURL: cfg.Discord.APIURL, GatewayURL: cfg.Discord.GatewayURL, Logger: log,
	}, h)
	if err != nil {
		return err
	}
	watchReloads(ctx, lib, log)

	log.Info("starting the Discord bot")
	return b.Run(ctx)
}

// openLibrary opens the facts the settings name and logs what it found.
func openLibrary(ctx context.Context, cfg config.Config, log *slog.Logger) (*library.Library, error) {
	lib, err := library.New(ctx, cfg.Sources, cfg.Database)
	if err != nil {
		return nil, err
	}
	ix := lib.Index()
	log.Info("facts loaded", "sources", len(ix.Sources()), "facts", len(ix.Facts()), "database", cfg.Database)
	return lib, nil
}

// handlerSettings are the handlers' settings from the configuration.
func handlerSettings(cfg config.Config) bot.Settings {
	return bot.Settings{
		Top: cfg.Answer.Top, Threshold: cfg.Answer.Threshold, Ephemeral: cfg.Answer.Ephemeral,
		AdminUsers: cfg.Admins.UserIDs, AdminRoles: cfg.Admins.RoleIDs, AdminGuilds: cfg.Discord.GuildIDs,
		RateCount: cfg.RateLimit.Questions, RatePer: cfg.RateLimit.Per,
	}
}

// watchReloads reloads the library on SIGHUP and when `agreementbot
// ingest` rebuilds its store, until ctx ends, logging each reload.
func watchReloads(ctx context.Context, lib *library.Library, log *slog.Logger) {
	reported := func(how string) func(knowledge.ReloadReport, error) {
		return func(rep knowledge.ReloadReport, err error) {
			if err != nil {
				log.Error("reload failed; the previous facts keep serving", "trigger", how, "error", err)
				return
			}
			log.Info("reloaded", "trigger", how, "sources", rep.Sources, "facts", rep.Facts,
				"added", rep.Added, "removed", rep.Removed, "changed", rep.Changed, "duration", rep.Duration)
		}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				reported("SIGHUP")(lib.Reload(ctx))
			}
		}
	}()
	go lib.WatchStore(ctx, storePollInterval, reported("store changed"))
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
