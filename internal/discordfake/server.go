package discordfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Default values used for zero fields of [Options].
const (
	DefaultToken             = "test-token"
	DefaultBotUserID         = "1100000000000000001"
	DefaultBotUsername       = "fakebot"
	DefaultHeartbeatInterval = 41250 * time.Millisecond
)

// maxConns caps the connections of [Server.Transport] per host.
const maxConns = 16

// ErrNoSession is returned by the Dispatch methods when no client has
// completed IDENTIFY (or every session was closed or invalidated).
var ErrNoSession = errors.New("discordfake: no gateway session (has the bot connected?)")

// Options configures a [Server]. The zero value is usable.
type Options struct {
	// Token is the bot token without the "Bot " prefix. REST requests must
	// carry "Authorization: Bot <Token>" and IDENTIFY/RESUME must carry
	// the token (with or without the prefix). Default [DefaultToken].
	Token string
	// BotUserID is the bot's user ID. Default [DefaultBotUserID].
	BotUserID string
	// BotUsername is the bot's username. Default [DefaultBotUsername].
	BotUsername string
	// ApplicationID is the application ID. Default BotUserID.
	ApplicationID string
	// HeartbeatInterval is sent in HELLO. Default
	// [DefaultHeartbeatInterval]; tests typically use ~500ms.
	HeartbeatInterval time.Duration
	// Guilds are listed as unavailable in READY and then sent as
	// GUILD_CREATE events after every IDENTIFY, each to the session of
	// its shard (see [GuildShard]).
	Guilds []*discordgo.Guild
	// Shards is the number of shards GET gateway/bot recommends. Default
	// 1. The gateway honours whatever shard array IDENTIFY sends,
	// whatever this says.
	Shards int
	// MaxConcurrency is the session_start_limit.max_concurrency of GET
	// gateway/bot: how many shards may identify at once. Default 1. The
	// fake records when each shard identified ([Server.Identified]) but
	// does not enforce it.
	MaxConcurrency int
	// ClientSecret is the application's OAuth2 client secret, which POST
	// oauth2/token requires with ApplicationID as the client id. Default
	// [DefaultClientSecret]. Users log in with [Server.SetOAuthUser] and
	// [Server.LoginCookie].
	ClientSecret string
	// Logger receives debug logs. Nil means silent.
	Logger *slog.Logger
}

// File is a file uploaded by the bot in a multipart request.
type File struct {
	// Field is the multipart field name, e.g. "files[0]".
	Field string
	// Name is the file name.
	Name string
	// ContentType is the part's Content-Type.
	ContentType string
	// Data is the file content.
	Data []byte
	// URL is where the fake serves the file.
	URL string
}

// Request is one HTTP request received by the fake.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the URL path as received, e.g. "/api/v9/channels/1/messages".
	Path string
	// Route is the matched route, e.g. "POST /channels/{channel}/messages"
	// (API version prefix removed), or "" if no route matched.
	Route string
	// Query holds the query parameters.
	Query url.Values
	// Header holds the request headers.
	Header http.Header
	// Body is the JSON body, or the payload_json part of a multipart
	// body; nil if there was none.
	Body json.RawMessage
	// Form is an application/x-www-form-urlencoded body (OAuth2's token
	// requests), parsed.
	Form url.Values
	// Files are the files of a multipart body.
	Files []File
	// Status is the HTTP status the fake answered with.
	Status int
	// Response is the JSON response body, if any.
	Response json.RawMessage
}

// InteractionCallback is an accepted POST interactions/{id}/{token}/callback.
type InteractionCallback struct {
	// InteractionID is the interaction's ID.
	InteractionID string
	// Token is the interaction token.
	Token string
	// Response is the decoded response, components included.
	Response discordgo.InteractionResponse
	// Files are files attached to the response.
	Files []File
	// Body is the raw JSON payload.
	Body json.RawMessage
}

// MessageKind says which route produced a [SentMessage].
type MessageKind string

