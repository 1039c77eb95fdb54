package discord

// Tests of the HTTP interactions endpoint: real Ed25519 keys made here,
// requests signed as Discord signs them, the endpoint under httptest, and
// a fake of Discord's interaction webhooks (httptest) that records the
// deferred replies.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agreementbot/agreementbot/internal/syncbuf"

	"github.com/bwmarrin/discordgo"

	"github.com/agreementbot/agreementbot/bot"
	"github.com/agreementbot/agreementbot/internal/discordfake"
	"github.com/agreementbot/agreementbot/knowledge"
	"github.com/agreementbot/agreementbot/knowledge/match"
	"github.com/agreementbot/agreementbot/knowledge/source"
)

const (
	httpAppID = "1000000000000000001"
	httpGuild = "2000000000000000001"
	httpChan  = "2000000000000000002"
	httpUser  = "3000000000000000001"
	httpWait  = 10 * time.Second
)

// signer signs requests with a key pair made for the test, as Discord
// signs them with the application's.
type signer struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
}

func newSigner(tb testing.TB) signer {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return signer{pub: pub, priv: priv}
}

// signature returns the headers' values for body signed at ts.
func (s signer) signature(ts string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(s.priv, append([]byte(ts), body...)))
}

// webhookCall is one request the endpoint sent to Discord.
type webhookCall struct {
	Method, Path, Auth string
	Body               []byte
}

// fakeWebhooks is Discord's interaction webhooks, recording each call.
type fakeWebhooks struct {
	srv   *httptest.Server
	calls chan webhookCall
	// fault, when set, may answer the nth request (from 1) itself,
	// returning true; n counts every request.
	fault atomic.Pointer[func(n int64, w http.ResponseWriter) bool]
	n     atomic.Int64
}

