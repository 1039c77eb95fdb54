package discordfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsPath is the URL path of the gateway WebSocket endpoint.
const wsPath = "/gateway-ws"

// Gateway opcodes.
const (
	opDispatch            = 0
	opHeartbeat           = 1
	opIdentify            = 2
	opPresenceUpdate      = 3
	opVoiceStateUpdate    = 4
	opResume              = 6
	opReconnect           = 7
	opRequestGuildMembers = 8
	opInvalidSession      = 9
	opHello               = 10
	opHeartbeatAck        = 11
)

// Gateway close codes.
const (
	closeUnknownOpcode        = 4001
	closeDecodeError          = 4002
	closeNotAuthenticated     = 4003
	closeAuthenticationFailed = 4004
	closeAlreadyAuthenticated = 4005
)

// writeTimeout bounds every gateway write.
const writeTimeout = 5 * time.Second

// gwConn is one gateway WebSocket connection.
type gwConn struct {
	ws      *websocket.Conn
	writeMu sync.Mutex
	// sess is only accessed by the connection's read goroutine.
	sess *gwSession
}

// write sends one payload.
func (c *gwConn) write(p outPayload) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteJSON(p)
}

// closeWith sends a close frame with code and closes the connection.
func (c *gwConn) closeWith(code int, text string) {
	c.writeMu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.writeMu.Unlock()
	_ = c.ws.Close()
}

// gwSession is a gateway session created by IDENTIFY; it survives
// connection drops and can be resumed.
type gwSession struct {
	id  string
	srv *Server
	// shard and count are the IDENTIFY's shard array (0 and 1 without
	// one): the session receives only its shard's guilds' events.
	shard, count int

	mu      sync.Mutex
	seq     int64
	events  []gwEvent
	conn    *gwConn
	invalid bool
}

// gwEvent is a dispatched event kept for replay on RESUME.
type gwEvent struct {
	seq  int64
	typ  string
	data json.RawMessage
}

// outPayload is a payload sent by the fake.
type outPayload struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
}

// inPayload is a payload received from a client.
type inPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// dispatchLocked assigns the next sequence number to an event, stores it
// for replay and sends it if a connection is attached. s.mu must be held.
func (s *gwSession) dispatchLocked(typ string, data json.RawMessage) {
	s.seq++
	ev := gwEvent{seq: s.seq, typ: typ, data: data}
	s.events = append(s.events, ev)
	s.sendLocked(ev)
	f := s.srv
	f.mu.Lock()
	// No notify: the event's effects (the bot's requests) wake waiters.
	f.deliveries = append(f.deliveries, Delivery{Type: typ, GuildID: eventGuild(data), Shard: s.shard, SessionID: s.id})
	f.mu.Unlock()
}

// sendLocked writes ev to the attached connection, detaching and closing
// it on failure (the client will resume and get the event replayed).
// s.mu must be held.
func (s *gwSession) sendLocked(ev gwEvent) {
	if s.conn == nil {
		return
	}
	seq, typ := ev.seq, ev.typ
	if err := s.conn.write(outPayload{Op: opDispatch, D: ev.data, S: &seq, T: &typ}); err != nil {
		_ = s.conn.ws.Close()
		s.conn = nil
	}
}

// serveGateway upgrades r to a WebSocket and runs the gateway protocol.
func (f *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := f.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade already replied with an error.
	}
	c := &gwConn{ws: ws}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		_ = ws.Close()
		return
	}
	f.conns[c] = struct{}{}
	f.wsWG.Add(1)
	f.mu.Unlock()
	defer f.wsWG.Done()
	f.runConn(c)
}