// Message kinds.
const (
	// KindChannelMessage is POST channels/{id}/messages.
	KindChannelMessage MessageKind = "channel_message"
	// KindChannelEdit is PATCH channels/{id}/messages/{id}.
	KindChannelEdit MessageKind = "channel_edit"
	// KindInteractionMessage is an interaction callback of type 4
	// (ChannelMessageWithSource).
	KindInteractionMessage MessageKind = "interaction_message"
	// KindInteractionUpdate is an interaction callback of type 7
	// (UpdateMessage).
	KindInteractionUpdate MessageKind = "interaction_update"
	// KindOriginalEdit is PATCH webhooks/{app}/{token}/messages/@original.
	KindOriginalEdit MessageKind = "original_edit"
	// KindFollowup is POST webhooks/{app}/{token}. After a deferred (type
	// 5) response whose loading message was not yet edited, Discord (and
	// the fake) edit the loading message instead of creating a new one;
	// Message.ID is then the original's ID.
	KindFollowup MessageKind = "followup"
	// KindFollowupEdit is PATCH webhooks/{app}/{token}/messages/{id}.
	KindFollowupEdit MessageKind = "followup_edit"
)

// SentMessage is a message the bot created or edited.
type SentMessage struct {
	// Kind identifies the route.
	Kind MessageKind
	// ChannelID is the channel the message is in.
	ChannelID string
	// InteractionID is set for interaction responses, follow-ups and
	// their edits.
	InteractionID string
	// Message is the full message after the operation (treat as
	// read-only).
	Message *discordgo.Message
	// Files are files uploaded with the request.
	Files []File
	// Body is the raw JSON payload.
	Body json.RawMessage
}

// GatewayPayload is a non-heartbeat payload a client sent on the gateway.
type GatewayPayload struct {
	// Op is the gateway opcode.
	Op int
	// Data is the raw "d" field.
	Data json.RawMessage
}

// interactionState tracks one dispatched interaction.
type interactionState struct {
	id, token  string
	typ        discordgo.InteractionType
	channelID  string
	source     *discordgo.Message // message a component interaction came from
	acked      bool
	originalID string          // ID of the @original message, if any
	loading    bool            // @original is a deferred "thinking" message
	followups  map[string]bool // IDs of follow-up messages
}

// hostedFile is a file served under /attachments/.
type hostedFile struct {
	contentType string
	data        []byte
}

// Server is a fake Discord REST API and gateway. Create it with [New];
// all methods are safe for concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	ts       *httptest.Server
	wsURL    string
	ids      snowflakes
	upgrader websocket.Upgrader
	routes   []*route
	wsWG     sync.WaitGroup
	botUser  *discordgo.User
	// transport carries requests from sessions configured with Configure.
	transport *http.Transport

	mu           sync.Mutex
	changed      chan struct{}
	closed       bool
	requests     []Request
	callbacks    []InteractionCallback
	callbackIdx  map[string]int           // interaction ID -> index in callbacks
	answered     map[string]chan struct{} // closed when an interaction is answered
	sent         []SentMessage
	interactions map[string]*interactionState // by ID
	byToken      map[string]*interactionState
	messages     map[string]*discordgo.Message
	commands     map[string][]*discordgo.ApplicationCommand // by guild ID, "" = global
	channels     map[string]*discordgo.Channel
	dmByUser     map[string]string
	users        map[string]*discordgo.User
	members      map[string]*discordgo.Member // guildID + "/" + userID
	files        map[string]hostedFile        // by URL path
	sessions     map[string]*gwSession
	conns        map[*gwConn]struct{}
	identifies   int
	identified   []Identify
	deliveries   []Delivery
	resumes      int
	oauthUsers   map[string]*OAuthUser // by user ID
	grants       map[string]grant      // authorization codes not yet exchanged
	tokens       map[string]oauthToken // by access token
	refresh      map[string]oauthToken // by refresh token
	heartbeats   int
	payloads     []GatewayPayload
}