func newFakeWebhooks(tb testing.TB) *fakeWebhooks {
	f := &fakeWebhooks{calls: make(chan webhookCall, 64)}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case f.calls <- webhookCall{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Body: body}:
		default:
		}
		if fault := f.fault.Load(); fault != nil && (*fault)(f.n.Add(1), w) {
			return
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"5000000000000000001","channel_id":"`+httpChan+`","content":""}`)
	}))
	tb.Cleanup(f.srv.Close)
	return f
}

// apiURL is the REST base the endpoint is pointed at.
func (f *fakeWebhooks) apiURL() string { return f.srv.URL + "/api/v9/" }

// next returns the next call, failing the test after httpWait.
func (f *fakeWebhooks) next(tb testing.TB) webhookCall {
	tb.Helper()
	select {
	case c := <-f.calls:
		return c
	case <-time.After(httpWait):
		tb.Fatal("no call to the webhooks")
		return webhookCall{}
	}
}

// gatedLibrary makes handlers slow deterministically: Index waits until
// the gate is closed (and panics then when broken), and counts its calls.
type gatedLibrary struct {
	bot.Library
	calls  atomic.Int64
	gate   chan struct{} // nil: no wait
	broken bool
}

func (g *gatedLibrary) Index() knowledge.Index {
	g.calls.Add(1)
	if g.gate != nil {
		<-g.gate
	}
	if g.broken {
		panic("test: the index is broken")
	}
	return g.Library.Index()
}

// httpEnv is one endpoint under test.
type httpEnv struct {
	e    *Endpoint
	lib  *gatedLibrary
	hook *fakeWebhooks
	sig  signer
	now  time.Time
	log  *syncbuf.Buffer
}

// articleLibrary serves the embedded article, indexed once for all tests.
var articleLibrary = sync.OnceValues(func() (bot.Library, error) {
	c, err := source.LoadCorpus(context.Background(), source.DefaultSources())
	if err != nil {
		return nil, err
	}
	return indexLibrary{match.NewIndex(c)}, nil
})

// indexLibrary serves one index, which reloads and uploads leave as it is.
type indexLibrary struct{ ix knowledge.Index }

func (l indexLibrary) Index() knowledge.Index { return l.ix }
func (l indexLibrary) Reload(context.Context) (knowledge.ReloadReport, error) {
	return knowledge.ReloadReport{}, nil
}
func (l indexLibrary) AddSource(context.Context, string, []byte) (knowledge.ReloadReport, error) {
	return knowledge.ReloadReport{}, nil
}

func newHTTPEnv(tb testing.TB, mod func(*EndpointOptions, *gatedLibrary)) *httpEnv {
	tb.Helper()
	base, err := articleLibrary()
	if err != nil {
		tb.Fatal(err)
	}
	env := &httpEnv{lib: &gatedLibrary{Library: base}, hook: newFakeWebhooks(tb), sig: newSigner(tb),
		now: time.Unix(1_750_000_000, 0), log: &syncbuf.Buffer{}}
	logger := slog.New(slog.NewTextHandler(env.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := bot.NewHandlers(env.lib, bot.HandlerOptions{Top: 3, Threshold: knowledge.DefaultThreshold, ConfidentThreshold: 1e-9}, Download, logger)
	opts := EndpointOptions{PublicKey: env.sig.pub, AppID: httpAppID, APIURL: env.hook.apiURL(), Logger: logger,
		Now: func() time.Time { return env.now }}
	if mod != nil {
		mod(&opts, env.lib)
	}
	if env.e, err = NewEndpoint(opts, h); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("endpoint log:\n%s", env.log.String())
		}
	})
	return env
}

// post sends body to /interactions with the given headers and returns
// the response's status and body.
func (env *httpEnv) post(tb testing.TB, body []byte, header http.Header) (int, []byte) {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, InteractionsPath, bytes.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	env.e.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// signed returns the headers Discord would send with body, now.
func (env *httpEnv) signed(body []byte) http.Header {
	ts := strconv.FormatInt(env.now.Unix(), 10)
	return http.Header{headerSignature: {env.sig.signature(ts, body)}, headerTimestamp: {ts}, "Content-Type": {"application/json"}}
}

// send signs and posts an interaction, failing the test unless the
// response is a 200 with an interaction response, which it returns.
func (env *httpEnv) send(tb testing.TB, i *discordgo.Interaction) httpResponse {
	tb.Helper()
	fill(i)
	body, err := json.Marshal(i)
	if err != nil {
		tb.Fatal(err)
	}
	status, out := env.post(tb, body, env.signed(body))
	if status != http.StatusOK {
		tb.Fatalf("status %d: %s", status, out)
	}
	return decodeResponse(tb, out)
}

// fill gives an interaction what Discord always sends.
var interactionIDs atomic.Int64

func fill(i *discordgo.Interaction) {
	n := interactionIDs.Add(1)
	if i.ID == "" {
		i.ID = strconv.FormatInt(4000000000000000000+n, 10)
	}
	if i.Token == "" {
		i.Token = "itok-" + strconv.FormatInt(n, 10) + "-aW50ZXJhY3Rpb24tdG9rZW4"
	}
	i.AppID = httpAppID
}

// httpResponse is an interaction response as Discord reads it.
type httpResponse struct {
	Type discordgo.InteractionResponseType `json:"type"`
	Data *struct {
		Content         string                    `json:"content"`
		Flags           discordgo.MessageFlags    `json:"flags"`
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		Components      []component               `json:"components"`
		AllowedMentions *struct {
			Parse *[]string `json:"parse"`
		} `json:"allowed_mentions"`
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	} `json:"data"`
}

// component is a row of buttons, or a button.
type component struct {
	Type       discordgo.ComponentType `json:"type"`
	Label      string                  `json:"label"`
	CustomID   string                  `json:"custom_id"`
	Components []component             `json:"components"`
}

func decodeResponse(tb testing.TB, body []byte) httpResponse {
	tb.Helper()
	var r httpResponse
	if err := json.Unmarshal(body, &r); err != nil {
		tb.Fatalf("response %s: %v", body, err)
	}
	return r
}

// buttonIDs maps the reply's button labels to their custom ids.
func (r httpResponse) buttonIDs() map[string]string {
	out := map[string]string{}
	if r.Data == nil {
		return out
	}
	for _, row := range r.Data.Components {
		for _, b := range row.Components {
			out[b.Label] = b.CustomID
		}
	}
	return out
}

// firstField is the text of the reply's first fact.
func (r httpResponse) firstField(tb testing.TB) string {
	tb.Helper()
	if r.Data == nil || len(r.Data.Embeds) == 0 || len(r.Data.Embeds[0].Fields) == 0 {
		tb.Fatalf("reply has no facts: %+v", r.Data)
	}
	return r.Data.Embeds[0].Fields[0].Value
}

// pingsNobody fails the test unless allowed_mentions allows nothing.
func (r httpResponse) pingsNobody(tb testing.TB) {
	tb.Helper()
	if r.Data == nil || r.Data.AllowedMentions == nil || r.Data.AllowedMentions.Parse == nil || len(*r.Data.AllowedMentions.Parse) != 0 {
		tb.Errorf("allowed_mentions does not allow nothing: %+v", r.Data)
	}
}

func httpMember() discordfake.Origin {
	return discordfake.InGuild(httpGuild, httpChan, discordfake.Member(httpUser, discordgo.PermissionViewChannel))
}

func httpAsk(o discordfake.Origin, q string, opts ...*discordfake.Option) *discordgo.Interaction {
	return discordfake.NewSlashInteraction(o, cmdAsk, append([]*discordfake.Option{discordfake.StringOpt(optQuestion, q)}, opts...)...)
}

func TestHTTPPing(t *testing.T) {
	env := newHTTPEnv(t, nil)
	body := []byte(`{"id":"1","application_id":"` + httpAppID + `","type":1,"token":"t","version":1}`)
	status, out := env.post(t, body, env.signed(body))
	if status != http.StatusOK || string(out) != `{"type":1}` {
		t.Errorf("PING: %d %s, want 200 {\"type\":1}", status, out)
	}
}

// A signed /ask is answered in the HTTP response itself: a message
// (type 4) with the cited fact, its buttons, pinging nobody.
func TestHTTPAsk(t *testing.T) {
	env := newHTTPEnv(t, nil)
	r := env.send(t, httpAsk(httpMember(), "Where did the foreign ministers meet?"))
	if r.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Fatalf("type %d, want 4", r.Type)
	}
	first := r.firstField(t)
	for _, want := range []string{"Washington", "\n— paragraph 1"} {
		if !strings.Contains(first, want) {
			t.Errorf("first fact lacks %q: %s", want, first)
		}
	}
	if name := r.Data.Embeds[0].Fields[0].Name; name != "1. Trilateral migration 2024-02-28" {
		t.Errorf("first fact is headed %q, want its source and date", name)
	}
	if r.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		t.Error("a public answer is ephemeral")
	}
	if ids := r.buttonIDs(); ids["Source"] == "" || ids["More"] == "" {
		t.Errorf("buttons = %v", ids)
	}
	r.pingsNobody(t)
	private := env.send(t, httpAsk(httpMember(), "Where did the foreign ministers meet?", boolOpt(optPrivate, true)))
	if private.Data == nil || private.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("private:true answer is not ephemeral: %+v", private.Data)
	}
}

func boolOpt(name string, v bool) *discordfake.Option {
	return &discordfake.Option{Name: name, Type: discordgo.ApplicationCommandOptionBoolean, Value: v}
}

// A reply slower than DeferAfter: the response is a deferral with the
// reply's visibility, and the reply arrives later as a PATCH of the
// original response through the interaction's webhook, with no bot token;
// a private note after a public deferral replaces it privately.
func TestHTTPDeferredReply(t *testing.T) {
	tests := []struct {
		name      string
		private   bool
		broken    bool
		wantFlags discordgo.MessageFlags
		wantCalls []string // method and path suffix of each webhook call
	}{
		{"public", false, false, 0, []string{"PATCH /messages/@original"}},
		{"private", true, false, discordgo.MessageFlagsEphemeral, []string{"PATCH /messages/@original"}},
		{"private note after a public deferral", false, true, 0, []string{"DELETE /messages/@original", "POST "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gate := make(chan struct{})
			env := newHTTPEnv(t, func(o *EndpointOptions, l *gatedLibrary) {
				o.DeferAfter = 20 * time.Millisecond
				l.gate, l.broken = gate, tt.broken
			})
			i := httpAsk(httpMember(), "Where did the foreign ministers meet?", boolOpt(optPrivate, tt.private))
			r := env.send(t, i)
			if r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || r.Data == nil || r.Data.Flags != tt.wantFlags {
				t.Fatalf("response = type %d %+v, want a deferral with flags %d", r.Type, r.Data, tt.wantFlags)
			}
			select {
			case c := <-env.hook.calls:
				t.Fatalf("webhook called before the reply was ready: %+v", c)
			case <-time.After(50 * time.Millisecond):
			}
			close(gate)
			prefix := "/api/v9/webhooks/" + httpAppID + "/" + i.Token
			var last webhookCall
			for _, want := range tt.wantCalls {
				last = env.hook.next(t)
				method, suffix, _ := strings.Cut(want, " ")
				if last.Method != method || last.Path != prefix+suffix {
					t.Errorf("webhook call %s %s, want %s %s%s", last.Method, last.Path, method, prefix, suffix)
				}
				if last.Auth != "" {
					t.Errorf("webhook call sent an Authorization header")
				}
			}
			checkWebhookReply(t, last.Body, tt.broken)
		})
	}
}

// checkWebhookReply checks the reply sent through the webhook: the answer
// with its fact, or a private apology; never a ping.
func checkWebhookReply(t *testing.T, body []byte, apology bool) {
	t.Helper()
	var m struct {
		Content         string                    `json:"content"`
		Flags           discordgo.MessageFlags    `json:"flags"`
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		AllowedMentions *struct {
			Parse *[]string `json:"parse"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("webhook body %s: %v", body, err)
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(*m.AllowedMentions.Parse) != 0 {
		t.Errorf("webhook reply may ping: %s", body)
	}
	switch {
	case apology && (m.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(m.Content, "Sorry")):
		t.Errorf("want a private apology, got %s", body)
	case !apology && (len(m.Embeds) == 0 || len(m.Embeds[0].Fields) == 0 || !strings.Contains(m.Embeds[0].Fields[0].Value, "Washington")):
		t.Errorf("want the answer, got %s", body)
	}
}

