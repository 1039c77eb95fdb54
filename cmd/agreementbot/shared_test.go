package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/config"
)

// TestConfigCheckMasksRedisPassword checks that config check shows the
// Redis URL without its password, and that an invalid one is not echoed.
func TestConfigCheckMasksRedisPassword(t *testing.T) {
	t.Setenv("AGREEMENTBOT_REDIS_URL", "redis://:pa55word-xyz@127.0.0.1:6379/1")
	code, out, errOut := runCLI(t, "", "config", "check")
	if code != 0 || strings.Contains(out+errOut, "pa55word-xyz") || !strings.Contains(out, "url: redis://:xxxxx@127.0.0.1:6379/1 # from AGREEMENTBOT_REDIS_URL") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	t.Setenv("AGREEMENTBOT_REDIS_URL", "http://:pa55word-xyz@127.0.0.1:6379/1")
	code, out, errOut = runCLI(t, "", "config", "check")
	if code == 0 || strings.Contains(out+errOut, "pa55word-xyz") || !strings.Contains(errOut, "AGREEMENTBOT_REDIS_URL") {
		t.Errorf("bad URL: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestSharedStateUnreachable checks that an unreachable Redis at start is
// a warning (without the password), not an error, and that the handlers
// still get the shared state, to use once Redis answers.
func TestSharedStateUnreachable(t *testing.T) {
	cfg := config.Default()
	cfg.Redis.URL = "redis://:pa55word-xyz@127.0.0.1:1/0"
	var logs bytes.Buffer
	var set bot.HandlerOptions
	_, closeFn, err := withSharedState(t.Context(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), &set)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if set.SharedLimiter == nil || set.SharedStats == nil {
		t.Error("no shared state in the settings")
	}
	if !strings.Contains(logs.String(), "redis unavailable") || strings.Contains(logs.String(), "pa55word-xyz") {
		t.Errorf("log: %s", logs.String())
	}
}