// New starts a fake Discord server on a loopback port.
func New(opts Options) *Server {
	opts.Token = strings.TrimPrefix(opts.Token, "Bot ")
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUserID == "" {
		opts.BotUserID = DefaultBotUserID
	}
	if opts.BotUsername == "" {
		opts.BotUsername = DefaultBotUsername
	}
	if opts.ApplicationID == "" {
		opts.ApplicationID = opts.BotUserID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = DefaultHeartbeatInterval
	}
	opts.Shards = max(opts.Shards, 1)
	opts.MaxConcurrency = max(opts.MaxConcurrency, 1)
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	f := &Server{
		opts: opts,
		log:  logger,
		upgrader: websocket.Upgrader{
			CheckOrigin: func(*http.Request) bool { return true },
		},
		botUser: &discordgo.User{
			ID:            opts.BotUserID,
			Username:      opts.BotUsername,
			Discriminator: "0",
			Bot:           true,
			Verified:      true,
		},
		changed:      make(chan struct{}),
		interactions: make(map[string]*interactionState),
		callbackIdx:  make(map[string]int),
		answered:     make(map[string]chan struct{}),
		byToken:      make(map[string]*interactionState),
		messages:     make(map[string]*discordgo.Message),
		commands:     make(map[string][]*discordgo.ApplicationCommand),
		channels:     make(map[string]*discordgo.Channel),
		dmByUser:     make(map[string]string),
		users:        make(map[string]*discordgo.User),
		members:      make(map[string]*discordgo.Member),
		files:        make(map[string]hostedFile),
		sessions:     make(map[string]*gwSession),
		conns:        make(map[*gwConn]struct{}),
		oauthUsers:   make(map[string]*OAuthUser),
		grants:       make(map[string]grant),
		tokens:       make(map[string]oauthToken),
		refresh:      make(map[string]oauthToken),
	}
	f.users[f.botUser.ID] = f.botUser
	f.routes = f.buildRoutes()
	// A bounded, reused connection pool: Discord serves REST over one
	// HTTP/2 connection, and bursts of hundreds of fresh loopback dials
	// (e.g. 200 concurrent interaction callbacks) can stall for seconds
	// in the kernel's accept queue.
	f.transport = &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxConns,
		MaxIdleConnsPerHost: maxConns,
		MaxConnsPerHost:     maxConns,
		IdleConnTimeout:     90 * time.Second,
	}
	f.ts = httptest.NewServer(f)
	f.wsURL = "ws" + strings.TrimPrefix(f.ts.URL, "http") + wsPath
	return f
}

// Close closes all gateway connections and shuts the server down. Close
// discordgo sessions first, or they will keep trying to reconnect.
func (f *Server) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	conns := make([]*gwConn, 0, len(f.conns))
	for c := range f.conns {
		conns = append(conns, c)
	}
	f.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
	f.wsWG.Wait()
	f.transport.CloseIdleConnections()
	f.ts.Close()
}

// URL returns the server's root URL, e.g. "http://127.0.0.1:1234"; it plays
// the role of discordgo.EndpointDiscord (without the trailing slash).
func (f *Server) URL() string { return f.ts.URL }

// APIURL returns the REST base corresponding to discordgo.EndpointAPI,
// e.g. "http://127.0.0.1:1234/api/v9/".
func (f *Server) APIURL() string { return f.ts.URL + "/api/v" + discordgo.APIVersion + "/" }

// GatewayURL returns the gateway WebSocket URL (ws://...), as also
// returned by GET gateway and gateway/bot and in READY's
// resume_gateway_url.
func (f *Server) GatewayURL() string { return f.wsURL }

// Options returns the effective options (defaults filled in).
func (f *Server) Options() Options { return f.opts }

// BotUser returns the bot's user object.
func (f *Server) BotUser() *discordgo.User {
	u := *f.botUser
	return &u
}

