package main

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/internal/redistest"
)

// TestReplicasShareRedis runs two `agreementbot serve` replicas in this
// process, each with its own endpoint, over one store file and one real
// redis-server, as behind a load balancer: a user's rate limit holds
// across both; /stats on either counts the questions of both; the More,
// Source and "did you mean" buttons of one replica's reply work when
// pressed on the other; a /reload on one is served by the other within a
// second (its store watcher would take five); and when Redis stops, both
// keep answering, each with its own rate limits, saying so in its log, and
// both shut down cleanly.
func TestReplicasShareRedis(t *testing.T) {
	rs := redistest.Start(t)
	st := newStack(t, nil)
	t.Setenv("AGREEMENTBOT_REDIS_URL", rs.URL)
	t.Setenv("AGREEMENTBOT_RATE_QUESTIONS", "3")
	t.Setenv("AGREEMENTBOT_RATE_PER", "1m")
	a, b := st.launch(t), st.launch(t)
	waitSubscribed(t, rs.URL, 2)

	const question = "Where did the foreign ministers meet?"
	ask := func(s *serving, user, q string) *discordgo.Message {
		return s.mustInteract(t, askOf(user, q), st.hooks)
	}
	limited := func(m *discordgo.Message) bool { return strings.Contains(m.Content, "faster than I can keep up") }

	// One user's limit, whichever replica answers.
	user := newUser()
	for k, s := range []*serving{a, b, a} {
		if m := ask(s, user, question); !strings.Contains(firstFact(m), "Washington") {
			t.Fatalf("question %d not answered: %+v", k+1, m)
		}
	}
	for name, s := range map[string]*serving{"a": a, "b": b} {
		if m := ask(s, user, question); !limited(m) {
			t.Errorf("4th question, on replica %s, not refused: %q", name, m.Content)
		}
	}

	// /stats counts both replicas' questions.
	if m := ask(b, newUser(), "What is the tallest mountain in the world?"); len(facts(m)) != 0 {
		t.Errorf("an off-topic question answered: %q", facts(m))
	}
	for name, s := range map[string]*serving{"a": a, "b": b} {
		m := s.mustInteract(t, adminCommand("stats"), st.hooks)
		if len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "Answered: **3** · Tentative: **0** · Not answered: **1**") {
			t.Errorf("/stats on replica %s: %+v", name, m.Embeds)
		}
	}

	checkButtonsAcrossReplicas(t, st, a, b)
	checkReloadAcrossReplicas(t, st, a, b)

	// Redis stops: both answer on, each counting a user's questions itself.
	rs.Stop()
	user = newUser()
	for k := range 3 {
		if m := ask(a, user, question); !strings.Contains(firstFact(m), "Washington") {
			t.Fatalf("question %d on a, redis stopped, not answered: %+v", k+1, m)
		}
	}
	if m := ask(a, user, question); !limited(m) {
		t.Errorf("4th question on a, redis stopped, not refused by a's own limit: %q", m.Content)
	}
	if m := ask(b, user, question); !strings.Contains(firstFact(m), "Washington") {
		t.Errorf("the user's 1st question on b, redis stopped, not answered (b keeps its own limits): %+v", m)
	}
	if m := a.mustInteract(t, adminCommand("stats"), st.hooks); len(m.Embeds) == 0 || !strings.Contains(m.Embeds[0].Description, "Answered:") {
		t.Errorf("/stats on a, redis stopped: %+v", m)
	}
	for name, s := range map[string]*serving{"a": a, "b": b} {
		if !strings.Contains(s.logs.String(), "shared state unavailable") {
			t.Errorf("replica %s did not warn that redis is gone:\n%s", name, s.logs.String())
		}
	}
}

// waitSubscribed waits until n replicas listen for reload announcements
// on the Redis at url.
func waitSubscribed(t *testing.T, url string, n int64) {
	t.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	subscribed := func() bool {
		counts, err := c.PubSubNumSub(t.Context(), "agreementbot:reload").Result()
		return err == nil && counts["agreementbot:reload"] >= n
	}
	if !poll(10*time.Second, subscribed) {
		t.Fatalf("fewer than %d replicas subscribed to the reload announcements", n)
	}
}

// checkButtonsAcrossReplicas presses, on b, the buttons under a's
// replies, and on a those under b's.
func checkButtonsAcrossReplicas(t *testing.T, st *stack, a, b *serving) {
	t.Helper()
	member := func() discordfake.Origin {
		return discordfake.InGuild(stackGuild, stackChan, discordfake.Member(newUser(), 0))
	}
	answer := a.mustInteract(t, askOf(newUser(), "What did the three countries agree to create?"), st.hooks)
	ids := buttonIDs(answer)
	if ids["Source"] == "" || ids["More"] == "" {
		t.Fatalf("buttons under a's answer: %v", ids)
	}
	src := b.mustInteract(t, discordfake.NewButtonInteraction(member(), ids["Source"], answer), st.hooks)
	if len(src.Embeds) == 0 || len(src.Embeds[0].Fields) == 0 || !strings.Contains(src.Embeds[0].Fields[0].Name, "Paragraph") {
		t.Errorf("Source of a's answer, pressed on b: %+v", src)
	}
	more := b.mustInteract(t, discordfake.NewButtonInteraction(member(), ids["More"], answer), st.hooks)
	if first := firstFact(more); !strings.HasPrefix(first, "4.") {
		t.Errorf("More under a's answer, pressed on b: first fact %q, want fact 4 on", first)
	}
	abstained := b.mustInteract(t, askOf(newUser(), "What is the tallest mountain in the world?"), st.hooks)
	var suggestion string
	for _, id := range buttonIDs(abstained) {
		suggestion = id
	}
	if suggestion == "" {
		t.Fatalf("no \"did you mean\" buttons under b's abstention: %+v", abstained)
	}
	if asked := a.mustInteract(t, discordfake.NewButtonInteraction(member(), suggestion, abstained), st.hooks); len(asked.Embeds) == 0 {
		t.Errorf("a suggestion of b's, pressed on a: %+v", asked)
	}
}

// buttonIDs maps the labels of the buttons under m to their custom ids.
func buttonIDs(m *discordgo.Message) map[string]string {
	out := map[string]string{}
	for _, c := range m.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range row.Components {
			if b, ok := c.(*discordgo.Button); ok {
				out[b.Label] = b.CustomID
			}
		}
	}
	return out
}

// checkReloadAcrossReplicas adds a source and has an admin /reload on a:
// b must serve the new fact within a second of a's reply.
func checkReloadAcrossReplicas(t *testing.T, st *stack, a, b *serving) {
	t.Helper()
	const q = "Where did the working group first meet?"
	writeFile(t, st.sources+"/notes.yaml",
		"source: {title: Admin notes}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n")
	if r := a.mustInteract(t, adminCommand("reload"), st.hooks); !strings.Contains(r.Content, "Reloaded") {
		t.Fatalf("/reload on a: %q", r.Content)
	}
	reloaded := time.Now()
	seen := false
	for !seen && time.Since(reloaded) < time.Second { // asked within the second
		m, err := b.interact(askOf(newUser(), q), st.hooks)
		seen = err == nil && strings.Contains(firstFact(m), "Mexico City")
		if !seen {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !seen {
		t.Fatalf("b did not serve a's reload within a second:\n%s", b.logs.String())
	}
	t.Logf("b served a's reload %s after a's reply", time.Since(reloaded).Round(time.Millisecond))
}