func TestHTTPAutocomplete(t *testing.T) {
	env := newHTTPEnv(t, nil)
	for _, tt := range []struct {
		command, option, typed string
	}{
		{cmdAsk, optQuestion, "minis"},
		{cmdFact, optID, "Washington"},
	} {
		i := discordfake.NewAutocompleteInteraction(httpMember(), tt.command, discordfake.Focused(discordfake.StringOpt(tt.option, tt.typed)))
		r := env.send(t, i)
		if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || r.Data == nil || len(r.Data.Choices) == 0 {
			t.Errorf("/%s %s: %q: response = type %d %+v, want choices", tt.command, tt.option, tt.typed, r.Type, r.Data)
		}
	}
	// Too slow for Discord: an answer with no choices (as the gateway
	// adapter sends them: discordgo omits an empty list) rather than none.
	gate := make(chan struct{})
	defer close(gate)
	slow := newHTTPEnv(t, func(o *EndpointOptions, l *gatedLibrary) { o.DeferAfter = 20 * time.Millisecond; l.gate = gate })
	r := slow.send(t, discordfake.NewAutocompleteInteraction(httpMember(), cmdAsk, discordfake.Focused(discordfake.StringOpt(optQuestion, "minis"))))
	if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || r.Data == nil || len(r.Data.Choices) != 0 {
		t.Errorf("slow autocomplete: type %d %+v, want no choices", r.Type, r.Data)
	}
}