// Transport returns an http.RoundTripper that sends requests for Discord
// hosts (discord.com, discordapp.com, *.discordapp.net and their
// subdomains) to the fake, keeping path and query, and passes any other
// request through unchanged. It uses at most 16 connections per host,
// reused across requests.
func (f *Server) Transport() http.RoundTripper {
	target, _ := url.Parse(f.ts.URL)
	return &rewriteTransport{target: target, base: f.transport}
}

// HTTPClient returns an *http.Client using [Server.Transport].
func (f *Server) HTTPClient() *http.Client {
	return &http.Client{Transport: f.Transport(), Timeout: 20 * time.Second}
}

// Configure points s at the fake: it replaces s.Client with
// [Server.HTTPClient] and s.Dialer with a proxy-less dialer. The gateway
// URL is then discovered by Session.Open through GET gateway. Call it
// before s.Open.
func (f *Server) Configure(s *discordgo.Session) {
	s.Client = f.HTTPClient()
	s.Dialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
}

// NewSession returns an unopened discordgo session authenticated with
// the fake's token and configured with [Server.Configure].
func (f *Server) NewSession() (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + f.opts.Token)
	if err != nil {
		return nil, err
	}
	f.Configure(s)
	return s, nil
}

// rewriteTransport redirects Discord hosts to the fake.
type rewriteTransport struct {
	target *url.URL
	base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !isDiscordHost(r.URL.Hostname()) {
		return t.base.RoundTrip(r)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.target.Scheme
	r2.URL.Host = t.target.Host
	r2.Host = ""
	return t.base.RoundTrip(r2)
}

// isDiscordHost reports whether host belongs to Discord.
func isDiscordHost(host string) bool {
	host = strings.ToLower(host)
	for _, d := range []string{"discord.com", "discordapp.com", "discordapp.net", "discord.gg"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// notify wakes all waiters. f.mu must be held.
func (f *Server) notify() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// WaitFor blocks until cond returns true or ctx is done. cond is evaluated
// without internal locks held (it may call other methods) once initially
// and again after every state change of the fake (request, gateway event,
// connection change).
func (f *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		f.mu.Lock()
		ch := f.changed
		f.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("discordfake: wait: %w", context.Cause(ctx))
		case <-ch:
		}
	}
}

// waitLocked is WaitFor with cond evaluated with f.mu held, so that it
// can read the fake's state; what names the wait in its error.
func (f *Server) waitLocked(ctx context.Context, what string, cond func() bool) error {
	err := f.WaitFor(ctx, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return cond()
	})
	if err != nil {
		return fmt.Errorf("discordfake: waiting for %s: %w", what, context.Cause(ctx))
	}
	return nil
}

// waitFirst waits until an item recorded (past or future) satisfies
// pred, and returns the first such: recorded returns the items, and is
// called with f.mu held. what names the wait in its error.
func waitFirst[T any](ctx context.Context, f *Server, what string, recorded func() []T, pred func(T) bool) (T, error) {
	var found T
	err := f.waitLocked(ctx, what, func() bool {
		for _, item := range recorded() {
			if pred(item) {
				found = item
				return true
			}
		}
		return false
	})
	return found, err
}

// Requests returns every HTTP request received so far, in order.
func (f *Server) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// UnknownRequests returns the requests that matched no route (answered 404).
func (f *Server) UnknownRequests() []Request {
	return f.filterRequests(func(r Request) bool { return r.Route == "" })
}

// FailedRequests returns the requests answered with a status >= 400,
// including unknown routes, authentication failures and rejected
// interaction callbacks.
func (f *Server) FailedRequests() []Request {
	return f.filterRequests(func(r Request) bool { return r.Status >= 400 })
}

// filterRequests returns the recorded requests matching keep.
func (f *Server) filterRequests(keep func(Request) bool) []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.requests {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// WaitRequest waits until a recorded request (past or future) satisfies
// pred and returns the first such request.
func (f *Server) WaitRequest(ctx context.Context, pred func(Request) bool) (Request, error) {
	return waitFirst(ctx, f, "request", func() []Request { return f.requests }, pred)
}

// InteractionResponses returns every accepted interaction callback, in order.
func (f *Server) InteractionResponses() []InteractionCallback {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]InteractionCallback(nil), f.callbacks...)
}

