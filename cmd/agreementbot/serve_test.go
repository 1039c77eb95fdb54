package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/internal/discordfake"
)

// serving is one `agreementbot serve` started by a test.
type serving struct {
	base   string // http://host:port
	priv   ed25519.PrivateKey
	logs   *syncbuf.Buffer
	stop   context.CancelFunc
	code   chan int      // the exit code, once serve returns
	exited chan struct{} // closed once serve returns
}

// startServe runs `agreementbot serve` on a free port with the settings
// in the environment (the test sets the rest), its key pair made here,
// and waits until it says where it serves.
func startServe(t *testing.T) *serving {
	t.Helper()
	return launchServe(t, serveEnv(t))
}

// serveEnv sets the environment of a serve on a free port, with a new
// key pair, whose private half it returns, a store of its own and no
// shutdown delay.
func serveEnv(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AGREEMENTBOT_PUBLIC_KEY", hex.EncodeToString(pub))
	t.Setenv("AGREEMENTBOT_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	t.Setenv("AGREEMENTBOT_LOG_LEVEL", "debug")
	t.Setenv("AGREEMENTBOT_CONFIDENT_THRESHOLD", everyAnswerConfident)
	t.Setenv("AGREEMENTBOT_HTTP_SHUTDOWN_DELAY", "0s") // no load balancer to wait for
	return priv
}

// launchServe runs `agreementbot serve` with the settings in the
// environment as they are (the public key among them, whose private half
// is priv), and waits until it says where it serves. Several can run at
// once, as replicas: each reads the environment when it starts.
func launchServe(t *testing.T, priv ed25519.PrivateKey) *serving {
	t.Helper()
	return launchServeIn(t, t.Context(), priv)
}

// launchServeIn is launchServe under ctx, whose values (such as an
// atomicfile fault) reach every request.
func launchServeIn(t *testing.T, parent context.Context, priv ed25519.PrivateKey) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(parent)
	s := &serving{priv: priv, logs: &syncbuf.Buffer{}, stop: cancel, code: make(chan int, 1), exited: make(chan struct{})}
	go func() {
		s.code <- run(ctx, []string{"serve"}, strings.NewReader(""), s.logs, s.logs)
		close(s.exited)
	}()
	addr := regexp.MustCompile(`msg="serving Discord interactions" addr=(\S+)`)
	logs, ok := awaitLog(s.logs, s.exited, func(logs string) bool { return addr.MatchString(logs) })
	if !ok {
		cancel()
		t.Fatalf("serve never said where it serves:\n%s", logs)
	}
	s.base = "http://" + addr.FindStringSubmatch(logs)[1]
	return s
}

// logWait bounds a test's wait for a log line.
const logWait = 20 * time.Second

// awaitLog waits, at most logWait, until cond holds of the log, and
// returns the log and whether it does; it gives up early when exited
// (the command has returned) is closed.
func awaitLog(logs *syncbuf.Buffer, exited <-chan struct{}, cond func(logs string) bool) (string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), logWait)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	if text, err := logs.Await(ctx, cond); err == nil {
		return text, true
	}
	text := logs.String() // all of it, the last lines before exiting included
	return text, cond(text)
}

