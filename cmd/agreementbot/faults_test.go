package main

// Fault tests of `agreementbot serve` as a whole: its store rebuilt while
// it answers, damaged store files renamed into place, and reloads on a
// full disk or a read-only directory. Each runs the real command in this
// process, over a sources directory and a store file of its own, asked
// through signed HTTP interactions.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/internal/atomicfile"
	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

const (
	stackApp   = "1000000000000000077"
	stackGuild = "2000000000000000077"
	stackChan  = "2000000000000000078"
	stackAdmin = "3000000000000000077"
)

// stack is the environment of serve stacks over one sources directory
// and one store file, with an admin, and a fake of Discord's webhooks
// that takes their deferred replies.
type stack struct {
	sources, db string
	priv        ed25519.PrivateKey
	hooks       *webhooks
}

// newStack makes a sources directory holding files (by name; the
// embedded article when nil), and sets the environment for serve stacks
// over it and a store beside it. Redis is left unset.
func newStack(t *testing.T, files map[string]string) *stack {
	t.Helper()
	dir := t.TempDir()
	st := &stack{sources: filepath.Join(dir, "sources"), db: filepath.Join(dir, "facts.db"), hooks: newWebhooks(t)}
	if err := os.Mkdir(st.sources, 0o755); err != nil {
		t.Fatal(err)
	}
	if files == nil {
		raw, err := fs.ReadFile(source.DefaultSources(), "trilateral-migration-2024-02-28.txt")
		if err != nil {
			t.Fatal(err)
		}
		files = map[string]string{"article.txt": string(raw)}
	}
	for name, text := range files {
		writeFile(t, filepath.Join(st.sources, name), text)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st.priv = priv
	for k, v := range map[string]string{
		"AGREEMENTBOT_PUBLIC_KEY": hex.EncodeToString(pub), "AGREEMENTBOT_APPLICATION_ID": stackApp,
		"AGREEMENTBOT_HTTP_ADDR": "127.0.0.1:0", "AGREEMENTBOT_DB": st.db, "AGREEMENTBOT_SOURCES": st.sources,
		"AGREEMENTBOT_ADMIN_USER_IDS": stackAdmin, "AGREEMENTBOT_API_URL": st.hooks.srv.URL + "/api/v9/",
		"AGREEMENTBOT_LOG_LEVEL": "debug", "AGREEMENTBOT_REDIS_URL": "", "DISCORD_TOKEN": "",
		"AGREEMENTBOT_HTTP_SHUTDOWN_DELAY": "0s",
		"AGREEMENTBOT_CONFIDENT_THRESHOLD": everyAnswerConfident,
	} {
		t.Setenv(k, v)
	}
	return st
}

// launch starts one serve stack in the stack's environment, shut down
// (and checked to exit cleanly) when the test ends.
func (st *stack) launch(t *testing.T) *serving {
	t.Helper()
	s := launchServe(t, st.priv)
	t.Cleanup(func() { s.shutdown(t) })
	return s
}

// shortStorePoll makes the serve stacks started by the test look at
// their store file every 20 ms instead of every few seconds.
func shortStorePoll(t *testing.T) {
	t.Setenv("AGREEMENTBOT_DB_POLL", "20ms")
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// webhooks is Discord's interaction webhooks, taking the edits that
// deliver deferred replies, by interaction token.
type webhooks struct {
	srv   *httptest.Server
	mu    sync.Mutex
	edits map[string]chan []byte
}

func newWebhooks(t *testing.T) *webhooks {
	w := &webhooks{edits: map[string]chan []byte{}}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		parts := strings.Split(r.URL.Path, "/") // /api/v9/webhooks/APP/TOKEN/messages/@original
		if r.Method == http.MethodPatch && len(parts) > 5 {
			select {
			case w.edit(parts[5]) <- body:
			default:
			}
		}
		rw.Header().Set("Content-Type", "application/json")
		io.WriteString(rw, `{"id":"5000000000000000077","channel_id":"`+stackChan+`"}`)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// edit returns the channel of the edits of the interaction with token.
func (w *webhooks) edit(token string) chan []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.edits[token] == nil {
		w.edits[token] = make(chan []byte, 1)
	}
	return w.edits[token]
}

var interactionSeq atomic.Int64

// askOf is an /ask of q by user in the stack's guild.
func askOf(user, q string) *discordgo.Interaction {
	return discordfake.NewSlashInteraction(discordfake.InGuild(stackGuild, stackChan, discordfake.Member(user, 0)),
		"ask", discordfake.StringOpt("question", q))
}

// newUser is a user id no other request of the test has used, so that
// no rate limit is met.
func newUser() string { return strconv.FormatInt(3100000000000000000+interactionSeq.Add(1), 10) }

// adminCommand is the admin's use of a command without options.
func adminCommand(name string) *discordgo.Interaction {
	return discordfake.NewSlashInteraction(discordfake.InGuild(stackGuild, stackChan, discordfake.Member(stackAdmin, 0)), name)
}

// interact signs and posts i to s, and returns the reply as the message
// Discord shows: the HTTP response's, or, when the response defers it,
// the edit sent through the webhook. It does not use t, so load
// goroutines can call it.
func (s *serving) interact(i *discordgo.Interaction, hooks *webhooks) (*discordgo.Message, error) {
	n := interactionSeq.Add(1)
	i.ID, i.Token, i.AppID = strconv.FormatInt(4000000000000000000+n, 10), "itok-"+strconv.FormatInt(n, 10), stackApp
	body, err := json.Marshal(i)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, s.base+"/interactions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(s.priv, append([]byte(ts), body...))))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s (%v)", resp.StatusCode, out, err)
	}
	var r struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("response %s: %w", out, err)
	}
	data := r.Data
	if r.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
		select {
		case data = <-hooks.edit(i.Token):
		case <-time.After(15 * time.Second):
			return nil, errors.New("deferred, and the reply never came")
		}
	}
	m := &discordgo.Message{}
	if err := json.Unmarshal(data, m); err != nil {
		return nil, fmt.Errorf("reply %s: %w", data, err)
	}
	m.ID, m.ChannelID = strconv.FormatInt(5000000000000000000+n, 10), stackChan
	return m, nil
}

