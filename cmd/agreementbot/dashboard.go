package main

import (
	"log/slog"
	"net/http"

	"github.com/agreementbot/agreementbot/bot/dashboard"
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/knowledge"
)

// dashboardPages are the admins' dashboard, served under /admin/ beside
// the interactions (serve) or the status routes (run): on with
// discord.client_secret, else a page saying how to turn it on.
func dashboardPages(cfg config.Config, svc *service, log *slog.Logger) (map[string]http.Handler, error) {
	d, err := dashboard.New(dashboard.Options{
		ClientID: cfg.Discord.ApplicationID, ClientSecret: cfg.Discord.ClientSecret.Reveal(), PublicURL: cfg.HTTP.PublicURL,
		SessionKey: []byte(cfg.HTTP.SessionKey.Reveal()), APIURL: cfg.LoginURL(),
		AdminUsers: cfg.Admins.UserIDs, Guilds: cfg.Discord.GuildIDs,
		Answer: knowledge.Options{Top: cfg.Answer.Top, Threshold: cfg.Answer.Threshold, ConfidentThreshold: cfg.Answer.ConfidentThreshold},
		Logger: log,
	}, svc.lib, svc.h)
	if err != nil {
		return nil, err
	}
	if d.On() {
		log.Info("dashboard on", "url", cfg.HTTP.PublicURL+dashboard.Prefix)
	}
	return map[string]http.Handler{dashboard.Prefix: d.Handler()}, nil
}
