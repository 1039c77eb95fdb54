package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// TestRunAgainstFakeDiscord runs the whole command as an admin would, with
// settings from the environment, against a fake Discord: it registers its
// commands, answers a question, shuts down cleanly on cancel, and never
// writes the token to its logs. With http.addr left at its default it
// listens nowhere.
func TestRunAgainstFakeDiscord(t *testing.T) {
	const token = "sekrit-token-value-1234"
	f := fakeDiscordEnv(t, token)
	t.Setenv("AGREEMENTBOT_LOG_LEVEL", "debug")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "") // unset: the default

	ctx, cancel := context.WithCancel(t.Context())
	var logs syncbuf.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"run"}, strings.NewReader(""), &logs, &logs) }()

	wait, stop := context.WithTimeout(t.Context(), 20*time.Second)
	defer stop()
	if err := f.WaitFor(wait, func() bool { return len(f.Commands("")) > 0 }); err != nil {
		cancel()
		t.Fatalf("commands never registered: %v\n%s", err, logs.String())
	}
	i := discordfake.NewSlashInteraction(discordfake.InGuild("g1", "c1", discordfake.Member("u1", 0)), "ask",
		discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	if err := f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	resp, err := f.WaitInteractionResponse(wait, i.ID)
	if err != nil {
		t.Fatalf("no answer: %v\n%s", err, logs.String())
	}
	if resp.Data == nil || len(resp.Data.Embeds) == 0 || !strings.Contains(resp.Data.Embeds[0].Fields[0].Value, "Washington") {
		t.Errorf("answer = %+v", resp.Data)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d:\n%s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not shut down")
	}
	out := logs.String()
	if strings.Contains(out, token) {
		t.Errorf("the token appears in the logs:\n%s", out)
	}
	if strings.Contains(out, "serving metrics") {
		t.Errorf("run listens for metrics without http.addr set:\n%s", out)
	}
	for _, want := range []string{"registered commands", "question", "latency", "answered=true"} {
		if !strings.Contains(out, want) {
			t.Errorf("logs lack %q:\n%s", want, out)
		}
	}
	checkStoppedLast(t, "run", out)
}

func TestRunWithoutTokenFails(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	code, _, errOut := runCLI(t, "", "run")
	if code == 0 || !strings.Contains(errOut, "DISCORD_TOKEN") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestConfigCheck(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "another-secret")
	code, out, errOut := runCLI(t, "", "config", "check")
	if code != 0 || strings.Contains(out, "another-secret") || !strings.Contains(out, "token: (set)") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	path := t.TempDir() + "/bad.yaml"
	if err := os.WriteFile(path, []byte("answer:\n  top: 50\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "", "config", "check", "--config", path)
	if code == 0 || !strings.Contains(errOut, "bad.yaml:2") || !strings.Contains(errOut, "answer.top") {
		t.Errorf("bad file: exit %d, stderr %q", code, errOut)
	}
}

// TestConfigExampleDocumentsEverySetting loads config.example.yaml: it must
// be valid, and set every setting (none left to "# default"), so the
// example is where an admin finds them all.
func TestConfigExampleDocumentsEverySetting(t *testing.T) {
	for _, env := range []string{"DISCORD_TOKEN", "AGREEMENTBOT_DB", "AGREEMENTBOT_TOP", "AGREEMENTBOT_API_URL"} {
		t.Setenv(env, "")
	}
	code, out, errOut := runCLI(t, "", "config", "check", "--config", "../../config.example.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "# default") {
		t.Errorf("config.example.yaml leaves settings undocumented:\n%s", out)
	}
}

// fakeDiscordEnv starts a fake Discord for token and points the bot's
// settings (in the environment) at it, with a fresh store file.
func fakeDiscordEnv(t *testing.T, token string) *discordfake.Server {
	t.Helper()
	return fakeDiscordEnvWith(t, discordfake.Options{Token: token})
}

// fakeDiscordEnvWith is fakeDiscordEnv for a fake with these options
// (the heartbeat set as for every test).
func fakeDiscordEnvWith(t *testing.T, opts discordfake.Options) *discordfake.Server {
	t.Helper()
	token := opts.Token
	opts.HeartbeatInterval = 500 * time.Millisecond
	f := discordfake.New(opts)
	t.Cleanup(f.Close)
	t.Setenv("DISCORD_TOKEN", token)
	t.Setenv("AGREEMENTBOT_API_URL", f.APIURL())
	t.Setenv("AGREEMENTBOT_GATEWAY_URL", f.GatewayURL())
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	t.Setenv("AGREEMENTBOT_CONFIDENT_THRESHOLD", everyAnswerConfident)
	return f
}

// everyAnswerConfident is an answer.confident_threshold every answer
// reaches, so that the tests of what a process serves are not at the
// mercy of the fitted model's thresholds.
const everyAnswerConfident = "1e-9"