// mustInteract is interact failing the test on error.
func (s *serving) mustInteract(t *testing.T, i *discordgo.Interaction, hooks *webhooks) *discordgo.Message {
	t.Helper()
	m, err := s.interact(i, hooks)
	if err != nil {
		t.Fatalf("%s: %v", i.ApplicationCommandData().Name, err)
	}
	return m
}

// facts are the facts a reply quotes, each with its citation; none when
// it quotes none.
func facts(m *discordgo.Message) []string {
	if m == nil || len(m.Embeds) == 0 {
		return nil
	}
	var out []string
	for _, f := range m.Embeds[0].Fields {
		out = append(out, f.Name+"\n"+f.Value)
	}
	return out
}

// firstFact is the first fact a reply quotes, or "".
func firstFact(m *discordgo.Message) string {
	if fs := facts(m); len(fs) > 0 {
		return fs[0]
	}
	return ""
}

// generationSource is the one source of store generation n: facts and a
// title that all say which generation they are of.
func generationSource(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "source: {title: Bulletin of generation %d, date: 2024-03-%02d}\nfacts:\n", n, n)
	for k := 1; k <= 5; k++ {
		fmt.Fprintf(&b, "  - text: In round %d of generation %d the working group met in Mexico City.\n", k, n)
	}
	return b.String()
}

const generationQuestion = "Where did the working group meet?"

var generationRe = regexp.MustCompile(`generation (\d+)`)

// generationOf returns the one generation every fact of a reply, and its
// citation, is of; an error when the reply quotes no fact, a fact says no
// generation, or the reply mixes generations.
func generationOf(m *discordgo.Message) (int, error) {
	fs := facts(m)
	if len(fs) < 2 {
		return 0, fmt.Errorf("%d facts, want several: %+v", len(fs), m)
	}
	gen := 0
	for _, f := range fs {
		found := generationRe.FindAllStringSubmatch(f, -1)
		if len(found) < 2 { // the fact and its source's title
			return 0, fmt.Errorf("a fact without its generation: %q", f)
		}
		for _, g := range found {
			n, _ := strconv.Atoi(g[1])
			if gen != 0 && n != gen {
				return 0, fmt.Errorf("generations %d and %d in one reply: %q", gen, n, fs)
			}
			gen = n
		}
	}
	return gen, nil
}