// The buttons under an answer carry what they need, so pressed through
// another endpoint (another process, behind the same load balancer) they
// work as through the one that answered: Source, More, and a suggestion.
// Discord sends a button's message with its press.
func TestHTTPButtons(t *testing.T) {
	env, other := newHTTPEnv(t, nil), newHTTPEnv(t, nil)
	answer := env.send(t, httpAsk(httpMember(), "What did the three countries agree to create?"))
	ids, under := answer.buttonIDs(), answer.message(t)
	src := other.send(t, discordfake.NewButtonInteraction(httpMember(), ids["Source"], under))
	if src.Type != discordgo.InteractionResponseChannelMessageWithSource || src.Data == nil ||
		src.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || len(src.Data.Embeds) == 0 ||
		!strings.Contains(src.Data.Embeds[0].Fields[0].Name, "Paragraph") {
		t.Errorf("Source: %+v", src.Data)
	}
	more := other.send(t, discordfake.NewButtonInteraction(httpMember(), ids["More"], under))
	if more.Data == nil || len(more.Data.Embeds) == 0 || !strings.HasPrefix(more.Data.Embeds[0].Fields[0].Name, "4.") ||
		more.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Fatalf("More: %+v, want fact 4 on, privately", more.Data)
	}
	more.pingsNobody(t)
	again := env.send(t, discordfake.NewButtonInteraction(httpMember(), more.buttonIDs()["More"], more.message(t)))
	if again.Data == nil || len(again.Data.Embeds) == 0 || !strings.HasPrefix(again.Data.Embeds[0].Fields[0].Name, "7.") {
		t.Errorf("More under More, back through the first endpoint: %+v", again.Data)
	}
	abstained := env.send(t, httpAsk(httpMember(), "What is the tallest mountain in the world?"))
	var suggestion string
	for _, id := range abstained.buttonIDs() {
		suggestion = id
	}
	if suggestion == "" {
		t.Fatalf("no suggestion buttons: %+v", abstained.Data)
	}
	asked := other.send(t, discordfake.NewButtonInteraction(httpMember(), suggestion, abstained.message(t)))
	if asked.Data == nil || len(asked.Data.Embeds) != 1 || len(asked.Data.Embeds[0].Fields) == 0 {
		t.Errorf("suggestion: %+v", asked.Data)
	}
	// More without the message it is under cannot know its question.
	lost := other.send(t, discordfake.NewButtonInteraction(httpMember(), ids["More"], nil))
	if lost.Data == nil || !strings.Contains(lost.Data.Content, "recognise that button") {
		t.Errorf("More without its message: %+v", lost.Data)
	}
}

// message is the reply as the message Discord shows, and sends back with
// the press of a button under it.
func (r httpResponse) message(tb testing.TB) *discordgo.Message {
	tb.Helper()
	raw, err := json.Marshal(r.Data)
	if err != nil {
		tb.Fatal(err)
	}
	m := &discordgo.Message{}
	if err := json.Unmarshal(raw, m); err != nil {
		tb.Fatalf("reply %s as a message: %v", raw, err)
	}
	m.ID, m.ChannelID = strconv.FormatInt(5000000000000000000+interactionIDs.Add(1), 10), httpChan
	return m
}

// Requests not signed with the application's key, or signed too long
// ago, are refused with 401 before the handlers see them.
func TestHTTPSignatureRefused(t *testing.T) {
	env := newHTTPEnv(t, nil)
	other := newSigner(t)
	i := httpAsk(httpMember(), "Where did the foreign ministers meet?")
	fill(i)
	body, _ := json.Marshal(i)
	now := strconv.FormatInt(env.now.Unix(), 10)
	at := func(d time.Duration) string { return strconv.FormatInt(env.now.Add(d).Unix(), 10) }
	good := env.sig.signature(now, body)
	tests := []struct {
		name    string
		sig, ts string
		body    []byte
	}{
		{"no headers", "", "", body},
		{"no signature", "", now, body},
		{"no timestamp", good, "", body},
		{"signature not hex", strings.Repeat("zz", ed25519.SignatureSize), now, body},
		{"signature too short", good[:len(good)-2], now, body},
		{"signature too long", good + "00", now, body},
		{"signature of another body", env.sig.signature(now, []byte(`{"type":1}`)), now, body},
		{"body changed", good, now, append(slices.Clone(body), ' ')},
		{"wrong key", other.signature(now, body), now, body},
		{"timestamp changed", good, at(time.Second), body},
		{"stale timestamp", env.sig.signature(at(-6*time.Minute), body), at(-6 * time.Minute), body},
		{"future timestamp", env.sig.signature(at(6*time.Minute), body), at(6 * time.Minute), body},
		{"timestamp not a number", env.sig.signature("soon", body), "soon", body},
		{"timestamp overflows", env.sig.signature("-9223372036854775808", body), "-9223372036854775808", body},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.sig != "" {
				h.Set(headerSignature, tt.sig)
			}
			if tt.ts != "" {
				h.Set(headerTimestamp, tt.ts)
			}
			if status, out := env.post(t, tt.body, h); status != http.StatusUnauthorized {
				t.Errorf("status %d (%s), want 401", status, out)
			}
		})
	}
	if n := env.lib.calls.Load(); n != 0 {
		t.Errorf("the handlers ran %d times for refused requests", n)
	}
	if !strings.Contains(env.log.String(), "level=DEBUG msg=\"interaction request refused\" status=401") {
		t.Errorf("refusals not logged at debug:\n%s", env.log.String())
	}
	// Within the five minutes, either way, it is accepted.
	for _, d := range []time.Duration{-4 * time.Minute, 4 * time.Minute} {
		h := http.Header{headerSignature: {env.sig.signature(at(d), body)}, headerTimestamp: {at(d)}}
		if status, out := env.post(t, body, h); status != http.StatusOK {
			t.Errorf("timestamp %s off: status %d (%s)", d, status, out)
		}
	}
}