// runConn handles one gateway connection until it closes.
func (f *Server) runConn(c *gwConn) {
	var closeErr *websocket.CloseError
	defer func() {
		if s := c.sess; s != nil {
			s.mu.Lock()
			if s.conn == c {
				s.conn = nil
			}
			// A client closing with 1000/1001 ends its session, as on Discord.
			if closeErr != nil && (closeErr.Code == websocket.CloseNormalClosure || closeErr.Code == websocket.CloseGoingAway) {
				s.invalid = true
			}
			s.mu.Unlock()
		}
		_ = c.ws.Close()
		f.mu.Lock()
		delete(f.conns, c)
		f.notify()
		f.mu.Unlock()
	}()

	hello := map[string]int64{"heartbeat_interval": f.opts.HeartbeatInterval.Milliseconds()}
	if err := c.write(outPayload{Op: opHello, D: hello}); err != nil {
		return
	}
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			errors.As(err, &closeErr)
			f.log.Debug("gateway connection closed", "err", err)
			return
		}
		var p inPayload
		if err := json.Unmarshal(data, &p); err != nil {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return
		}
		f.log.Debug("gateway receive", "op", p.Op)
		if p.Op != opHeartbeat {
			f.mu.Lock()
			f.payloads = append(f.payloads, GatewayPayload{Op: p.Op, Data: p.D})
			f.notify()
			f.mu.Unlock()
		}
		switch p.Op {
		case opHeartbeat:
			if err := c.write(outPayload{Op: opHeartbeatAck}); err != nil {
				return
			}
			f.mu.Lock()
			f.heartbeats++
			f.notify()
			f.mu.Unlock()
		case opIdentify:
			if !f.identify(c, p.D) {
				return
			}
		case opResume:
			if !f.resume(c, p.D) {
				return
			}
		case opPresenceUpdate, opVoiceStateUpdate, opRequestGuildMembers:
			if c.sess == nil {
				c.closeWith(closeNotAuthenticated, "Not authenticated.")
				return
			}
		default:
			c.closeWith(closeUnknownOpcode, "Unknown opcode.")
			return
		}
	}
}

// tokenOK reports whether a gateway token matches the configured one.
func (f *Server) tokenOK(token string) bool {
	return strings.TrimPrefix(token, "Bot ") == f.opts.Token
}

// identify handles op 2. It returns false if the connection was closed.
func (f *Server) identify(c *gwConn, data json.RawMessage) bool {
	if c.sess != nil {
		c.closeWith(closeAlreadyAuthenticated, "Already authenticated.")
		return false
	}
	var id struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	if err := json.Unmarshal(data, &id); err != nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if !f.tokenOK(id.Token) {
		c.closeWith(closeAuthenticationFailed, "Authentication failed.")
		return false
	}
	shard, count, valid := shardArray(id.Shard)
	if !valid {
		c.closeWith(closeInvalidShard, "Invalid shard.")
		return false
	}

	s := &gwSession{id: randomHex(16), srv: f, shard: shard, count: count}
	ready := f.readyData(s, id.Shard)
	readyRaw, err := json.Marshal(ready)
	if err != nil {
		c.closeWith(closeDecodeError, err.Error())
		return false
	}

	// Register the session before READY reaches the client, holding s.mu
	// so that concurrent dispatches queue up behind READY.
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn = c
	c.sess = s
	f.mu.Lock()
	f.sessions[s.id] = s
	f.identifies++
	f.identified = append(f.identified, Identify{Shard: shard, ShardCount: count, SessionID: s.id, At: time.Now()})
	f.notify()
	f.mu.Unlock()
	s.dispatchLocked("READY", readyRaw)
	for _, g := range f.opts.Guilds {
		raw, err := json.Marshal(g)
		if err == nil && s.wants(g.ID) {
			s.dispatchLocked("GUILD_CREATE", raw)
		}
	}
	return true
}

// readyData is the READY event for session s: the bot, the application,
// and the guilds of s's shard, unavailable until their GUILD_CREATE;
// shard is the IDENTIFY's shard array, echoed when there was one.
func (f *Server) readyData(s *gwSession, shard *[2]int) map[string]any {
	type unavailableGuild struct {
		ID          string `json:"id"`
		Unavailable bool   `json:"unavailable"`
	}
	guilds := make([]unavailableGuild, 0, len(f.opts.Guilds))
	for _, g := range f.opts.Guilds {
		if s.wants(g.ID) {
			guilds = append(guilds, unavailableGuild{ID: g.ID, Unavailable: true})
		}
	}
	ready := map[string]any{
		"v":                  10,
		"session_id":         s.id,
		"resume_gateway_url": f.wsURL,
		"user":               f.botUser,
		"application":        map[string]any{"id": f.opts.ApplicationID, "flags": 0},
		"guilds":             guilds,
		"private_channels":   []any{},
	}
	if shard != nil {
		ready["shard"] = shard
	}
	return ready
}