// TestServeAnswersFromOneStoreDuringRebuilds asks serve questions from
// several clients at once while its store is rebuilt six times, in turn
// by `agreementbot ingest` renaming a new store into place (which serve's
// watcher picks up) and by an admin's /reload. Every source of a
// generation says which generation it is, in each fact and in its title.
// No request may fail, every reply must quote facts of one generation
// only, facts and citations alike, and each new generation must come to
// be served.
func TestServeAnswersFromOneStoreDuringRebuilds(t *testing.T) {
	shortStorePoll(t)
	st := newStack(t, map[string]string{"generation.yaml": generationSource(1)})
	t.Setenv("AGREEMENTBOT_TOP", "10") // every fact of a generation in each reply: a mix shows
	s := st.launch(t)
	ingestDir := t.TempDir()

	ctx, stop := context.WithCancel(t.Context())
	var asked atomic.Int64
	progress := make(chan struct{}) // a question answered, told to whoever waits for one
	var mu sync.Mutex
	var problems []string
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				m, err := s.interact(askOf(newUser(), generationQuestion), st.hooks)
				if err == nil {
					_, err = generationOf(m)
				}
				asked.Add(1)
				select {
				case progress <- struct{}{}:
				default:
				}
				if err != nil {
					mu.Lock()
					problems = append(problems, err.Error())
					mu.Unlock()
				}
			}
		})
	}
	for g := 2; g <= 7; g++ {
		for range 5 { // questions answered while it rebuilds
			select {
			case <-progress:
			case <-time.After(logWait):
				t.Fatal("no question answered")
			}
		}
		if g%2 == 0 {
			writeFile(t, filepath.Join(ingestDir, "generation.yaml"), generationSource(g))
			if code, _, errOut := runCLI(t, "", "ingest", "--sources", ingestDir, "--db", st.db); code != 0 {
				t.Fatalf("ingest of generation %d: exit %d: %s", g, code, errOut)
			}
		} else {
			writeFile(t, filepath.Join(st.sources, "generation.yaml"), generationSource(g))
			if r := s.mustInteract(t, adminCommand("reload"), st.hooks); !strings.Contains(r.Content, "Reloaded") {
				t.Fatalf("/reload to generation %d: %q", g, r.Content)
			}
		}
		// Loaded by the store watcher (ingest) or by /reload itself.
		awaitLogText(t, s, "msg=reloaded", g-1)
		m := s.mustInteract(t, askOf(newUser(), generationQuestion), st.hooks)
		if got, err := generationOf(m); err != nil || got != g {
			stop()
			wg.Wait()
			t.Fatalf("generation %d not served after its reload: %d, %v; problems meanwhile: %q", g, got, err, problems)
		}
	}
	stop()
	wg.Wait()
	t.Logf("%d questions asked during six rebuilds", asked.Load())
	if len(problems) > 0 {
		t.Errorf("%d of %d questions failed or mixed generations; the first: %s", len(problems), asked.Load(), problems[0])
	}
	if asked.Load() < 30 {
		t.Errorf("only %d questions asked during the rebuilds", asked.Load())
	}
}