// A body over MaxBody is refused with 413, signed or not, unread beyond
// the bound.
func TestHTTPOversizedBody(t *testing.T) {
	env := newHTTPEnv(t, nil)
	big := append([]byte(`{"type":1,"pad":"`), bytes.Repeat([]byte("x"), DefaultMaxBody)...)
	big = append(big, `"}`...)
	if status, _ := env.post(t, big, env.signed(big)); status != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", status)
	}
	small := newHTTPEnv(t, func(o *EndpointOptions, _ *gatedLibrary) { o.MaxBody = 64 })
	ping := []byte(`{"type":1}`)
	if status, out := small.post(t, ping, small.signed(ping)); status != http.StatusOK {
		t.Errorf("a body under the bound: %d %s", status, out)
	}
	if n := env.lib.calls.Load() + small.lib.calls.Load(); n != 0 {
		t.Errorf("handlers ran %d times", n)
	}
}

// Malformed interactions, signed: what is not an interaction is a 400;
// an interaction the bot cannot make sense of gets a polite private
// reply, as over the gateway; never a 5xx.
func TestHTTPMalformed(t *testing.T) {
	env := newHTTPEnv(t, nil)
	noUser := httpAsk(discordfake.Origin{GuildID: httpGuild, ChannelID: httpChan}, "Where?")
	noUser.Member, noUser.User = nil, nil
	marshal := func(i *discordgo.Interaction) string {
		fill(i)
		b, _ := json.Marshal(i)
		return string(b)
	}
	tests := []struct {
		name, body string
		polite     string // "": want 400; else the reply must say it
	}{
		{"not JSON", "hello", ""},
		{"empty", "", ""},
		{"a list", "[1,2]", ""},
		{"type not a number", `{"type":"two"}`, ""},
		{"no type", `{"id":"1"}`, ""},
		{"unknown type", `{"id":"1","type":99}`, ""},
		{"command without data", `{"id":"1","type":2}`, ""},
		{"data of the wrong type", `{"id":"1","type":2,"data":"ask"}`, ""},
		{"member of the wrong type", `{"id":"1","type":2,"member":[],"data":{"name":"ask"}}`, ""},
		{"options of the wrong type", `{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"ask","options":{}}}`, ""},
		{"unknown command", marshal(discordfake.NewSlashInteraction(httpMember(), "frobnicate")), "know that command"},
		{"ask without question", marshal(discordfake.NewSlashInteraction(httpMember(), cmdAsk)), "give a question"},
		{"no user", marshal(noUser), "no user"},
		{"null data", `{"id":"1","type":2,"user":{"id":"3"},"data":null}`, "know that command"},
		{"unknown button", marshal(discordfake.NewButtonInteraction(httpMember(), "zap:1", nil)), "recognise that button"},
		{"modal submit", marshal(discordfake.NewModalSubmitInteraction(httpMember(), "form", discordfake.TextField{CustomID: "x", Value: "y"})), "not supported"},
		{"option without value", `{"id":"1","type":2,"user":{"id":"3"},"data":{"name":"ask","options":[{"name":"question","type":3}]}}`, "no value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := []byte(tt.body)
			status, out := env.post(t, body, env.signed(body))
			if tt.polite == "" {
				if status != http.StatusBadRequest {
					t.Errorf("status %d (%s), want 400", status, out)
				}
				return
			}
			if status != http.StatusOK {
				t.Fatalf("status %d (%s), want a polite reply", status, out)
			}
			r := decodeResponse(t, out)
			if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Data == nil ||
				r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Data.Content, tt.polite) {
				t.Errorf("reply %s, want a private note saying %q", out, tt.polite)
			}
		})
	}
}

// A Spanish-speaking member's locale and question.
const (
	spanishLocale   = "es-419"
	spanishQuestion = "¿Dónde se reunieron los cancilleres?"
)

