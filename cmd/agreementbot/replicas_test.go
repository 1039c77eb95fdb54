package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/internal/redistest"
)

// TestReplicasShareRedis runs two `agreementbot serve` replicas in this
// process, each with its own endpoint, over one store file and one real
// redis-server, as behind a load balancer: a user's rate limit holds
// across both; /stats on either counts the questions of both; the More,
// Source and "did you mean" buttons of one replica's reply work when
// pressed on the other; a /reload on one is served by the other through
// Redis (its store watcher, set to an hour, would not see it); when Redis
// stops, each notices while idle and says so once, and both keep
// answering, each with its own rate limits; when Redis is back each says
// so once and reloads are shared again; both shut down cleanly.
func TestReplicasShareRedis(t *testing.T) {
	rs := redistest.Start(t)
	st := newStack(t, nil)
	t.Setenv("AGREEMENTBOT_REDIS_URL", rs.URL)
	t.Setenv("AGREEMENTBOT_RATE_QUESTIONS", "3")
	t.Setenv("AGREEMENTBOT_RATE_PER", "1m")
	t.Setenv("AGREEMENTBOT_DB_POLL", "1h") // only an announcement reloads the other
	a, b := st.launch(t), st.launch(t)
	awaitSubscribed(t, a, b)

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
	checkReloadAcrossReplicas(t, st, a, b, 1)

	// Redis stops: both notice, while idle, and answer on, each counting a
	// user's questions itself.
	rs.Stop()
	for _, s := range []*serving{a, b} {
		awaitLogText(t, s, "redis unavailable", 1)
	}
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

	// Redis is back: each says so once, subscribed again, and reloads are
	// shared again.
	rs.Restart(t)
	for _, s := range []*serving{a, b} {
		awaitLogText(t, s, "redis available again", 1)
	}
	checkReloadAcrossReplicas(t, st, a, b, 2)
	for name, s := range map[string]*serving{"a": a, "b": b} {
		logs := s.logs.String()
		if n := strings.Count(logs, "redis unavailable"); n != 1 || strings.Count(logs, "level=WARN") != 1 {
			t.Errorf("replica %s: %d warnings that redis is unavailable, want one and no other warning:\n%s", name, n, logs)
		}
		if n := strings.Count(logs, `level=INFO msg="redis available again`); n != 1 {
			t.Errorf("replica %s: %d messages that redis is back at info level, want 1:\n%s", name, n, logs)
		}
	}
}

// awaitLogText waits until s has logged text n times.
func awaitLogText(t *testing.T, s *serving, text string, n int) {
	t.Helper()
	logs, ok := awaitLog(s.logs, s.exited, func(logs string) bool { return strings.Count(logs, text) >= n })
	if !ok {
		t.Fatalf("serve did not log %q %d times:\n%s", text, n, logs)
	}
}

// awaitSubscribed waits until each replica listens for reload
// announcements.
func awaitSubscribed(t *testing.T, replicas ...*serving) {
	t.Helper()
	for _, s := range replicas {
		awaitLogText(t, s, "subscribed to reload announcements", 1)
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

// checkReloadAcrossReplicas adds a source (the k-th) and has an admin
// /reload on a: b must load it, told by a (its own store watcher is too
// slow to), and serve the new fact.
func checkReloadAcrossReplicas(t *testing.T, st *stack, a, b *serving, k int) {
	t.Helper()
	place := []string{"Mexico City", "Guatemala City"}[k-1]
	q := fmt.Sprintf("Where did working group %d first meet?", k)
	writeFile(t, fmt.Sprintf("%s/notes-%d.yaml", st.sources, k), fmt.Sprintf(
		"source: {title: Admin notes %d}\nfacts:\n  - text: Working group %d first met in %s on 5 March 2024.\n", k, k, place))
	if r := a.mustInteract(t, adminCommand("reload"), st.hooks); !strings.Contains(r.Content, "Reloaded") {
		t.Fatalf("/reload on a: %q", r.Content)
	}
	awaitLogText(t, b, "trigger=\"announced through redis\"", k)
	if m := b.mustInteract(t, askOf(newUser(), q), st.hooks); !strings.Contains(firstFact(m), place) {
		t.Errorf("b, told of a's reload, answers %q with %q", q, firstFact(m))
	}
}

// TestIngestAnnouncesToReplicas rebuilds the store of a running replica
// with `agreementbot ingest`, given the replicas' Redis (here in the
// environment, as a Kubernetes Job would have it): ingest announces the
// new store as a replica announces a reload, and the replica loads it
// then, with its store watcher set to look only once an hour; a password
// in the Redis URL is not printed.
func TestIngestAnnouncesToReplicas(t *testing.T) {
	rs := redistest.Start(t)
	st := newStack(t, nil)
	t.Setenv("AGREEMENTBOT_DB_POLL", "1h")
	t.Setenv("AGREEMENTBOT_REDIS_URL", rs.URL)
	s := st.launch(t)
	awaitSubscribed(t, s)

	dir := t.TempDir()
	writeFile(t, dir+"/notes.yaml",
		"source: {title: Admin notes}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n")
	t.Setenv("AGREEMENTBOT_REDIS_URL", strings.Replace(rs.URL, "redis://", "redis://:pa55word-xyz@", 1))
	code, out, errOut := runCLI(t, "", "ingest", "--sources", dir, "--db", st.db)
	if code != 0 || !strings.Contains(out, "announced the new store to the replicas") || strings.Contains(out+errOut, "pa55word-xyz") {
		t.Fatalf("ingest: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	awaitLogText(t, s, `trigger="announced through redis"`, 1)
	if m := s.mustInteract(t, askOf(newUser(), "Where did the working group first meet?"), st.hooks); !strings.Contains(firstFact(m), "Mexico City") {
		t.Errorf("after ingest announced the new store: first fact %q", firstFact(m))
	}

	// The same with redis.url in a config file.
	t.Setenv("AGREEMENTBOT_REDIS_URL", "")
	cfg := t.TempDir() + "/config.yaml"
	writeFile(t, cfg, "redis:\n  url: "+rs.URL+"\n")
	writeFile(t, dir+"/notes.yaml",
		"source: {title: Admin notes}\nfacts:\n  - text: The working group first met in Guatemala City on 5 March 2024.\n")
	if code, out, errOut := runCLI(t, "", "ingest", "--sources", dir, "--db", st.db, "--config", cfg); code != 0 || !strings.Contains(out, "announced") {
		t.Fatalf("ingest --config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	awaitLogText(t, s, `trigger="announced through redis"`, 2)
	if m := s.mustInteract(t, askOf(newUser(), "Where did the working group first meet?"), st.hooks); !strings.Contains(firstFact(m), "Guatemala City") {
		t.Errorf("after ingest --config announced the new store: first fact %q", firstFact(m))
	}
}
