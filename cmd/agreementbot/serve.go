package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/agreementbot/agreementbot/bot/dashboard"
	"github.com/agreementbot/agreementbot/bot/discord"
	"github.com/agreementbot/agreementbot/bot/metrics"
	"github.com/agreementbot/agreementbot/internal/config"
)

// runServe serves Discord's HTTP interactions endpoint: the same handlers
// as `run`, reached by Discord's signed POSTs instead of the gateway, with
// the health checks and the metrics beside it.
func runServe(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := newFlags("serve", "[--config FILE]", stderr)
	path := fs.String("config", "", "read settings from `FILE` (environment variables override it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, log, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	key, err := serveKey(cfg.Discord)
	if err != nil {
		return err
	}
	st, err := newServeStack(ctx, cfg, log, key)
	if err != nil {
		return err
	}
	served := false
	defer func() { st.svc.stop(served) }()
	if err := registerForServe(ctx, cfg, log); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("listen on http.addr: %w", err)
	}
	watchReloads(ctx, st.svc.lib, cfg.DatabasePoll, log, st.m, st.svc.peers)
	log.Info("serving Discord interactions", "addr", ln.Addr().String(), "path", discord.InteractionsPath,
		"health", discord.HealthPath, "ready", discord.ReadyPath, "metrics", discord.MetricsPath, "dashboard", dashboard.Prefix)
	served = true
	return st.e.Serve(ctx, ln)
}

// serveStack is what serve serves: the service (facts, handlers, shared
// state), its metrics, and the interactions endpoint over its handlers.
// `agreementbot loadtest` measures the same stack.
type serveStack struct {
	svc *service
	m   *metrics.Metrics
	e   *discord.Endpoint
}

// newServeStack builds serve's stack from the settings, the endpoint
// verifying requests with key. The caller closes st.svc.
func newServeStack(ctx context.Context, cfg config.Config, log *slog.Logger, key ed25519.PublicKey) (*serveStack, error) {
	m := metrics.New(metrics.Options{Transport: metrics.TransportHTTP})
	svc, err := newService(ctx, cfg, log, m)
	if err != nil {
		return nil, err
	}
	pages, err := dashboardPages(cfg, svc, log)
	if err != nil {
		svc.close()
		return nil, err
	}
	e, err := discord.NewEndpoint(discord.EndpointOptions{
		PublicKey: key, AppID: cfg.Discord.ApplicationID, APIURL: cfg.Discord.APIURL, Logger: log, Metrics: m.Handler(),
		ShutdownDelay: cfg.HTTP.ShutdownDelay, Pages: pages,
	}, svc.h)
	if err != nil {
		svc.close()
		return nil, err
	}
	return &serveStack{svc: svc, m: m, e: e}, nil
}

// serveKey checks that the settings serve needs are there and returns the
// public key (Load has checked its form).
func serveKey(d config.Discord) (ed25519.PublicKey, error) {
	if d.PublicKey == "" {
		return nil, errors.New("no application public key: set AGREEMENTBOT_PUBLIC_KEY or discord.public_key in the config " +
			"(developer portal, General Information)")
	}
	if d.ApplicationID == "" {
		return nil, errors.New("no application id: set AGREEMENTBOT_APPLICATION_ID or discord.application_id in the config")
	}
	key, err := hex.DecodeString(d.PublicKey)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("discord.public_key: not %d hexadecimal digits", 2*ed25519.PublicKeySize)
	}
	return key, nil
}

// registerForServe registers the commands when there is a token; without
// one the endpoint serves the commands registered before.
func registerForServe(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if !cfg.Discord.Token.IsSet() {
		log.Info("no bot token: commands not registered (those registered before keep working)")
		return nil
	}
	return discord.RegisterCommands(ctx, discord.GatewayOptions{
		Token: cfg.Discord.Token.Reveal(), AppID: cfg.Discord.ApplicationID, GuildIDs: cfg.Discord.GuildIDs,
		APIURL: cfg.Discord.APIURL, Logger: log,
	})
}