// A member whose Discord is in Latin American Spanish gets the Spanish
// reply, as over the gateway.
func TestHTTPSpanish(t *testing.T) {
	env := newHTTPEnv(t, nil)
	o := httpMember()
	o.Locale = spanishLocale
	r := env.send(t, httpAsk(o, spanishQuestion))
	if r.Data == nil || len(r.Data.Embeds) == 0 || r.Data.Embeds[0].Title != "P: "+spanishQuestion {
		t.Fatalf("reply %+v, want the Spanish frame", r.Data)
	}
	if first := r.firstField(t); !strings.Contains(first, "Washington") || !strings.Contains(first, "párrafo 1") {
		t.Errorf("first fact = %s", first)
	}
	ids := r.buttonIDs()
	if ids["Fuente"] == "" || ids["Más"] == "" {
		t.Fatalf("buttons = %v, want Fuente and Más", ids)
	}
	// "Más", pressed through another endpoint: the question is read back
	// from the Spanish title, and the next facts come in Spanish.
	more := newHTTPEnv(t, nil).send(t, discordfake.NewButtonInteraction(o, ids["Más"], r.message(t)))
	if more.Data == nil || len(more.Data.Embeds) != 1 || more.Data.Embeds[0].Title != "P: "+spanishQuestion ||
		!strings.HasPrefix(more.Data.Embeds[0].Fields[0].Name, "4. Trilateral migration 2024-02-28") ||
		!strings.Contains(more.Data.Embeds[0].Fields[0].Value, "\n— párrafo ") || more.Data.Embeds[0].Footer == nil ||
		!strings.HasPrefix(more.Data.Embeds[0].Footer.Text, "Confianza") || more.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("Más: %+v", more.Data)
	}
	refused := env.send(t, discordfake.NewSlashInteraction(o, cmdAsk))
	_, localized := bot.CatalogueText("error.no_question")
	if want := localized[spanishLocale]; refused.Data == nil || refused.Data.Content != want {
		t.Errorf("a refusal in Spanish: %+v", refused.Data)
	}
}

// /healthz answers while the process is up; /readyz only while Serve is
// taking interactions. Other methods and paths are refused.
func TestHTTPHealthAndServe(t *testing.T) {
	env := newHTTPEnv(t, nil)
	get := func(h http.Handler, method, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code
	}
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", HealthPath, 200},
		{"HEAD", HealthPath, 200},
		{"GET", ReadyPath, 503}, // not serving yet
		{"GET", InteractionsPath, 405},
		{"POST", "/", 404},
	} {
		if got := get(env.e, tt.method, tt.path); got != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, got, tt.want)
		}
	}

	addr, cancel, served := serveLoopback(t, env.e)
	base := "http://" + addr
	for _, path := range []string{HealthPath, ReadyPath} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("serving: GET %s: %d", path, resp.StatusCode)
		}
	}
	cancel()
	waitServed(t, served)
	if get(env.e, "GET", ReadyPath) != 503 {
		t.Error("ready after shutdown")
	}
}

// At shutdown Serve stops taking interactions once its listener is
// closed, but finishes the replies it deferred before returning.
func TestHTTPShutdownFinishesDeferredReplies(t *testing.T) {
	gate := make(chan struct{})
	env := newHTTPEnv(t, func(o *EndpointOptions, l *gatedLibrary) { o.DeferAfter = 20 * time.Millisecond; l.gate = gate })
	addr, cancel, served := serveLoopback(t, env.e)
	defer cancel()

	i := httpAsk(httpMember(), "Where did the foreign ministers meet?")
	fill(i)
	body, _ := json.Marshal(i)
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+InteractionsPath, bytes.NewReader(body))
	req.Header = env.signed(body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if r := decodeResponse(t, out); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("response %s, want a deferral", out)
	}

	cancel()
	env.awaitLog(t, "waiting for the deferred replies")
	select {
	case <-served:
		t.Fatal("Serve returned with a reply still to send")
	default:
	}
	// Meanwhile new interactions are told the bot is restarting, and the
	// refusal is logged with the user.
	late := httpAsk(httpMember(), "Where?")
	if r := env.send(t, late); r.Data == nil || !strings.Contains(r.Data.Content, "restart") {
		t.Errorf("interaction during shutdown: %+v", r.Data)
	}
	if !strings.Contains(env.log.String(), "msg=\"request refused\" id="+late.ID+" user="+httpUser) {
		t.Errorf("the refusal is not logged with the user:\n%s", env.log.String())
	}
	close(gate)
	if c := env.hook.next(t); c.Method != http.MethodPatch {
		t.Errorf("webhook call %s %s, want the PATCH", c.Method, c.Path)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(httpWait):
		t.Fatal("Serve did not return after the reply was sent")
	}
}

// serveLoopback runs e.Serve on a free loopback port until cancel is
// called; served receives what Serve returned.
func serveLoopback(t *testing.T, e *Endpoint) (addr string, cancel context.CancelFunc, served <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx, ln) }()
	return ln.Addr().String(), cancel, done
}

// waitServed waits for Serve, once stopped, to return, and checks that it
// returned no error.
func waitServed(t *testing.T, served <-chan error) {
	t.Helper()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(httpWait):
		t.Fatal("Serve did not return")
	}
}

func TestNewEndpointNeedsAKey(t *testing.T) {
	lib, err := articleLibrary()
	if err != nil {
		t.Fatal(err)
	}
	h := bot.NewHandlers(lib, bot.HandlerOptions{}, Download, slog.Default())
	for _, key := range []ed25519.PublicKey{nil, make(ed25519.PublicKey, 31)} {
		if _, err := NewEndpoint(EndpointOptions{PublicKey: key}, h); err == nil {
			t.Errorf("NewEndpoint accepted a %d-byte key", len(key))
		}
	}
}

