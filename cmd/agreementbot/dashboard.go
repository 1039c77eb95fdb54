package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/agreementbot/agreementbot/bot/dashboard"
	"github.com/agreementbot/agreementbot/internal/config"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/library"
)

// dashboardPages are the admins' dashboard, served under /admin/ beside
// the interactions (serve) or the status routes (run): on with
// discord.client_secret, else a page saying how to turn it on. Its
// overview and unanswered questions read the activity history, when
// one is kept; it teaches through the library, when the facts come from
// a sources directory.
func dashboardPages(cfg config.Config, svc *service, log *slog.Logger) (map[string]http.Handler, error) {
	opts := dashboard.Options{
		ClientID: cfg.Discord.ApplicationID, ClientSecret: cfg.Discord.ClientSecret.Reveal(), PublicURL: cfg.HTTP.PublicURL,
		SessionKey: []byte(cfg.HTTP.SessionKey.Reveal()), APIURL: cfg.LoginURL(),
		AdminUsers: cfg.Admins.UserIDs, Guilds: cfg.Discord.GuildIDs,
		Answer: knowledge.Options{Top: cfg.Answer.Top, Threshold: cfg.Answer.Threshold, ConfidentThreshold: cfg.Answer.ConfidentThreshold},
		Logger: log,
	}
	if svc.activity != nil {
		opts.Activity = svc.activity
	}
	if cfg.Sources != "" {
		opts.Teacher = teacher{svc.lib}
	}
	d, err := dashboard.New(opts, svc.lib, svc.h)
	if err != nil {
		return nil, err
	}
	if d.On() {
		log.Info("dashboard on", "url", cfg.HTTP.PublicURL+dashboard.Prefix)
	}
	return map[string]http.Handler{dashboard.Prefix: d.Handler()}, nil
}

// teacher is the library's Teach as the dashboard takes it: its result
// in the dashboard's terms, and the refusals an admin can act on told
// apart from failures.
type teacher struct{ lib *library.Library }

// Teach teaches the library that question is answered by the fact
// factID.
func (t teacher) Teach(ctx context.Context, question, factID string) (dashboard.Taught, error) {
	r, err := t.lib.Teach(ctx, question, factID)
	if refused := teachRefusal(err); refused != nil {
		return dashboard.Taught{}, refused
	}
	return dashboard.Taught{Question: r.Question, Fact: r.Fact, Report: r.Report}, err
}

// Check returns the refusal Teach would give, or nil.
func (t teacher) Check(question, factID string) error {
	if err := t.lib.CheckTeach(question, factID); err != nil {
		if refused := teachRefusal(err); refused != nil {
			return refused
		}
		return err
	}
	return nil
}

// teachRefusal returns err as the dashboard's refusal when it is one an
// admin can act on, else nil.
func teachRefusal(err error) *dashboard.TeachRefused {
	for refusal, reason := range map[error]string{
		library.ErrAlreadyTaught: dashboard.RefusedTaughtAlready,
		library.ErrUnknownFact:   dashboard.RefusedUnknownFact,
		library.ErrNoSourcesDir:  dashboard.RefusedNoSources,
	} {
		if errors.Is(err, refusal) {
			return &dashboard.TeachRefused{Reason: reason, Err: err}
		}
	}
	return nil
}