// InteractionResponse returns the callback accepted for the interaction
// with the given ID, if any.
func (f *Server) InteractionResponse(interactionID string) (InteractionCallback, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.callbackLocked(interactionID)
}

// callbackLocked finds the callback for interactionID. f.mu must be held.
func (f *Server) callbackLocked(interactionID string) (InteractionCallback, bool) {
	i, found := f.callbackIdx[interactionID]
	if !found {
		return InteractionCallback{}, false
	}
	return f.callbacks[i], true
}

// answeredLocked returns the channel closed when interactionID is
// answered. f.mu must be held.
func (f *Server) answeredLocked(interactionID string) chan struct{} {
	ch := f.answered[interactionID]
	if ch == nil {
		ch = make(chan struct{})
		f.answered[interactionID] = ch
	}
	return ch
}

// WaitInteractionResponse waits until the bot has answered the interaction
// with the given ID (POST interactions/{id}/{token}/callback accepted) and
// returns the response. Use a ctx with a deadline to assert the bot
// answered in time (Discord allows 3 seconds). Waiting costs O(1) per
// interaction, so hundreds of concurrent waiters are cheap.
func (f *Server) WaitInteractionResponse(ctx context.Context, interactionID string) (discordgo.InteractionResponse, error) {
	f.mu.Lock()
	ch := f.answeredLocked(interactionID)
	f.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
		return discordgo.InteractionResponse{}, fmt.Errorf("discordfake: waiting for response to interaction %s: %w", interactionID, context.Cause(ctx))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	cb, _ := f.callbackLocked(interactionID)
	return cb.Response, nil
}

// Messages returns every message the bot created or edited, in order.
func (f *Server) Messages() []SentMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SentMessage(nil), f.sent...)
}

// Followups returns the follow-up messages (kind [KindFollowup]) sent for
// the interaction with the given ID.
func (f *Server) Followups(interactionID string) []SentMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []SentMessage
	for _, m := range f.sent {
		if m.Kind == KindFollowup && m.InteractionID == interactionID {
			out = append(out, m)
		}
	}
	return out
}

// WaitMessage waits until a message sent or edited by the bot (past or
// future) satisfies pred and returns the first such message.
func (f *Server) WaitMessage(ctx context.Context, pred func(SentMessage) bool) (SentMessage, error) {
	return waitFirst(ctx, f, "message", func() []SentMessage { return f.sent }, pred)
}

// Message returns the current state of a message known to the fake
// (created by the bot or dispatched with DispatchMessage); deleted
// messages are not found.
func (f *Server) Message(messageID string) (*discordgo.Message, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.messages[messageID]
	return m, ok
}

// OriginalResponse returns the current state of the interaction's
// original response message (after callbacks 4, 5, 6 or 7 and later
// edits), if it exists.
func (f *Server) OriginalResponse(interactionID string) (*discordgo.Message, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.interactions[interactionID]
	if st == nil || st.originalID == "" {
		return nil, false
	}
	m, ok := f.messages[st.originalID]
	return m, ok
}

// Commands returns the application commands registered for guildID, or
// the global commands if guildID is "".
func (f *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*discordgo.ApplicationCommand(nil), f.commands[guildID]...)
}

// registerMemberLocked stores a member and its user. f.mu must be held.
func (f *Server) registerMemberLocked(guildID string, m *discordgo.Member) {
	if m == nil || m.User == nil {
		return
	}
	f.members[guildID+"/"+m.User.ID] = m
	f.registerUserLocked(m.User)
}

// registerUserLocked stores u unless already known. f.mu must be held.
func (f *Server) registerUserLocked(u *discordgo.User) {
	if u == nil || u.ID == "" {
		return
	}
	if _, ok := f.users[u.ID]; !ok {
		f.users[u.ID] = u
	}
}