// resume handles op 6. It returns false if the connection was closed.
func (f *Server) resume(c *gwConn, data json.RawMessage) bool {
	if c.sess != nil {
		c.closeWith(closeAlreadyAuthenticated, "Already authenticated.")
		return false
	}
	var rp struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(data, &rp); err != nil {
		c.closeWith(closeDecodeError, "Error while decoding payload.")
		return false
	}
	if !f.tokenOK(rp.Token) {
		c.closeWith(closeAuthenticationFailed, "Authentication failed.")
		return false
	}
	f.mu.Lock()
	s := f.sessions[rp.SessionID]
	f.mu.Unlock()
	invalid := func() bool {
		return c.write(outPayload{Op: opInvalidSession, D: false}) == nil
	}
	if s == nil {
		return invalid()
	}

	s.mu.Lock()
	if s.invalid {
		s.mu.Unlock()
		return invalid()
	}
	if old := s.conn; old != nil && old != c {
		_ = old.ws.Close()
	}
	s.conn = c
	c.sess = s
	for _, ev := range s.events {
		if ev.seq > rp.Seq {
			s.sendLocked(ev)
		}
	}
	f.mu.Lock()
	f.resumes++
	f.notify()
	f.mu.Unlock()
	s.dispatchLocked("RESUMED", json.RawMessage(`{}`))
	s.mu.Unlock()
	return true
}

// allSessions returns every session, including invalidated ones.
func (f *Server) allSessions() []*gwSession {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]*gwSession, 0, len(f.sessions))
	for _, s := range f.sessions {
		out = append(out, s)
	}
	return out
}

// Dispatch sends a dispatch event (op 0) of the given type to every
// gateway session of the event's shard, as Discord does: an event whose
// data has a guild_id goes to the sessions whose IDENTIFY asked for shard
// [GuildShard](guild_id, shard count), any other (a direct message) to
// those of shard 0; a session that identified without a shard array is
// shard 0 of 1 and receives everything. data is JSON-encoded unless it
// is a json.RawMessage. Each session numbers events with its own
// sequence. If a session's connection is currently down the event is
// queued and replayed when the client resumes. Dispatch returns after
// the event was written (or queued); it returns [ErrNoSession] if no
// session of that shard exists.
func (f *Server) Dispatch(eventType string, data any) error {
	raw, ok := data.(json.RawMessage)
	if !ok {
		var err error
		if raw, err = json.Marshal(data); err != nil {
			return fmt.Errorf("discordfake: encoding %s: %w", eventType, err)
		}
	}
	sent, guild := 0, eventGuild(raw)
	for _, s := range f.allSessions() {
		s.mu.Lock()
		if !s.invalid && s.wants(guild) {
			s.dispatchLocked(eventType, raw)
			sent++
		}
		s.mu.Unlock()
	}
	if sent == 0 {
		return ErrNoSession
	}
	f.log.Debug("gateway dispatch", "type", eventType)
	return nil
}

// Connected returns the number of gateway sessions that currently have a
// live, authenticated connection.
func (f *Server) Connected() int {
	n := 0
	for _, s := range f.allSessions() {
		s.mu.Lock()
		if s.conn != nil && !s.invalid {
			n++
		}
		s.mu.Unlock()
	}
	return n
}

// WaitReady waits until at least one client has an authenticated gateway
// connection (READY or RESUMED sent and the connection still up).
func (f *Server) WaitReady(ctx context.Context) error {
	return f.WaitFor(ctx, func() bool { return f.Connected() > 0 })
}

// DropConnections abruptly closes every gateway connection (TCP close,
// no close frame), as a network failure would. Sessions stay resumable:
// discordgo reconnects and RESUMEs, and events dispatched meanwhile are
// replayed.
func (f *Server) DropConnections() {
	for _, s := range f.allSessions() {
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
	}
	f.mu.Lock()
	conns := make([]*gwConn, 0, len(f.conns))
	for c := range f.conns {
		conns = append(conns, c)
	}
	f.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
}

// RequestReconnect sends op 7 (Reconnect) on every live session's
// connection; discordgo closes with code 1012 and RESUMEs.
func (f *Server) RequestReconnect() {
	for _, s := range f.allSessions() {
		s.mu.Lock()
		if s.conn != nil {
			if err := s.conn.write(outPayload{Op: opReconnect}); err != nil {
				_ = s.conn.ws.Close()
				s.conn = nil
			}
		}
		s.mu.Unlock()
	}
}

// InvalidateSessions makes every existing session non-resumable and drops
// all connections. The client's RESUME is answered with op 9 (Invalid
// Session, d=false), after which discordgo IDENTIFYs again.
func (f *Server) InvalidateSessions() {
	for _, s := range f.allSessions() {
		s.mu.Lock()
		s.invalid = true
		s.mu.Unlock()
	}
	f.DropConnections()
}