// TestServeKeepsServingDamagedStore renames damaged store files into
// place under a running serve, as an interrupted copy or a failing disk
// would leave them: serve keeps answering from the last good store and
// stays ready, counts each damaged file once as a failed reload (by
// trigger "store") and logs it, and when a good store is renamed in,
// serves its new facts without counting a failure.
func TestServeKeepsServingDamagedStore(t *testing.T) {
	shortStorePoll(t)
	st := newStack(t, nil)
	s := st.launch(t)
	good, err := os.ReadFile(st.db)
	if err != nil {
		t.Fatal(err)
	}
	failures := func() float64 { return metric(t, s.base, "agreementbot_reload_failures_total", "trigger", "store") }
	loads := func() float64 { return metric(t, s.base, "agreementbot_reloads_total", "trigger", "store") }
	for k, data := range [][]byte{good[:len(good)/2], good[:100], {}, []byte(strings.Repeat("not a database\n", 500))} {
		tmp := st.db + ".incoming"
		writeFile(t, tmp, string(data))
		if err := os.Rename(tmp, st.db); err != nil {
			t.Fatal(err)
		}
		awaitLogText(t, s, "reload failed; the previous facts keep serving", k+1)
		if v := failures(); v != float64(k+1) {
			t.Errorf("damaged store %d: reload failures %v, want %d", k+1, v, k+1)
		}
		if got := firstFact(s.mustInteract(t, askOf(newUser(), "Where did the foreign ministers meet?"), st.hooks)); !strings.Contains(got, "Washington") {
			t.Errorf("damaged store %d: first fact %q, want the last good store's", k+1, got)
		}
		if status, _ := get(t, s.base+"/readyz"); status != http.StatusOK {
			t.Errorf("damaged store %d: /readyz %d, want 200 (the last good facts are served)", k+1, status)
		}
	}
	if !strings.Contains(s.logs.String(), "reload failed; the previous facts keep serving") || !strings.Contains(s.logs.String(), st.db) {
		t.Errorf("the failed loads are not logged with the store's path:\n%s", s.logs.String())
	}

	ingestDir := t.TempDir()
	writeFile(t, filepath.Join(ingestDir, "notes.yaml"),
		"source: {title: Admin notes}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n")
	// Built beside and renamed into place: ingest itself refuses to
	// write over the last damaged file, which is no longer a store.
	if code, _, errOut := runCLI(t, "", "ingest", "--sources", ingestDir, "--db", st.db+".new"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	if err := os.Rename(st.db+".new", st.db); err != nil {
		t.Fatal(err)
	}
	awaitLogText(t, s, "msg=reloaded", 1)
	if v := loads(); v != 5 {
		t.Errorf("%v store reloads, want 5 (4 failed, 1 good)", v)
	}
	if v := failures(); v != 4 {
		t.Errorf("reload failures after the good store %v, want still 4", v)
	}
	if v := metric(t, s.base, "agreementbot_facts_loaded"); v != 1 {
		t.Errorf("agreementbot_facts_loaded = %v, want the good store's 1", v)
	}
	if got := firstFact(s.mustInteract(t, askOf(newUser(), "Where did the working group first meet?"), st.hooks)); !strings.Contains(got, "Mexico City") {
		t.Errorf("after the good store, first fact %q", got)
	}
	if status, _ := get(t, s.base+"/readyz"); status != http.StatusOK {
		t.Errorf("after the good store: /readyz %d", status)
	}
}

// TestServeReloadOnFullOrReadOnlyDisk has an admin /reload where the
// store cannot be written: the admin is told the reload failed, why (the
// file and the system's own words) and that the previous facts are still
// served; they are, the store file is byte for byte as it was, and the
// failure is counted. Once the disk is writable again /reload works. The
// read-only directory is made for real unless the test runs as root (whom
// permissions do not stop); the full disk is simulated through
// atomicfile.WithFault.
func TestServeReloadOnFullOrReadOnlyDisk(t *testing.T) {
	tests := []struct {
		name     string
		chmod    bool
		wantText string
	}{
		{"disk full (simulated)", false, "no space left on device"},
		{"read-only directory", true, "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chmod && os.Geteuid() == 0 {
				t.Skip("running as root, which a read-only directory does not stop: the simulated full disk stands for it")
			}
			st := newStack(t, nil)
			var diskFull atomic.Bool // the simulated disk is full while set
			ctx := atomicfile.WithFault(t.Context(), func(step atomicfile.Step, path string) error {
				if diskFull.Load() && step == atomicfile.StepWrite && path == st.db {
					return &fs.PathError{Op: "write", Path: path, Err: syscall.ENOSPC}
				}
				return nil
			})
			s := launchServeIn(t, ctx, st.priv)
			t.Cleanup(func() { s.shutdown(t) })
			before, err := os.ReadFile(st.db)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(st.sources, "notes.yaml"),
				"source: {title: Admin notes}\nfacts:\n  - text: The working group first met in Mexico City on 5 March 2024.\n")
			dir := filepath.Dir(st.db)
			if tt.chmod {
				if err := os.Chmod(dir, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(dir, 0o755) })
			} else {
				diskFull.Store(true)
			}
			r := s.mustInteract(t, adminCommand("reload"), st.hooks)
			for _, want := range []string{"Reload failed; the previous facts are still being served.", tt.wantText, st.db} {
				if !strings.Contains(r.Content, want) {
					t.Errorf("/reload told the admin %q, want it to say %q", r.Content, want)
				}
			}
			if r.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Error("the failure was shown to everyone, not only the admin")
			}
			if got := firstFact(s.mustInteract(t, askOf(newUser(), "Where did the working group first meet?"), st.hooks)); strings.Contains(got, "Mexico City") {
				t.Errorf("the new fact is served after a failed reload: %q", got)
			}
			if got := firstFact(s.mustInteract(t, askOf(newUser(), "Where did the foreign ministers meet?"), st.hooks)); !strings.Contains(got, "Washington") {
				t.Errorf("the old facts are no longer served: %q", got)
			}
			if after, err := os.ReadFile(st.db); err != nil || !bytes.Equal(after, before) {
				t.Errorf("the store file changed (%v)", err)
			}
			if v := metric(t, s.base, "agreementbot_reload_failures_total", "trigger", "command"); v != 1 {
				t.Errorf("reload failures by command %v, want 1", v)
			}

			if tt.chmod {
				os.Chmod(dir, 0o755)
			} else {
				diskFull.Store(false)
			}
			if r := s.mustInteract(t, adminCommand("reload"), st.hooks); !strings.Contains(r.Content, "Reloaded") {
				t.Errorf("/reload once the disk is writable: %q", r.Content)
			}
			if got := firstFact(s.mustInteract(t, askOf(newUser(), "Where did the working group first meet?"), st.hooks)); !strings.Contains(got, "Mexico City") {
				t.Errorf("after a successful reload, first fact %q", got)
			}
		})
	}
}