// registerChannelLocked registers a channel seen in an event unless it is
// already known. f.mu must be held.
func (f *Server) registerChannelLocked(channelID, guildID string, user *discordgo.User) {
	if channelID == "" {
		return
	}
	if _, ok := f.channels[channelID]; ok {
		return
	}
	c := &discordgo.Channel{ID: channelID, GuildID: guildID, Type: discordgo.ChannelTypeGuildText, Name: "channel-" + channelID}
	if guildID == "" {
		c.Type = discordgo.ChannelTypeDM
		c.Name = ""
		if user != nil {
			c.Recipients = []*discordgo.User{user}
			if _, ok := f.dmByUser[user.ID]; !ok {
				f.dmByUser[user.ID] = channelID
			}
		}
	}
	f.channels[channelID] = c
}

// AddAttachment hosts data under the given file name and returns its
// absolute URL on the fake (plain HTTP, no authentication needed). The
// same path is also reachable as https://cdn.discordapp.com/<path> through
// [Server.Transport].
func (f *Server) AddAttachment(name string, data []byte) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, u := f.hostLocked(name, "", data)
	return u
}

// hostLocked stores a file and returns its ID and URL. f.mu must be held.
func (f *Server) hostLocked(name, contentType string, data []byte) (id, u string) {
	id = f.ids.next()
	p := "/attachments/" + id + "/" + url.PathEscape(name)
	f.files[p] = hostedFile{contentType: contentType, data: data}
	return id, f.ts.URL + p
}

// attachmentLocked hosts file and describes it. f.mu must be held.
func (f *Server) attachmentLocked(file File) *discordgo.MessageAttachment {
	id, u := f.hostLocked(file.Name, file.ContentType, file.Data)
	return &discordgo.MessageAttachment{
		ID:          id,
		URL:         u,
		ProxyURL:    u,
		Filename:    file.Name,
		ContentType: file.ContentType,
		Size:        len(file.Data),
	}
}

// Identifies returns how many IDENTIFYs succeeded (READY sent).
func (f *Server) Identifies() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.identifies
}

// Resumes returns how many RESUMEs succeeded (RESUMED sent).
func (f *Server) Resumes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.resumes
}

// Heartbeats returns how many heartbeats (op 1) were acknowledged.
func (f *Server) Heartbeats() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.heartbeats
}

// WaitHeartbeat waits until the fake has acknowledged one more heartbeat
// than when it was called, plus a short settle time (a fifth of the
// heartbeat interval, at most 100ms). Call it right before
// [Server.DropConnections], [Server.RequestReconnect] or
// [Server.InvalidateSessions] to make reconnect tests deterministic:
// discordgo v0.29.0's heartbeat goroutine races with Session.Close, and a
// disruption that lands while that goroutine is between sending a
// heartbeat and going back to sleep can make it close the freshly resumed
// connection with code 1000, which (as on Discord) invalidates the session
// and forces a new IDENTIFY. Shortly after an ACK the goroutine is idle
// until the next interval, so the race cannot occur. It costs up to one
// heartbeat interval.
func (f *Server) WaitHeartbeat(ctx context.Context) error {
	f.mu.Lock()
	n := f.heartbeats
	f.mu.Unlock()
	if err := f.waitLocked(ctx, "heartbeat", func() bool { return f.heartbeats > n }); err != nil {
		return err
	}
	settle := min(f.opts.HeartbeatInterval/5, 100*time.Millisecond)
	t := time.NewTimer(settle)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("discordfake: waiting for heartbeat: %w", context.Cause(ctx))
	}
}

// GatewayPayloads returns every payload clients sent on the gateway except
// heartbeats (IDENTIFY, RESUME, presence updates, ...), in order.
func (f *Server) GatewayPayloads() []GatewayPayload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]GatewayPayload(nil), f.payloads...)
}