// FuzzVerifySignature: any headers and body are verified without a
// panic; only Discord's signature of exactly that timestamp and body,
// with the timestamp within five minutes, passes.
func FuzzVerifySignature(f *testing.F) {
	s := newSigner(f)
	now := time.Unix(1_750_000_000, 0)
	f.Add("1750000000", []byte(`{"type":1}`), "", false)
	f.Add("1750000000", []byte(`{"type":1}`), strings.Repeat("ab", 64), true)
	f.Add("-9223372036854775808", []byte{}, strings.Repeat("0", 128), false)
	f.Add("9223372036854775807", []byte("x"), "zz", true)
	f.Add("+1750000100", []byte("x"), "", false)
	f.Fuzz(func(t *testing.T, ts string, body []byte, sig string, tamper bool) {
		if err := verifySignature(s.pub, sig, ts, body, now, DefaultMaxSkew); err == nil {
			if raw, _ := hex.DecodeString(sig); !ed25519.Verify(s.pub, append([]byte(ts), body...), raw) {
				t.Fatalf("accepted a signature that does not verify: %q %q %q", ts, body, sig)
			}
		}
		genuine := s.signature(ts, body)
		secs, perr := strconv.ParseInt(ts, 10, 64)
		fresh := perr == nil && secs >= now.Unix()-300 && secs <= now.Unix()+300
		if err := verifySignature(s.pub, genuine, ts, body, now, DefaultMaxSkew); (err == nil) != fresh {
			t.Fatalf("genuine signature, timestamp %q (fresh %v): %v", ts, fresh, err)
		}
		if tamper {
			if err := verifySignature(s.pub, genuine, ts, append(slices.Clone(body), 0), now, DefaultMaxSkew); err == nil {
				t.Fatal("accepted a tampered body")
			}
		}
	})
}

// FuzzEndpoint: any body, signed or not, gets 400, 401, 413 or a valid
// interaction response; never a 5xx or a panic.
func FuzzEndpoint(f *testing.F) {
	env := newHTTPEnv(f, func(o *EndpointOptions, _ *gatedLibrary) { o.MaxBody = 8 << 10 })
	seeds := []string{
		`{"type":1}`, `{"type":2}`, `{"type":2,"data":null,"user":{"id":"1"}}`, `{"type":99}`, `null`, `{}`, `[]`, `"x"`,
		`{"type":3,"user":{"id":"1"},"data":{"custom_id":"more:x:1","component_type":2}}`,
		`{"type":3,"user":{"id":"1"},"data":{"custom_id":"more:3:1754b29a","component_type":2},"message":{"id":"8","embeds":[{"title":"Q: Who met?"}]}}`,
		`{"type":3,"user":{"id":"1"},"data":{"custom_id":"more:3:00000000","component_type":2},"message":{"id":"8","embeds":[null,{"title":"P: x…"}]}}`,
		`{"type":4,"member":{"user":{"id":"1"},"permissions":"8"},"data":{"name":"ask","options":[{"name":"question","type":3,"value":"wh","focused":true}]}}`,
		`{"type":2,"user":{"id":"1"},"data":{"name":"Ask agreementbot","type":3,"target_id":"9","resolved":{"messages":{"9":{"id":"9","content":"Who met?","components":[{"type":1,"components":[{"type":2}]}]}}}}}`,
		`{"type":2,"user":{"id":"1"},"data":{"name":"reload","options":[{"name":"file","type":11,"value":"7"}],"resolved":{"attachments":{}}}}`,
	}
	for _, i := range []*discordgo.Interaction{
		httpAsk(httpMember(), "Where did the foreign ministers meet?"),
		discordfake.NewButtonInteraction(httpMember(), "src:abc", nil),
		discordfake.NewButtonInteraction(httpMember(), "src:fd2ac79a804e", nil),
		discordfake.NewButtonInteraction(httpMember(), "sug:the meeting in Washington", nil),
	} {
		fill(i)
		b, _ := json.Marshal(i)
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, sign bool) {
		h := http.Header{headerSignature: {strings.Repeat("00", 64)}, headerTimestamp: {strconv.FormatInt(env.now.Unix(), 10)}}
		if sign {
			h = env.signed(body)
		}
		status, out := env.post(t, body, h)
		switch {
		case !sign && status != http.StatusUnauthorized && status != http.StatusRequestEntityTooLarge:
			t.Fatalf("unsigned body: status %d", status)
		case status == http.StatusOK:
			var r struct {
				Type discordgo.InteractionResponseType `json:"type"`
			}
			if err := json.Unmarshal(out, &r); err != nil || !slices.Contains([]discordgo.InteractionResponseType{1, 4, 5, 8}, r.Type) {
				t.Fatalf("200 with %s", out)
			}
		case status != http.StatusBadRequest && status != http.StatusUnauthorized && status != http.StatusRequestEntityTooLarge:
			t.Fatalf("status %d for %q: %s", status, body, out)
		}
	})
}

// EndpointOptions.Metrics is served at GET /metrics; without it there is
// no /metrics.
func TestHTTPMetrics(t *testing.T) {
	get := func(e *Endpoint) (int, string) {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, MetricsPath, nil))
		return rec.Code, rec.Body.String()
	}
	if code, _ := get(newHTTPEnv(t, nil).e); code != http.StatusNotFound {
		t.Errorf("GET /metrics without metrics: %d, want 404", code)
	}
	env := newHTTPEnv(t, func(o *EndpointOptions, _ *gatedLibrary) {
		o.Metrics = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "test_metric 1\n") })
	})
	if code, body := get(env.e); code != http.StatusOK || body != "test_metric 1\n" {
		t.Errorf("GET /metrics: %d %q, want the handler given", code, body)
	}
}

