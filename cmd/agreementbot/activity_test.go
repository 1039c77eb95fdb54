package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot/activitydb"
	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// startRunReady starts `agreementbot run` (startRun) and waits until it
// has connected to f, once more than before.
func startRunReady(t *testing.T, f *discordfake.Server) *runningBot {
	t.Helper()
	before := len(f.Identified())
	r := startRun(t)
	wait, done := context.WithTimeout(t.Context(), 20*time.Second)
	defer done()
	if err := f.WaitFor(wait, func() bool { return len(f.Commands("")) > 0 && len(f.Identified()) > before }); err != nil {
		t.Fatalf("run never connected: %v\n%s", err, r.logs.String())
	}
	return r
}

// interactRun dispatches i to the bot over f and returns the reply as the
// member sees it: the response, or the edit of a deferred one; and
// whether it is private.
func interactRun(t *testing.T, f *discordfake.Server, b *runningBot, i *discordgo.Interaction) (*discordgo.Message, bool) {
	t.Helper()
	wait, done := context.WithTimeout(t.Context(), 20*time.Second)
	defer done()
	if err := f.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	resp, err := f.WaitInteractionResponse(wait, i.ID)
	if err != nil || resp.Data == nil && resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("no reply: %v\n%s", err, b.logs.String())
	}
	private := resp.Data != nil && resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0
	if resp.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		m, err := f.WaitMessage(wait, func(m discordfake.SentMessage) bool {
			return m.InteractionID == i.ID && m.Kind == discordfake.KindOriginalEdit
		})
		if err != nil {
			t.Fatalf("deferred, never edited: %v", err)
		}
		return m.Message, private
	}
	return &discordgo.Message{Content: resp.Data.Content, Embeds: resp.Data.Embeds, Components: resp.Data.Components}, private
}

// TestVotesKeptAcrossRestarts runs the bot as an admin would, without
// Redis, against a fake Discord: a member asks; 👍 and 👎 are under the
// answer; one member presses 👎 twice and another 👍, each told
// privately that their vote is taken (once); the history, in its file
// beside the fact store, counts the question and one vote each way; after
// a restart the history is still there, and the first member's 👎 is
// still known as theirs.
func TestVotesKeptAcrossRestarts(t *testing.T) {
	f := fakeDiscordEnv(t, "activity-token")
	t.Setenv("AGREEMENTBOT_LOG_LEVEL", "debug")
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "")
	history := strings.TrimSuffix(os.Getenv("AGREEMENTBOT_DB"), ".db") + "-activity.db"
	member := func(id string) discordfake.Origin {
		return discordfake.InGuild("g1", "c1", discordfake.Member(id, 0))
	}
	start := time.Now()

	b := startRunReady(t, f)
	ask := discordfake.NewSlashInteraction(member("3100000000000000001"), "ask",
		discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	answer, _ := interactRun(t, f, b, ask)
	ids := buttonIDs(answer)
	if ids["👍"] == "" || ids["👎"] == "" {
		t.Fatalf("buttons under the answer: %v", ids)
	}
	msg, ok := f.OriginalResponse(ask.ID)
	if !ok {
		t.Fatal("the fake has no answer message")
	}
	vote := func(b *runningBot, user, label, want string) {
		t.Helper()
		r, private := interactRun(t, f, b, discordfake.NewButtonInteraction(member(user), ids[label], msg))
		if r.Content != want || !private {
			t.Errorf("%s presses %s: %q (private %v), want privately %q", user, label, r.Content, private, want)
		}
	}
	vote(b, "3100000000000000002", "👎", "Thanks! Your 👎 on this answer is counted.")
	vote(b, "3100000000000000002", "👎", "You had already voted 👎 on this answer; it still counts once.")
	vote(b, "3100000000000000003", "👍", "Thanks! Your 👍 on this answer is counted.")
	b.stop(t) // records what is in flight, then closes the history

	check := func(when string) {
		t.Helper()
		s, err := activitydb.Open(t.Context(), history, activitydb.Options{})
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		defer s.Close()
		r, err := s.Report(t.Context(), start.Add(-time.Minute), time.Now().Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		sum := r.Summary()
		if sum.Total.Answered != 1 || sum.Up != 1 || sum.Down != 1 {
			t.Errorf("%s: history %+v, want 1 question answered, 1 vote up and 1 down", when, sum)
		}
		if down := r.VotedDown(5); len(down) != 1 || down[0].Question != "where did the foreign ministers meet?" || down[0].Asked != 1 {
			t.Errorf("%s: voted down %+v", when, down)
		}
	}
	check("after the bot stopped")

	b = startRunReady(t, f)
	vote(b, "3100000000000000002", "👎", "You had already voted 👎 on this answer; it still counts once.")
	b.stop(t)
	check("after a restart")
	if logs := b.logs.String(); !strings.Contains(logs, "activity history kept") || strings.Contains(logs, "activity-token") {
		t.Errorf("logs:\n%s", logs)
	}
}