// post signs body as Discord does (unless unsigned) and posts it to
// /interactions.
func (s *serving) post(t *testing.T, body []byte, signed bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.base+"/interactions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	key := s.priv
	if !signed {
		_, key, _ = ed25519.GenerateKey(rand.Reader)
	}
	req.Header.Set("X-Signature-Timestamp", ts)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// shutdown cancels serve's context and waits for it to exit cleanly,
// saying last that it stopped.
func (s *serving) shutdown(t *testing.T) {
	t.Helper()
	s.stop()
	select {
	case code := <-s.code:
		if code != 0 {
			t.Errorf("serve exited %d:\n%s", code, s.logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
	checkStoppedLast(t, "serve", s.logs.String())
}

// checkStoppedLast checks that a command's last log line says it stopped.
func checkStoppedLast(t *testing.T, command, logs string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "msg=stopped") {
		t.Errorf("%s's last log line is %q, want that it stopped", command, last)
	}
}

// TestServeShutdownDelay stops serve with http.shutdown_delay set: it
// says it is not ready but still answering, for that long, then closes
// its listener and stops, saying so last. (The bot package's
// TestHTTPShutdown checks /readyz and the requests during the delay.)
func TestServeShutdownDelay(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", "1000000000000000001")
	priv := serveEnv(t)
	t.Setenv("AGREEMENTBOT_HTTP_SHUTDOWN_DELAY", "300ms")
	s := launchServe(t, priv)
	s.shutdown(t)
	logs := s.logs.String()
	delayed := strings.Index(logs, `still answering while load balancers take this replica out" delay=300ms`)
	closed := strings.Index(logs, "closed to new connections")
	if delayed < 0 || closed < delayed {
		t.Errorf("serve did not say it delays its shutdown by 300ms, then closes its listener:\n%s", logs)
	}
}

// TestServeEndToEnd runs `agreementbot serve` as an admin would, with a
// token (so it registers the commands with the fake Discord) and its
// settings in the environment: it answers a signed PING and a signed
// /ask over real HTTP, refuses an unsigned one, reports ready, counts the
// signed /ask (and not the unsigned one) in /metrics, shuts down cleanly,
// and never writes the token to its logs.
func TestServeEndToEnd(t *testing.T) {
	const token = "sekrit-serve-token-5678"
	f := discordfake.New(discordfake.Options{Token: token})
	t.Cleanup(f.Close)
	t.Setenv("DISCORD_TOKEN", token)
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", f.Options().ApplicationID)
	t.Setenv("AGREEMENTBOT_API_URL", f.APIURL())
	s := startServe(t)

	if n := len(f.Commands("")); n == 0 {
		t.Errorf("no commands registered:\n%s", s.logs.String())
	}
	if status, out := s.post(t, []byte(`{"id":"1","type":1,"token":"t","version":1}`), true); status != 200 || string(out) != `{"type":1}` {
		t.Errorf("PING: %d %s", status, out)
	}
	i := discordfake.NewSlashInteraction(discordfake.InGuild("2000000000000000001", "2000000000000000002",
		discordfake.Member("3000000000000000001", 0)), "ask", discordfake.StringOpt("question", "Where did the foreign ministers meet?"))
	i.ID, i.Token, i.AppID = "4000000000000000001", "itok-serve-test", f.Options().ApplicationID
	body, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := s.post(t, body, false); status != http.StatusUnauthorized {
		t.Errorf("a badly signed /ask: status %d, want 401", status)
	}
	if v := metric(t, s.base, "agreementbot_questions_total", answeredSlash("http")...); v != 0 {
		t.Errorf("questions answered before a signed /ask = %v, want 0", v)
	}
	status, out := s.post(t, body, true)
	var r struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Embeds []*discordgo.MessageEmbed `json:"embeds"`
		} `json:"data"`
	}
	if err := json.Unmarshal(out, &r); err != nil || status != 200 || r.Type != discordgo.InteractionResponseChannelMessageWithSource ||
		len(r.Data.Embeds) == 0 || len(r.Data.Embeds[0].Fields) == 0 || !strings.Contains(r.Data.Embeds[0].Fields[0].Value, "Washington") {
		t.Errorf("/ask: %d %s", status, out)
	}
	checkServeMetrics(t, s.base)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200} {
		resp, err := http.Get(s.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}

	s.shutdown(t)
	logs := s.logs.String()
	if strings.Contains(logs, token) || strings.Contains(logs, i.Token) {
		t.Errorf("the bot token or the interaction token appears in the logs:\n%s", logs)
	}
	for _, want := range []string{"registered commands", "answered=true", "interaction request refused", "shutting down"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

// checkServeMetrics checks serve's /metrics after one signed /ask
// answered.
func checkServeMetrics(t *testing.T, base string) {
	t.Helper()
	if v := metric(t, base, "agreementbot_questions_total", answeredSlash("http")...); v != 1 {
		t.Errorf("questions answered after a signed /ask = %v, want 1", v)
	}
	if v := metric(t, base, "agreementbot_answer_duration_seconds_count", "entry", "slash"); v != 1 {
		t.Errorf("answers timed after a signed /ask = %v, want 1", v)
	}
	if v := metric(t, base, "agreementbot_facts_loaded"); v < 20 {
		t.Errorf("agreementbot_facts_loaded = %v, want the article's facts", v)
	}
	if _, text := get(t, base+"/metrics"); strings.Contains(text, "agreementbot_gateway_connected") {
		t.Error("serve exposes agreementbot_gateway_connected, but has no gateway")
	}
}

// Without a token, serve registers nothing and serves all the same.
func TestServeWithoutToken(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("AGREEMENTBOT_APPLICATION_ID", "1000000000000000001")
	s := startServe(t)
	if status, out := s.post(t, []byte(`{"type":1}`), true); status != 200 || string(out) != `{"type":1}` {
		t.Errorf("PING: %d %s", status, out)
	}
	s.shutdown(t)
	if !strings.Contains(s.logs.String(), "commands not registered") {
		t.Errorf("logs do not say the commands were not registered:\n%s", s.logs.String())
	}
}

// serve refuses to start without the settings it needs, naming them.
func TestServeNeedsKeyAndApplication(t *testing.T) {
	t.Setenv("DISCORD_TOKEN", "")
	t.Setenv("AGREEMENTBOT_DB", t.TempDir()+"/facts.db")
	for _, tt := range []struct {
		key, app, want string
	}{
		{"", "1000000000000000001", "AGREEMENTBOT_PUBLIC_KEY"},
		{strings.Repeat("ab", 32), "", "AGREEMENTBOT_APPLICATION_ID"},
		{"abc", "1000000000000000001", "AGREEMENTBOT_PUBLIC_KEY: must be 64 hexadecimal digits"},
	} {
		t.Setenv("AGREEMENTBOT_PUBLIC_KEY", tt.key)
		t.Setenv("AGREEMENTBOT_APPLICATION_ID", tt.app)
		code, _, errOut := runCLI(t, "", "serve")
		if code == 0 || !strings.Contains(errOut, tt.want) {
			t.Errorf("key %q, app %q: exit %d, stderr %q; want it to name %s", tt.key, tt.app, code, errOut, tt.want)
		}
	}
}