// faultyHook makes env's webhooks answer the first n requests with
// status (forever when n < 0) and records when each request came.
type faultyHook struct {
	mu    sync.Mutex
	times []time.Time
}

func (h *faultyHook) at() []time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.times)
}

func (env *httpEnv) faulty(n int64, status int, header http.Header, body string) *faultyHook {
	h := &faultyHook{}
	fault := func(k int64, w http.ResponseWriter) bool {
		h.mu.Lock()
		h.times = append(h.times, time.Now())
		h.mu.Unlock()
		if n >= 0 && k > n {
			return false
		}
		for key, v := range header {
			w.Header()[key] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
		return true
	}
	env.hook.fault.Store(&fault)
	return h
}

// deferAsk sends an ask that is deferred, then lets its reply through.
func (env *httpEnv) deferAsk(t *testing.T, gate chan struct{}) *discordgo.Interaction {
	t.Helper()
	i := httpAsk(httpMember(), "Where did the foreign ministers meet?")
	if r := env.send(t, i); r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("response type %d, want a deferral", r.Type)
	}
	close(gate)
	return i
}

// gatedEnv is an endpoint whose handlers wait for the gate.
func gatedEnv(t *testing.T) (*httpEnv, chan struct{}) {
	gate := make(chan struct{})
	env := newHTTPEnv(t, func(o *EndpointOptions, l *gatedLibrary) { o.DeferAfter = 20 * time.Millisecond; l.gate = gate })
	return env, gate
}

// finished fails the test unless the endpoint's deferred replies are all
// done within a second.
func (env *httpEnv) finished(t *testing.T) {
	t.Helper()
	env.e.work.stop()
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if !env.e.work.wait(ctx) {
		t.Fatal("the follow-up is still running")
	}
}

// A 429 on the follow-up is waited out (retry_after, from the body) and
// the reply sent again.
func TestHTTPFollowUpRateLimited(t *testing.T) {
	env, gate := gatedEnv(t)
	h := env.faulty(1, http.StatusTooManyRequests, http.Header{"Retry-After": {"1"}},
		`{"retry_after": 0.2, "global": false, "message": "You are being rate limited."}`)
	env.deferAsk(t, gate)
	if c := env.hook.next(t); c.Method != http.MethodPatch {
		t.Fatalf("first call %s %s, want the PATCH", c.Method, c.Path)
	}
	c := env.hook.next(t)
	if c.Method != http.MethodPatch {
		t.Fatalf("second call %s %s, want the PATCH again", c.Method, c.Path)
	}
	checkWebhookReply(t, c.Body, false)
	env.finished(t)
	times := h.at()
	if len(times) != 2 {
		t.Fatalf("%d calls, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < 180*time.Millisecond {
		t.Errorf("retried after %v, want the retry_after (200ms)", gap)
	}
	if strings.Contains(env.log.String(), "sending to Discord failed") {
		t.Errorf("a failure was logged:\n%s", env.log.String())
	}
}

// A few 5xx answers to the follow-up are retried, with a backoff, until
// the reply goes through.
func TestHTTPFollowUpServerErrors(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			env, gate := gatedEnv(t)
			h := env.faulty(2, status, nil, `{"message": "oops", "code": 0}`)
			env.deferAsk(t, gate)
			var last webhookCall
			for range 3 {
				if last = env.hook.next(t); last.Method != http.MethodPatch {
					t.Fatalf("call %s %s, want the PATCH", last.Method, last.Path)
				}
			}
			checkWebhookReply(t, last.Body, false)
			env.finished(t)
			times := h.at()
			if len(times) != 3 {
				t.Fatalf("%d calls, want 3", len(times))
			}
			for k := 1; k < len(times); k++ {
				if gap := times[k].Sub(times[k-1]); gap < 80*time.Millisecond {
					t.Errorf("attempt %d came %v after the one before, want a backoff", k+1, gap)
				}
			}
			if strings.Contains(env.log.String(), "sending to Discord failed") {
				t.Errorf("a failure was logged:\n%s", env.log.String())
			}
		})
	}
}

// A follow-up answered 5xx every time is given up after webhookAttempts,
// with one log line naming the interaction (not its token), and nothing
// left running.
func TestHTTPFollowUpGivesUp(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			env, gate := gatedEnv(t)
			before := runtime.NumGoroutine()
			h := env.faulty(-1, status, nil, `{"message": "oops", "code": 0}`)
			i := env.deferAsk(t, gate)
			env.finished(t)
			if n := len(h.at()); n != webhookAttempts || n < 3 {
				t.Errorf("%d attempts, want %d", n, webhookAttempts)
			}
			log := env.log.String()
			var failures []string
			for line := range strings.Lines(log) {
				if strings.Contains(line, "sending to Discord failed") {
					failures = append(failures, line)
				}
			}
			if len(failures) != 1 || !strings.Contains(failures[0], "id="+i.ID) {
				t.Errorf("want one failure naming %s, got %q", i.ID, failures)
			}
			if strings.Contains(log, i.Token) {
				t.Errorf("the token was logged:\n%s", log)
			}
			// Idle keep-alive connections may hold a few goroutines.
			if n := settledGoroutines(before + 4); n > before+4 {
				t.Errorf("%d goroutines, %d before", n, before)
			}
		})
	}
}
